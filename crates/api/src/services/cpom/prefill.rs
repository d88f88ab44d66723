//! Prefill of the form's CPOM items from the contracts (source `cpom`, catalogue §1.4.1) and the
//! alerts when a form disagrees.
//!
//! For a structure and a campaign `N`, a CPOM is in force on 31/12/N when the structure is in its
//! perimeter that day, the day falls between its start and end dates, and the contract is `en_cours`
//! or `echu` (or `resilie` after that day). Then `cpom_en_cours` is `true` and the dates are those of
//! the contract (the latest starting one if several); otherwise `cpom_en_cours` is `false` and no date
//! is pushed. Pushes go through the import engine as the system importer of source `cpom`: a value the
//! structure typed is never replaced (a conflict), a validated form is never changed.

use std::sync::Arc;

use serde_json::{Value, json};
use tdb_domain::contract::{ContractState, CpomMismatch};

use super::contracts::{is_member_on, state_of};
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow};
use crate::db::repo::values;
use crate::error::ApiError;
use crate::services::imports::importer::Importer;
use crate::services::imports::rows::ImportRow;
use crate::services::imports::{self, Context, Options};

/// Phases whose forms receive pushes.
const OPEN_PHASES: [&str; 3] = ["preparation", "collecte", "fiabilisation"];
/// The prefill source.
pub const SOURCE: &str = "cpom";

/// The CPOM items of `finess` for campaign `year`, from the contracts.
pub fn expected(
    contracts: &[(ContractRow, Vec<repo::PerimeterRow>)],
    finess: &str,
    year: i32,
) -> Result<Vec<(&'static str, Value)>, ApiError> {
    let day = format!("{year}-12-31");
    let mut in_force: Option<&ContractRow> = None;
    for (row, perimeter) in contracts {
        let state = state_of(row)?;
        let running = match state {
            ContractState::EnCours | ContractState::Echu => true,
            ContractState::Resilie => row.terminated_on.as_deref().is_some_and(|t| t > day.as_str()),
            ContractState::EnNegociation | ContractState::Signe => false,
        };
        let member = perimeter
            .iter()
            .any(|m| m.finess == finess && is_member_on(m, &day));
        if running
            && member
            && row.start_date.as_str() <= day.as_str()
            && day.as_str() <= row.end_date.as_str()
            && in_force.is_none_or(|best| best.start_date < row.start_date)
        {
            in_force = Some(row);
        }
    }
    Ok(match in_force {
        Some(row) => vec![
            ("cpom_en_cours", json!(true)),
            ("date_debut_cpom", json!(row.start_date)),
            ("date_fin_cpom", json!(row.end_date)),
        ],
        None => vec![("cpom_en_cours", json!(false))],
    })
}

/// The contracts whose perimeter holds (or held) one of `finess`, newest first, with their perimeter:
/// the only ones [`expected`] can retain for those structures.
fn contracts_covering(
    conn: &mut DbConnection,
    finess: &[String],
) -> Result<Vec<(ContractRow, Vec<repo::PerimeterRow>)>, ApiError> {
    let mut ids = repo::ids_covering(conn, finess)?;
    ids.sort_unstable_by(|a, b| b.cmp(a));
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(row) = repo::find(conn, id)? {
            let perimeter = repo::perimeter(conn, id)?;
            out.push((row, perimeter));
        }
    }
    Ok(out)
}

/// Years of the campaigns whose forms receive pushes.
fn open_years(conn: &mut DbConnection) -> Result<Vec<i32>, ApiError> {
    use crate::db::schema::campaigns;
    use diesel::prelude::*;
    Ok(campaigns::table
        .filter(campaigns::phase.eq_any(OPEN_PHASES))
        .select(campaigns::year)
        .order(campaigns::year)
        .load(conn)?)
}

/// Pushes the CPOM items of `finess` to the forms of the open campaigns.
pub fn push(conn: &mut DbConnection, finess: &[String]) -> Result<(), ApiError> {
    if finess.is_empty() {
        return Ok(());
    }
    let all = contracts_covering(conn, finess)?;
    for year in open_years(conn)? {
        let mut rows = Vec::with_capacity(finess.len());
        for (i, f) in finess.iter().enumerate() {
            let values = expected(&all, f, year)?
                .into_iter()
                .map(|(item, value)| (Arc::<str>::from(item), value))
                .collect();
            rows.push(ImportRow {
                row: u64::try_from(i).unwrap_or(0),
                finess: f.clone(),
                values,
                unreadable: Vec::new(),
            });
        }
        let options = Options {
            dry_run: false,
            partial: true,
            batch_values: 10_000,
        };
        let ctx = Context::new(conn, Importer::system(SOURCE)?, year, options)?;
        imports::run_single(conn, &ctx, &rows)?;
    }
    Ok(())
}

/// The CPOM items of the open campaigns' forms of `finess` that disagree with the contracts.
pub fn mismatches(conn: &mut DbConnection, finess: &[String]) -> Result<Vec<CpomMismatch>, ApiError> {
    let all = contracts_covering(conn, finess)?;
    let mut out = Vec::new();
    for year in open_years(conn)? {
        for f in finess {
            let stored = values::load(conn, year, f)?;
            for (item, contract_value) in expected(&all, f, year)? {
                let Some(row) = stored.iter().find(|r| r.item_code == item) else {
                    continue;
                };
                let form_value: Value = serde_json::from_str(&row.value_json).unwrap_or(Value::Null);
                if !form_value.is_null() && form_value != contract_value {
                    out.push(CpomMismatch {
                        year,
                        finess: f.clone(),
                        item: item.to_owned(),
                        form_value,
                        contract_value,
                        source: row.source.clone(),
                    });
                }
            }
        }
    }
    Ok(out)
}
