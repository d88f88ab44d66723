//! Rows of the FINESS import jobs.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::referential_jobs;

/// A stored job.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = referential_jobs)]
pub struct ReferentialJobRow {
    /// Job id.
    pub id: String,
    /// Who started it.
    pub actor: String,
    /// The process running it.
    pub owner: String,
    /// State code.
    pub state: String,
    /// Computed without writing.
    pub dry_run: bool,
    /// Lines in the file.
    pub total_lines: i64,
    /// Lines read.
    pub processed_lines: i64,
    /// Report (JSON).
    pub report: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// End time.
    pub finished_at: Option<NaiveDateTime>,
}

/// Records a job.
pub fn insert(conn: &mut DbConnection, row: &ReferentialJobRow) -> QueryResult<()> {
    diesel::insert_into(referential_jobs::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The job with this id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ReferentialJobRow>> {
    referential_jobs::table.find(id).first(conn).optional()
}

/// Sets the state of a job.
pub fn set_state(conn: &mut DbConnection, id: &str, state: &str) -> QueryResult<()> {
    diesel::update(referential_jobs::table.find(id))
        .set(referential_jobs::state.eq(state))
        .execute(conn)
        .map(drop)
}

/// Ends a job: its state, lines read, report or error.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    processed: i64,
    report: Option<&str>,
    error: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(referential_jobs::table.find(id))
        .set((
            referential_jobs::state.eq(state),
            referential_jobs::processed_lines.eq(processed),
            referential_jobs::report.eq(report),
            referential_jobs::error.eq(error),
            referential_jobs::finished_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Marks `interrupted` the unfinished jobs of `owner` (its previous life); how many.
pub fn sweep(conn: &mut DbConnection, owner: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        referential_jobs::table
            .filter(referential_jobs::owner.eq(owner))
            .filter(referential_jobs::state.eq_any(["queued", "running"])),
    )
    .set((
        referential_jobs::state.eq("interrupted"),
        referential_jobs::error.eq("Le serveur s'est arrêté pendant l'import : rien n'a été enregistré, envoyez le fichier à nouveau."),
        referential_jobs::finished_at.eq(now),
    ))
    .execute(conn)
}
