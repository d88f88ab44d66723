//! Login page: shown in place of any page that needs a session, with the expiry notice if any.

use leptos::portal::Portal;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::api_status::ApiStatus;
use crate::session::use_session;

/// The login form (email and password), DSFR style: `index.html`'s, adopted as it is when it is on
/// screen (the first page of a browser with no session), else drawn by the app (after a sign-out, or
/// when a session expires).
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let send = move |email: String, password: String| {
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::login(email, password).await {
                Ok(answer) => session.sign_in(answer),
                Err(e) => error.set(Some(e.message())),
            }
            pending.set(false);
        });
    };
    let notice = move || {
        session.notice.get().map(|notice| {
            view! {
                <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w" role="status">
                    <p>{notice}</p>
                </div>
            }
        })
    };
    let refusal = move || {
        error.get().map(|message| {
            view! {
                <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert">
                    <p>{message}</p>
                </div>
            }
        })
    };
    let form = match boot::adopt() {
        Some(early) => {
            early.on_submit(send);
            let button = early.button.clone();
            Effect::new(move || {
                let _ = button.toggle_attribute_with_force("disabled", pending.get());
            });
            if early.sent {
                send(early.email(), early.password());
            }
            // The notice and the refusal go into the places the early form keeps for them.
            view! {
                <Portal mount=early.notice>{notice}</Portal>
                <Portal mount=early.error>{refusal}</Portal>
            }
            .into_any()
        }
        None => drawn(notice, refusal, send, pending).into_any(),
    };
    view! {
        {form}
        <div class="fr-mt-4w"><ApiStatus/></div>
    }
}

/// The login form the app draws when `index.html`'s is gone: the same texts and markup (test below).
fn drawn<N, R>(
    notice: impl Fn() -> N + Send + Sync + 'static,
    refusal: impl Fn() -> R + Send + Sync + 'static,
    send: impl Fn(String, String) + Copy + Send + Sync + 'static,
    pending: RwSignal<bool>,
) -> impl IntoView
where
    N: IntoView + 'static,
    R: IntoView + 'static,
{
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(email.get_untracked(), password.get_untracked());
    };
    view! {
        <h1>"Connexion"</h1>
        <div aria-live="polite" data-testid="login-notice">{notice}</div>
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
                <div aria-live="assertive" data-testid="login-error">{refusal}</div>
                <div class="fr-fieldset__element">
                    <button class="fr-btn" type="submit" disabled=move || pending.get()>
                        "Se connecter"
                    </button>
                </div>
            </fieldset>
        </form>
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

/// The login form `index.html` shows before the app has downloaded (`#demarrage-connexion`), adopted by
/// the app's login page: the same nodes stay on screen (what was typed, the focus, and the page's
/// largest paint, which a redrawn form would have made late), the app listens to them.
mod boot {
    use leptos::prelude::on_cleanup;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Element, HtmlInputElement};

    /// The early form's block in `<main>`, marked `data-adopte` once the app has taken it (style/app.css),
    /// removed when the page that adopted it leaves.
    const BLOCK: &str = "demarrage-connexion";

    /// The early form, adopted.
    pub struct Early {
        form: Element,
        email: HtmlInputElement,
        password: HtmlInputElement,
        /// « Se connecter ».
        pub button: Element,
        /// The place of the session's notice (above the form).
        pub notice: Element,
        /// The place of the refusal (above « Se connecter »).
        pub error: Element,
        /// « Se connecter » was clicked before the app was there.
        pub sent: bool,
    }

    /// Adopts the early form when it is on screen and not adopted yet (`None`: a session was resumed, a
    /// public page, or it is gone); it is removed with the page that adopted it (the password must not
    /// linger in the page).
    pub fn adopt() -> Option<Early> {
        let document = web_sys::window()?.document()?;
        let block = document
            .get_element_by_id(BLOCK)
            .filter(|b| !b.has_attribute("hidden") && !b.has_attribute("data-adopte"))?;
        let by_id = |id: &str| document.get_element_by_id(id);
        let input = |id: &str| by_id(id)?.dyn_into::<HtmlInputElement>().ok();
        let form = by_id("demarrage-formulaire")?;
        let early = Early {
            email: input("login-email")?,
            password: input("login-password")?,
            button: form.query_selector("button[type=submit]").ok()??,
            notice: by_id("demarrage-avis")?,
            error: by_id("demarrage-erreur")?,
            sent: form.has_attribute("data-envoye"),
            form,
        };
        block.set_attribute("data-adopte", "").ok()?;
        if let Some(status) = by_id("demarrage-envoi") {
            status.set_text_content(None);
        }
        on_cleanup(|| {
            if let Some(block) = leptos::prelude::document().get_element_by_id(BLOCK) {
                block.remove();
            }
        });
        Some(early)
    }

    impl Early {
        /// The email typed.
        pub fn email(&self) -> String {
            self.email.value()
        }

        /// The password typed.
        pub fn password(&self) -> String {
            self.password.value()
        }

        /// Calls `send` with the email and password at each submission of the form, while the page lives.
        pub fn on_submit(&self, send: impl Fn(String, String) + 'static) {
            let (email, password) = (self.email.clone(), self.password.clone());
            let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
                event.prevent_default();
                send(email.value(), password.value());
            });
            let added = self
                .form
                .add_event_listener_with_callback("submit", listener.as_ref().unchecked_ref());
            if added.is_ok() {
                let kept = SendWrapper::new((self.form.clone(), listener));
                on_cleanup(move || {
                    let (form, listener) = kept.take();
                    let _ =
                        form.remove_event_listener_with_callback("submit", listener.as_ref().unchecked_ref());
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The login form `index.html` paints before the app (and the app adopts) says and asks what the
    /// form the app draws says, with the same DSFR markup, ids and test ids.
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
            "id=\"login-email\" name=\"email\" type=\"email\"|id=\"login-email\" name=\"email\" type=\"email\"",
            "id=\"login-password\" name=\"password\" type=\"password\"|id=\"login-password\" name=\"password\" type=\"password\"",
            "autocomplete=\"username\"|autocomplete=\"username\"",
            "autocomplete=\"current-password\"|autocomplete=\"current-password\"",
            "href=\"/mot-de-passe-oublie\" data-testid=\"forgot-link\"|href=\"/mot-de-passe-oublie\" data-testid=\"forgot-link\"",
            "<legend class=\"fr-fieldset__legend\">|<legend class=\"fr-fieldset__legend\">",
            "<div aria-live=\"polite\" data-testid=\"login-notice\">|<div aria-live=\"polite\" data-testid=\"login-notice\"",
            "<div aria-live=\"assertive\" data-testid=\"login-error\">|<div aria-live=\"assertive\" data-testid=\"login-error\"",
            "data-testid=\"login-form\"|data-testid=\"login-form\"",
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
        // The app adopts the form and its places by these names.
        for id in [
            "demarrage-connexion",
            "demarrage-formulaire",
            "demarrage-avis",
            "demarrage-erreur",
            "demarrage-envoi",
            "login-email",
            "login-password",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "index.html lacks #{id}");
            assert!(app.contains(&format!("\"{id}\"")), "the app does not read #{id}");
        }
        // The app's stylesheet shows an adopted form beside the page and hides one left behind.
        let css = include_str!("../../style/app.css");
        assert!(css.contains("#demarrage-connexion:not(:only-child):not([data-adopte])"));
        assert!(app.contains("\"data-adopte\""));
    }
}
