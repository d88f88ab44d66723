//! Collecte reminders: a configured number of days before a campaign's collecte closes
//! (`TDB_REMINDER_DAYS`, « 14,3 »), a mail to the people of every active structure whose form is below
//! the catalogue's completion threshold.
//!
//! Each replica of `tdb serve` runs the job ([`ReminderJob::spawn`]); "once per structure per
//! reminder" holds with any number of them because the reminder of a structure is recorded under a
//! primary key (`reminders_sent`) in the transaction that queues its mails, and queued only when that
//! insert took. A reminder missed while no replica ran is sent late, as long as the collecte is open;
//! only the nearest due reminder is sent (a server started 2 days before the end sends the « 3 days »
//! one, not also the « 14 days » one).

use std::time::Duration as StdDuration;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use diesel::Connection;

use crate::db::DbPool;
use crate::db::repo::notifications::{self, Reach};
use crate::error::ApiError;
use crate::services::mail::messages;
use crate::services::notifications::{form_link, french_date, queue};
use crate::services::passwords::LinkBase;

/// The reminder due on `today` for a collecte closing on `closes_on`: the smallest of `days` not
/// below the days left, none once the collecte closed or when no reminder is reached yet.
pub fn due(closes_on: NaiveDate, today: NaiveDate, days: &[u32]) -> Option<u32> {
    let left = (closes_on - today).num_days();
    if left < 0 {
        return None;
    }
    days.iter().copied().filter(|d| i64::from(*d) >= left).min()
}

/// Queues the due reminders of every campaign in `collecte` as of `today` (Paris date) and `now`;
/// how many structures were reminded by this call.
pub fn run(
    pool: &DbPool,
    base: &LinkBase,
    days: &[u32],
    (today, now): (NaiveDate, NaiveDateTime),
) -> Result<usize, ApiError> {
    let mut conn = pool.get()?;
    let mut reminded = 0;
    for (year, closes_on) in notifications::collecting_campaigns(&mut conn)? {
        let Ok(closes) = NaiveDate::parse_from_str(&closes_on, "%Y-%m-%d") else {
            continue;
        };
        let Some(reminder) = due(closes, today, days) else {
            continue;
        };
        let reminder = i32::try_from(reminder).unwrap_or(i32::MAX);
        let threshold = i32::try_from(crate::services::campaigns::threshold_percent(year)?).unwrap_or(100);
        let closes_fr = french_date(&closes_on);
        let left = (closes - today).num_days();
        for finess in notifications::to_remind(&mut conn, year, threshold, reminder)? {
            let _turn = pool.write_turn();
            let queued = conn.transaction(|conn| -> Result<bool, ApiError> {
                if !notifications::mark_reminded(conn, (year, &finess, reminder), now)? {
                    return Ok(false);
                }
                let Some(structure) = notifications::structure(conn, &finess)? else {
                    return Ok(true);
                };
                let completion = notifications::completion(conn, year, &finess)?;
                let mail = messages::reminder(
                    (year, &structure.name, &finess),
                    (left, &closes_fr),
                    (completion, threshold),
                    &form_link(base, year, &finess),
                );
                let people = notifications::structure_people(conn, &structure, Reach::NotOptedOut)?;
                queue(conn, &people, &mail, now)?;
                Ok(true)
            })?;
            reminded += usize::from(queued);
        }
    }
    Ok(reminded)
}

/// Today in Paris (the dates of the campaigns are French dates).
pub fn paris_today(now: NaiveDateTime) -> NaiveDate {
    chrono_tz::Europe::Paris.from_utc_datetime(&now).date_naive()
}

/// The reminder job of one replica.
pub struct ReminderJob {
    /// The database.
    pub pool: DbPool,
    /// Where the links point.
    pub base: LinkBase,
    /// Days before the collecte closes (empty: no reminders).
    pub days: Vec<u32>,
}

impl ReminderJob {
    /// Runs forever on its own thread: the due reminders now, then every `poll`.
    pub fn spawn(self, poll: StdDuration) -> std::io::Result<std::thread::JoinHandle<()>> {
        std::thread::Builder::new()
            .name("tdb-reminders".to_owned())
            .spawn(move || {
                loop {
                    let now = Utc::now().naive_utc();
                    match run(&self.pool, &self.base, &self.days, (paris_today(now), now)) {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(structures = n, "collecte reminders queued"),
                        Err(error) => tracing::warn!(%error, "collecte reminders"),
                    }
                    std::thread::sleep(poll);
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::due;
    use chrono::NaiveDate;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
    }

    #[test]
    fn the_nearest_reached_reminder_is_due_until_the_collecte_closes() {
        let closes = day(30);
        assert_eq!(due(closes, day(1), &[14, 3]), None);
        assert_eq!(due(closes, day(16), &[14, 3]), Some(14));
        assert_eq!(due(closes, day(26), &[14, 3]), Some(14));
        assert_eq!(due(closes, day(27), &[3, 14]), Some(3));
        assert_eq!(due(closes, day(30), &[14, 3]), Some(3));
        assert_eq!(
            due(closes, NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(), &[14, 3]),
            None
        );
        assert_eq!(due(closes, day(29), &[]), None);
    }
}
