//! Large imports as background jobs: a row in `import_jobs` (visible from every replica), a thread
//! running [`run_batched`](super::run_batched) whose every committed batch also records the progress,
//! and the sweep that marks `interrupted` the jobs of a process that died.
//!
//! A job belongs to the process that runs it (`owner`: host name and listening address). At start,
//! a server marks interrupted the unfinished jobs of its own name (its previous life) and those whose
//! heartbeat is older than [`STALE_AFTER_SECS`] (a dead replica); reading a job applies the second rule
//! too. An interrupted job's committed batches are whole; its idempotency keys are freed so the same
//! import can be sent again (values already written then count as `unchanged`).

use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use tdb_domain::contract::{ImportJob, ImportSummary, JobState};

use super::{Context, ImportRow, Progress, is_refused, now, run_batched};
use crate::auth::{Principal, Role};
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::idempotency;
use crate::db::repo::jobs::{self, JobRow};
use crate::db::{DbConnection, DbPool};
use crate::error::{ApiError, ProblemCode};
use crate::services::events;
use crate::services::values::{SAISIE, rfc3339};

/// A running job without a heartbeat for this long is considered dead.
pub const STALE_AFTER_SECS: i64 = 120;
/// Least interval between two heartbeats while checking.
const HEARTBEAT_EVERY_SECS: u64 = 2;

/// Records a queued job for `ctx` and starts it on a thread; answers its first state.
pub fn start(
    pool: &DbPool,
    conn: &mut DbConnection,
    ctx: Context,
    rows: Vec<ImportRow>,
    owner: &str,
) -> Result<ImportJob, ApiError> {
    let at = now();
    let row = JobRow {
        id: ctx.batch_id.clone(),
        campaign_year: ctx.year,
        source: ctx.importer.source.clone(),
        actor: ctx.importer.actor.clone(),
        owner: owner.to_owned(),
        state: JobState::Queued,
        dry_run: ctx.dry_run,
        partial: ctx.partial,
        total: super::value_count(&rows) as i64,
        processed: 0,
        result_status: None,
        result: None,
        created_at: at,
        heartbeat_at: at,
        finished_at: None,
    };
    jobs::insert(conn, &row)?;
    let pool = pool.clone();
    std::thread::Builder::new()
        .name(format!("import-{}", ctx.batch_id))
        .spawn(move || run(&pool, &ctx, &rows))
        .map_err(|e| ApiError::Internal(format!("cannot start the import job: {e}")))?;
    Ok(to_wire(row))
}

fn run(pool: &DbPool, ctx: &Context, rows: &[ImportRow]) {
    let id = ctx.batch_id.as_str();
    let outcome = pool.get().map_err(ApiError::from).and_then(|mut conn| {
        jobs::progress(&mut conn, id, JobState::Running, 0, now())?;
        let mut progress = JobProgress {
            id,
            last: Instant::now(),
        };
        let result = run_batched(&mut conn, ctx, rows, &mut progress).map(|s| super::locate(ctx, s));
        Ok((conn, result))
    });
    let (mut conn, result) = match outcome {
        Ok(pair) => pair,
        Err(error) => {
            tracing::error!(job = id, %error, "import job could not start");
            return;
        }
    };
    let ended = match result {
        Ok(summary) => {
            let status = if is_refused(&summary) { 422 } else { 200 };
            let body = serde_json::to_string(&summary).unwrap_or_default();
            jobs::finish(&mut conn, id, JobState::Done, Some(status), &body, now()).map_err(ApiError::from)
        }
        Err(error) => {
            tracing::error!(job = id, %error, "import job failed");
            let detail = error.to_problem().detail;
            conn.transaction(|conn| -> Result<bool, ApiError> {
                let failed = jobs::finish(conn, id, JobState::Failed, None, &detail, now())?;
                if failed && !ctx.importer.is_saisie() {
                    let event = events::of(
                        (&ctx.importer.actor, ctx.importer.role),
                        events::IMPORT_FAILED,
                        (Some(ctx.year), None),
                        &serde_json::json!({"job": id, "source": ctx.importer.source, "state": "failed"}),
                        now(),
                    );
                    events::append(conn, &[event])?;
                }
                idempotency::release_jobs(conn, &[id.to_owned()])?;
                Ok(failed)
            })
        }
    };
    if let Err(error) = ended {
        tracing::error!(job = id, %error, "import job end not recorded");
    }
}

/// Records the progress of a job in its row.
struct JobProgress<'a> {
    id: &'a str,
    last: Instant,
}

impl Progress for JobProgress<'_> {
    fn advance(&mut self, conn: &mut DbConnection, processed: u64) -> Result<(), ApiError> {
        self.last = Instant::now();
        Ok(jobs::progress(
            conn,
            self.id,
            JobState::Running,
            processed as i64,
            now(),
        )?)
    }

    fn checked(&mut self, conn: &mut DbConnection, _checked: u64) -> Result<(), ApiError> {
        if self.last.elapsed().as_secs() >= HEARTBEAT_EVERY_SECS {
            self.last = Instant::now();
            jobs::progress(conn, self.id, JobState::Running, 0, now())?;
        }
        Ok(())
    }
}

/// The job `id` as `principal` may see it: its creator or a `national` user (others: 404).
pub fn get(conn: &mut DbConnection, principal: &Principal, id: &str) -> Result<ImportJob, ApiError> {
    let not_found = || ApiError::NotFound {
        code: ProblemCode::JobNotFound,
        detail: format!("Aucun import {id} n'est accessible."),
    };
    let row = jobs::find(conn, id)?.ok_or_else(not_found)?;
    if row.actor != principal.subject && principal.role != Role::National {
        return Err(not_found());
    }
    if is_unfinished(row.state) && row.heartbeat_at < stale_before() {
        interrupt(conn, std::slice::from_ref(&row.id))?;
        return jobs::find(conn, id)?.map(to_wire).ok_or_else(not_found);
    }
    Ok(to_wire(row))
}

/// At start: marks interrupted the unfinished jobs of `owner` (a previous life of this process) and
/// those without a heartbeat for [`STALE_AFTER_SECS`]; returns how many.
pub fn sweep(conn: &mut DbConnection, owner: &str) -> Result<usize, ApiError> {
    let orphans = jobs::orphans(conn, owner, stale_before())?;
    interrupt(conn, &orphans)
}

fn interrupt(conn: &mut DbConnection, ids: &[String]) -> Result<usize, ApiError> {
    let message = "Le traitement s'est arrêté (redémarrage du serveur) : les lots validés sont complets, \
                   les autres n'ont rien écrit. Renvoyez l'import : les valeurs déjà écrites seront \
                   comptées inchangées.";
    let mut n = 0;
    for id in ids {
        let interrupted = conn.transaction(|conn| -> Result<bool, ApiError> {
            if !jobs::finish(conn, id, JobState::Interrupted, None, message, now())? {
                return Ok(false);
            }
            if let Some(row) = jobs::find(conn, id)? {
                audit::append(conn, &[interrupted_entry(&row)])?;
                if row.source != SAISIE {
                    events::append(conn, &[interrupted_event(&row)])?;
                }
            }
            Ok(true)
        })?;
        n += usize::from(interrupted);
    }
    idempotency::release_jobs(conn, ids)?;
    Ok(n)
}

/// The campaign-wide `import.failed` event of an interrupted job of a prefill source (the system
/// noticed it: actor `system`).
fn interrupted_event(row: &JobRow) -> crate::db::repo::events::NewEvent {
    events::of(
        (events::SYSTEM, events::SYSTEM),
        events::IMPORT_FAILED,
        (Some(row.campaign_year), None),
        &serde_json::json!({
            "job": row.id, "source": row.source, "state": "interrupted",
            "processed": row.processed, "total": row.total,
        }),
        now(),
    )
}

/// The summary audit entry of an interrupted job: who started it, how far it went.
fn interrupted_entry(row: &JobRow) -> NewAuditEntry {
    NewAuditEntry {
        at: now(),
        actor: row.actor.clone(),
        channel: "import".to_owned(),
        action: "import_interrupted".to_owned(),
        campaign_year: Some(row.campaign_year),
        structure_finess: None,
        item_code: None,
        old_value: None,
        new_value: None,
        detail: Some(
            serde_json::json!({
                "job": row.id, "source": row.source, "dry_run": row.dry_run,
                "processed": row.processed, "total": row.total,
            })
            .to_string(),
        ),
    }
}

fn is_unfinished(state: JobState) -> bool {
    matches!(state, JobState::Queued | JobState::Running)
}

fn stale_before() -> NaiveDateTime {
    now() - Duration::seconds(STALE_AFTER_SECS)
}

/// The wire form of a stored job.
pub fn to_wire(row: JobRow) -> ImportJob {
    let state = row.state;
    let (summary, error) = match (state, row.result) {
        (JobState::Done, Some(text)) => (serde_json::from_str::<ImportSummary>(&text).ok(), None),
        (_, result) => (None, result),
    };
    ImportJob {
        id: row.id,
        campaign: row.campaign_year,
        source: row.source,
        state,
        dry_run: row.dry_run,
        partial: row.partial,
        processed: u64::try_from(row.processed).unwrap_or_default(),
        total: u64::try_from(row.total).unwrap_or_default(),
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.heartbeat_at),
        result_status: row.result_status.and_then(|s| u16::try_from(s).ok()),
        summary,
        error,
    }
}
