//! Monitoring of a campaign: progress of the forms per territory.

use serde::{Deserialize, Serialize};

/// Territory level of a progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TerritoryLevel {
    /// One row per department.
    Department,
    /// One row per region, ranked by mean completion.
    Region,
}

/// Number of structures per form state. A structure without a form for the campaign is `non_commence`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateCounts {
    /// Not started (no form, or a form without any value).
    pub non_commence: u64,
    /// Being filled in.
    pub en_cours: u64,
    /// Submitted, awaiting review.
    pub soumis: u64,
    /// Sent back by an authority for correction.
    pub correction_demandee: u64,
    /// Validated by the authorities.
    pub valide: u64,
    /// Closed with the campaign.
    pub cloture: u64,
}

/// Progress of the structures of one territory (within the caller's scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "32", "name": "Hauts-de-France", "region_code": null, "structures": 1830,
    "states": {"non_commence": 120, "en_cours": 610, "soumis": 400, "correction_demandee": 40,
               "valide": 660, "cloture": 0},
    "mean_completion_rate": 0.8123, "share_threshold_reached": 0.71, "share_validated": 0.3607, "rank": 3
})))]
pub struct TerritoryProgress {
    /// INSEE code of the department or region; `null` for the total row.
    pub code: Option<String>,
    /// Its name (`Total` for the total row).
    pub name: String,
    /// Region of a department row; `null` for region and total rows.
    pub region_code: Option<String>,
    /// Structures of the territory within the caller's scope.
    pub structures: u64,
    /// Structures per form state.
    pub states: StateCounts,
    /// Mean completion rate (0 to 1) over the structures; a structure without a form counts as 0.
    /// `null` when there is no structure.
    pub mean_completion_rate: Option<f64>,
    /// Share of the structures whose form reaches the campaign threshold
    /// (`100 × filled ≥ threshold × required`).
    pub share_threshold_reached: Option<f64>,
    /// Share of the structures whose form is `valide`.
    pub share_validated: Option<f64>,
    /// Region rows only: rank by mean completion among the regions listed (1 = best; equal means share
    /// a rank and the next rank is skipped).
    pub rank: Option<u32>,
}

/// `GET /api/v1/campaigns/{year}/progress`: one row per territory of the caller's scope, and a total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignProgress {
    /// Campaign year.
    pub campaign: i32,
    /// Territory level of the rows.
    pub by: TerritoryLevel,
    /// Completion threshold of the campaign, in percent (§5.1 of the catalogue).
    pub threshold_percent: u32,
    /// One row per territory holding at least one structure of the caller's scope, by code.
    pub territories: Vec<TerritoryProgress>,
    /// All the structures of the caller's scope.
    pub total: TerritoryProgress,
    /// The categories of the structures of the caller's scope, in the catalogue's order, with how many
    /// structures each has (the filters of the territory dashboard, its first category the most
    /// frequent, without downloading every structure's row).
    #[serde(default)]
    pub categories: Vec<CategoryCount>,
}

/// How many structures of the caller's scope are of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    /// Category code of the catalogue (`ehpad`).
    pub code: String,
    /// Its French label in the campaign's catalogue.
    pub label: String,
    /// Structures of that category in the caller's scope (at least 1).
    pub structures: u64,
}
