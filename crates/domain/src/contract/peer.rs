//! Peer statistics as served (§7): group statistics, withholding, and a structure's position.

use serde::{Deserialize, Serialize};

/// Why statistics are withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WithheldReason {
    /// Fewer than 5 structures count in the group.
    EffectifInsuffisant,
}

/// Distribution of the peer values of one group (§7.2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// Smallest value.
    pub min: f64,
    /// First decile (type 7).
    pub d1: f64,
    /// First quartile (type 7).
    pub q1: f64,
    /// Median (type 7).
    pub median: f64,
    /// Third quartile (type 7).
    pub q3: f64,
    /// Ninth decile (type 7).
    pub d9: f64,
    /// Largest value.
    pub max: f64,
    /// Values added in ascending order, divided by n.
    pub mean: f64,
}

/// Statistics of one peer group, or why they are withheld.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeerStats {
    /// Number of structures that count.
    pub n: u32,
    /// True when `n < 5`: every statistic is withheld.
    pub withheld: bool,
    /// Why they are withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<WithheldReason>,
    /// The statistics, when not withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<Summary>,
}

/// Where one structure's value stands in its peer group (§7.3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    /// Competition rank, 1 = best; null for `neutral` indicators.
    pub rank: Option<u32>,
    /// Ascending position: values strictly lower, plus 1.
    pub position: u32,
    /// `100 × (worse + 0.5 × equal) ÷ n`.
    pub percentile: f64,
    /// 1 to 4, by value against q1, median and q3.
    pub quartile: u8,
}
