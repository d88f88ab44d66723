//! The application shell: session, the header's links, router; mounted in `index.html`'s `<main>`
//! (whose header and footer are static). The shell, the login, home and not-found pages are in the
//! first download; every other page is in a chunk loaded when first visited
//! ([`crate::pages::lazy`], docs/decisions/008-route-splitting.md).

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::header::HeaderLinks;
use crate::pages::home::HomePage;
use crate::pages::lazy::{Page, deferred};
use crate::pages::{login::RequireSession, not_found::NotFoundPage};
use crate::session::Session;

/// The id of `index.html`'s `<main>`, where the app mounts (the skip link's target).
pub const MAIN_ID: &str = "contenu";

/// The whole web app.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    view! {
        <Router>
            // The header, `<main>` and the footer are index.html's, painted before the app downloaded. While
            // the session resumes, its « Chargement de l'application… » stays and `<main>` is hidden; the
            // user's links and the page then appear at once, so nothing moves down under the reader (the
            // header growing pushed every page: layout shifts of 0.26 to 0.35 measured by Lighthouse).
            <Show when=move || !session.resuming.get()>
                {reveal_main}
                <HeaderLinks/>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <RequireSession><HomePage/></RequireSession> }/>
                    <Route path=path!("/formulaire/:year/:finess") view=|| signed_in(Page::Form)/>
                    <Route path=path!("/restitution/:year/:finess") view=|| signed_in(Page::Restitution)/>
                    <Route path=path!("/fiche/:year/:finess") view=|| signed_in(Page::Fiche)/>
                    <Route path=path!("/simulation/:year/:finess") view=|| signed_in(Page::Simulation)/>
                    <Route path=path!("/territoire/:year") view=|| signed_in(Page::Territory)/>
                    <Route path=path!("/cpom") view=|| signed_in(Page::Contracts)/>
                    <Route path=path!("/cpom/couverture") view=|| signed_in(Page::Coverage)/>
                    <Route path=path!("/cpom/comites/:id") view=|| signed_in(Page::Committee)/>
                    <Route path=path!("/cpom/:id") view=|| signed_in(Page::Contract)/>
                    <Route path=path!("/utilisateurs") view=|| signed_in(Page::Users)/>
                    <Route path=path!("/clients-api") view=|| signed_in(Page::Clients)/>
                    <Route path=path!("/mon-compte") view=|| signed_in(Page::MyAccount)/>
                    <Route path=path!("/mot-de-passe-oublie") view=|| deferred(Page::ForgotPassword.load())/>
                    <Route path=path!("/definir-mot-de-passe") view=|| deferred(Page::SetPassword.load())/>
                </Routes>
            </Show>
        </Router>
    }
}

/// Shows index.html's `<main>` in place of its « Chargement » as the app's page goes into it: both in the
/// frame that paints the page, so that nothing moves under the reader.
fn reveal_main() {
    let document = document();
    if let Some(wait) = document.get_element_by_id("demarrage-attente") {
        wait.remove();
    }
    if let Some(main) = document.get_element_by_id(MAIN_ID) {
        let _ = main.remove_attribute("hidden");
    }
}

/// A page that needs a session: the login page (first download) until signed in, then the page, whose
/// code is loaded on demand.
fn signed_in(page: Page) -> impl IntoView {
    view! { <RequireSession>{move || deferred(page.load())}</RequireSession> }
}
