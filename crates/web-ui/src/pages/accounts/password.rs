//! The public password pages: « Mot de passe oublié » (asks for a link by mail) and « Définir mon mot
//! de passe », opened from the link of an invitation or a reset. The link's token is in the fragment
//! (`#jeton=…`): read once, then removed from the address bar, never sent in a URL.

use leptos::prelude::*;
use tdb_domain::contract::{LinkInfo, LinkPurpose, PasswordSet};
use wasm_bindgen::JsValue;

use super::{checked_input, refusal, rules, success};
use crate::api;
use crate::components::alert::error_alert;
use crate::format;
use crate::pages::cpom::form::{self, Submit};

/// The answer to a request of a link, whether the address has an account or not.
const LINK_SENT: &str = "Si un compte existe pour cette adresse, un courriel avec un lien vous a été envoyé. \
                             Le lien est valable une heure.";

/// The rules of a password, shown before it is typed.
const RULES: &str = "Au moins 12 caractères, ni courant ni facile à deviner.";

/// `/mot-de-passe-oublie`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let submit = Submit::new();
    let sent = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(None);
        submit.run(api::forgot_password(email.get_untracked()), move |()| {
            sent.set(Some(LINK_SENT.to_owned()));
        });
    };
    view! {
        <h1>"Mot de passe oublié"</h1>
        <p>"Indiquez l'adresse électronique de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe."</p>
        <form class="tdb-login" on:submit=on_submit data-testid="forgot-form">
            {checked_input("email", "Adresse électronique", Some("Format attendu : nom@domaine.fr"), "email",
                "username", email, Signal::derive(|| None))}
            {refusal(submit)}
            {success(sent)}
            {form::submit_button("Recevoir un lien", submit)}
        </form>
        <p class="fr-mt-3w"><a class="fr-link" href="/">"Retour à la connexion"</a></p>
    }
}

/// The token of the page's fragment, removed from the address bar (`history.replaceState`).
fn take_token() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let token = rules::token_of(&location.hash().ok()?);
    if token.is_some() {
        let path = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
        }
    }
    token
}

/// « Ce lien n'est plus valable… » with the way to ask for a new one.
fn link_gone() -> AnyView {
    view! {
        <div class="fr-alert fr-alert--error" role="alert" data-testid="link-gone">
            <p>"Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez un nouveau lien."</p>
        </div>
        <p class="fr-mt-2w"><a class="fr-link" href="/mot-de-passe-oublie">"Demander un nouveau lien"</a></p>
    }
    .into_any()
}

/// `/definir-mot-de-passe#jeton=…`.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let body = match take_token() {
        None => view! {
            <div class="fr-alert fr-alert--error" role="alert">
                <p>"Ce lien est incomplet. Ouvrez le lien reçu par courriel, ou demandez un nouveau lien."</p>
            </div>
            <p class="fr-mt-2w"><a class="fr-link" href="/mot-de-passe-oublie">"Demander un nouveau lien"</a></p>
        }
        .into_any(),
        Some(token) => {
            let info = form::fetched(api::link_info(token.clone()));
            let token = StoredValue::new(token);
            view! {
                {move || info.with(|answer| match answer {
                    None => view! { <p role="status">"Vérification du lien…"</p> }.into_any(),
                    Some(Ok(info)) => set_form(info, token.get_value()),
                    Some(Err(error)) if rules::link_gone(error) => link_gone(),
                    Some(Err(error)) => error_alert(error).into_any(),
                })}
            }
            .into_any()
        }
    };
    view! {
        <h1>"Définir mon mot de passe"</h1>
        <div data-testid="set-password-page">{body}</div>
    }
}

fn set_form(info: &LinkInfo, token: String) -> AnyView {
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let submit = Submit::new();
    let done = RwSignal::new(false);
    let token = StoredValue::new(token);
    let purpose = match info.purpose {
        LinkPurpose::Invitation => "Invitation : choisissez le mot de passe de votre nouveau compte.",
        LinkPurpose::Reset => "Réinitialisation : choisissez un nouveau mot de passe.",
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !matching(password, confirmation, mismatch) {
            return;
        }
        let body = PasswordSet {
            token: token.get_value(),
            password: password.get_untracked(),
        };
        submit.run(async move { api::set_password(&body).await }, move |()| {
            done.set(true)
        });
    };
    view! {
        <p data-testid="link-account"><strong>{format!("Compte : {}", info.email)}</strong></p>
        <p>{purpose} " " {format!("Lien valable jusqu'au {}.", format::date_time(&info.expires_at))}</p>
        <div aria-live="polite">
            {move || done.get().then(|| view! {
                <div class="fr-alert fr-alert--success fr-mb-2w" role="status" data-testid="password-set">
                    <p>"Votre mot de passe est enregistré."</p>
                </div>
                <a class="fr-btn" href="/">"Se connecter"</a>
            })}
        </div>
        {move || (!done.get()).then(|| view! {
            <form class="tdb-login" on:submit=on_submit data-testid="set-password-form">
                {new_password_fields(password, confirmation, mismatch, submit, "/password")}
                {move || if submit.error.with(|e| e.as_ref().is_some_and(rules::link_gone)) {
                    link_gone()
                } else {
                    refusal(submit)
                }}
                {form::submit_button("Enregistrer le mot de passe", submit)}
            </form>
        })}
    }
    .into_any()
}

/// Whether the password and its confirmation match; `mismatch` says so at the confirmation field.
pub fn matching(
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
    mismatch: RwSignal<bool>,
) -> bool {
    let same = password.get_untracked() == confirmation.get_untracked();
    mismatch.set(!same);
    same
}

/// « Nouveau mot de passe » with its rules and its confirmation; the server's refusal of the password
/// (at `path`) and a confirmation that differs show under their field.
pub fn new_password_fields(
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
    mismatch: RwSignal<bool>,
    submit: Submit,
    path: &'static str,
) -> AnyView {
    let refused = Signal::derive(move || {
        submit
            .error
            .with(|e| e.as_ref().and_then(|e| rules::field_message(e, path)))
    });
    let differs = Signal::derive(move || {
        mismatch
            .get()
            .then(|| "Les deux mots de passe ne sont pas identiques.".to_owned())
    });
    view! {
        {checked_input("new-password", "Nouveau mot de passe", Some(RULES), "password", "new-password",
            password, refused)}
        {checked_input("confirmation", "Confirmation du nouveau mot de passe", None, "password", "new-password",
            confirmation, differs)}
    }
    .into_any()
}
