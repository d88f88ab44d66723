//! The cached evaluation summaries of stored forms (completion, submission readiness, alert count),
//! recomputed when what a form is judged against changes without the form changing: freezing campaign
//! N makes its figures the peer reference of the forms of the campaigns after it (until the next
//! frozen one), whose `ecart_pairs` alerts — counted in the review queue — appear or go.

use std::collections::{BTreeSet, HashMap, HashSet};

use tdb_domain::catalogue_for;

use super::view::refresh_cache;
use crate::db::DbConnection;
use crate::db::repo::{campaigns, forms, imports, peers};
use crate::error::ApiError;
use crate::services::benchmarks::reference;
use crate::services::values::typed_values;

/// Forms read and recomputed together.
const CHUNK: usize = 500;

/// Recomputes the summaries of the forms whose peer reference is campaign `frozen` (just frozen, in
/// the caller's transaction); returns how many summaries changed.
pub fn refresh_after_freeze(conn: &mut DbConnection, frozen: i32) -> Result<usize, ApiError> {
    let mut changed = 0;
    for year in campaigns::years_after(conn, frozen)? {
        if peers::last_frozen_before(conn, year)?.map(|(y, _)| y) != Some(frozen) {
            break;
        }
        changed += refresh_campaign(conn, year)?;
    }
    Ok(changed)
}

/// Recomputes the summaries of every form of campaign `year`; returns how many changed.
fn refresh_campaign(conn: &mut DbConnection, year: i32) -> Result<usize, ApiError> {
    let catalogue = catalogue_for(year)?;
    let rows = forms::of_campaign_with_category(conn, year)?;
    let mut references = reference::ByGroup::default();
    let empty = BTreeSet::new();
    let mut changed = 0;
    for chunk in rows.chunks(CHUNK) {
        let finess: Vec<&str> = chunk
            .iter()
            .map(|(f, _, _)| f.structure_finess.as_str())
            .collect();
        let mut values: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (f, item, json) in imports::value_json_of(conn, year, &finess)? {
            values.entry(f).or_default().push((item, json));
        }
        let previous = previous_values(conn, year.saturating_sub(1), &finess)?;
        let mut justified: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (f, key) in imports::justified_of(conn, year, &finess)? {
            justified.entry(f).or_default().insert(key);
        }
        for (form, category, region) in chunk {
            let peers = references.get(conn, (year, catalogue), category, region)?;
            let stored = values
                .get(&form.structure_finess)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let current = typed_values(catalogue, stored.iter().map(|(item, json)| (item, json)));
            let mut fresh = form.clone();
            refresh_cache(
                (catalogue, category),
                &mut fresh,
                &current,
                previous.get(&form.structure_finess).map(Vec::as_slice),
                (justified.get(&form.structure_finess).unwrap_or(&empty), peers),
            )?;
            if fresh != *form {
                forms::set_summary(conn, &fresh)?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

/// The values of the previous campaign of the structures that had a form then, by FINESS.
pub fn previous_values(
    conn: &mut DbConnection,
    year: i32,
    finess: &[&str],
) -> Result<HashMap<String, Vec<(String, String)>>, ApiError> {
    let with_form = imports::with_form(conn, year, finess)?;
    let mut previous: HashMap<String, Vec<(String, String)>> =
        with_form.iter().map(|f| (f.clone(), Vec::new())).collect();
    if with_form.is_empty() {
        return Ok(previous);
    }
    let had: HashSet<&str> = with_form.iter().map(String::as_str).collect();
    let keep: Vec<&str> = finess.iter().copied().filter(|f| had.contains(f)).collect();
    for (f, item, value) in imports::value_json_of(conn, year, &keep)? {
        previous.entry(f).or_default().push((item, value));
    }
    Ok(previous)
}
