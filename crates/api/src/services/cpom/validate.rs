//! Field checks shared by the creation and the replacement of a contract, an action sheet and an
//! objective: the same body gets the same answer whichever way it comes.

use chrono::{Months, NaiveDate};
use tdb_domain::catalogue_for;
use tdb_domain::contract::{ActionSheetCreate, ActionTheme, Direction, FieldError, ObjectiveCreate, Sense};

use super::{date, field, follow_up, validation};
use crate::auth::Principal;
use crate::auth::principal::StructureScope;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow, ObjectiveRow};
use crate::db::repo::structures::StructureRow;
use crate::error::ApiError;

/// The terms of a contract common to its creation and its update.
pub struct Terms<'a> {
    /// Title.
    pub title: &'a str,
    /// The ARS signs.
    pub signatory_ars: bool,
    /// The CD signs.
    pub signatory_cd: bool,
    /// Start, as sent.
    pub start_date: &'a str,
    /// End, as sent (default: start + 5 years − 1 day).
    pub end_date: Option<&'a str>,
}

/// Checks the title, the signatories and the dates; returns the start and the end when they are valid.
pub fn terms(terms: &Terms<'_>, errors: &mut Vec<FieldError>) -> Option<(NaiveDate, NaiveDate)> {
    if terms.title.trim().is_empty() {
        errors.push(field(
            "/title",
            "required",
            "Le titre du contrat est obligatoire.",
        ));
    }
    if !terms.signatory_ars && !terms.signatory_cd {
        errors.push(field(
            "/signatory_ars",
            "no_signatory",
            "Un CPOM est signé par l'ARS, le conseil départemental, ou les deux.",
        ));
    }
    let start = date(terms.start_date, "/start_date", errors);
    let end = match (terms.end_date, start) {
        (Some(text), _) => date(text, "/end_date", errors),
        (None, Some(start)) => default_end(start),
        (None, None) => None,
    };
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        errors.push(field(
            "/end_date",
            "end_before_start",
            "L'échéance doit suivre la date d'effet.",
        ));
    }
    start.zip(end)
}

/// Start + 5 years − 1 day.
pub fn default_end(start: NaiveDate) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(60))?.pred_opt()
}

/// The department of the signing CD: that of `first`, the first initial structure (by FINESS).
pub fn cd_department(signatory_cd: bool, first: &StructureRow) -> Option<&str> {
    signatory_cd.then_some(first.department_code.as_str())
}

/// Whether `principal` may create (or reshape) a contract of `organisation` with these signatories,
/// whose first initial structure is `first`: the ARS of its region when the ARS signs, the CD of its
/// department when the CD signs, the managing body itself.
pub fn in_competence(
    principal: &Principal,
    terms: &Terms<'_>,
    organisation: &str,
    first: &StructureRow,
) -> bool {
    match &principal.scope {
        StructureScope::ArsRegion(region) => terms.signatory_ars && region == &first.region_code,
        StructureScope::CdDepartment(dep) => {
            terms.signatory_cd && Some(dep.as_str()) == cd_department(terms.signatory_cd, first)
        }
        StructureScope::Organisation(org) => org == organisation,
        _ => false,
    }
}

/// Refuses (403) a contract outside the caller's competence.
pub fn require_competence(
    principal: &Principal,
    terms: &Terms<'_>,
    organisation: &str,
    first: &StructureRow,
) -> Result<(), ApiError> {
    if in_competence(principal, terms, organisation, first) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Ce contrat ne relève pas de votre compétence (signataire, territoire ou organisme).".to_owned(),
        ))
    }
}

/// Checks an action sheet (422 listing every invalid field).
pub fn action_sheet(input: &ActionSheetCreate) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if input.title.trim().is_empty() {
        errors.push(field(
            "/title",
            "required",
            "Le titre de la fiche action est obligatoire.",
        ));
    }
    if input.theme == ActionTheme::Autre && input.theme_label.as_deref().is_none_or(|l| l.trim().is_empty()) {
        errors.push(field("/theme_label", "required", "Nommez le thème « autre »."));
    }
    if let Some(deadline) = &input.deadline {
        date(deadline, "/deadline", &mut errors);
    }
    validation(errors)
}

/// Checks an objective of `contract` (whose perimeter ever held `members`) and returns it as a row
/// (id 0), its baseline as sent (see [`fill_baseline`]).
pub fn objective(
    conn: &mut DbConnection,
    contract: &ContractRow,
    members: &[String],
    input: &ObjectiveCreate,
) -> Result<ObjectiveRow, ApiError> {
    let mut errors = Vec::new();
    if input.label.trim().is_empty() {
        errors.push(field(
            "/label",
            "required",
            "Le libellé de l'objectif est obligatoire.",
        ));
    }
    if !repo::action_sheets(conn, contract.id)?
        .iter()
        .any(|s| s.id == input.action_sheet_id)
    {
        errors.push(field(
            "/action_sheet_id",
            "unknown_action_sheet",
            "Cette fiche action n'est pas celle du contrat.",
        ));
    }
    let catalogue =
        catalogue_for(tdb_domain::LAST_CAMPAIGN).map_err(|e| ApiError::Internal(e.to_string()))?;
    let direction = match (&input.indicator_code, &input.free_indicator_label) {
        (Some(code), None) => match catalogue.indicator(code) {
            Some(def) => Some(def.direction),
            None => {
                errors.push(field(
                    "/indicator_code",
                    "unknown_indicator",
                    format!("L'indicateur « {code} » n'existe pas."),
                ));
                None
            }
        },
        (None, Some(label)) if !label.trim().is_empty() => None,
        _ => {
            errors.push(field(
                "/indicator_code",
                "indicator_required",
                "Donnez soit un indicateur du tableau de bord, soit le libellé d'un indicateur libre.",
            ));
            None
        }
    };
    if let Some(finess) = &input.structure_finess
        && !members.contains(finess)
    {
        errors.push(field(
            "/structure_finess",
            "not_member",
            format!("La structure {finess} n'est pas dans le périmètre."),
        ));
    }
    let sense = input.sense.or(match direction {
        Some(Direction::HigherBetter) => Some(Sense::HigherBetter),
        Some(Direction::LowerBetter) => Some(Sense::LowerBetter),
        _ => None,
    });
    if sense.is_none() {
        errors.push(field(
            "/sense",
            "sense_required",
            "L'indicateur n'a pas de sens de lecture : précisez si la cible est un minimum ou un maximum.",
        ));
    }
    let (start, end) = (
        super::wire::year_of(&contract.start_date)?,
        super::wire::year_of(&contract.end_date)?,
    );
    if input.target_year < start || input.target_year > end {
        errors.push(field(
            "/target_year",
            "outside_contract",
            format!("L'année cible est comprise entre {start} et {end}."),
        ));
    }
    validation(errors)?;
    Ok(ObjectiveRow {
        id: 0,
        contract_id: contract.id,
        action_sheet_id: input.action_sheet_id,
        label: input.label.trim().to_owned(),
        indicator_code: input.indicator_code.clone(),
        structure_finess: input.structure_finess.clone(),
        free_indicator_label: input.free_indicator_label.clone(),
        baseline_year: input.baseline_year,
        baseline_value: input.baseline_value,
        target_value: input.target_value,
        target_year: input.target_year,
        sense: sense.unwrap_or(Sense::HigherBetter).code().to_owned(),
    })
}

/// Fills the baseline of a dashboard objective sent without a value: the stated campaign, else the
/// campaign before the start, else the start year's, computed on the perimeter at the start date.
pub fn fill_baseline(
    conn: &mut DbConnection,
    contract: &ContractRow,
    objective: &mut ObjectiveRow,
) -> Result<(), ApiError> {
    if objective.indicator_code.is_none() || objective.baseline_value.is_some() {
        return Ok(());
    }
    let start = super::wire::year_of(&contract.start_date)?;
    let candidates = objective
        .baseline_year
        .map_or_else(|| vec![start - 1, start], |year| vec![year]);
    let perimeter = repo::perimeter(conn, contract.id)?;
    objective.baseline_year = candidates.first().copied();
    for year in candidates {
        if let Ok(value) = follow_up::actual(conn, objective, &perimeter, year, &contract.start_date)?.value {
            objective.baseline_year = Some(year);
            objective.baseline_value = Some(value);
            break;
        }
    }
    Ok(())
}
