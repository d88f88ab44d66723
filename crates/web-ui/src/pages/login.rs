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

    let submit = move || {
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
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit();
    };
    // What was typed into the login form of index.html while the app downloaded comes into this one.
    Effect::new(move || {
        if let Some(typed) = boot::take() {
            email.set(typed.email);
            password.set(typed.password);
            if let Some(id) = typed.focused {
                boot::focus(id);
            }
            if typed.submitted {
                submit();
            }
        }
    });

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

/// The login form `index.html` shows before the app has downloaded (`#demarrage-connexion`), taken over
/// by the app's when it mounts.
mod boot {
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlElement, HtmlInputElement};

    /// What the person did in the form of `index.html`.
    pub struct Typed {
        pub email: String,
        pub password: String,
        /// The app's field matching the one that had the focus.
        pub focused: Option<&'static str>,
        /// « Se connecter » was clicked.
        pub submitted: bool,
    }

    /// Reads the form of `index.html`, then removes it (the password must not linger in the page);
    /// `None` when it was not shown (a session to resume, a public page) or is gone already.
    pub fn take() -> Option<Typed> {
        let document = web_sys::window()?.document()?;
        let boot = document.get_element_by_id("tdb-demarrage")?;
        let shown = document
            .get_element_by_id("demarrage-connexion")
            .is_some_and(|c| !c.has_attribute("hidden"));
        let value = |id: &str| {
            document
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default()
        };
        let typed = shown.then(|| {
            let focused = document.active_element().map(|e| e.id());
            Typed {
                email: value("demarrage-email"),
                password: value("demarrage-password"),
                focused: match focused.as_deref() {
                    Some("demarrage-email") => Some("login-email"),
                    Some("demarrage-password") => Some("login-password"),
                    _ => None,
                },
                submitted: document
                    .get_element_by_id("demarrage-formulaire")
                    .is_some_and(|f| f.has_attribute("data-envoye")),
            }
        });
        boot.remove();
        typed
    }

    /// Puts the focus on the app's field `id`, the caret after what was typed.
    pub fn focus(id: &str) {
        let field = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
        }
    }
}

#[cfg(test)]
mod tests {
    /// The login form `index.html` paints before the app says and asks what the app's says, with the
    /// same DSFR markup (so that nothing moves when the app's replaces it).
    #[test]
    fn index_html_shows_the_same_login_form_as_the_app() {
        let html = include_str!("../../index.html");
        let source = include_str!("login.rs");
        let app = &source[..source.find("#[cfg(test)]").unwrap_or(source.len())];
        for expected in [
            "<h1>\"Connexion\"</h1>|<h1>Connexion</h1>",
            "<form class=\"tdb-login\"|<form class=\"tdb-login\"",
            "\"Identifiez-vous avec votre adresse électronique professionnelle\"|>Identifiez-vous avec votre adresse électronique professionnelle<",
            "\"Adresse électronique\"|>Adresse électronique<",
            "\"Format attendu : nom@domaine.fr\"|>Format attendu : nom@domaine.fr<",
            "\"Mot de passe\"|>Mot de passe<",
            "\"Mot de passe oublié ?\"|>Mot de passe oublié ?<",
            "\"Se connecter\"|>Se connecter<",
            "type=\"email\"|type=\"email\"",
            "autocomplete=\"username\"|autocomplete=\"username\"",
            "autocomplete=\"current-password\"|autocomplete=\"current-password\"",
            "href=\"/mot-de-passe-oublie\"|href=\"/mot-de-passe-oublie\"",
            "<legend class=\"fr-fieldset__legend\">|<legend class=\"fr-fieldset__legend\">",
        ] {
            let (in_app, in_html) = expected.split_once('|').unwrap_or_default();
            assert!(app.contains(in_app), "the app's login form lacks {in_app}");
            assert!(html.contains(in_html), "index.html's login form lacks {in_html}");
        }
        // The early form shows only where the app would show its login page: without the session hint
        // the app itself reads.
        let hint = format!("localStorage.getItem(\"{}\") === \"1\"", crate::session::HINT);
        assert!(
            html.contains(&hint),
            "index.html does not read the session hint: {hint}"
        );
        // The app takes over the fields and the form by these names.
        for id in [
            "demarrage-email",
            "demarrage-password",
            "demarrage-formulaire",
            "demarrage-connexion",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "index.html lacks #{id}");
            assert!(app.contains(&format!("\"{id}\"")), "the app does not read #{id}");
        }
    }
}
