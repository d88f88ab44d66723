//! CPOM pages: the list of contracts (with « Nouveau contrat »), a contract (perimeter, action sheets,
//! objectives with their status and a chart of actual vs target, and the forms of what the user may
//! do), a committee with its report, and the coverage by department. Who may do what: [`Rights`],
//! the API's rules (docs/cpom.md « Rights »).

mod chart;
mod committee;
mod contract;
mod contract_actions;
mod contract_ctx;
mod coverage;
mod draft;
pub(crate) mod form;
mod new_contract;
mod objectives;
mod sheets;

pub use committee::CommitteePage;
pub use contract::ContractPage;
pub use coverage::CoveragePage;

use leptos::prelude::*;
use tdb_domain::contract::{Contract, ContractState, ObjectiveStatus, Role};

use crate::api;
use crate::components::alert::error_alert;
use crate::format;
use crate::session::use_session;

/// What the signed-in user may do on a contract, by role and state. An ARS or CD sees only the
/// contracts it signs, so its role makes it a signing authority of every contract it sees; `og` sees
/// its managing body's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights {
    authority: bool,
    organisation: bool,
    state: ContractState,
}

impl Rights {
    /// The rights of `role` on a contract in `state`.
    pub fn of(role: Option<Role>, state: ContractState) -> Self {
        Self {
            authority: matches!(role, Some(Role::Ars | Role::Cd)),
            organisation: role == Some(Role::Og),
            state,
        }
    }

    fn open(self) -> bool {
        !matches!(self.state, ContractState::Echu | ContractState::Resilie)
    }

    /// Sign, start, expire, terminate.
    pub fn transitions(self) -> bool {
        self.authority && self.open()
    }

    /// Sign an amendment.
    pub fn amend(self) -> bool {
        self.authority && self.open()
    }

    /// Change the title, signatories and dates (only while negotiated).
    pub fn edit_terms(self) -> bool {
        (self.authority || self.organisation) && self.state == ContractState::EnNegociation
    }

    /// Add, change, delete action sheets and objectives.
    pub fn edit_sheets(self) -> bool {
        (self.authority && self.open()) || (self.organisation && self.state == ContractState::EnNegociation)
    }

    /// Report the values of free objectives.
    pub fn report_values(self) -> bool {
        self.authority || self.organisation
    }

    /// Plan an extra committee (once signed) and record committees.
    pub fn committees(self) -> bool {
        self.authority && self.state != ContractState::EnNegociation
    }
}

/// Roles that may propose or draft a contract.
pub fn may_create(role: Option<Role>) -> bool {
    matches!(role, Some(Role::Ars | Role::Cd | Role::Og))
}

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
        {move || {
            let role = session.role();
            may_create(role).then(|| form::drafted_panel(
                "Nouveau contrat",
                "new-contract",
                "nouveau-contrat",
                ViewFn::from(move || new_contract::new_contract(role)),
            ))
        }}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_act_until_the_contract_is_closed() {
        let negotiated = Rights::of(Some(Role::Ars), ContractState::EnNegociation);
        assert!(negotiated.transitions() && negotiated.edit_terms() && negotiated.edit_sheets());
        assert!(!negotiated.committees());
        let running = Rights::of(Some(Role::Cd), ContractState::EnCours);
        assert!(running.amend() && running.edit_sheets() && running.committees());
        assert!(!running.edit_terms());
        let closed = Rights::of(Some(Role::Ars), ContractState::Resilie);
        assert!(!closed.transitions() && !closed.amend() && !closed.edit_sheets());
    }

    #[test]
    fn the_managing_body_edits_only_while_negotiated_and_reports_values() {
        let negotiated = Rights::of(Some(Role::Og), ContractState::EnNegociation);
        assert!(negotiated.edit_terms() && negotiated.edit_sheets() && negotiated.report_values());
        assert!(!negotiated.transitions() && !negotiated.amend());
        let signed = Rights::of(Some(Role::Og), ContractState::Signe);
        assert!(!signed.edit_sheets() && !signed.edit_terms() && signed.report_values());
    }

    #[test]
    fn readers_only_read() {
        for role in [Role::Esms, Role::National] {
            let rights = Rights::of(Some(role), ContractState::EnCours);
            assert!(!rights.transitions() && !rights.edit_sheets() && !rights.report_values());
            assert!(!rights.committees() && !may_create(Some(role)));
        }
    }
}
