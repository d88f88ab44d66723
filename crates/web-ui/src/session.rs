//! The signed-in user, shared by every page through the Leptos context.
//!
//! The token itself stays in [`crate::api`]; this only holds who is signed in and the notice shown on
//! the login page (e.g. after an expiry).

use leptos::prelude::*;
use tdb_domain::contract::{Role, SessionUser};

use crate::api;

/// Who is signed in, and the notice of the login page.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// The signed-in user, `None` when signed out.
    pub user: RwSignal<Option<SessionUser>>,
    /// A message for the login page (session expired, signed out).
    pub notice: RwSignal<Option<String>>,
}

impl Session {
    /// Creates the session, provides it to the whole app and ends it when the server refuses the token.
    pub fn provide() -> Self {
        let session = Self {
            user: RwSignal::new(None),
            notice: RwSignal::new(None),
        };
        provide_context(session);
        api::on_session_expired(move || {
            session.user.set(None);
            session.notice.set(Some(api::SESSION_EXPIRED.to_owned()));
        });
        session
    }

    /// Signs in with the answer of a login.
    pub fn sign_in(&self, token: String, user: SessionUser) {
        api::set_token(Some(token));
        self.notice.set(None);
        self.user.set(Some(user));
    }

    /// Signs out: forgets the token.
    pub fn sign_out(&self) {
        api::set_token(None);
        self.user.set(None);
        self.notice.set(Some("Vous êtes déconnecté.".to_owned()));
    }

    /// The role of the signed-in user.
    pub fn role(&self) -> Option<Role> {
        self.user.with(|u| u.as_ref().map(|u| u.role))
    }
}

/// The session of the app.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
