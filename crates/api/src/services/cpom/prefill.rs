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

use super::in_force;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow};
use crate::db::repo::values::{self, ValueRow};
use crate::error::ApiError;
use crate::services::imports::importer::Importer;
use crate::services::imports::rows::ImportRow;
use crate::services::imports::{self, Context, Options};

/// Phases whose forms receive pushes.
const OPEN_PHASES: [&str; 3] = ["preparation", "collecte", "fiabilisation"];
/// The form's items the contracts give.
const ITEMS: [&str; 3] = ["cpom_en_cours", "date_debut_cpom", "date_fin_cpom"];
/// The prefill source.
pub const SOURCE: &str = "cpom";

/// The contract in force for `finess` on 31/12 of `year` (the latest starting one if several), by the
/// one rule of [`super::in_force`].
pub fn in_force<'a>(
    contracts: &'a [(ContractRow, Vec<repo::PerimeterRow>)],
    finess: &str,
    year: i32,
) -> Result<Option<&'a ContractRow>, ApiError> {
    let day = format!("{year}-12-31");
    let memberships = contracts.iter().flat_map(|(row, perimeter)| {
        perimeter
            .iter()
            .filter(|m| m.finess == finess)
            .map(move |m| (row, m))
    });
    Ok(in_force::contract_on(memberships, &day))
}

/// The CPOM items the contract in force (or its absence) gives.
pub fn expected(in_force: Option<&ContractRow>) -> Vec<(&'static str, Value)> {
    let [en_cours, debut, fin] = ITEMS;
    match in_force {
        Some(row) => vec![
            (en_cours, json!(true)),
            (debut, json!(row.start_date)),
            (fin, json!(row.end_date)),
        ],
        None => vec![(en_cours, json!(false))],
    }
}

/// The CPOM items among `stored` (the values of the form of `finess` for `year`) that disagree with
/// what the contract `in_force` (or its absence) gives.
fn compare(
    year: i32,
    finess: &str,
    stored: &[ValueRow],
    in_force: Option<&ContractRow>,
) -> Vec<CpomMismatch> {
    expected(in_force)
        .into_iter()
        .filter_map(|(item, contract_value)| {
            let row = stored.iter().find(|r| r.item_code == item)?;
            let form_value: Value = serde_json::from_str(&row.value_json).unwrap_or(Value::Null);
            (!form_value.is_null() && form_value != contract_value).then(|| CpomMismatch {
                year,
                finess: finess.to_owned(),
                item: item.to_owned(),
                form_value,
                contract_value,
                source: row.source.clone(),
                contract_id: in_force.map(|c| c.id),
                contract_title: in_force.map(|c| c.title.clone()),
            })
        })
        .collect()
}

/// The first day the recorded contracts put `finess` under a CPOM that took effect (`en_cours`, `echu`
/// or `resilie`): the platform knows the structure's CPOM situation from that day on, not before (an
/// earlier CPOM may simply not be recorded).
fn known_from<'a>(contracts: &'a [(ContractRow, Vec<repo::PerimeterRow>)], finess: &str) -> Option<&'a str> {
    contracts
        .iter()
        .filter(|(row, _)| {
            matches!(
                row.state,
                ContractState::EnCours | ContractState::Echu | ContractState::Resilie
            )
        })
        .flat_map(|(row, perimeter)| {
            perimeter
                .iter()
                .filter(|m| m.finess == finess)
                .map(|m| row.start_date.as_str().max(m.joined_on.as_str()))
        })
        .min()
}

/// The CPOM items among `stored` (the values of the form of `finess` for `year`) that disagree with
/// the contracts, for a campaign whose 31/12 the contracts cover (see [`known_from`]).
fn alerts(
    contracts: &[(ContractRow, Vec<repo::PerimeterRow>)],
    year: i32,
    finess: &str,
    stored: &[ValueRow],
) -> Result<Vec<CpomMismatch>, ApiError> {
    let day = format!("{year}-12-31");
    match known_from(contracts, finess) {
        Some(from) if from <= day.as_str() => {
            Ok(compare(year, finess, stored, in_force(contracts, finess, year)?))
        }
        _ => Ok(Vec::new()),
    }
}

/// The alerts of the form of `finess` for `year` whose values are `stored`: its CPOM items that
/// disagree with the contracts (see [`alerts`]).
pub fn form_alerts(
    conn: &mut DbConnection,
    year: i32,
    finess: &str,
    stored: &[ValueRow],
) -> Result<Vec<CpomMismatch>, ApiError> {
    if !stored.iter().any(|r| ITEMS.contains(&r.item_code.as_str())) {
        return Ok(Vec::new());
    }
    let contracts: Vec<_> = repo::memberships(conn, finess)?
        .into_iter()
        .map(|(row, member)| (row, vec![member]))
        .collect();
    alerts(&contracts, year, finess, stored)
}

/// The contracts whose perimeter holds (or held) one of `finess`, newest first, with their perimeter:
/// the only ones [`in_force`] can retain for those structures.
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
            let values = expected(in_force(&all, f, year)?)
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
            out.extend(alerts(&all, year, f, &stored)?);
        }
    }
    Ok(out)
}
