//! Replacement of a contract in negotiation, of an action sheet and of an objective.
//!
//! Each write states the contract's version in `If-Match` (428 without, 412 when stale), bumps it,
//! and appends `cpom.contract_updated`, `cpom.action_sheet_updated` or `cpom.objective_updated` to the
//! audit log, in one transaction. The contract's terms change only while it is `en_negociation`
//! (afterwards through amendments): its signing authorities in competence and, during the
//! negotiation, its managing body may change them. Sheets and objectives follow the rules of their
//! creation.

use diesel::Connection;
use serde_json::json;
use tdb_domain::contract::{
    ActionSheet, ActionSheetCreate, Contract, ContractState, ContractUpdate, Objective, ObjectiveCreate,
};

use super::access::check_editable;
use super::wire::{iso, objective_wire, sheet_wire, to_wire};
use super::{Access, journal, load_visible, validate, validation};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow};
use crate::error::{ApiError, ProblemCode};
use crate::services::if_match::IfMatch;

/// Checks `If-Match` against the contract and moves it to its next version (428, 412).
fn claim_version(conn: &mut DbConnection, row: &mut ContractRow, if_match: IfMatch) -> Result<(), ApiError> {
    let expected = if_match.expected(row.version)?;
    if expected != row.version || !repo::bump_version(conn, row.id, expected)? {
        return Err(ApiError::PreconditionFailed);
    }
    row.version = expected + 1;
    Ok(())
}

/// `PUT /cpom/contracts/{id}`: title, signatories and dates of a contract `en_negociation`; the
/// initial structures join on the new start.
pub fn update_contract(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    if_match: IfMatch,
    input: &ContractUpdate,
) -> Result<Contract, ApiError> {
    conn.transaction(|conn| {
        let (mut row, _, access) = load_visible(conn, principal, id)?;
        let state = row.state;
        match access {
            Access::Authority => {}
            Access::Organisation if state == ContractState::EnNegociation => {}
            _ => {
                return Err(ApiError::Forbidden(
                    "Seules les autorités signataires, et l'organisme gestionnaire pendant la négociation, \
                     modifient les termes du contrat."
                        .to_owned(),
                ));
            }
        }
        if state != ContractState::EnNegociation {
            return Err(ApiError::Conflict {
                code: ProblemCode::ContractNotEditable,
                detail: format!(
                    "Le contrat est « {} » : après la signature, il se modifie par avenant.",
                    state.code()
                ),
            });
        }
        claim_version(conn, &mut row, if_match)?;
        let terms = validate::Terms {
            title: &input.title,
            signatory_ars: input.signatory_ars,
            signatory_cd: input.signatory_cd,
            start_date: &input.start_date,
            end_date: input.end_date.as_deref(),
        };
        let mut errors = Vec::new();
        let dates = validate::terms(&terms, &mut errors);
        validation(errors)?;
        let Some((start, end)) = dates else {
            return Err(ApiError::Internal("validated contract without dates".to_owned()));
        };
        let initial: Vec<String> = repo::perimeter(conn, id)?
            .into_iter()
            .filter(|m| m.amendment_id.is_none())
            .map(|m| m.finess)
            .collect();
        let structures = repo::structures_among(conn, &initial)?;
        let first = structures
            .first()
            .ok_or_else(|| ApiError::Internal(format!("contract {id} without initial structure")))?;
        // The caller must still be in competence for the contract as changed (a CD cannot drop itself).
        validate::require_competence(principal, &terms, &row.organisation_finess, first)?;
        row.title = input.title.trim().to_owned();
        row.signatory_ars = input.signatory_ars;
        row.signatory_cd = input.signatory_cd;
        row.department_code = validate::cd_department(input.signatory_cd, first).map(str::to_owned);
        row.start_date = iso(start);
        row.end_date = iso(end);
        repo::update(conn, &row)?;
        repo::move_initial_members(conn, id, &row.start_date)?;
        journal(
            conn,
            principal,
            "contract_updated",
            id,
            json!({"version": row.version, "input": input}),
        )?;
        to_wire(conn, &row)
    })
}

/// `PUT /cpom/contracts/{id}/action-sheets/{sheet}`: replaces an action sheet; returns it with the
/// contract's new version.
pub fn update_action_sheet(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    sheet: i64,
    if_match: IfMatch,
    input: &ActionSheetCreate,
) -> Result<(ActionSheet, i64), ApiError> {
    conn.transaction(|conn| {
        let (mut row, _, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        if !repo::action_sheets(conn, id)?.iter().any(|s| s.id == sheet) {
            return Err(ApiError::not_found(format!(
                "Le contrat n'a pas de fiche action {sheet}."
            )));
        }
        claim_version(conn, &mut row, if_match)?;
        validate::action_sheet(input)?;
        repo::update_action_sheet(conn, id, sheet, input)?;
        journal(
            conn,
            principal,
            "action_sheet_updated",
            id,
            json!({"action_sheet_id": sheet, "version": row.version, "input": input}),
        )?;
        let stored = repo::action_sheets(conn, id)?
            .into_iter()
            .find(|s| s.id == sheet)
            .ok_or_else(|| ApiError::Internal("action sheet vanished".to_owned()))?;
        let objectives = repo::objectives(conn, id)?;
        Ok((sheet_wire(stored, &objectives)?, row.version))
    })
}

/// `PUT /cpom/contracts/{id}/objectives/{objective}`: replaces an objective. A dashboard objective
/// sent without a baseline value keeps its baseline while its indicator, structure and baseline
/// campaign stay the same; otherwise the baseline is computed as at the creation. Returns it with the
/// contract's new version.
pub fn update_objective(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    objective: i64,
    if_match: IfMatch,
    input: &ObjectiveCreate,
) -> Result<(Objective, i64), ApiError> {
    conn.transaction(|conn| {
        let (mut row, members, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        let stored = repo::objective(conn, objective)?
            .filter(|o| o.contract_id == id)
            .ok_or_else(|| ApiError::not_found(format!("Le contrat n'a pas d'objectif {objective}.")))?;
        claim_version(conn, &mut row, if_match)?;
        let mut changed = validate::objective(conn, &row, &members, input)?;
        changed.id = objective;
        let same_measure = changed.indicator_code == stored.indicator_code
            && changed.structure_finess == stored.structure_finess
            && input
                .baseline_year
                .is_none_or(|year| Some(year) == stored.baseline_year);
        if changed.baseline_value.is_none() && same_measure && stored.baseline_value.is_some() {
            changed.baseline_year = stored.baseline_year;
            changed.baseline_value = stored.baseline_value;
        }
        validate::fill_baseline(conn, &row, &mut changed)?;
        repo::update_objective(conn, &changed)?;
        journal(
            conn,
            principal,
            "objective_updated",
            id,
            json!({"objective_id": objective, "version": row.version, "input": input}),
        )?;
        Ok((objective_wire(&changed)?, row.version))
    })
}
