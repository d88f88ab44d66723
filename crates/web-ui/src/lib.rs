//! tdb-web-ui: the tdb web app (Leptos, client-side rendered, compiled to wasm).
//!
//! Pages call the API through the one typed client of [`api`]; anything the server also computes comes
//! from `tdb-domain`, never re-implemented here: the form page evaluates the values being typed with the
//! domain engine ([`live`]). Everything a user reads is French ([`format`], [`labels`]).

pub mod api;
pub mod app;
pub mod components;
pub mod download;
pub mod drafts;
pub mod format;
pub mod labels;
pub mod leave_guard;
pub mod live;
pub mod pages;
pub mod session;

/// The browser's `localStorage`, when the page may use it (drafts, the refresh lock, the session hint).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
