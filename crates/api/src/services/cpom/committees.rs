//! Follow-up committees: extra committees, the report (follow-up up to the committee's year, frozen
//! when the committee is recorded as held), minutes and decisions.

use chrono::NaiveDate;
use diesel::Connection;
use serde_json::json;
use tdb_domain::contract::{
    Committee, CommitteeCreate, CommitteeKind, CommitteeRecord, CommitteeReport, ContractState,
    ObjectiveStatus, StatusCounts,
};
use tdb_domain::cpom::contract_year;

use super::wire::{committee_wire, is_member_on, iso, perimeter_entry, to_wire, year_of};
use super::{date, field, follow_up, journal, load_visible, validation};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, CommitteeRow};
use crate::error::{ApiError, ProblemCode};

/// Plans an extra committee within the contract.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    input: &CommitteeCreate,
) -> Result<Committee, ApiError> {
    conn.transaction(|conn| {
        let (row, _, access) = load_visible(conn, principal, id)?;
        access.require_authority("réunir un comité de suivi")?;
        let mut errors = Vec::new();
        let day = date(&input.scheduled_on, "/scheduled_on", &mut errors);
        if let Some(day) = day
            && (day.format("%Y-%m-%d").to_string() < row.start_date
                || day.format("%Y-%m-%d").to_string() > row.end_date)
        {
            errors.push(field(
                "/scheduled_on",
                "outside_contract",
                "La date tombe hors de la durée du contrat.",
            ));
        }
        validation(errors)?;
        if matches!(row.state, ContractState::EnNegociation) {
            return Err(ApiError::Conflict {
                code: ProblemCode::ContractNotSigned,
                detail: "Les comités de suivi se tiennent une fois le contrat signé.".to_owned(),
            });
        }
        let on = input.scheduled_on.clone();
        let year = contract_year(year_of(&row.start_date)?, year_of(&on)?);
        let committee = repo::insert_committee(conn, id, CommitteeKind::Supplementaire.code(), year, &on)?;
        journal(
            conn,
            principal,
            "committee_planned",
            id,
            json!({"committee_id": committee, "scheduled_on": on}),
        )?;
        Ok(Committee {
            id: committee,
            contract_id: id,
            kind: CommitteeKind::Supplementaire,
            contract_year: year,
            late: tdb_domain::cpom::committee_is_late(&on, None, &iso(super::today())),
            scheduled_on: on,
            held_on: None,
            minutes: None,
            decisions: Vec::new(),
        })
    })
}

fn load(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> Result<(CommitteeRow, super::Access), ApiError> {
    let missing = || ApiError::not_found(format!("Aucun comité de suivi visible n'a l'identifiant {id}."));
    let committee = repo::committee(conn, id)?.ok_or_else(missing)?;
    let (_, _, access) = load_visible(conn, principal, committee.contract_id).map_err(|_| missing())?;
    Ok((committee, access))
}

/// The report of a committee: frozen when held, computed now otherwise.
pub fn report(conn: &mut DbConnection, principal: &Principal, id: i64) -> Result<CommitteeReport, ApiError> {
    let (committee, _) = load(conn, principal, id)?;
    if let Some(frozen) = &committee.report_json {
        return serde_json::from_str(frozen).map_err(|e| ApiError::Internal(format!("frozen report: {e}")));
    }
    build(conn, committee, false)
}

fn build(
    conn: &mut DbConnection,
    committee: CommitteeRow,
    frozen: bool,
) -> Result<CommitteeReport, ApiError> {
    let row = repo::find(conn, committee.contract_id)?
        .ok_or_else(|| ApiError::Internal("committee without contract".to_owned()))?;
    let start = year_of(&row.start_date)?;
    let year = start + committee.contract_year - 1;
    let years = follow_up::contract_years(conn, &row, Some(year))?;
    let follow_up = follow_up::compute(conn, &row, &years)?;
    let mut counts = StatusCounts::default();
    for o in &follow_up {
        match o.status {
            ObjectiveStatus::Atteint => counts.atteint += 1,
            ObjectiveStatus::EnBonneVoie => counts.en_bonne_voie += 1,
            ObjectiveStatus::EnRetard => counts.en_retard += 1,
            ObjectiveStatus::NonMesurable => counts.non_mesurable += 1,
        }
    }
    let day = committee
        .held_on
        .clone()
        .unwrap_or_else(|| committee.scheduled_on.clone());
    let perimeter = repo::perimeter(conn, row.id)?
        .into_iter()
        .filter(|m| is_member_on(m, &day))
        .map(perimeter_entry)
        .collect();
    Ok(CommitteeReport {
        committee: committee_wire(committee),
        contract: to_wire(conn, &row)?,
        perimeter,
        follow_up,
        counts,
        frozen,
    })
}

/// Records the committee as held: minutes, decisions, and its report frozen.
pub fn record(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    input: &CommitteeRecord,
) -> Result<CommitteeReport, ApiError> {
    conn.transaction(|conn| {
        let (committee, access) = load(conn, principal, id)?;
        access.require_authority("consigner le compte rendu d'un comité")?;
        let mut errors = Vec::new();
        let day: Option<NaiveDate> = date(&input.held_on, "/held_on", &mut errors);
        if input.minutes.trim().is_empty() {
            errors.push(field("/minutes", "required", "Le compte rendu est obligatoire."));
        }
        validation(errors)?;
        if committee.held_on.is_some() {
            return Err(ApiError::Conflict {
                code: ProblemCode::CommitteeHeld,
                detail: "Ce comité est déjà consigné.".to_owned(),
            });
        }
        let held_on = day.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let decisions =
            serde_json::to_string(&input.decisions).map_err(|e| ApiError::Internal(e.to_string()))?;
        let contract = committee.contract_id;
        let mut held = committee;
        held.held_on = Some(held_on.clone());
        held.minutes = Some(input.minutes.clone());
        held.decisions = Some(decisions.clone());
        let report = build(conn, held, true)?;
        let json = serde_json::to_string(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
        repo::record_committee(conn, id, &held_on, &input.minutes, &decisions, &json)?;
        journal(
            conn,
            principal,
            "committee_recorded",
            contract,
            json!({"committee_id": id, "held_on": held_on}),
        )?;
        Ok(report)
    })
}
