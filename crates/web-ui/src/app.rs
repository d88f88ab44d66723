//! The application shell: session, header, router, footer. The shell, the login and the not-found
//! pages are in the first download; every other page is a chunk loaded when first visited
//! ([`crate::pages::lazy`], docs/decisions/008-route-splitting.md).

use std::future::Future;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::{footer::Footer, header::Header};
use crate::pages::{lazy::*, login::RequireSession, not_found::NotFoundPage};
use crate::session::Session;

/// The whole web app.
#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    view! {
        <Router>
            <div class="fr-skiplinks">
                <nav class="fr-container" role="navigation" aria-label="Accès rapide">
                    <ul class="fr-skiplinks__list">
                        <li><a class="fr-link" href="#contenu">"Contenu"</a></li>
                    </ul>
                </nav>
            </div>
            <Header/>
            <main id="contenu" class="fr-container fr-my-6w" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| signed_in(home_page)/>
                    <Route path=path!("/formulaire/:year/:finess") view=|| signed_in(form_page)/>
                    <Route path=path!("/restitution/:year/:finess") view=|| signed_in(restitution_page)/>
                    <Route path=path!("/fiche/:year/:finess") view=|| signed_in(fiche_page)/>
                    <Route path=path!("/simulation/:year/:finess") view=|| signed_in(simulation_page)/>
                    <Route path=path!("/territoire/:year") view=|| signed_in(territory_page)/>
                    <Route path=path!("/cpom") view=|| signed_in(contracts_page)/>
                    <Route path=path!("/cpom/couverture") view=|| signed_in(coverage_page)/>
                    <Route path=path!("/cpom/comites/:id") view=|| signed_in(committee_page)/>
                    <Route path=path!("/cpom/:id") view=|| signed_in(contract_page)/>
                    <Route path=path!("/utilisateurs") view=|| signed_in(users_page)/>
                    <Route path=path!("/clients-api") view=|| signed_in(clients_page)/>
                    <Route path=path!("/mon-compte") view=|| signed_in(my_account_page)/>
                    <Route path=path!("/mot-de-passe-oublie") view=|| deferred(forgot_password_page())/>
                    <Route path=path!("/definir-mot-de-passe") view=|| deferred(set_password_page())/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}

/// A page that needs a session: the login page (first download) until signed in, then the page, whose
/// code is loaded on demand.
fn signed_in<F, Fut>(page: F) -> impl IntoView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = AnyView> + 'static,
{
    view! { <RequireSession>{move || deferred(page())}</RequireSession> }
}
