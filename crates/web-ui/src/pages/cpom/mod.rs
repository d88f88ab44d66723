//! CPOM pages: the list of contracts, a contract (perimeter, action sheets, objectives with their
//! status and a chart of actual vs target), a committee with its report, and the coverage by
//! department.

mod chart;
mod committee;
mod contract;
mod coverage;

pub use committee::CommitteePage;
pub use contract::ContractPage;
pub use coverage::CoveragePage;

use leptos::prelude::*;
use tdb_domain::contract::{Contract, ContractState, ObjectiveStatus, Role};

use crate::api;
use crate::format;
use crate::pages::home::error_alert;
use crate::session::use_session;

/// French label of a contract state.
pub fn state_label(state: ContractState) -> &'static str {
    match state {
        ContractState::EnNegociation => "En négociation",
        ContractState::Signe => "Signé",
        ContractState::EnCours => "En cours",
        ContractState::Echu => "Échu",
        ContractState::Resilie => "Résilié",
    }
}

/// French label and DSFR badge class of an objective status.
pub fn status_badge(status: ObjectiveStatus) -> (&'static str, &'static str) {
    match status {
        ObjectiveStatus::Atteint => ("Atteint", "fr-badge fr-badge--success"),
        ObjectiveStatus::EnBonneVoie => ("En bonne voie", "fr-badge fr-badge--info"),
        ObjectiveStatus::EnRetard => ("En retard", "fr-badge fr-badge--error"),
        ObjectiveStatus::NonMesurable => ("Non mesurable", "fr-badge"),
    }
}

/// A value in its unit: ratios as percentages, other units as numbers.
pub fn value(unit: Option<&str>, x: f64) -> String {
    if unit == Some("ratio") {
        format::percent(x)
    } else {
        format::number(x)
    }
}

/// `/cpom`: the contracts the user sees.
#[component]
pub fn ContractsPage() -> impl IntoView {
    let session = use_session();
    let contracts = LocalResource::new(api::cpom_contracts);
    let authority = move || matches!(session.role(), Some(Role::Ars | Role::Cd | Role::National));
    view! {
        <h1>"Contrats pluriannuels d'objectifs et de moyens"</h1>
        <Show when=authority>
            <p><a class="fr-link" href="/cpom/couverture" data-testid="coverage-link">
                "Couverture des territoires par les CPOM"
            </a></p>
        </Show>
        <Transition fallback=|| view! { <p role="status">"Chargement des contrats…"</p> }>
            {move || Suspend::new(async move {
                match contracts.await {
                    Ok(list) if list.is_empty() => view! { <p>"Aucun contrat ne vous concerne."</p> }.into_any(),
                    Ok(list) => contracts_table(list).into_any(),
                    Err(error) => error_alert(&error).into_any(),
                }
            })}
        </Transition>
    }
}

fn contracts_table(list: Vec<Contract>) -> impl IntoView {
    view! {
        <div class="fr-table" data-testid="contracts">
            <table>
                <caption>{format!("Contrats ({})", list.len())}</caption>
                <thead><tr>
                    <th scope="col">"Contrat"</th>
                    <th scope="col">"Organisme gestionnaire"</th>
                    <th scope="col">"Signataires"</th>
                    <th scope="col">"Période"</th>
                    <th scope="col">"Structures"</th>
                    <th scope="col">"État"</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|c| {
                        let signatories = match (c.signatory_ars, c.signatory_cd) {
                            (true, true) => "ARS et conseil départemental",
                            (true, false) => "ARS",
                            _ => "Conseil départemental",
                        };
                        view! {
                            <tr>
                                <td><a href=format!("/cpom/{}", c.id) data-testid="contract-link">{c.title.clone()}</a></td>
                                <td>{format!("{} ({})", c.organisation_name, c.organisation_finess)}</td>
                                <td>{signatories}</td>
                                <td>{format!("du {} au {}", format::date(&c.start_date), format::date(&c.end_date))}</td>
                                <td>{c.structures}</td>
                                <td>{state_label(c.state)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
