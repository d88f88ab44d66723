//! Failed-login counters in the database, so the limit holds across every replica.
//!
//! A key (`account:<email>`, `ip:<address>`, `client:<id>`) counts failures in a fixed window that starts
//! at its first failure; past the limit, attempts are refused until the window ends.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::login_attempts;

/// Seconds to wait when `key` has reached `limit` failures within `window`, else `None`.
pub fn blocked_for(
    conn: &mut DbConnection,
    key: &str,
    limit: i32,
    window: Duration,
    now: NaiveDateTime,
) -> QueryResult<Option<u64>> {
    let row: Option<(i32, NaiveDateTime)> = login_attempts::table
        .find(key)
        .select((login_attempts::failures, login_attempts::window_started_at))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(failures, started)| {
        let ends = started + window;
        (failures >= limit && ends > now)
            .then(|| u64::try_from((ends - now).num_seconds().max(1)).unwrap_or(1))
    }))
}

/// Counts one failure for `key` (a new window starts when the previous one has ended).
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    window: Duration,
    now: NaiveDateTime,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        let started: Option<NaiveDateTime> = login_attempts::table
            .find(key)
            .select(login_attempts::window_started_at)
            .first(conn)
            .optional()?;
        match started {
            Some(started) if started + window > now => diesel::update(login_attempts::table.find(key))
                .set(login_attempts::failures.eq(login_attempts::failures + 1))
                .execute(conn),
            Some(_) => diesel::update(login_attempts::table.find(key))
                .set((
                    login_attempts::failures.eq(1),
                    login_attempts::window_started_at.eq(now),
                ))
                .execute(conn),
            None => diesel::insert_into(login_attempts::table)
                .values((
                    login_attempts::attempt_key.eq(key),
                    login_attempts::failures.eq(1),
                    login_attempts::window_started_at.eq(now),
                ))
                .execute(conn),
        }
        .map(drop)
    })
}

/// Forgets the failures of `key` (after a successful login).
pub fn reset(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_attempts::table.find(key))
        .execute(conn)
        .map(drop)
}
