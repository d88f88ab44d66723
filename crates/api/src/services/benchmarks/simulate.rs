//! `POST /campaigns/{year}/structures/{finess}/simulate`: what-if simulation of a structure. The
//! changed values are applied over its stored ones, the form is evaluated, and each indicator in scope
//! is placed in its département, région and national groups of the campaign (frozen figures once the
//! campaign is in `restitution`), its own value replaced by the simulated one
//! ([`tdb_domain::stats::position_replacing`]); the CPOM objectives measured on the structure alone get
//! their status under both. Nothing is saved. Same callers as the structure's benchmark.

use std::collections::{BTreeMap, BTreeSet};

use tdb_domain::contract::{
    FieldError, ObjectiveStatus, SimulateRequest, SimulatedIndicator, SimulatedLevel, SimulatedObjective,
    Simulation,
};
use tdb_domain::cpom::{Sense, assess};
use tdb_domain::stats::position_replacing;
use tdb_domain::{Evaluation, FormValues, Value, evaluate, validate_value};

use super::{CampaignPeers, PeerSource, Territory, campaign_peers, in_scope, visible_structure};
use crate::auth::Principal;
use crate::db::repo::cpom::{self as cpom_repo, ObjectiveRow};
use crate::db::repo::structures::StructureRow;
use crate::db::repo::values;
use crate::error::ApiError;
use crate::services::values::{parse_json, rfc3339};

/// What the simulation reads of the database: the structure, its stored values, its objectives.
struct Stored {
    row: StructureRow,
    values: Vec<(String, String)>,
    objectives: Vec<ObjectiveRow>,
}

/// Simulates `request` on the structure `finess` in campaign `year`; 404 outside the caller's scope.
pub async fn simulate(
    source: &PeerSource,
    principal: Principal,
    (year, finess): (i32, String),
    request: SimulateRequest,
) -> Result<Simulation, ApiError> {
    let stored = source
        .pool
        .run(move |conn| {
            let row = visible_structure(conn, &principal, &finess)?;
            let values = values::load_json(conn, year, &finess)?;
            let objectives = cpom_repo::objectives_of_structure(conn, &finess)?;
            Ok(Stored {
                row,
                values,
                objectives,
            })
        })
        .await?;
    let peers = campaign_peers(source, year).await?;
    compute(&peers, &stored, &request)
}

/// The stored values with the changes applied, and the items that changed; 422 listing every bad value.
fn apply(
    peers: &CampaignPeers,
    stored: &[(String, String)],
    changes: &BTreeMap<String, serde_json::Value>,
) -> Result<(FormValues, FormValues, Vec<String>), ApiError> {
    let catalogue = peers.catalogue;
    let mut current: BTreeMap<String, serde_json::Value> = stored
        .iter()
        .map(|(item, json)| (item.clone(), parse_json(json)))
        .collect();
    let (before, _) = FormValues::from_json_lenient(catalogue, &current);
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for (item, raw) in changes {
        match validate_value(catalogue, item, raw) {
            Err(error) => errors.push(FieldError {
                path: format!("/values/{}", item.replace('~', "~0").replace('/', "~1")),
                code: serde_json::to_value(error.code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "invalid_value".to_owned()),
                message: error.message,
            }),
            Ok(value) => {
                let old: Option<Value> = current
                    .get(item)
                    .and_then(|json| validate_value(catalogue, item, json).ok().flatten());
                if old != value {
                    changed.push(item.clone());
                }
                current.insert(item.clone(), raw.clone());
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let (after, _) = FormValues::from_json_lenient(catalogue, &current);
    Ok((before, after, changed))
}

fn compute(
    peers: &CampaignPeers,
    stored: &Stored,
    request: &SimulateRequest,
) -> Result<Simulation, ApiError> {
    let catalogue = peers.catalogue;
    let (before, after, changed) = apply(peers, &stored.values, &request.values)?;
    let own = peers.input(&stored.row.finess);
    let (category, region, department) = match own {
        Some(input) => (
            input.category.clone(),
            input.region.clone(),
            input.department.clone(),
        ),
        None => (
            stored.row.category.clone(),
            stored.row.region_code.clone(),
            stored.row.department_code.clone(),
        ),
    };
    let engine = |values: &FormValues| -> Result<Evaluation<'static>, ApiError> {
        evaluate(catalogue, &category, values, None, &BTreeSet::new())
            .map_err(|e| ApiError::Internal(e.to_string()))
    };
    let now = engine(&before)?;
    let simulated = engine(&after)?;
    let levels = [
        Territory::Department(department.clone()),
        Territory::Region(region.clone()),
        Territory::National,
    ];
    let reached = own.is_some_and(|i| i.reached);
    let indicators = catalogue
        .indicators()
        .iter()
        .enumerate()
        .filter(|(_, def)| in_scope(catalogue, def, &category))
        .map(|(index, def)| {
            let current = own.and_then(|i| i.values.get(index).copied().flatten());
            let counted = current.filter(|_| reached);
            let value = simulated.indicators()[index].value;
            let counts = simulated.peer_value(index).is_some();
            let [department, region, national] = levels.clone().map(|territory| {
                let group = peers.group(index, &category, &territory);
                SimulatedLevel {
                    territory: territory.to_string(),
                    peers: peers.stats(index, &category, &territory),
                    current: current
                        .and_then(|v| peers.position(index, &category, &territory, v, def.direction)),
                    simulated: value
                        .and_then(|v| position_replacing(group, counted, (v, counts), def.direction)),
                }
            });
            SimulatedIndicator {
                indicator: def.code.clone(),
                label: def.label.clone(),
                level: def.level,
                unit: def.unit,
                direction: def.direction,
                current,
                simulated: value,
                department,
                region,
                national,
            }
        })
        .collect();
    let objectives = stored
        .objectives
        .iter()
        .filter_map(|o| objective(peers.year, o, &now, &simulated))
        .collect();
    Ok(Simulation {
        campaign: peers.year,
        finess: stored.row.finess.clone(),
        category,
        department,
        region,
        frozen_at: peers.frozen_at.map(rfc3339),
        reached: simulated.completion().reached,
        changed,
        indicators,
        objectives,
    })
}

/// An objective measured on the structure alone, assessed in `year` with both evaluations.
fn objective(
    year: i32,
    row: &ObjectiveRow,
    now: &Evaluation<'_>,
    simulated: &Evaluation<'_>,
) -> Option<SimulatedObjective> {
    let code = row.indicator_code.as_deref()?;
    let sense = Sense::from_code(&row.sense).unwrap_or(Sense::HigherBetter);
    let status = |evaluation: &Evaluation<'_>| -> ObjectiveStatus {
        let actual = evaluation
            .indicator_value(code)
            .ok_or_else(|| "indicateur non calculable (données manquantes)".to_owned());
        assess(
            row.baseline_year.zip(row.baseline_value),
            (row.target_year, row.target_value),
            sense,
            year,
            actual,
        )
        .status
    };
    Some(SimulatedObjective {
        id: row.id,
        contract_id: row.contract_id,
        indicator: code.to_owned(),
        target_value: row.target_value,
        target_year: row.target_year,
        current: status(now),
        simulated: status(simulated),
    })
}
