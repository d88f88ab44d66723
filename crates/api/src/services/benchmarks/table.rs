//! `GET /campaigns/{year}/indicators`: the indicator values of the structures a caller may see, one
//! row per structure, for the territory dashboards of the web app.
//!
//! The structures and the checks are those of the exports (`exports::scoped_structures`: the
//! caller's scope, a partner needs `read`); the values are the campaign's peer inputs (live, or as
//! frozen once the campaign is in `restitution`), so the table shows the very numbers the statistics
//! are computed from.

use std::collections::{BTreeMap, HashMap};

use tdb_domain::Catalogue;
use tdb_domain::contract::{FieldError, FormState, IndicatorColumn, IndicatorRow, IndicatorTable, Level};

use super::{PeerSource, campaign_peers, in_scope};
use crate::auth::Principal;
use crate::db::repo::exports::{self as repo, ExportFilters, ExportStructure};
use crate::error::ApiError;
use crate::services::exports::{CHUNK, scoped_structures};
use crate::services::values::rfc3339;

/// Query of `GET /campaigns/{year}/indicators`.
#[derive(Debug, Clone, Default)]
pub struct TableQuery {
    /// Filters inside the caller's scope (category, department, region, managing body).
    pub filters: ExportFilters,
    /// Indicator codes separated by commas; the dialogue-level indicators (of the category, when
    /// filtered) when absent.
    pub indicators: Option<String>,
}

/// The indicator table of campaign `year` for `principal`.
pub async fn table(
    source: &PeerSource,
    principal: Principal,
    year: i32,
    query: TableQuery,
) -> Result<IndicatorTable, ApiError> {
    let mut filters = query.filters;
    let (catalogue, structures, forms) = source
        .pool
        .run(move |conn| {
            let (catalogue, structures) = scoped_structures(conn, &principal, year, &mut filters)?;
            let mut forms = HashMap::new();
            for chunk in structures.chunks(CHUNK) {
                let finess: Vec<&str> = chunk.iter().map(|s| s.finess.as_str()).collect();
                for (finess, state, rate) in repo::completion_of(conn, year, &finess)? {
                    forms.insert(finess, (state, rate));
                }
            }
            Ok((catalogue, structures, forms))
        })
        .await?;
    let columns = columns(catalogue, query.indicators.as_deref(), &structures)?;
    let peers = campaign_peers(source, year).await?;
    let rows = structures
        .into_iter()
        .map(|s| {
            let own = peers.input(&s.finess);
            let values = columns
                .iter()
                .map(|(index, column)| {
                    let value = own.and_then(|i| i.values.get(*index).copied().flatten());
                    (column.code.clone(), value)
                })
                .collect::<BTreeMap<_, _>>();
            let (state, completion_rate) = match forms.get(&s.finess) {
                Some((state, rate)) => (*state, *rate),
                None => (FormState::NonCommence, 0.0),
            };
            row(s, state, completion_rate, values)
        })
        .collect();
    Ok(IndicatorTable {
        campaign: year,
        frozen_at: peers.frozen_at.map(rfc3339),
        columns: columns.into_iter().map(|(_, c)| c).collect(),
        rows,
    })
}

fn row(
    s: ExportStructure,
    state: FormState,
    completion_rate: f64,
    values: BTreeMap<String, Option<f64>>,
) -> IndicatorRow {
    IndicatorRow {
        finess: s.finess,
        name: s.name,
        category: s.category,
        department: s.department_code,
        region: s.region_code,
        state,
        completion_rate,
        values,
    }
}

/// The columns asked for (catalogue order, with their index), or the default ones: the
/// dialogue-level indicators in scope of at least one listed structure's category. 422
/// `unknown_indicator` on `/query/indicators` for a code the catalogue does not have.
fn columns(
    catalogue: &Catalogue,
    asked: Option<&str>,
    structures: &[ExportStructure],
) -> Result<Vec<(usize, IndicatorColumn)>, ApiError> {
    let indices: Vec<usize> = match asked.filter(|a| !a.trim().is_empty()) {
        Some(list) => {
            let mut indices = Vec::new();
            let mut errors = Vec::new();
            for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                match catalogue.indicator_index(code) {
                    Some(index) => indices.push(index),
                    None => errors.push(FieldError {
                        path: "/query/indicators".to_owned(),
                        code: "unknown_indicator".to_owned(),
                        message: format!(
                            "L'indicateur « {code} » n'existe pas dans le catalogue de la campagne."
                        ),
                    }),
                }
            }
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            indices.sort_unstable();
            indices.dedup();
            indices
        }
        None => {
            let mut categories: Vec<&str> = structures.iter().map(|s| s.category.as_str()).collect();
            categories.sort_unstable();
            categories.dedup();
            catalogue
                .indicators()
                .iter()
                .enumerate()
                .filter(|(_, def)| {
                    def.level == Level::Dialogue && categories.iter().any(|c| in_scope(catalogue, def, c))
                })
                .map(|(index, _)| index)
                .collect()
        }
    };
    Ok(indices
        .into_iter()
        .map(|index| {
            let def = &catalogue.indicators()[index];
            let column = IndicatorColumn {
                code: def.code.clone(),
                label: def.label.clone(),
                unit: def.unit,
                direction: def.direction,
            };
            (index, column)
        })
        .collect())
}
