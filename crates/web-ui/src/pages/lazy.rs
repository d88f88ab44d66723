//! The split points of the web app: each page below is a Leptos `#[lazy]` function, which wasm-split
//! (scripts/web-build.sh) moves with the code only it uses into a chunk fetched the first time the page
//! is shown; code shared by several chunks goes into shared chunks. What the shell, the login and the
//! not-found pages use stays in the first download. docs/decisions/008-route-splitting.md.

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::pages::accounts::{ClientsPage, ForgotPasswordPage, MyAccountPage, SetPasswordPage, UsersPage};
use crate::pages::cpom::{CommitteePage, ContractPage, ContractsPage, CoveragePage};
use crate::pages::{
    fiche::FichePage, form::FormPage, home::HomePage, restitution::RestitutionPage,
    simulation::SimulationPage, territory::TerritoryPage,
};

/// Shows the page `load` gives once its chunk has arrived, with a loading notice meanwhile.
pub fn deferred(load: impl Future<Output = AnyView> + 'static) -> impl IntoView {
    let page = Suspend::new(SendWrapper::new(load));
    view! {
        <Suspense fallback=|| view! {
            <p class="tdb-loading" role="status" aria-busy="true">"Chargement de la page…"</p>
        }>{page}</Suspense>
    }
}

/// The home page (forms to fill in or to review, campaigns).
#[lazy]
pub fn home_page() -> AnyView {
    view! { <HomePage/> }.into_any()
}

/// A structure's form of a campaign.
#[lazy]
pub fn form_page() -> AnyView {
    view! { <FormPage/> }.into_any()
}

/// A structure's restitution (benchmarks).
#[lazy]
pub fn restitution_page() -> AnyView {
    view! { <RestitutionPage/> }.into_any()
}

/// What-if simulation of a structure (« Simuler »): nothing is saved.
#[lazy]
pub fn simulation_page() -> AnyView {
    view! { <SimulationPage/> }.into_any()
}

/// A structure's synthesis sheet over three years.
#[lazy]
pub fn fiche_page() -> AnyView {
    view! { <FichePage/> }.into_any()
}

/// The territory's figures of a campaign.
#[lazy]
pub fn territory_page() -> AnyView {
    view! { <TerritoryPage/> }.into_any()
}

/// The CPOM contracts.
#[lazy]
pub fn contracts_page() -> AnyView {
    view! { <ContractsPage/> }.into_any()
}

/// The CPOM coverage of the territory.
#[lazy]
pub fn coverage_page() -> AnyView {
    view! { <CoveragePage/> }.into_any()
}

/// A CPOM follow-up committee.
#[lazy]
pub fn committee_page() -> AnyView {
    view! { <CommitteePage/> }.into_any()
}

/// A CPOM contract.
#[lazy]
pub fn contract_page() -> AnyView {
    view! { <ContractPage/> }.into_any()
}

/// The accounts of the people the signed-in person manages.
#[lazy]
pub fn users_page() -> AnyView {
    view! { <UsersPage/> }.into_any()
}

/// The API clients (partner systems).
#[lazy]
pub fn clients_page() -> AnyView {
    view! { <ClientsPage/> }.into_any()
}

/// The signed-in person's account.
#[lazy]
pub fn my_account_page() -> AnyView {
    view! { <MyAccountPage/> }.into_any()
}

/// « Mot de passe oublié ».
#[lazy]
pub fn forgot_password_page() -> AnyView {
    view! { <ForgotPasswordPage/> }.into_any()
}

/// Setting a password from an invitation or a reset link.
#[lazy]
pub fn set_password_page() -> AnyView {
    view! { <SetPasswordPage/> }.into_any()
}
