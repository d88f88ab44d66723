//! tdb-web-ui: the tdb web app (Leptos, client-side rendered, compiled to wasm).
//!
//! Pages call the API through the one typed client of [`api`]; anything the server also computes comes
//! from `tdb-domain`, never re-implemented here. Everything a user reads is French.

pub mod api;
pub mod app;
pub mod components;
pub mod pages;
