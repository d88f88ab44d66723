//! Batches of an import: rows grouped by structure, the stored state of a batch of structures (read
//! in a few set-based statements), and the plan of each row against it.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::NaiveDateTime;
use tdb_domain::contract::{FormState, ImportConflict, ImportRejection};
use tdb_domain::validate_value;

use super::Context;
use super::plan::{self, Decision};
use super::rows::ImportRow;
use super::summary::{RowOutcome, Tally};
use crate::db::DbConnection;
use crate::db::repo::forms::{FormRow, StructureContext};
use crate::db::repo::imports;
use crate::db::repo::values::ValueRow;
use crate::error::ApiError;
use crate::services::forms::rules;

/// Largest number of structures in one batch (bound values of the `IN` lists stay far below the
/// backends' limits).
const BATCH_STRUCTURES: usize = 2000;

/// The rows of one structure, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// FINESS as sent.
    pub finess: String,
    /// Indices of its rows.
    pub rows: Vec<usize>,
    /// Number of values of those rows.
    pub values: usize,
}

/// Groups the rows by FINESS, structures in order of first appearance.
pub fn group(rows: &[ImportRow]) -> Vec<Group> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let g = *index.entry(row.finess.as_str()).or_insert_with(|| {
            groups.push(Group {
                finess: row.finess.clone(),
                rows: Vec::new(),
                values: 0,
            });
            groups.len() - 1
        });
        groups[g].rows.push(i);
        groups[g].values += row.len();
    }
    groups
}

/// Consecutive ranges of groups of about `max_values` values each (a structure is never split).
pub fn batches(groups: &[Group], max_values: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut values) = (0, 0);
    for (i, g) in groups.iter().enumerate() {
        if i > start && (values + g.values > max_values || i - start >= BATCH_STRUCTURES) {
            ranges.push(start..i);
            (start, values) = (i, 0);
        }
        values += g.values;
    }
    if start < groups.len() {
        ranges.push(start..groups.len());
    }
    ranges
}

/// What the database holds for a batch of structures.
#[derive(Debug, Default)]
pub struct State {
    /// Structures the importer may write, by FINESS.
    pub structures: HashMap<String, StructureContext>,
    /// Stored forms, by FINESS.
    pub forms: HashMap<String, FormRow>,
    /// Stored values, by FINESS.
    pub values: HashMap<String, Vec<ValueRow>>,
}

/// Reads the state of the structures `finess`; with `lock`, first takes the write locks of their forms
/// (first statement of a write transaction).
pub fn load(conn: &mut DbConnection, ctx: &Context, finess: &[&str], lock: bool) -> Result<State, ApiError> {
    if lock {
        let _span = tracing::trace_span!("import.lock").entered();
        imports::lock_forms(conn, ctx.year, finess)?;
    }
    let _span = tracing::trace_span!("import.read_state").entered();
    let structures = imports::visible_among(conn, &ctx.importer.scope, finess)?;
    let visible: Vec<&str> = structures.iter().map(|s| s.finess.as_str()).collect();
    let forms = imports::forms_of(conn, ctx.year, &visible)?;
    let mut values: HashMap<String, Vec<ValueRow>> = HashMap::new();
    for row in imports::values_of(conn, ctx.year, &visible)? {
        values.entry(row.structure_finess.clone()).or_default().push(row);
    }
    Ok(State {
        forms: forms
            .into_iter()
            .map(|f| (f.structure_finess.clone(), f))
            .collect(),
        structures: structures.into_iter().map(|s| (s.finess.clone(), s)).collect(),
        values,
    })
}

/// A value to write.
#[derive(Debug, Clone)]
pub struct Write {
    /// The new row.
    pub row: ValueRow,
    /// The stored value JSON it replaces (`None`: the item has no stored row).
    pub old: Option<String>,
    /// Whether it empties the item.
    pub cleared: bool,
    /// The new value, typed (`None` when it empties the item).
    pub value: Option<tdb_domain::Value>,
}

/// The writes of one form.
#[derive(Debug, Clone)]
pub struct FormPlan {
    /// FINESS.
    pub finess: String,
    /// Values to write.
    pub writes: Vec<Write>,
}

/// Checks the rows of `groups` against `state` (read-only pass): adds each row's outcome to `tally`.
pub fn check(ctx: &Context, rows: &[ImportRow], groups: &[Group], state: &State, tally: &mut Tally) {
    let _span = tracing::trace_span!("import.plan").entered();
    let mut forms = 0;
    for group in groups {
        let counts_before = tally.summary.values;
        plan_group(ctx, rows, group, state, tally, None);
        let after = tally.summary.values;
        if after.created + after.updated > counts_before.created + counts_before.updated {
            forms += 1;
        }
    }
    tally.summary.forms_updated += forms;
}

/// Plans the rows of `groups` against `state`: adds each row's outcome to `tally` and returns the
/// writes of the rows without any rejection, by form.
pub fn plan(
    ctx: &Context,
    rows: &[ImportRow],
    groups: &[Group],
    state: &State,
    tally: &mut Tally,
    now: NaiveDateTime,
) -> Vec<FormPlan> {
    let _span = tracing::trace_span!("import.plan").entered();
    let mut plans = Vec::new();
    for group in groups {
        let writes = plan_group(ctx, rows, group, state, tally, Some(now));
        if !writes.is_empty() {
            plans.push(FormPlan {
                finess: group.finess.clone(),
                writes,
            });
        }
    }
    tally.summary.forms_updated += plans.len() as u64;
    plans
}

fn plan_group(
    ctx: &Context,
    rows: &[ImportRow],
    group: &Group,
    state: &State,
    tally: &mut Tally,
    now: Option<NaiveDateTime>,
) -> Vec<Write> {
    let refusal = match state.structures.get(&group.finess) {
        None => Some((
            "structure_not_found",
            format!("Aucune structure {} n'est accessible.", group.finess),
        )),
        Some(_) => form_refusal(ctx, state.forms.get(&group.finess)),
    };
    if let Some((code, message)) = refusal {
        for &i in &group.rows {
            let row = &rows[i];
            let mut outcome = RowOutcome::default();
            outcome.counts.rejected = row.len() as u64;
            outcome.rejected.push(rejection(row, None, code, message.clone()));
            tally.add(row.row, outcome);
        }
        return Vec::new();
    }
    let current: HashMap<&str, &ValueRow> = state
        .values
        .get(&group.finess)
        .map(|v| v.iter().map(|r| (r.item_code.as_str(), r)).collect())
        .unwrap_or_default();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut writes = Vec::new();
    for &i in &group.rows {
        let row = &rows[i];
        let (outcome, row_writes) = plan_row(ctx, row, &current, &mut seen, now);
        if !outcome.is_rejected() {
            writes.extend(row_writes);
        }
        tally.add(row.row, outcome);
    }
    writes
}

/// Why the form of a visible structure refuses the import, if it does.
fn form_refusal(ctx: &Context, form: Option<&FormRow>) -> Option<(&'static str, String)> {
    let state = form.map_or(FormState::NonCommence, |f| f.state);
    if ctx.importer.is_saisie() {
        return rules::check_editable(&ctx.phase, state)
            .err()
            .map(|e| (e.code().as_str(), e.to_problem().detail));
    }
    matches!(state, FormState::Valide | FormState::Cloture).then(|| {
        (
            "form_not_editable",
            format!(
                "Le formulaire est à l'état « {} » : une transmission ne le modifie plus.",
                state.as_str()
            ),
        )
    })
}

/// The outcome of a row and, when `now` is given, its writes.
fn plan_row<'r>(
    ctx: &Context,
    row: &'r ImportRow,
    current: &HashMap<&str, &ValueRow>,
    seen: &mut HashSet<&'r str>,
    now: Option<NaiveDateTime>,
) -> (RowOutcome, Vec<Write>) {
    let mut outcome = RowOutcome::default();
    let mut writes = Vec::new();
    let reject = |outcome: &mut RowOutcome, item: &str, code: &str, message: String| {
        outcome.counts.rejected += 1;
        outcome.rejected.push(rejection(row, Some(item), code, message));
    };
    for cell in &row.unreadable {
        reject(&mut outcome, &cell.item, cell.code, cell.message.clone());
    }
    for (item, json) in &row.values {
        if !seen.insert(item) {
            reject(
                &mut outcome,
                item,
                "duplicate_value",
                "Cet item a déjà une valeur pour cette structure dans l'import.".to_owned(),
            );
            continue;
        }
        let new = match validate_value(ctx.catalogue, item, json) {
            Ok(value) => value,
            Err(e) => {
                let code = serde_json::to_value(e.code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "invalid_value".to_owned());
                reject(&mut outcome, item, &code, e.message);
                continue;
            }
        };
        let Some(def) = ctx.catalogue.item(item) else {
            continue;
        };
        let stored = current.get(&**item).copied();
        let typed = stored.map(|s| {
            let json = crate::services::values::parse_json(&s.value_json);
            (s, validate_value(ctx.catalogue, item, &json).ok().flatten())
        });
        match plan::decide(&ctx.importer, def, new.as_ref(), typed) {
            decision @ (Decision::Create | Decision::Update) => {
                if decision == Decision::Create {
                    outcome.counts.created += 1;
                } else {
                    outcome.counts.updated += 1;
                }
                let Some(now) = now else { continue };
                let base = ValueRow {
                    campaign_year: ctx.year,
                    structure_finess: row.finess.clone(),
                    item_code: item.to_string(),
                    value_json: String::new(),
                    source: ctx.importer.source.clone(),
                    batch_id: Some(ctx.batch_id.clone()),
                    locked: false,
                    prefill_value_json: None,
                    prefill_source: None,
                    override_reason: None,
                    author: ctx.importer.actor.clone(),
                    updated_at: now,
                    version: 1,
                };
                let json = new
                    .as_ref()
                    .map_or(serde_json::Value::Null, tdb_domain::Value::to_json);
                writes.push(Write {
                    row: plan::written_row(&ctx.importer, base, &json, stored),
                    old: stored.map(|s| s.value_json.clone()),
                    cleared: new.is_none(),
                    value: new,
                });
            }
            Decision::Unchanged => outcome.counts.unchanged += 1,
            Decision::Conflict => {
                outcome.counts.conflicts += 1;
                if let Some(s) = stored {
                    outcome.conflicts.push(ImportConflict {
                        row: row.row,
                        finess: row.finess.clone(),
                        item: item.to_string(),
                        current_source: s.source.clone(),
                        current_value: crate::services::values::parse_json(&s.value_json),
                        pushed_value: json.clone(),
                    });
                }
            }
            Decision::Reject(code, message) => reject(&mut outcome, item, code, message.to_owned()),
        }
    }
    (outcome, writes)
}

fn rejection(row: &ImportRow, item: Option<&str>, code: &str, message: String) -> ImportRejection {
    ImportRejection {
        row: row.row,
        finess: row.finess.clone(),
        item: item.map(str::to_owned),
        code: code.to_owned(),
        message,
        sheet: None,
        cell: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(finess: &str, values: usize) -> ImportRow {
        ImportRow {
            row: 0,
            finess: finess.to_owned(),
            values: (0..values)
                .map(|i| (i.to_string().into(), serde_json::Value::Null))
                .collect(),
            unreadable: Vec::new(),
        }
    }

    #[test]
    fn rows_group_by_structure_and_batches_never_split_one() {
        let rows = [row("a", 3), row("b", 4), row("a", 2), row("c", 5)];
        let groups = group(&rows);
        let summary: Vec<_> = groups
            .iter()
            .map(|g| (g.finess.as_str(), g.rows.clone(), g.values))
            .collect();
        assert_eq!(
            summary,
            [("a", vec![0, 2], 5), ("b", vec![1], 4), ("c", vec![3], 5)]
        );
        assert_eq!(batches(&groups, 9), [0..2, 2..3]);
        assert_eq!(batches(&groups, 4), [0..1, 1..2, 2..3]);
        assert_eq!(batches(&groups, 100).len(), 1);
        assert!(batches(&[], 10).is_empty());
    }
}
