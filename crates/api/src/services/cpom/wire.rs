//! Stored CPOM rows ↔ wire types: a contract and its parts as the API shows them, and the stored
//! text of its states and dates.

use chrono::{Datelike, NaiveDate};
use tdb_domain::catalogue_for;
use tdb_domain::contract::{
    ActionSheet, ActionTheme, Committee, CommitteeKind, Contract, Objective, PerimeterEntry, Sense,
};

use super::today;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ActionSheetRow, ContractRow, ObjectiveRow, PerimeterRow};
use crate::db::repo::organisations;
use crate::error::ApiError;

/// The wire form of a stored contract.
pub fn to_wire(conn: &mut DbConnection, row: &ContractRow) -> Result<Contract, ApiError> {
    let organisation_name = organisations::find(conn, &row.organisation_finess)?
        .map(|o| o.name)
        .unwrap_or_default();
    let today = today().format("%Y-%m-%d").to_string();
    let structures = repo::perimeter(conn, row.id)?
        .iter()
        .filter(|m| is_member_on(m, &today))
        .count();
    Ok(Contract {
        id: row.id,
        organisation_finess: row.organisation_finess.clone(),
        organisation_name,
        title: row.title.clone(),
        signatory_ars: row.signatory_ars,
        signatory_cd: row.signatory_cd,
        region_code: row.region_code.clone(),
        department_code: row.department_code.clone(),
        start_date: row.start_date.clone(),
        end_date: row.end_date.clone(),
        state: row.state,
        signed_on: row.signed_on.clone(),
        terminated_on: row.terminated_on.clone(),
        termination_reason: row.termination_reason.clone(),
        structures: i64::try_from(structures).unwrap_or(i64::MAX),
        version: row.version,
    })
}

/// Whether a member is in the perimeter on `day` (ISO dates compare as text).
pub fn is_member_on(member: &PerimeterRow, day: &str) -> bool {
    tdb_domain::cpom::member_on(
        &tdb_domain::cpom::Membership {
            joined_on: &member.joined_on,
            left_on: member.left_on.as_deref(),
        },
        day,
    )
}

/// An ISO date `YYYY-MM-DD`.
pub fn iso(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The wire form of an action sheet, with its objectives among `objectives`.
pub fn sheet_wire(sheet: ActionSheetRow, objectives: &[ObjectiveRow]) -> Result<ActionSheet, ApiError> {
    let theme = ActionTheme::from_code(&sheet.theme).unwrap_or(ActionTheme::Autre);
    Ok(ActionSheet {
        id: sheet.id,
        theme,
        theme_label: sheet
            .theme_label
            .clone()
            .unwrap_or_else(|| theme.label().to_owned()),
        title: sheet.title,
        actions: sheet.actions,
        owner: sheet.owner,
        deadline: sheet.deadline,
        objectives: objectives
            .iter()
            .filter(|o| o.action_sheet_id == sheet.id)
            .map(objective_wire)
            .collect::<Result<_, ApiError>>()?,
    })
}

/// The wire form of a perimeter member.
pub fn perimeter_entry(m: PerimeterRow) -> PerimeterEntry {
    PerimeterEntry {
        finess: m.finess,
        name: m.name,
        category: m.category,
        department_code: m.department_code,
        joined_on: m.joined_on,
        left_on: m.left_on,
        amendment_id: m.amendment_id,
    }
}

/// The wire form of a committee; `late` as of today (planned before today, never recorded as held).
pub fn committee_wire(c: repo::CommitteeRow) -> Committee {
    let today = iso(super::today());
    Committee {
        late: tdb_domain::cpom::committee_is_late(&c.scheduled_on, c.held_on.as_deref(), &today),
        id: c.id,
        contract_id: c.contract_id,
        kind: CommitteeKind::from_code(&c.kind).unwrap_or(CommitteeKind::Supplementaire),
        contract_year: c.contract_year,
        scheduled_on: c.scheduled_on,
        held_on: c.held_on,
        minutes: c.minutes,
        decisions: c
            .decisions
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default(),
    }
}

/// The wire form of an objective.
pub fn objective_wire(o: &ObjectiveRow) -> Result<Objective, ApiError> {
    let (indicator_label, unit) = match &o.indicator_code {
        Some(code) => {
            let catalogue =
                catalogue_for(tdb_domain::LAST_CAMPAIGN).map_err(|e| ApiError::Internal(e.to_string()))?;
            let def = catalogue.indicator(code);
            (
                def.map_or_else(|| code.clone(), |d| d.label.clone()),
                def.and_then(|d| {
                    serde_json::to_value(d.unit)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                }),
            )
        }
        None => (o.free_indicator_label.clone().unwrap_or_default(), None),
    };
    Ok(Objective {
        id: o.id,
        action_sheet_id: o.action_sheet_id,
        label: o.label.clone(),
        indicator_code: o.indicator_code.clone(),
        indicator_label,
        unit,
        structure_finess: o.structure_finess.clone(),
        baseline_year: o.baseline_year,
        baseline_value: o.baseline_value,
        target_value: o.target_value,
        target_year: o.target_year,
        sense: Sense::from_code(&o.sense).unwrap_or(Sense::HigherBetter),
    })
}

/// The year of an ISO date.
pub fn year_of(text: &str) -> Result<i32, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.year())
        .map_err(|e| ApiError::Internal(format!("stored date {text}: {e}")))
}
