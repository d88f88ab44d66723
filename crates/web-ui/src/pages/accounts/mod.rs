//! Account pages (docs/accounts.md): « Utilisateurs » (list, invitation one by one or from a CSV file,
//! changes), « Clients API », « Mon compte », and the public pages of passwords (« Mot de passe
//! oublié », « Définir mon mot de passe » from a one-time link). The pieces they share are here; the
//! form pieces are the CPOM ones ([`crate::pages::cpom::form`]).

mod clients;
mod invite;
mod my_account;
mod password;
pub mod rules;
mod users;

pub use clients::ClientsPage;
pub use my_account::MyAccountPage;
pub use password::{ForgotPasswordPage, SetPasswordPage};
pub use users::UsersPage;

use leptos::html;
use leptos::prelude::*;
use tdb_domain::contract::Role;

use crate::pages::cpom::form::{self, Submit};
use crate::session::use_session;

/// Renders `children` when the signed-in role is `allowed`, a refusal otherwise.
#[component]
pub fn RequireRole(
    /// The roles that may see the page.
    allowed: fn(Role) -> bool,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    view! {
        <Show when=move || session.role().is_some_and(allowed) fallback=|| view! {
            <h1>"Accès refusé"</h1>
            <div class="fr-alert fr-alert--error" role="alert">
                <p>"Votre rôle ne donne pas accès à cette page."</p>
            </div>
        }>
            {children()}
        </Show>
    }
}

/// A success message, announced politely (`role=status`); nothing while `message` is `None`.
pub fn success(message: RwSignal<Option<String>>) -> AnyView {
    view! {
        <div aria-live="polite">
            {move || message.get().map(|text| view! {
                <div class="fr-alert fr-alert--success fr-alert--sm fr-my-2w" role="status" data-testid="success">
                    <p>{text}</p>
                </div>
            })}
        </div>
    }
    .into_any()
}

/// A button asking for a confirmation first: `label`, then `question` with « Confirmer » (focused) and
/// « Annuler » (which gives the focus back to the button); confirming runs `action`. `submit` is the
/// request it starts (the button waits for it).
pub fn confirmed(
    label: &'static str,
    question: String,
    testid: &'static str,
    submit: Submit,
    action: Callback<()>,
) -> AnyView {
    let asked = RwSignal::new(false);
    let cancelled = StoredValue::new(false);
    let question = StoredValue::new(question);
    view! {
        <span>
            {move || if asked.get() {
                let confirm = NodeRef::<html::Button>::new();
                confirm.on_load(|button| {
                    let _ = button.focus();
                });
                let id = form::fresh_id();
                view! {
                    <span role="group" aria-label=label>
                        <span class="fr-text--sm fr-mr-1w" id=id.clone()>{question.get_value()}</span>
                        <button type="button" class="fr-btn fr-btn--sm fr-mr-1w" node_ref=confirm aria-describedby=id
                            data-testid=format!("confirm-{testid}") disabled=move || submit.busy.get()
                            on:click=move |_| {
                                asked.set(false);
                                action.run(());
                            }>"Confirmer"</button>
                        <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary"
                            on:click=move |_| {
                                cancelled.set_value(true);
                                asked.set(false);
                            }>"Annuler"</button>
                    </span>
                }.into_any()
            } else {
                let ask = NodeRef::<html::Button>::new();
                ask.on_load(move |button| {
                    if cancelled.get_value() {
                        let _ = button.focus();
                    }
                });
                view! {
                    <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" data-testid=testid node_ref=ask
                        on:click=move |_| asked.set(true)>{label}</button>
                }.into_any()
            }}
        </span>
    }
    .into_any()
}

/// A labelled input whose refusal message (`error`) shows under it, announced and tied to it by
/// `aria-describedby`.
pub fn checked_input(
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    kind: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> AnyView {
    let id = form::fresh_id();
    let error_id = format!("{id}-erreur");
    let described = error_id.clone();
    view! {
        <div class="fr-input-group" class:fr-input-group--error=move || error.with(Option::is_some)>
            <label class="fr-label" for=id.clone()>
                {label}
                {hint.map(|hint| view! { <span class="fr-hint-text">{hint}</span> })}
            </label>
            <input class="fr-input" id=id name=name
                type=kind autocomplete=autocomplete required
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=move || error.with(Option::is_some).then(|| described.clone())
                bind:value=value/>
            <div aria-live="polite">
                {move || error.get().map(|message| view! {
                    <p class="fr-error-text" id=error_id.clone()>{message}</p>
                })}
            </div>
        </div>
    }
    .into_any()
}

/// The message of a refusal, announced (`role=alert`), without its field messages (shown at the fields).
pub fn refusal(submit: Submit) -> AnyView {
    view! {
        <div aria-live="assertive">
            {move || submit.error.get().map(|error| view! {
                <div class="fr-alert fr-alert--error fr-alert--sm fr-my-2w" role="alert" data-testid="form-error">
                    <p>{error.message()}</p>
                </div>
            })}
        </div>
    }
    .into_any()
}
