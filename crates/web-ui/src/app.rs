//! The application shell: session, header, router, footer.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::{footer::Footer, header::Header};
use crate::pages::accounts::{ClientsPage, ForgotPasswordPage, MyAccountPage, SetPasswordPage, UsersPage};
use crate::pages::cpom::{CommitteePage, ContractPage, ContractsPage, CoveragePage};
use crate::pages::{
    fiche::FichePage, form::FormPage, home::HomePage, login::RequireSession, not_found::NotFoundPage,
    restitution::RestitutionPage, territory::TerritoryPage,
};
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
                    <Route path=path!("/") view=|| view! { <RequireSession><HomePage/></RequireSession> }/>
                    <Route path=path!("/formulaire/:year/:finess")
                        view=|| view! { <RequireSession><FormPage/></RequireSession> }/>
                    <Route path=path!("/restitution/:year/:finess")
                        view=|| view! { <RequireSession><RestitutionPage/></RequireSession> }/>
                    <Route path=path!("/fiche/:year/:finess")
                        view=|| view! { <RequireSession><FichePage/></RequireSession> }/>
                    <Route path=path!("/territoire/:year")
                        view=|| view! { <RequireSession><TerritoryPage/></RequireSession> }/>
                    <Route path=path!("/cpom") view=|| view! { <RequireSession><ContractsPage/></RequireSession> }/>
                    <Route path=path!("/cpom/couverture")
                        view=|| view! { <RequireSession><CoveragePage/></RequireSession> }/>
                    <Route path=path!("/cpom/comites/:id")
                        view=|| view! { <RequireSession><CommitteePage/></RequireSession> }/>
                    <Route path=path!("/cpom/:id") view=|| view! { <RequireSession><ContractPage/></RequireSession> }/>
                    <Route path=path!("/utilisateurs") view=|| view! { <RequireSession><UsersPage/></RequireSession> }/>
                    <Route path=path!("/clients-api") view=|| view! { <RequireSession><ClientsPage/></RequireSession> }/>
                    <Route path=path!("/mon-compte") view=|| view! { <RequireSession><MyAccountPage/></RequireSession> }/>
                    <Route path=path!("/mot-de-passe-oublie") view=ForgotPasswordPage/>
                    <Route path=path!("/definir-mot-de-passe") view=SetPasswordPage/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}
