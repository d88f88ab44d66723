//! The summary of an import, built row by row: counts of the valid rows, every rejection and conflict.

use tdb_domain::contract::{
    FieldError, ImportConflict, ImportCounts, ImportProblem, ImportRejection, ImportSummary,
};

use crate::error::ProblemCode;

/// Entries kept in each list of a summary (`rows_skipped`, `rejected`, `conflicts`): the first ones in
/// input order; the others are counted in `…_omitted`. A summary (an answer, a stored job result)
/// stays small whatever the file.
pub const LIST_LIMIT: usize = 1_000;

/// Keeps the first [`LIST_LIMIT`] entries of `list` by `key` once it holds twice as many (or always,
/// when `done`), adding the others to `omitted`.
fn bound<T, K: Ord>(list: &mut Vec<T>, omitted: &mut u64, done: bool, key: impl FnMut(&T) -> K) {
    if list.len() > 2 * LIST_LIMIT || (done && list.len() > LIST_LIMIT) {
        list.sort_by_key(key);
        *omitted += (list.len() - LIST_LIMIT) as u64;
        list.truncate(LIST_LIMIT);
    }
}

/// Accumulates the outcome of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// The summary so far.
    pub summary: ImportSummary,
}

/// The outcome of one row, before it is added to the tally.
#[derive(Debug, Default)]
pub struct RowOutcome {
    /// Counts of the row's values.
    pub counts: ImportCounts,
    /// Refused values.
    pub rejected: Vec<ImportRejection>,
    /// Conflicts.
    pub conflicts: Vec<ImportConflict>,
}

impl RowOutcome {
    /// Whether a value of the row is refused (the row is then not written).
    pub fn is_rejected(&self) -> bool {
        !self.rejected.is_empty()
    }
}

impl Tally {
    /// An empty summary.
    pub fn new(batch_id: &str, campaign: i32, source: &str, dry_run: bool, partial: bool) -> Self {
        Self {
            summary: ImportSummary {
                batch_id: batch_id.to_owned(),
                campaign,
                source: source.to_owned(),
                dry_run,
                partial,
                written: false,
                rows: 0,
                rows_valid: 0,
                rows_skipped: Vec::new(),
                rows_skipped_omitted: 0,
                forms_updated: 0,
                values: ImportCounts::default(),
                rejected: Vec::new(),
                rejected_omitted: 0,
                conflicts: Vec::new(),
                conflicts_omitted: 0,
            },
        }
    }

    /// Adds the outcome of row `row`: a rejected row only adds its rejections.
    pub fn add(&mut self, row: u64, outcome: RowOutcome) {
        let summary = &mut self.summary;
        summary.rows += 1;
        if outcome.is_rejected() {
            summary.values.rejected += outcome.counts.rejected;
            summary.rows_skipped.push(row);
            summary.rejected.extend(outcome.rejected);
            self.bound(false);
            return;
        }
        summary.rows_valid += 1;
        let (total, counts) = (&mut summary.values, outcome.counts);
        total.created += counts.created;
        total.updated += counts.updated;
        total.unchanged += counts.unchanged;
        total.conflicts += counts.conflicts;
        summary.conflicts.extend(outcome.conflicts);
        self.bound(false);
    }

    /// Keeps the lists of the summary within [`LIST_LIMIT`] (amortised: sorted and cut when twice
    /// as long, and at the end).
    fn bound(&mut self, done: bool) {
        let summary = &mut self.summary;
        bound(
            &mut summary.rows_skipped,
            &mut summary.rows_skipped_omitted,
            done,
            |r| *r,
        );
        bound(&mut summary.rejected, &mut summary.rejected_omitted, done, |r| {
            r.row
        });
        bound(
            &mut summary.conflicts,
            &mut summary.conflicts_omitted,
            done,
            |c| c.row,
        );
    }

    /// Whether any value is refused.
    pub fn has_rejections(&self) -> bool {
        !self.summary.rejected.is_empty()
    }

    /// Adds the tally of a later batch of the same import.
    pub fn merge(&mut self, other: Tally) {
        let (summary, other) = (&mut self.summary, other.summary);
        summary.rows += other.rows;
        summary.rows_valid += other.rows_valid;
        summary.rows_skipped.extend(other.rows_skipped);
        summary.forms_updated += other.forms_updated;
        summary.written |= other.written;
        let (total, counts) = (&mut summary.values, other.values);
        total.created += counts.created;
        total.updated += counts.updated;
        total.unchanged += counts.unchanged;
        total.conflicts += counts.conflicts;
        total.rejected += counts.rejected;
        summary.rejected.extend(other.rejected);
        summary.conflicts.extend(other.conflicts);
        summary.rows_skipped_omitted += other.rows_skipped_omitted;
        summary.rejected_omitted += other.rejected_omitted;
        summary.conflicts_omitted += other.conflicts_omitted;
        self.bound(false);
    }

    /// The finished summary, rows and lists in input order.
    pub fn finish(mut self) -> ImportSummary {
        self.bound(true);
        let summary = &mut self.summary;
        summary.rows_skipped.sort_unstable();
        summary.rejected.sort_by_key(|r| r.row);
        summary.conflicts.sort_by_key(|c| c.row);
        self.summary
    }
}

/// The 422 problem of a refused import (`import_rejected`), with its summary.
pub fn problem(summary: ImportSummary) -> ImportProblem {
    let errors = summary
        .rejected
        .iter()
        .map(|r| match (&r.sheet, &r.cell) {
            (Some(sheet), Some(cell)) => FieldError {
                path: format!("/sheets/{}/cells/{cell}", pointer(sheet)),
                code: r.code.clone(),
                message: format!("Feuil \"{sheet}\" cellule {cell} : {}", r.message),
            },
            _ => FieldError {
                path: match &r.item {
                    Some(item) => format!("/rows/{}/values/{}", r.row, pointer(item)),
                    None => format!("/rows/{}", r.row),
                },
                code: r.code.clone(),
                message: r.message.clone(),
            },
        })
        .collect();
    ImportProblem {
        type_uri: ProblemCode::ImportRejected.type_uri(),
        title: "Import refusé".to_owned(),
        status: 422,
        detail: format!(
            "{} valeur(s) refusée(s){} : rien n'a été enregistré. Corrigez-les, ou renvoyez avec partial=true \
             pour n'écrire que les lignes valides.",
            summary.values.rejected,
            if summary.rejected_omitted > 0 {
                format!(" (les {LIST_LIMIT} premières listées)")
            } else {
                String::new()
            }
        ),
        code: ProblemCode::ImportRejected.as_str().to_owned(),
        errors,
        summary,
    }
}

/// A JSON pointer token (`~` → `~0`, `/` → `~1`).
fn pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
