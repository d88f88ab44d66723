//! Import jobs: one row per large import, updated batch by batch, visible from every replica.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tdb_domain::contract::JobState;

use crate::db::DbConnection;
use crate::db::schema::import_jobs;

/// The states of a job not finished yet.
const UNFINISHED: [JobState; 2] = [JobState::Queued, JobState::Running];

/// A stored job.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = import_jobs)]
pub struct JobRow {
    /// Id (also the batch id of its values).
    pub id: String,
    /// Campaign.
    pub campaign_year: i32,
    /// Source.
    pub source: String,
    /// Who started it.
    pub actor: String,
    /// The process running it.
    pub owner: String,
    /// State.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: JobState,
    /// Dry run.
    pub dry_run: bool,
    /// Partial import.
    pub partial: bool,
    /// Values in the import.
    pub total: i64,
    /// Values processed.
    pub processed: i64,
    /// Status of the result.
    pub result_status: Option<i32>,
    /// Summary (JSON) or error message.
    pub result: Option<String>,
    /// Creation.
    pub created_at: NaiveDateTime,
    /// Last sign of life.
    pub heartbeat_at: NaiveDateTime,
    /// End.
    pub finished_at: Option<NaiveDateTime>,
}

/// Inserts a new job.
pub fn insert(conn: &mut DbConnection, row: &JobRow) -> QueryResult<()> {
    diesel::insert_into(import_jobs::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// The job `id`.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<JobRow>> {
    import_jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// Records progress (state, values processed, heartbeat).
pub fn progress(
    conn: &mut DbConnection,
    id: &str,
    state: JobState,
    processed: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(import_jobs::table.find(id))
        .set((
            import_jobs::state.eq(state.as_str()),
            import_jobs::processed.eq(processed),
            import_jobs::heartbeat_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Ends a job still queued or running: `state`, its result status and result.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    state: JobState,
    result_status: Option<i32>,
    result: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        import_jobs::table
            .find(id)
            .filter(import_jobs::state.eq_any(UNFINISHED.map(JobState::as_str))),
    )
    .set((
        import_jobs::state.eq(state.as_str()),
        import_jobs::result_status.eq(result_status),
        import_jobs::result.eq(Some(result)),
        import_jobs::heartbeat_at.eq(at),
        import_jobs::finished_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ids of the queued or running jobs of `owner`, or of any owner whose heartbeat is older than `stale`.
pub fn orphans(conn: &mut DbConnection, owner: &str, stale: NaiveDateTime) -> QueryResult<Vec<String>> {
    import_jobs::table
        .filter(import_jobs::state.eq_any(UNFINISHED.map(JobState::as_str)))
        .filter(
            import_jobs::owner
                .eq(owner)
                .or(import_jobs::heartbeat_at.lt(stale)),
        )
        .select(import_jobs::id)
        .load(conn)
}
