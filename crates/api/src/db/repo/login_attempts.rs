//! Failed-login counters in the database, so the limit holds across every replica.
//!
//! A key (`account:<email>`, `ip:<address>`, `client:<id>`) counts its failures while each comes within
//! `window` of the previous one (`window_started_at` holds the time of the **last** failure). From the
//! `limit`-th failure on, the next attempt must wait a delay that doubles with each further failure,
//! capped ([`delay_seconds`]): never a hard lock that someone who knows an e-mail address can renew
//! forever — once the delay has passed, the right password gets in (and clears the counter).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::login_attempts;

/// Delay after the `limit`-th failure, in seconds.
pub const FIRST_DELAY_SECONDS: i64 = 30;
/// Longest delay, in seconds.
pub const MAX_DELAY_SECONDS: i64 = 5 * 60;

/// The wait imposed after `failures` failures of a key whose limit is `limit` (0 below the limit):
/// 30 s at the limit, doubling with each further failure, at most 5 minutes.
pub fn delay_seconds(failures: i32, limit: i32) -> i64 {
    if failures < limit {
        return 0;
    }
    let doublings = u32::try_from(failures - limit).unwrap_or(0).min(16);
    (FIRST_DELAY_SECONDS << doublings).min(MAX_DELAY_SECONDS)
}

/// Seconds to wait before `key` may try again, else `None`.
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
    Ok(row.and_then(|(failures, last)| {
        if last + window <= now {
            return None;
        }
        let ends = last + Duration::seconds(delay_seconds(failures, limit));
        (ends > now).then(|| u64::try_from((ends - now).num_seconds().max(1)).unwrap_or(1))
    }))
}

/// Counts one failure for `key` (from 1 again when the previous failure is older than `window`).
///
/// Safe under concurrency on every replica: the count is raised by one `UPDATE … SET failures =
/// failures + 1` (the row lock serialises concurrent failures), and the first failure of a key is an
/// `INSERT` in a savepoint — when another request inserted the same key meanwhile (unique violation),
/// the failure is counted on its row instead of failing the request.
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    window: Duration,
    now: NaiveDateTime,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::update(
            login_attempts::table
                .find(key)
                .filter(login_attempts::window_started_at.le(now - window)),
        )
        .set(login_attempts::failures.eq(0))
        .execute(conn)?;
        if increment(conn, key, now)? > 0 {
            return Ok(());
        }
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(login_attempts::table)
                .values((
                    login_attempts::attempt_key.eq(key),
                    login_attempts::failures.eq(1),
                    login_attempts::window_started_at.eq(now),
                ))
                .execute(conn)
        });
        match inserted {
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => increment(conn, key, now).map(drop),
            other => other.map(drop),
        }
    })
}

/// Adds one failure to the row of `key`, if there is one; the number of rows changed.
fn increment(conn: &mut DbConnection, key: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(login_attempts::table.find(key))
        .set((
            login_attempts::failures.eq(login_attempts::failures + 1),
            login_attempts::window_started_at.eq(now),
        ))
        .execute(conn)
}

/// Forgets the failures of `key` (after a successful login).
pub fn reset(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_attempts::table.find(key))
        .execute(conn)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::delay_seconds;

    #[test]
    fn the_delay_doubles_from_the_limit_and_is_capped() {
        assert_eq!(delay_seconds(4, 5), 0);
        assert_eq!(delay_seconds(5, 5), 30);
        assert_eq!(delay_seconds(6, 5), 60);
        assert_eq!(delay_seconds(8, 5), 240);
        assert_eq!(delay_seconds(9, 5), 300);
        assert_eq!(delay_seconds(1_000, 5), 300);
    }
}
