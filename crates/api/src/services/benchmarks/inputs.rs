//! What peer statistics are computed from: each structure's category, territory, completion and
//! indicator values for one campaign.
//!
//! A live campaign reads the per-form cache (`peer_inputs`) and re-evaluates only the forms whose
//! version (or whose structure's version) moved since their row was written; a frozen campaign reads
//! its snapshot as it was written when the campaign entered `restitution`.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use tdb_domain::contract::IndicatorStatus;
use tdb_domain::{Catalogue, evaluate};

use crate::db::DbConnection;
use crate::db::repo::peers::{self, LiveRow, PeerInputRow, SnapshotRow};
use crate::error::ApiError;
use crate::services::values::typed_values;

/// Forms re-evaluated per query of their values.
const CHUNK: usize = 500;

/// One structure's inputs for one campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerInput {
    /// FINESS ET.
    pub finess: String,
    /// Category code.
    pub category: String,
    /// Region code.
    pub region: String,
    /// Department code.
    pub department: String,
    /// Completion threshold reached.
    pub reached: bool,
    /// Value of each indicator of the catalogue (catalogue order) when its status is `ok`.
    pub values: Vec<Option<f64>>,
}

/// The inputs of a live campaign, and the cache rows to write for the forms re-evaluated.
#[derive(Debug, Default)]
pub struct Refreshed {
    /// Every form's inputs, by FINESS.
    pub inputs: Vec<PeerInput>,
    /// Rows to store in the cache.
    pub stale: Vec<PeerInputRow>,
}

/// Inputs of live campaign `year`, re-evaluating the forms whose cached row is missing or stale.
pub fn live(conn: &mut DbConnection, year: i32, catalogue: &Catalogue) -> Result<Refreshed, ApiError> {
    let rows = peers::live_rows(conn, year)?;
    let mut out = Refreshed {
        inputs: Vec::with_capacity(rows.len()),
        stale: Vec::new(),
    };
    let mut to_evaluate: Vec<LiveRow> = Vec::new();
    for row in rows {
        match &row.cached {
            Some((form_version, structure_version, reached, packed))
                if *form_version == row.form_version && *structure_version == row.structure_version =>
            {
                let values = peers::unpack_values(packed).ok_or_else(|| {
                    ApiError::Internal("peer inputs: packed values of a bad length".to_owned())
                })?;
                let reached = *reached;
                out.inputs.push(input(&row, reached, values));
            }
            _ => to_evaluate.push(row),
        }
    }
    for chunk in to_evaluate.chunks(CHUNK) {
        let finess: Vec<String> = chunk.iter().map(|r| r.finess.clone()).collect();
        let stored = peers::values_of(conn, year, &finess)?;
        let mut by_form: HashMap<&str, Vec<(&String, &String)>> = HashMap::new();
        for (finess, item, json) in &stored {
            by_form.entry(finess.as_str()).or_default().push((item, json));
        }
        for row in chunk {
            let own = by_form.remove(row.finess.as_str()).unwrap_or_default();
            let (reached, values) = evaluate_form(catalogue, &row.category, &own)?;
            out.stale.push(PeerInputRow {
                campaign_year: year,
                structure_finess: row.finess.clone(),
                form_version: row.form_version,
                structure_version: row.structure_version,
                reached,
                values_f64: peers::pack_values(&values),
            });
            out.inputs.push(input(row, reached, values));
        }
    }
    out.inputs.sort_by(|a, b| a.finess.cmp(&b.finess));
    Ok(out)
}

/// Inputs of frozen campaign `year`, as frozen.
pub fn frozen(conn: &mut DbConnection, year: i32) -> Result<Vec<PeerInput>, ApiError> {
    peers::snapshot(conn, year)?
        .into_iter()
        .map(|row| {
            Ok(PeerInput {
                values: parse_values(&row.values_json)?,
                finess: row.structure_finess,
                category: row.category,
                region: row.region_code,
                department: row.department_code,
                reached: row.reached,
            })
        })
        .collect()
}

/// Freezes campaign `year` at `at` with its current inputs (refreshing the cache first), unless it
/// is already frozen. Runs in the caller's transaction.
pub fn freeze(
    conn: &mut DbConnection,
    year: i32,
    catalogue: &Catalogue,
    at: NaiveDateTime,
) -> Result<bool, ApiError> {
    if peers::frozen_at(conn, year)?.is_some() {
        return Ok(false);
    }
    let refreshed = live(conn, year, catalogue)?;
    peers::store(conn, &refreshed.stale)?;
    let rows = refreshed
        .inputs
        .iter()
        .map(|i| {
            Ok(SnapshotRow {
                campaign_year: year,
                structure_finess: i.finess.clone(),
                category: i.category.clone(),
                region_code: i.region.clone(),
                department_code: i.department.clone(),
                reached: i.reached,
                values_json: values_json(&i.values)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(peers::freeze(conn, year, at, &rows)?)
}

fn input(row: &LiveRow, reached: bool, values: Vec<Option<f64>>) -> PeerInput {
    PeerInput {
        finess: row.finess.clone(),
        category: row.category.clone(),
        region: row.region_code.clone(),
        department: row.department_code.clone(),
        reached,
        values,
    }
}

/// Completion reached and `ok` indicator values of a form whose stored values are `stored`.
pub fn evaluate_form(
    catalogue: &Catalogue,
    category: &str,
    stored: &[(&String, &String)],
) -> Result<(bool, Vec<Option<f64>>), ApiError> {
    let values = typed_values(catalogue, stored.iter().copied());
    let evaluation = evaluate(catalogue, category, &values, None, &BTreeSet::new())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let indicators = evaluation
        .indicators()
        .iter()
        .map(|o| (o.status == IndicatorStatus::Ok).then_some(o.value).flatten())
        .collect();
    Ok((evaluation.completion().reached, indicators))
}

fn values_json(values: &[Option<f64>]) -> Result<String, ApiError> {
    serde_json::to_string(values).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Reads the JSON array of indicator values of a snapshot row.
pub fn parse_values(json: &str) -> Result<Vec<Option<f64>>, ApiError> {
    serde_json::from_str(json).map_err(|e| ApiError::Internal(format!("peer inputs: {e}")))
}
