//! One-time links (invitation, password reset), by the SHA-256 of their token: single use, expiring.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::one_time_links;

/// A stored link.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct LinkRow {
    /// The account.
    pub user_email: String,
    /// `invitation` or `reset`.
    pub purpose: String,
    /// Expiry.
    pub expires_at: NaiveDateTime,
    /// When it was used, if it was.
    pub used_at: Option<NaiveDateTime>,
}

/// Stores a new link of `email`, after cancelling (marking used) its older unused links.
pub fn replace(
    conn: &mut DbConnection,
    token_hash: &str,
    email: &str,
    purpose: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        one_time_links::table
            .filter(one_time_links::user_email.eq(email))
            .filter(one_time_links::used_at.is_null()),
    )
    .set(one_time_links::used_at.eq(now))
    .execute(conn)?;
    diesel::insert_into(one_time_links::table)
        .values((
            one_time_links::token_hash.eq(token_hash),
            one_time_links::user_email.eq(email),
            one_time_links::purpose.eq(purpose),
            one_time_links::created_at.eq(now),
            one_time_links::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// The link with this hash.
pub fn find(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<LinkRow>> {
    one_time_links::table
        .find(token_hash)
        .select((
            one_time_links::user_email,
            one_time_links::purpose,
            one_time_links::expires_at,
            one_time_links::used_at,
        ))
        .first(conn)
        .optional()
}

/// Spends the link if it is unused and unexpired: `true` when this call did (a guarded update, so of
/// two concurrent uses only one wins).
pub fn spend(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        one_time_links::table
            .find(token_hash)
            .filter(one_time_links::used_at.is_null())
            .filter(one_time_links::expires_at.gt(now)),
    )
    .set(one_time_links::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// Expiry of the pending (unused, unexpired) invitation of each of `emails`.
pub fn pending_invitations(
    conn: &mut DbConnection,
    emails: &[String],
    now: NaiveDateTime,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    one_time_links::table
        .filter(one_time_links::user_email.eq_any(emails))
        .filter(one_time_links::purpose.eq("invitation"))
        .filter(one_time_links::used_at.is_null())
        .filter(one_time_links::expires_at.gt(now))
        .select((one_time_links::user_email, one_time_links::expires_at))
        .load(conn)
}
