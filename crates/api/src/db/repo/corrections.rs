//! Correction requests of the authorities and their message threads.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{correction_messages, correction_requests};

/// A stored correction request.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = correction_requests)]
pub struct CorrectionRow {
    /// Identifier.
    pub id: i64,
    /// Item to correct.
    pub item_code: String,
    /// `ouverte` or `resolue`.
    pub status: String,
    /// Who asked.
    pub created_by: String,
    /// When.
    pub created_at: NaiveDateTime,
    /// When resolved.
    pub resolved_at: Option<NaiveDateTime>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = correction_messages)]
pub struct MessageRow {
    /// Identifier.
    pub id: i64,
    /// The request.
    pub request_id: i64,
    /// Who wrote.
    pub author: String,
    /// The message.
    pub body: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Status of an open request.
pub const OPEN: &str = "ouverte";
/// Status of a resolved request.
pub const RESOLVED: &str = "resolue";

/// The open requests of a form, oldest first.
pub fn open_of_form(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<Vec<CorrectionRow>> {
    correction_requests::table
        .filter(correction_requests::campaign_year.eq(year))
        .filter(correction_requests::structure_finess.eq(finess))
        .filter(correction_requests::status.eq(OPEN))
        .select(CorrectionRow::as_select())
        .order(correction_requests::id)
        .load(conn)
}

/// The request `id` if it belongs to the form.
pub fn find_of_form(
    conn: &mut DbConnection,
    year: i32,
    finess: &str,
    id: i64,
) -> QueryResult<Option<CorrectionRow>> {
    correction_requests::table
        .filter(correction_requests::id.eq(id))
        .filter(correction_requests::campaign_year.eq(year))
        .filter(correction_requests::structure_finess.eq(finess))
        .select(CorrectionRow::as_select())
        .first(conn)
        .optional()
}

/// The messages of `requests`, oldest first.
pub fn messages_of(conn: &mut DbConnection, requests: &[i64]) -> QueryResult<Vec<MessageRow>> {
    correction_messages::table
        .filter(correction_messages::request_id.eq_any(requests))
        .select(MessageRow::as_select())
        .order(correction_messages::id)
        .load(conn)
}

/// Opens a request on `item`; returns its id.
pub fn open(
    conn: &mut DbConnection,
    year: i32,
    finess: &str,
    item: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    let row = (
        correction_requests::campaign_year.eq(year),
        correction_requests::structure_finess.eq(finess),
        correction_requests::item_code.eq(item),
        correction_requests::status.eq(OPEN),
        correction_requests::created_by.eq(by),
        correction_requests::created_at.eq(at),
    );
    crate::on_backend!(conn, c => diesel::insert_into(correction_requests::table)
        .values(row)
        .returning(correction_requests::id)
        .get_result(c))
}

/// Adds a message to a request; returns its id.
pub fn add_message(
    conn: &mut DbConnection,
    request: i64,
    author: &str,
    body: &str,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    let row = (
        correction_messages::request_id.eq(request),
        correction_messages::author.eq(author),
        correction_messages::body.eq(body),
        correction_messages::at.eq(at),
    );
    crate::on_backend!(conn, c => diesel::insert_into(correction_messages::table)
        .values(row)
        .returning(correction_messages::id)
        .get_result(c))
}

/// Marks requests resolved.
pub fn resolve(conn: &mut DbConnection, ids: &[i64], at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(correction_requests::table.filter(correction_requests::id.eq_any(ids)))
        .set((
            correction_requests::status.eq(RESOLVED),
            correction_requests::resolved_at.eq(Some(at)),
        ))
        .execute(conn)
        .map(drop)
}
