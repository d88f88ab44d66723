//! Generated data: `tdb seed --demo` (a small, realistic world with one user per role) and
//! `tdb seed --national --structures N` (national scale, for load and performance work).
//!
//! Everything is deterministic (seeded ChaCha generators) and idempotent: a database that already
//! holds the data is left alone. Values are drawn per category from the catalogue ([`values`]), and
//! the cached completion of each form comes from the domain engine, as for a form filled by hand.

mod cpom;
pub mod demo;
mod forms;
mod names;
pub mod national;
mod values;
mod world;
mod writer;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use tdb_domain::contract::CampaignPhase;

use crate::db::DbConnection;
use crate::db::repo::campaigns::{self, CampaignRow};

/// Why a seed failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A query failed.
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    /// The catalogue of a campaign could not be used.
    #[error("catalogue: {0}")]
    Catalogue(String),
    /// The generator produced values the catalogue rejects (a bug of the generator).
    #[error("generated values rejected: {0}")]
    InvalidValues(String),
    /// A password could not be hashed.
    #[error("password hashing: {0}")]
    Password(String),
    /// The figures of a published campaign could not be frozen.
    #[error("freezing the figures: {0}")]
    Freeze(String),
}

/// The campaigns of a seed and their dates, seen from one day: the campaign of that day's year is in
/// collecte with its deadline ahead, the one before is published (restitution), the one before that
/// archived.
///
/// `tdb seed --demo` takes today's date (Europe/Paris), so a newcomer always sees a live campaign;
/// `tdb seed --national` takes [`Calendar::REFERENCE_DAY`] (campaigns 2022–2024), so benchmark runs
/// compare the same data whatever the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    today: NaiveDate,
}

impl Calendar {
    /// The day of the fixed calendar: 1 May 2024, campaign 2024 in collecte (15 April – 31 May).
    pub const REFERENCE_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 5, 1) {
        Some(day) => day,
        None => NaiveDate::MIN,
    };
    /// The year the demo's CPOM contracts and other fixed dates were written for.
    const REFERENCE_YEAR: i32 = 2024;
    /// Days from the opening of the current collecte to `today` (so the fixed calendar opens on 15 April).
    const OPENED_DAYS_AGO: u64 = 16;
    /// Days from `today` to the end of the current collecte (31 May on the fixed calendar).
    const CLOSES_IN_DAYS: u64 = 30;
    /// Days from the end of the collecte to the end of the fiabilisation (31 May → 30 September).
    const FIABILISATION_DAYS: u64 = 122;
    /// Days from the end of the fiabilisation to the publication (30 September → 15 October).
    const RESTITUTION_GAP_DAYS: u64 = 15;

    /// The calendar seen from `today`.
    pub fn on(today: NaiveDate) -> Self {
        Self { today }
    }

    /// The fixed calendar of [`Calendar::REFERENCE_DAY`].
    pub fn reference() -> Self {
        Self::on(Self::REFERENCE_DAY)
    }

    /// Today's calendar, by the date in Europe/Paris.
    pub fn today() -> Self {
        Self::on(
            chrono::Utc::now()
                .with_timezone(&chrono_tz::Europe::Paris)
                .date_naive(),
        )
    }

    /// The year of the campaign being collected.
    pub fn current_year(&self) -> i32 {
        self.today.year()
    }

    /// `year` of the fixed calendar moved to this one (a CPOM signed in 2022 on the fixed calendar is
    /// signed two years before the current campaign).
    pub fn shift(&self, year: i32) -> i32 {
        year + self.current_year() - Self::REFERENCE_YEAR
    }

    /// The seeded campaigns, ascending: archived, published, being collected.
    pub fn campaigns(&self) -> [(i32, CampaignPhase); 3] {
        let year = self.current_year();
        [
            (year - 2, CampaignPhase::Archivee),
            (year - 1, CampaignPhase::Restitution),
            (year, CampaignPhase::Collecte),
        ]
    }

    /// The phase dates of campaign `year` (ISO dates): the current campaign's around today, the earlier
    /// ones on their usual dates (collecte 15 April – 31 May, fiabilisation to 30 September,
    /// restitution from 15 October).
    fn dates(&self, year: i32) -> [String; 4] {
        if year != self.current_year() {
            return [
                format!("{year}-04-15"),
                format!("{year}-05-31"),
                format!("{year}-09-30"),
                format!("{year}-10-15"),
            ];
        }
        let opens = self.today - Days::new(Self::OPENED_DAYS_AGO);
        let closes = self.today + Days::new(Self::CLOSES_IN_DAYS);
        let fiabilisation = closes + Days::new(Self::FIABILISATION_DAYS);
        let restitution = fiabilisation + Days::new(Self::RESTITUTION_GAP_DAYS);
        [opens, closes, fiabilisation, restitution].map(|d| d.to_string())
    }
}

/// Inserts the campaigns of `calendar` that do not exist yet.
fn ensure_campaigns(conn: &mut DbConnection, calendar: Calendar, at: NaiveDateTime) -> Result<(), SeedError> {
    for (year, phase) in calendar.campaigns() {
        if campaigns::find(conn, year)?.is_some() {
            continue;
        }
        let catalogue = tdb_domain::catalogue_for(year).map_err(|e| SeedError::Catalogue(e.to_string()))?;
        let [opens, closes, fiabilisation, restitution] = calendar.dates(year);
        campaigns::insert(
            conn,
            &CampaignRow {
                year,
                catalogue_version: catalogue.version().to_owned(),
                phase: phase.as_str().to_owned(),
                collecte_opens_on: Some(opens),
                collecte_closes_on: Some(closes),
                fiabilisation_closes_on: Some(fiabilisation),
                restitution_opens_on: Some(restitution),
                version: 1,
                updated_at: at,
            },
        )?;
    }
    Ok(())
}

/// The campaigns of `calendar` to fill, prepared.
fn campaign_data(calendar: Calendar) -> Result<Vec<forms::CampaignData>, SeedError> {
    calendar
        .campaigns()
        .iter()
        .map(|(year, phase)| forms::CampaignData::new(*year, *phase))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn the_reference_calendar_is_the_fixed_2022_2024_one() {
        let calendar = Calendar::reference();
        assert_eq!(
            calendar.campaigns(),
            [
                (2022, CampaignPhase::Archivee),
                (2023, CampaignPhase::Restitution),
                (2024, CampaignPhase::Collecte)
            ]
        );
        assert_eq!(
            calendar.dates(2024),
            ["2024-04-15", "2024-05-31", "2024-09-30", "2024-10-15"]
        );
        assert_eq!(
            calendar.dates(2023),
            ["2023-04-15", "2023-05-31", "2023-09-30", "2023-10-15"]
        );
        assert_eq!(calendar.shift(2022), 2022);
    }

    #[test]
    fn any_day_has_its_campaign_in_collecte_with_the_deadline_ahead() {
        for today in ["2026-12-04", "2027-01-01", "2030-06-30", "2025-02-28"] {
            let calendar = Calendar::on(day(today));
            let (year, phase) = calendar.campaigns()[2];
            assert_eq!(phase, CampaignPhase::Collecte);
            let [opens, closes, ..] = calendar.dates(year);
            assert!(day(&opens) < day(today), "{today}: opens {opens}");
            assert!(day(&closes) > day(today), "{today}: closes {closes}");
            assert_eq!(calendar.campaigns()[1], (year - 1, CampaignPhase::Restitution));
            assert_eq!(calendar.shift(2022), year - 2);
        }
    }
}
