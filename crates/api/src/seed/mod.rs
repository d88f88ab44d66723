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

use chrono::NaiveDateTime;
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
}

/// The campaigns of the seeds: 2022 archived, 2023 published, 2024 being collected.
pub const CAMPAIGNS: [(i32, CampaignPhase); 3] = [
    (2022, CampaignPhase::Archivee),
    (2023, CampaignPhase::Restitution),
    (2024, CampaignPhase::Collecte),
];

/// Inserts the campaigns of [`CAMPAIGNS`] that do not exist yet.
fn ensure_campaigns(conn: &mut DbConnection, at: NaiveDateTime) -> Result<(), SeedError> {
    for (year, phase) in CAMPAIGNS {
        if campaigns::find(conn, year)?.is_some() {
            continue;
        }
        let catalogue = tdb_domain::catalogue_for(year).map_err(|e| SeedError::Catalogue(e.to_string()))?;
        campaigns::insert(
            conn,
            &CampaignRow {
                year,
                catalogue_version: catalogue.version().to_owned(),
                phase: phase.as_str().to_owned(),
                collecte_opens_on: Some(format!("{year}-04-15")),
                collecte_closes_on: Some(format!("{year}-05-31")),
                fiabilisation_closes_on: Some(format!("{year}-09-30")),
                restitution_opens_on: Some(format!("{year}-10-15")),
                version: 1,
                updated_at: at,
            },
        )?;
    }
    Ok(())
}

/// The campaigns to fill, prepared.
fn campaign_data() -> Result<Vec<forms::CampaignData>, SeedError> {
    CAMPAIGNS
        .iter()
        .map(|(year, phase)| forms::CampaignData::new(*year, *phase))
        .collect()
}
