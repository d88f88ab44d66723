//! FINESS imports of large files as background jobs: `POST /api/v1/referential/finess` answers 202 at
//! once with the job, a thread runs [`finess::import`] (one transaction: a malformed file still writes
//! nothing), and `GET /api/v1/referential/finess/jobs/{id}` follows it.
//!
//! The state lives in `referential_jobs` (every replica answers it). The lines read so far are counted
//! in this process's memory while the import runs — the import's transaction holds SQLite's write lock,
//! so no other connection could record them — and are written with the outcome; the replica running the
//! job answers them live, another one answers `running` with the count at the start (0) until the end.
//! A server that stops marks its unfinished jobs `interrupted` at its next start.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{NaiveDate, Utc};
use tdb_domain::contract::{FinessJob, FinessReport, JobState};

use crate::db::repo::referential_jobs::{self, ReferentialJobRow};
use crate::db::{DbConnection, DbPool};
use crate::error::ApiError;
use crate::services::finess;
use crate::services::values::rfc3339;

/// Files larger than this run as a job.
pub const JOB_ABOVE_BYTES: usize = 1024 * 1024;

/// Lines read by the jobs running in this process.
fn live() -> &'static Mutex<HashMap<String, Arc<AtomicU64>>> {
    static LIVE: OnceLock<Mutex<HashMap<String, Arc<AtomicU64>>>> = OnceLock::new();
    LIVE.get_or_init(Mutex::default)
}

fn live_count(id: &str) -> Option<u64> {
    live()
        .lock()
        .ok()?
        .get(id)
        .map(|count| count.load(Ordering::Relaxed))
}

fn to_wire(row: ReferentialJobRow) -> FinessJob {
    let processed = live_count(&row.id).unwrap_or(u64::try_from(row.processed_lines).unwrap_or(0));
    FinessJob {
        state: JobState::parse(&row.state).unwrap_or(JobState::Failed),
        dry_run: row.dry_run,
        processed_lines: processed,
        total_lines: u64::try_from(row.total_lines).unwrap_or(0),
        created_at: rfc3339(row.created_at),
        report: row
            .report
            .as_deref()
            .and_then(|json| serde_json::from_str::<FinessReport>(json).ok()),
        error: row.error,
        id: row.id,
    }
}

/// Records the job and starts it on a thread; its first state.
pub fn start(
    pool: &DbPool,
    conn: &mut DbConnection,
    file: actix_web::web::Bytes,
    dry_run: bool,
    actor: &str,
    owner: &str,
    today: NaiveDate,
) -> Result<FinessJob, ApiError> {
    let id = format!(
        "finess-{}",
        crate::auth::refresh::new_family_id().map_err(|e| ApiError::Internal(e.to_string()))?
    );
    let total =
        file.iter().filter(|b| **b == b'\n').count() + usize::from(file.last().is_some_and(|b| *b != b'\n'));
    let row = ReferentialJobRow {
        id: id.clone(),
        actor: actor.to_owned(),
        owner: owner.to_owned(),
        state: JobState::Queued.as_str().to_owned(),
        dry_run,
        total_lines: i64::try_from(total).unwrap_or(i64::MAX),
        processed_lines: 0,
        report: None,
        error: None,
        created_at: Utc::now().naive_utc(),
        finished_at: None,
    };
    referential_jobs::insert(conn, &row)?;
    let count = Arc::new(AtomicU64::new(0));
    if let Ok(mut live) = live().lock() {
        live.insert(id.clone(), count.clone());
    }
    let pool = pool.clone();
    std::thread::Builder::new()
        .name(format!("finess-{id}"))
        .spawn(move || run(&pool, &id, &file, dry_run, today, &count))
        .map_err(|e| ApiError::Internal(format!("cannot start the FINESS job: {e}")))?;
    Ok(to_wire(row))
}

fn run(pool: &DbPool, id: &str, file: &[u8], dry_run: bool, today: NaiveDate, count: &AtomicU64) {
    let outcome = pool.get().map_err(ApiError::from).and_then(|mut conn| {
        referential_jobs::set_state(&mut conn, id, JobState::Running.as_str())?;
        let _turn = pool.write_turn();
        let mut progress = |line: u64| count.store(line, Ordering::Relaxed);
        let result = finess::import(&mut conn, file, dry_run, today, &mut progress);
        Ok((conn, result))
    });
    let ended = outcome.and_then(|(mut conn, result)| {
        let now = Utc::now().naive_utc();
        let _turn = pool.write_turn();
        match result {
            Ok(report) => {
                let json = serde_json::to_string(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
                let lines = i64::try_from(report.lines).unwrap_or(i64::MAX);
                referential_jobs::finish(&mut conn, id, "done", lines, Some(&json), None, now)?;
            }
            Err(error) => {
                let lines = i64::try_from(count.load(Ordering::Relaxed)).unwrap_or(0);
                let detail = error.to_problem().detail;
                referential_jobs::finish(&mut conn, id, "failed", lines, None, Some(&detail), now)?;
            }
        }
        Ok(())
    });
    if let Err(error) = ended {
        tracing::error!(job = id, %error, "FINESS job could not record its outcome");
    }
    if let Ok(mut live) = live().lock() {
        live.remove(id);
    }
}

/// The job `id` (404 when unknown).
pub fn get(conn: &mut DbConnection, id: &str) -> Result<FinessJob, ApiError> {
    referential_jobs::find(conn, id)?
        .map(to_wire)
        .ok_or_else(|| ApiError::not_found(format!("Aucun import FINESS « {id} ».")))
}

/// At start: the unfinished jobs of this process's previous life are `interrupted`; how many.
pub fn sweep(conn: &mut DbConnection, owner: &str) -> Result<usize, ApiError> {
    Ok(referential_jobs::sweep(conn, owner, Utc::now().naive_utc())?)
}
