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

/// What a published peer group keeps to judge a typed value (peer outliers): its size and, when it is
/// not withheld, its median, quartiles and median absolute deviation (type-7 quantiles, §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupSpread {
    /// Number of structures that count.
    pub n: u32,
    /// True when `n < 5`: every figure is withheld and the group flags nothing.
    pub withheld: bool,
    /// Median.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    /// First quartile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q1: Option<f64>,
    /// Third quartile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q3: Option<f64>,
    /// Median of the absolute deviations from the median.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mad: Option<f64>,
}

/// The groups one indicator is judged against: its category nationally and in the structure's region.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorReference {
    /// National group of the category.
    pub national: GroupSpread,
    /// Regional group of the category, when a region was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<GroupSpread>,
}

/// The reference distribution of a category for the peer outlier flags: the figures of the last
/// frozen campaign before the one being entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "campaign": 2023, "category": "ehpad", "region": "32", "frozen_at": "2024-01-15T10:00:00Z",
    "indicators": {"taux_occupation_hp": {
        "national": {"n": 6954, "withheld": false, "median": 0.95, "q1": 0.91, "q3": 0.98, "mad": 0.03},
        "region": {"n": 31, "withheld": false, "median": 0.96, "q1": 0.92, "q3": 0.98, "mad": 0.025}}}
})))]
pub struct PeerReference {
    /// The frozen campaign the figures come from.
    pub campaign: i32,
    /// Category code (aliases resolved).
    pub category: String,
    /// Region code of the regional groups; none: national groups only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// When that campaign's figures were frozen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frozen_at: Option<String>,
    /// Dialogue indicators in scope of the category, by code.
    pub indicators: std::collections::BTreeMap<String, IndicatorReference>,
}
