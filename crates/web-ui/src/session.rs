//! The signed-in person, shared by every page through the Leptos context.
//!
//! The access token itself stays in [`crate::api`] (memory only); this holds who is signed in, whether
//! the session is being resumed at startup, and the notice shown on the login page (e.g. after an
//! expiry). At startup (a reload, a new tab) [`Session::provide`] first asks the server to refresh the
//! session from its `HttpOnly` cookie: when it answers, the person stays signed in on the same page.
//! It asks only when this browser signed in before ([`HINT`], a flag in `localStorage` that holds no
//! token): a first visit shows the login page at once, without a refused request in the console.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tdb_domain::contract::{LoginResponse, Role, SessionUser};

use crate::api;

/// The `localStorage` key saying that this browser holds a session cookie worth refreshing (`"1"`). Not a
/// secret: the refresh token stays in its `HttpOnly` cookie.
pub const HINT: &str = "tdb-session";

/// Who is signed in, and the notice of the login page.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// The signed-in user, `None` when signed out.
    pub user: RwSignal<Option<SessionUser>>,
    /// A message for the login page (session expired, signed out).
    pub notice: RwSignal<Option<String>>,
    /// The startup refresh is running: pages wait instead of showing the login page.
    pub resuming: RwSignal<bool>,
}

impl Session {
    /// Creates the session, provides it to the whole app, resumes it from the refresh cookie, and ends
    /// it when the server refuses to refresh it.
    pub fn provide() -> Self {
        let session = Self {
            user: RwSignal::new(None),
            notice: RwSignal::new(None),
            resuming: RwSignal::new(hint()),
        };
        provide_context(session);
        api::on_session_expired(move || {
            set_hint(false);
            session.user.set(None);
            session.notice.set(Some(api::SESSION_EXPIRED.to_owned()));
        });
        if session.resuming.get_untracked() {
            spawn_local(async move {
                match api::refresh().await {
                    Ok(answer) => session.sign_in(answer),
                    Err(_) => set_hint(false),
                }
                session.resuming.set(false);
            });
        }
        session
    }

    /// Signs in with the answer of a login or a refresh.
    pub fn sign_in(&self, answer: LoginResponse) {
        api::start_session(&answer);
        set_hint(true);
        self.notice.set(None);
        self.user.set(Some(answer.user));
    }

    /// Signs out of this browser (`everywhere`: of every device of the person) and says so. What was
    /// typed and not saved stays in the drafts of the person, restored at the next sign-in.
    pub fn sign_out(&self, everywhere: bool) {
        let session = *self;
        spawn_local(async move {
            let done = if everywhere {
                api::logout_all().await
            } else {
                api::logout().await
            };
            api::set_token(None);
            set_hint(false);
            session.user.set(None);
            session.notice.set(Some(match (done, everywhere) {
                (Ok(()), false) => "Vous êtes déconnecté.".to_owned(),
                (Ok(()), true) => "Vous êtes déconnecté de tous vos appareils.".to_owned(),
                (Err(e), _) => format!("Vous êtes déconnecté de cet onglet. {}", e.message()),
            }));
        });
    }

    /// The role of the signed-in user.
    pub fn role(&self) -> Option<Role> {
        self.user.with(|u| u.as_ref().map(|u| u.role))
    }

    /// The email of the signed-in user (the key of their drafts).
    pub fn email(&self) -> Option<String> {
        self.user.with(|u| u.as_ref().map(|u| u.email.clone()))
    }
}

/// Whether this browser signed in before and may resume its session.
fn hint() -> bool {
    crate::local_storage()
        .and_then(|s| s.get_item(HINT).ok().flatten())
        .is_some()
}

/// Records (or forgets) that this browser holds a session.
fn set_hint(signed_in: bool) {
    if let Some(storage) = crate::local_storage() {
        let _ = if signed_in {
            storage.set_item(HINT, "1")
        } else {
            storage.remove_item(HINT)
        };
    }
}

/// The session of the app.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
