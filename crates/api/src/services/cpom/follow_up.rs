//! Follow-up of objectives from the dashboard: for every objective and every campaign of the
//! contract, the actual value (validated forms; otherwise `provisoire`), the gap and the status.
//!
//! * one structure: the indicator as the dashboard computes it on that structure's form;
//! * the perimeter: the structures in the perimeter on 31/12 of the campaign year, aggregated by
//!   [`tdb_domain::cpom::Aggregation`] (ratios recomputed from summed raw items);
//! * a free indicator: the value reported for the year.

use std::collections::HashMap;

use tdb_domain::catalogue_for;
use tdb_domain::contract::{
    FollowUp, FollowUpPoint, FormState, IndicatorStatus, ObjectiveFollowUp, ObjectiveStatus, Sense,
};
use tdb_domain::cpom::{aggregation_for, assess};

use super::load_visible;
use super::wire::{is_member_on, objective_wire, year_of};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow, ObjectiveRow, PerimeterRow};
use crate::db::repo::{campaigns, forms, values};
use crate::error::ApiError;
use crate::services::values::typed_values;

/// The actual value of an objective for one campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    /// The value, or why there is none (French).
    pub value: Result<f64, String>,
    /// Some form it comes from is not validated yet.
    pub provisoire: bool,
}

fn not_measurable(reason: String) -> Actual {
    Actual {
        value: Err(reason),
        provisoire: false,
    }
}

/// The actual value of a catalogue objective in campaign `year`, over the perimeter on `day` (31/12 of
/// the year for the follow-up; the start date for a baseline taken before the contract).
pub fn actual(
    conn: &mut DbConnection,
    objective: &ObjectiveRow,
    perimeter: &[PerimeterRow],
    year: i32,
    day: &str,
) -> Result<Actual, ApiError> {
    let Some(code) = &objective.indicator_code else {
        return Ok(not_measurable(
            "indicateur libre : valeur non renseignée".to_owned(),
        ));
    };
    let Ok(catalogue) = catalogue_for(year) else {
        return Ok(not_measurable(format!("la campagne {year} n'a pas de catalogue")));
    };
    let Some(def) = catalogue.indicator(code) else {
        return Ok(not_measurable(format!(
            "l'indicateur « {code} » n'existe pas en {year}"
        )));
    };
    let finess: Vec<String> = match &objective.structure_finess {
        Some(one) => vec![one.clone()],
        None => perimeter
            .iter()
            .filter(|m| is_member_on(m, day))
            .map(|m| m.finess.clone())
            .collect(),
    };
    if finess.is_empty() {
        return Ok(not_measurable(format!(
            "aucune structure dans le périmètre au {day}"
        )));
    }
    let mut provisoire = false;
    let mut loaded = Vec::with_capacity(finess.len());
    for f in &finess {
        let Some(form) = forms::find(conn, year, f)? else {
            return Ok(not_measurable(format!(
                "aucun formulaire {year} pour la structure {f}"
            )));
        };
        provisoire |= form.state != FormState::Valide && form.state != FormState::Cloture;
        loaded.push((f.clone(), values::load_json(conn, year, f)?));
    }
    let value = if objective.structure_finess.is_some() {
        let (f, stored) = &loaded[0];
        let category = repo::structures_among(conn, std::slice::from_ref(f))?
            .into_iter()
            .next()
            .map(|s| s.category)
            .unwrap_or_default();
        let refs: Vec<(&String, &String)> = stored.iter().map(|(k, v)| (k, v)).collect();
        let values = typed_values(catalogue, refs.into_iter());
        let evaluation = tdb_domain::evaluate(catalogue, &category, &values, None, &Default::default())
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        match evaluation.indicator(code) {
            Some(o) if o.status == IndicatorStatus::Ok => o.value.ok_or_else(|| "valeur absente".to_owned()),
            Some(_) => Err(format!(
                "indicateur non calculable pour la structure {f} (données manquantes)"
            )),
            None => Err(format!("indicateur hors du champ de la structure {f}")),
        }
    } else {
        let structures: Vec<(String, _)> = loaded
            .into_iter()
            .map(|(f, stored)| {
                let map: HashMap<String, f64> = stored
                    .into_iter()
                    .filter_map(|(k, v)| {
                        serde_json::from_str::<serde_json::Value>(&v)
                            .ok()?
                            .as_f64()
                            .map(|x| (k, x))
                    })
                    .collect();
                (f, move |item: &str| map.get(item).copied())
            })
            .collect();
        aggregation_for(def)
            .compute(&structures)
            .map_err(|e| e.to_string())
    };
    Ok(Actual { value, provisoire })
}

/// The campaigns of a contract known to the system, oldest first (`up_to` caps the year).
pub fn contract_years(
    conn: &mut DbConnection,
    row: &ContractRow,
    up_to: Option<i32>,
) -> Result<Vec<i32>, ApiError> {
    let (start, end) = (year_of(&row.start_date)?, year_of(&row.end_date)?);
    let last = up_to.map_or(end, |cap| cap.min(end));
    let mut years = Vec::new();
    for year in start..=last {
        if campaigns::find(conn, year)?.is_some() {
            years.push(year);
        }
    }
    Ok(years)
}

/// The follow-up of every objective of a contract over `years`.
pub fn compute(
    conn: &mut DbConnection,
    row: &ContractRow,
    years: &[i32],
) -> Result<Vec<ObjectiveFollowUp>, ApiError> {
    let perimeter = repo::perimeter(conn, row.id)?;
    let manual = repo::manual_values(conn, row.id)?;
    let mut out = Vec::new();
    for objective in repo::objectives(conn, row.id)? {
        let sense = Sense::from_code(&objective.sense).unwrap_or(Sense::HigherBetter);
        let baseline = objective.baseline_year.zip(objective.baseline_value);
        let mut points = Vec::with_capacity(years.len());
        for &year in years {
            let actual = if objective.indicator_code.is_some() {
                actual(conn, &objective, &perimeter, year, &format!("{year}-12-31"))?
            } else {
                match manual.iter().find(|(o, y, _)| *o == objective.id && *y == year) {
                    Some((_, _, v)) => Actual {
                        value: Ok(*v),
                        provisoire: false,
                    },
                    None => not_measurable("indicateur libre : valeur non renseignée".to_owned()),
                }
            };
            let a = assess(
                baseline,
                (objective.target_year, objective.target_value),
                sense,
                year,
                actual.value.clone(),
            );
            points.push(FollowUpPoint {
                year,
                actual: actual.value.ok(),
                provisoire: actual.provisoire,
                expected: a.expected,
                gap: a.gap,
                status: a.status,
                reason: a.reason,
            });
        }
        let status = points
            .iter()
            .rev()
            .find(|p| p.actual.is_some())
            .or(points.last())
            .map_or(ObjectiveStatus::NonMesurable, |p| p.status);
        out.push(ObjectiveFollowUp {
            objective: objective_wire(&objective)?,
            points,
            status,
        });
    }
    Ok(out)
}

/// `GET /cpom/contracts/{id}/follow-up`.
pub fn follow_up(conn: &mut DbConnection, principal: &Principal, id: i64) -> Result<FollowUp, ApiError> {
    let (row, _, _) = load_visible(conn, principal, id)?;
    let years = contract_years(conn, &row, None)?;
    let objectives = compute(conn, &row, &years)?;
    Ok(FollowUp {
        contract_id: id,
        years,
        objectives,
    })
}
