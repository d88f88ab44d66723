//! Idempotency keys of the import endpoint: reserved before the work, then holding its first answer.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::idempotency_keys;

/// A stored key.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct KeyRow {
    /// Who sent it.
    pub caller: String,
    /// The key.
    pub idempotency_key: String,
    /// Hash of the request.
    pub body_hash: String,
    /// Status of the first answer (`None` while it runs).
    pub status: Option<i32>,
    /// Body of the first answer.
    pub response: Option<String>,
    /// Job of a `202` answer.
    pub job_id: Option<String>,
    /// First use.
    pub created_at: NaiveDateTime,
}

/// Reserves a key; returns whether it was free.
pub fn reserve(conn: &mut DbConnection, row: &KeyRow) -> QueryResult<bool> {
    let n = crate::on_backend!(conn, c => diesel::insert_into(idempotency_keys::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// The stored key of `caller`.
pub fn find(conn: &mut DbConnection, caller: &str, key: &str) -> QueryResult<Option<KeyRow>> {
    idempotency_keys::table
        .find((caller, key))
        .select(KeyRow::as_select())
        .first(conn)
        .optional()
}

/// Records the first answer of a reserved key.
pub fn complete(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
    status: i32,
    response: &str,
    job_id: Option<&str>,
) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find((caller, key)))
        .set((
            idempotency_keys::status.eq(Some(status)),
            idempotency_keys::response.eq(Some(response)),
            idempotency_keys::job_id.eq(job_id),
        ))
        .execute(conn)
        .map(drop)
}

/// Frees a key (its request failed before any answer worth replaying).
pub fn release(conn: &mut DbConnection, caller: &str, key: &str) -> QueryResult<()> {
    diesel::delete(idempotency_keys::table.find((caller, key)))
        .execute(conn)
        .map(drop)
}

/// Frees the keys of jobs that did not finish (interrupted or failed), so the import can be re-sent.
pub fn release_jobs(conn: &mut DbConnection, job_ids: &[String]) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::job_id.eq_any(job_ids))).execute(conn)
}
