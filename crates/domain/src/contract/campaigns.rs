//! Yearly campaigns and their phases.

use serde::{Deserialize, Serialize};

/// Phase of a campaign. A campaign only moves forward, one phase at a time:
/// `preparation` → `collecte` → `fiabilisation` → `restitution` → `archivee`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CampaignPhase {
    /// Set-up by the national administration; structures cannot enter data yet.
    Preparation,
    /// Structures enter their data.
    Collecte,
    /// Authorities check coherence and validate.
    Fiabilisation,
    /// Results are published; every form is closed.
    Restitution,
    /// Archived.
    Archivee,
}

impl CampaignPhase {
    /// Every phase, in order.
    pub const ALL: [Self; 5] = [
        Self::Preparation,
        Self::Collecte,
        Self::Fiabilisation,
        Self::Restitution,
        Self::Archivee,
    ];

    /// The code as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Preparation => "preparation",
            Self::Collecte => "collecte",
            Self::Fiabilisation => "fiabilisation",
            Self::Restitution => "restitution",
            Self::Archivee => "archivee",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == code)
    }

    /// The only phase this one may move to, if any.
    pub fn next(self) -> Option<Self> {
        match self {
            Self::Preparation => Some(Self::Collecte),
            Self::Collecte => Some(Self::Fiabilisation),
            Self::Fiabilisation => Some(Self::Restitution),
            Self::Restitution => Some(Self::Archivee),
            Self::Archivee => None,
        }
    }
}

/// The planned dates of a campaign, each `YYYY-MM-DD` and in calendar order when present:
/// opening ≤ end of collection ≤ end of review ≤ publication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignDates {
    /// Opening of the collection.
    #[serde(default)]
    pub collecte_opens_on: Option<String>,
    /// End of the collection.
    #[serde(default)]
    pub collecte_closes_on: Option<String>,
    /// End of the review period (fiabilisation).
    #[serde(default)]
    pub fiabilisation_closes_on: Option<String>,
    /// Publication of the results (restitution).
    #[serde(default)]
    pub restitution_opens_on: Option<String>,
}

/// A campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "year": 2024, "catalogue_version": "1.0", "phase": "collecte",
    "dates": {"collecte_opens_on": "2024-04-15", "collecte_closes_on": "2024-05-31",
              "fiabilisation_closes_on": "2024-09-30", "restitution_opens_on": "2024-10-15"},
    "version": 2, "updated_at": "2024-04-15T08:00:00Z"
})))]
pub struct Campaign {
    /// Campaign year N (collects the data of the exercice N−1).
    pub year: i32,
    /// Version of the catalogue applied (`1.0`).
    pub catalogue_version: String,
    /// Current phase.
    pub phase: CampaignPhase,
    /// Planned dates.
    pub dates: CampaignDates,
    /// Version, incremented by every change.
    pub version: i64,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
}

/// Body of `POST /api/v1/campaigns`: a new campaign, created in phase `preparation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "year": 2025, "dates": {"collecte_opens_on": "2025-04-15", "collecte_closes_on": "2025-06-30"}
})))]
pub struct CampaignCreate {
    /// Campaign year; a shipped catalogue must cover it.
    pub year: i32,
    /// Planned dates (all optional).
    #[serde(default)]
    pub dates: CampaignDates,
}

/// Body of `POST /api/v1/campaigns/{year}/phase`: move to the next phase, optionally setting dates
/// (dates not sent keep their value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "phase": "fiabilisation", "dates": {"fiabilisation_closes_on": "2024-09-30"}
})))]
pub struct PhaseChange {
    /// The phase to move to: the next one of the current phase.
    pub phase: CampaignPhase,
    /// Dates to set at the same time.
    #[serde(default)]
    pub dates: CampaignDates,
}

/// Answer of a phase change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhaseChangeResult {
    /// The campaign after the change.
    pub campaign: Campaign,
    /// Forms closed (`cloture`) by the change: non-zero only when leaving `fiabilisation`.
    pub closed_forms: u64,
}
