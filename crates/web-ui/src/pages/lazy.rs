//! The split points of the web app: each group of pages below is a Leptos `#[lazy]` function, which
//! wasm-split (scripts/web-build.sh) moves with the code only it uses into a chunk fetched the first time
//! one of its pages is shown; code shared by several groups goes into shared chunks. What the shell, the
//! login, home and not-found pages use stays in the first download. Pages are grouped by who visits them
//! together, so that a visit needs few chunks (each one a request and an instantiation):
//! docs/decisions/008-route-splitting.md.

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::pages::accounts::{ClientsPage, ForgotPasswordPage, MyAccountPage, SetPasswordPage, UsersPage};
use crate::pages::cpom::{CommitteePage, ContractPage, ContractsPage, CoveragePage};
use crate::pages::not_found::NotFoundPage;
use crate::pages::{
    fiche::FichePage, form::FormPage, restitution::RestitutionPage, simulation::SimulationPage,
    territory::TerritoryPage,
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

/// A page whose code is in a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Page {
    /// A structure's form of a campaign.
    Form,
    /// A structure's restitution (benchmarks).
    Restitution,
    /// A structure's synthesis sheet over three years.
    Fiche,
    /// What-if simulation of a structure (« Simuler »): nothing is saved.
    Simulation,
    /// The territory's figures of a campaign.
    Territory,
    /// The CPOM contracts.
    Contracts,
    /// The CPOM coverage of the territory.
    Coverage,
    /// A CPOM follow-up committee.
    Committee,
    /// A CPOM contract.
    Contract,
    /// The accounts of the people the signed-in person manages.
    Users,
    /// The API clients (partner systems).
    Clients,
    /// The signed-in person's account.
    MyAccount,
    /// « Mot de passe oublié ».
    ForgotPassword,
    /// Setting a password from an invitation or a reset link.
    SetPassword,
}

impl Page {
    /// The page, from the chunk of its group.
    pub async fn load(self) -> AnyView {
        match self {
            Self::Form => form_pages(self).await,
            Self::Restitution | Self::Fiche | Self::Simulation | Self::Territory => {
                benchmark_pages(self).await
            }
            Self::Contracts | Self::Coverage | Self::Committee | Self::Contract => cpom_pages(self).await,
            Self::Users | Self::Clients | Self::MyAccount | Self::ForgotPassword | Self::SetPassword => {
                account_pages(self).await
            }
        }
    }
}

/// The form, alone: the page structures spend their time on.
#[lazy]
fn form_pages(page: Page) -> AnyView {
    match page {
        Page::Form => view! { <FormPage/> }.into_any(),
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}

/// The restitution, the fiche, the simulation and the territory's figures (benchmarks and charts).
#[lazy]
fn benchmark_pages(page: Page) -> AnyView {
    match page {
        Page::Restitution => view! { <RestitutionPage/> }.into_any(),
        Page::Fiche => view! { <FichePage/> }.into_any(),
        Page::Simulation => view! { <SimulationPage/> }.into_any(),
        Page::Territory => view! { <TerritoryPage/> }.into_any(),
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}

/// The CPOM pages.
#[lazy]
fn cpom_pages(page: Page) -> AnyView {
    match page {
        Page::Contracts => view! { <ContractsPage/> }.into_any(),
        Page::Coverage => view! { <CoveragePage/> }.into_any(),
        Page::Committee => view! { <CommitteePage/> }.into_any(),
        Page::Contract => view! { <ContractPage/> }.into_any(),
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}

/// The account pages (people, API clients, one's own account, passwords).
#[lazy]
fn account_pages(page: Page) -> AnyView {
    match page {
        Page::Users => view! { <UsersPage/> }.into_any(),
        Page::Clients => view! { <ClientsPage/> }.into_any(),
        Page::MyAccount => view! { <MyAccountPage/> }.into_any(),
        Page::ForgotPassword => view! { <ForgotPasswordPage/> }.into_any(),
        Page::SetPassword => view! { <SetPasswordPage/> }.into_any(),
        _ => view! { <NotFoundPage/> }.into_any(),
    }
}
