//! Session families and their refresh tokens (by hash): every query of the session model.
//!
//! A family is one login; its tokens are the successive refresh tokens, each spent once. Spending is a
//! guarded update (`used_at IS NULL`), so of two concurrent uses of one token only one can win.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{refresh_tokens, session_families};

/// A refresh token with what its family says.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct TokenRow {
    /// Family.
    pub family_id: String,
    /// When the token was issued (last activity of the session).
    pub issued_at: NaiveDateTime,
    /// When it was spent, if it was.
    pub used_at: Option<NaiveDateTime>,
    /// The person.
    pub user_email: String,
    /// Login time.
    pub started_at: NaiveDateTime,
    /// When the family was revoked, if it was.
    pub revoked_at: Option<NaiveDateTime>,
}

/// Starts a family for `email`.
pub fn insert_family(
    conn: &mut DbConnection,
    family_id: &str,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(session_families::table)
        .values((
            session_families::family_id.eq(family_id),
            session_families::user_email.eq(email),
            session_families::started_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Adds a token (by hash) to a family.
pub fn insert_token(
    conn: &mut DbConnection,
    token_hash: &str,
    family_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::issued_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// The token with this hash and its family.
pub fn find_token(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<TokenRow>> {
    refresh_tokens::table
        .inner_join(session_families::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::family_id,
            refresh_tokens::issued_at,
            refresh_tokens::used_at,
            session_families::user_email,
            session_families::started_at,
            session_families::revoked_at,
        ))
        .first(conn)
        .optional()
}

/// Spends the token: `true` when this call did (it was unspent), `false` when it was already spent or
/// does not exist. On PostgreSQL a concurrent spender waits for the row and then finds it spent.
pub fn spend(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// Revokes a family (unless already revoked); the number of families revoked (0 or 1).
pub fn revoke_family(
    conn: &mut DbConnection,
    family_id: &str,
    now: NaiveDateTime,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(
        session_families::table
            .filter(session_families::family_id.eq(family_id))
            .filter(session_families::revoked_at.is_null()),
    )
    .set((
        session_families::revoked_at.eq(now),
        session_families::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Revokes every live family of `email`; how many.
pub fn revoke_user(
    conn: &mut DbConnection,
    email: &str,
    now: NaiveDateTime,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(
        session_families::table
            .filter(session_families::user_email.eq(email))
            .filter(session_families::revoked_at.is_null()),
    )
    .set((
        session_families::revoked_at.eq(now),
        session_families::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Deletes the families started before `cutoff` with their tokens (they ended long ago); how many.
pub fn forget_started_before(conn: &mut DbConnection, cutoff: NaiveDateTime) -> QueryResult<usize> {
    let old = session_families::table
        .filter(session_families::started_at.lt(cutoff))
        .select(session_families::family_id);
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::family_id.eq_any(old))).execute(conn)?;
    diesel::delete(session_families::table.filter(session_families::started_at.lt(cutoff))).execute(conn)
}

/// Revokes every live family of `email` but `keep` (the session making a password change); how many.
pub fn revoke_user_except(
    conn: &mut DbConnection,
    email: &str,
    keep: Option<&str>,
    now: NaiveDateTime,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(
        session_families::table
            .filter(session_families::user_email.eq(email))
            .filter(session_families::revoked_at.is_null())
            .filter(session_families::family_id.ne(keep.unwrap_or_default())),
    )
    .set((
        session_families::revoked_at.eq(now),
        session_families::revoked_reason.eq(reason),
    ))
    .execute(conn)
}
