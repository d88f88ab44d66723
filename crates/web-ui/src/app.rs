//! The application shell: session, the header's links, router, footer. The shell, the login, home and not-found
//! pages are in the first download; every other page is in a chunk loaded when first visited
//! ([`crate::pages::lazy`], docs/decisions/008-route-splitting.md).

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::{footer::Footer, header::HeaderLinks};
use crate::pages::home::HomePage;
use crate::pages::lazy::{Page, deferred};
use crate::pages::{login::RequireSession, not_found::NotFoundPage};
use crate::session::Session;

/// The whole web app.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    view! {
        <Router>
            // The header is index.html's, painted before the app downloaded. While the session resumes,
            // its « Chargement de l'application… » stays; the user's links, the page and the footer then
            // appear at once, so nothing moves down under the reader (the header growing pushed every
            // page: layout shifts of 0.26 to 0.35 measured by Lighthouse).
            <Show when=move || !session.resuming.get()>
                <HeaderLinks/>
                <main id="contenu" class="fr-container fr-my-6w" tabindex="-1">
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
                </main>
                <Footer/>
            </Show>
        </Router>
    }
}

/// A page that needs a session: the login page (first download) until signed in, then the page, whose
/// code is loaded on demand.
fn signed_in(page: Page) -> impl IntoView {
    view! { <RequireSession>{move || deferred(page.load())}</RequireSession> }
}
