//! Imports of values into the forms of a campaign: JSON, CSV or XLSX from partner systems, structures, the
//! national level or the CLI (`docs/imports.md`).
//!
//! One engine for every input: the body becomes [`ImportRow`]s ([`json_input`], [`csv_input`],
//! [`xlsx_input`]); rows
//! are grouped by structure and planned against the stored state ([`batch`], rules in [`plan`]);
//! planned writes are applied in multi-row statements with their audit entries, and every touched
//! form gets its cached evaluation recomputed and its version bumped ([`apply`]).
//!
//! * [`run_single`]: one transaction for the whole import (imports of at most [`JOB_THRESHOLD`]
//!   values); if any value is refused and the import is not `partial`, nothing is written.
//! * [`run_batched`]: large imports (jobs, CLI), checked first in full (read-only) unless `partial`,
//!   then written batch by batch, each batch one transaction whose commit also records the progress.

pub mod apply;
pub mod batch;
pub mod bounds;
pub mod csv_input;
pub mod idempotency;
pub mod importer;
pub mod jobs;
pub mod json_input;
pub mod number_text;
pub mod plan;
pub mod rows;
pub mod summary;
pub mod xlsx_input;

use chrono::NaiveDateTime;
use diesel::Connection;
use tdb_domain::contract::ImportSummary;
use tdb_domain::{Catalogue, catalogue_for};

pub use csv_input::Layout;
pub use importer::{Importer, OnConflict};
pub use rows::{ImportRow, value_count};

use crate::db::DbConnection;
use crate::db::repo::{audit, forms};
use crate::error::{ApiError, ProblemCode};
use crate::services::events;
use summary::Tally;

/// Imports of more values than this run as background jobs.
pub const JOB_THRESHOLD: usize = 5_000;
/// Attempts of a batch that meets a form created concurrently.
const ATTEMPTS: usize = 3;

/// Phases in which a partner may push values.
const PUSH_PHASES: [&str; 3] = ["preparation", "collecte", "fiabilisation"];
/// Phases in which a structure may write values.
const SAISIE_PHASES: [&str; 2] = ["collecte", "fiabilisation"];

/// How to run an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Compute everything, write nothing.
    pub dry_run: bool,
    /// Write the rows without any rejected value, skip the others.
    pub partial: bool,
    /// Values per committed batch ([`run_batched`]).
    pub batch_values: usize,
}

/// Everything an import needs besides its rows.
#[derive(Debug, Clone)]
pub struct Context {
    /// Campaign.
    pub year: i32,
    /// Its phase.
    pub phase: String,
    /// Its catalogue.
    pub catalogue: &'static Catalogue,
    /// Who imports.
    pub importer: Importer,
    /// Batch id of the written values (and id of the job).
    pub batch_id: String,
    /// Compute only.
    pub dry_run: bool,
    /// Write only fully valid rows.
    pub partial: bool,
    /// Values per committed batch.
    pub batch_values: usize,
    /// XLSX imports: the sheet and cell of every value, named in the rejections.
    pub cells: Option<std::sync::Arc<xlsx_input::Cells>>,
    /// A large import's place among the large requests running at once, held until its job ends.
    pub permit: Option<std::sync::Arc<crate::services::heavy::Permit>>,
    /// Write the events of the import (`form.values_changed`, `import.finished`). Always `true`
    /// ([`Context::new`]) but in the benchmark that measures what writing them costs
    /// (`benches/imports.rs`, events on vs off in the same run).
    pub write_events: bool,
}

impl Context {
    /// Resolves the campaign (404 `campaign_not_found`) and checks that its phase accepts the
    /// importer's values (409 `campaign_phase`).
    pub fn new(
        conn: &mut DbConnection,
        importer: Importer,
        year: i32,
        options: Options,
    ) -> Result<Self, ApiError> {
        let phase = forms::campaign_phase(conn, year)?.ok_or_else(|| ApiError::NotFound {
            code: ProblemCode::CampaignNotFound,
            detail: format!("La campagne {year} n'existe pas."),
        })?;
        let phases: &[&str] = if importer.is_saisie() {
            &SAISIE_PHASES
        } else {
            &PUSH_PHASES
        };
        if !phases.contains(&phase.as_str()) {
            return Err(ApiError::Conflict {
                code: ProblemCode::CampaignPhase,
                detail: format!(
                    "La campagne est en phase « {phase} » : les valeurs de la source « {} » n'y sont plus \
                     importées.",
                    importer.source
                ),
            });
        }
        let catalogue = catalogue_for(year)?;
        Ok(Self {
            year,
            phase,
            catalogue,
            importer,
            batch_id: new_batch_id(),
            dry_run: options.dry_run,
            partial: options.partial,
            batch_values: options.batch_values.max(1),
            cells: None,
            permit: None,
            write_events: true,
        })
    }

    fn tally(&self) -> Tally {
        Tally::new(
            &self.batch_id,
            self.year,
            &self.importer.source,
            self.dry_run,
            self.partial,
        )
    }
}

/// Names the sheet and cell of the rejections of an XLSX import (nothing for other inputs).
pub fn locate(ctx: &Context, mut summary: ImportSummary) -> ImportSummary {
    if let Some(cells) = &ctx.cells {
        cells.locate(&mut summary);
    }
    summary
}

/// The outcome of an import: its summary, and whether it was refused (422: a value is rejected and
/// the import is not partial).
pub fn is_refused(summary: &ImportSummary) -> bool {
    !summary.partial && !summary.rejected.is_empty()
}

/// Progress of a batched import.
pub trait Progress {
    /// `processed` values are committed (called inside the batch's transaction) or, for a dry run,
    /// checked.
    fn advance(&mut self, conn: &mut DbConnection, processed: u64) -> Result<(), ApiError>;

    /// A batch was checked before writing (a sign of life; nothing is committed yet).
    fn checked(&mut self, conn: &mut DbConnection, checked: u64) -> Result<(), ApiError>;
}

/// Runs a whole import in one transaction (or, for a dry run, in reads only).
pub fn run_single(
    conn: &mut DbConnection,
    ctx: &Context,
    rows: &[ImportRow],
) -> Result<ImportSummary, ApiError> {
    crate::db::repo::imports::prefer_custom_plans(conn)?;
    let groups = batch::group(rows);
    let finess: Vec<&str> = groups.iter().map(|g| g.finess.as_str()).collect();
    let now = now();
    if ctx.dry_run {
        let state = batch::load(conn, ctx, &finess, false)?;
        let mut tally = ctx.tally();
        batch::check(ctx, rows, &groups, &state, &mut tally);
        return Ok(tally.finish());
    }
    conn.transaction(|conn| {
        let state = batch::load(conn, ctx, &finess, true)?;
        let mut tally = ctx.tally();
        let plans = batch::plan(ctx, rows, &groups, &state, &mut tally, now);
        if is_refused(&tally.summary) {
            return Ok(tally.finish());
        }
        tally.summary.written = !plans.is_empty();
        apply::write(conn, ctx, state, plans, now)?;
        let summary = tally.finish();
        audit::append(conn, &[apply::import_entry(ctx, &summary, now)])?;
        if let Some(event) = apply::finished_event(ctx, &summary, now) {
            events::append(conn, &[event])?;
        }
        Ok(summary)
    })
}

/// Runs a large import batch by batch: a full read-only check first (unless `partial`: the dry run
/// stops there, and a refused import writes nothing), then one transaction per batch of structures.
/// A batch that meets a state changed since the check skips the rows it now refuses.
pub fn run_batched(
    conn: &mut DbConnection,
    ctx: &Context,
    rows: &[ImportRow],
    progress: &mut dyn Progress,
) -> Result<ImportSummary, ApiError> {
    crate::db::repo::imports::prefer_custom_plans(conn)?;
    let groups = batch::group(rows);
    let ranges = batch::batches(&groups, ctx.batch_values);
    if ctx.dry_run || !ctx.partial {
        let mut tally = ctx.tally();
        let mut checked = 0;
        for range in &ranges {
            let groups = &groups[range.clone()];
            let finess: Vec<&str> = groups.iter().map(|g| g.finess.as_str()).collect();
            let state = batch::load(conn, ctx, &finess, false)?;
            batch::check(ctx, rows, groups, &state, &mut tally);
            checked += groups.iter().map(|g| g.values as u64).sum::<u64>();
            if ctx.dry_run {
                progress.advance(conn, checked)?;
            } else {
                progress.checked(conn, checked)?;
            }
        }
        if ctx.dry_run || tally.has_rejections() {
            return Ok(tally.finish());
        }
    }
    let mut tally = ctx.tally();
    let mut processed = 0;
    for range in ranges {
        let groups = &groups[range];
        processed += groups.iter().map(|g| g.values as u64).sum::<u64>();
        tally.merge(write_batch(conn, ctx, rows, groups, processed, progress)?);
    }
    let summary = tally.finish();
    let now = now();
    conn.transaction(|conn| {
        audit::append(conn, &[apply::import_entry(ctx, &summary, now)])?;
        if let Some(event) = apply::finished_event(ctx, &summary, now) {
            events::append(conn, &[event])?;
        }
        Ok::<_, ApiError>(())
    })?;
    Ok(summary)
}

/// Plans and writes one batch in its own transaction, retried when a form was created concurrently.
fn write_batch(
    conn: &mut DbConnection,
    ctx: &Context,
    rows: &[ImportRow],
    groups: &[batch::Group],
    processed: u64,
    progress: &mut dyn Progress,
) -> Result<Tally, ApiError> {
    let finess: Vec<&str> = groups.iter().map(|g| g.finess.as_str()).collect();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let _span = tracing::trace_span!("import.transaction").entered();
        let result = conn.transaction(|conn| {
            let now = now();
            let state = batch::load(conn, ctx, &finess, true)?;
            let mut tally = ctx.tally();
            let plans = batch::plan(ctx, rows, groups, &state, &mut tally, now);
            tally.summary.written = !plans.is_empty();
            apply::write(conn, ctx, state, plans, now)?;
            progress.advance(conn, processed)?;
            Ok::<_, ApiError>(tally)
        });
        match result {
            Err(e) if e.code() == apply::CONCURRENT_WRITE && attempt < ATTEMPTS => continue,
            other => return other,
        }
    }
}

/// A new batch id: `imp-` and 16 random hexadecimal digits.
pub fn new_batch_id() -> String {
    let mut bytes = [0_u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
        bytes = nanos.to_le_bytes();
    }
    format!(
        "imp-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// The current time, as stored.
pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
