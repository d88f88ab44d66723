//! Login page: shown in place of any page that needs a session, with the expiry notice if any.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::api_status::ApiStatus;
use crate::session::use_session;

/// The login form (email and password), DSFR style.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::login(email.get_untracked(), password.get_untracked()).await {
                Ok(answer) => session.sign_in(answer),
                Err(e) => error.set(Some(e.message())),
            }
            pending.set(false);
        });
    };

    view! {
        <h1>"Connexion"</h1>
        <div aria-live="polite" data-testid="login-notice">
            {move || session.notice.get().map(|notice| view! {
                <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w" role="status">
                    <p>{notice}</p>
                </div>
            })}
        </div>
        <form class="tdb-login" on:submit=on_submit data-testid="login-form">
            <fieldset class="fr-fieldset">
                <legend class="fr-fieldset__legend">
                    "Identifiez-vous avec votre adresse électronique professionnelle"
                </legend>
                <div class="fr-fieldset__element">
                    <div class="fr-input-group">
                        <label class="fr-label" for="login-email">
                            "Adresse électronique"
                            <span class="fr-hint-text">"Format attendu : nom@domaine.fr"</span>
                        </label>
                        <input class="fr-input" id="login-email" name="email" type="email"
                            autocomplete="username" required
                            prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                    </div>
                </div>
                <div class="fr-fieldset__element">
                    <div class="fr-input-group">
                        <label class="fr-label" for="login-password">"Mot de passe"</label>
                        <input class="fr-input" id="login-password" name="password" type="password"
                            autocomplete="current-password" required
                            prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                        <p class="fr-mt-1w fr-mb-0">
                            <a class="fr-link fr-text--sm" href="/mot-de-passe-oublie" data-testid="forgot-link">
                                "Mot de passe oublié ?"
                            </a>
                        </p>
                    </div>
                </div>
                <div aria-live="assertive" data-testid="login-error">
                    {move || error.get().map(|message| view! {
                        <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert">
                            <p>{message}</p>
                        </div>
                    })}
                </div>
                <div class="fr-fieldset__element">
                    <button class="fr-btn" type="submit" disabled=move || pending.get()>
                        "Se connecter"
                    </button>
                </div>
            </fieldset>
        </form>
        <div class="fr-mt-4w"><ApiStatus/></div>
    }
}

/// Renders `children` for a signed-in user, the login page otherwise (in place: once signed in, the
/// person is on the page they asked for); while the session is being resumed at startup, a wait.
#[component]
pub fn RequireSession(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let signed_in = move || session.user.with(Option::is_some);
    view! {
        <Show when=signed_in fallback=move || if session.resuming.get() {
            view! { <p role="status" data-testid="resuming">"Reprise de votre session…"</p> }.into_any()
        } else {
            view! { <LoginPage/> }.into_any()
        }>
            {children()}
        </Show>
    }
}
