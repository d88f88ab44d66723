//! The catalogue as data: the shape of the shipped per-campaign files (`crates/domain/catalogue/*.json`)
//! and of the `GET /api/v1/catalogue/{campaign}` body, which serves a file verbatim.
//!
//! These types only describe; [`crate::catalogue::Catalogue`] validates and compiles them.

use serde::{Deserialize, Serialize};

/// One catalogue file: the whole data dictionary as it applies to one campaign (catalogue.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CatalogueDocument {
    /// Version of the data dictionary this file implements, e.g. `1.0` (§10).
    pub catalogue_version: String,
    /// Campaign year N this file applies to (it collects the data of exercice N−1).
    pub campaign: i32,
    /// The document the file was generated from.
    pub source: String,
    /// Completion rule of this campaign (§5.1).
    pub completion: CompletionRule,
    /// The structure categories (§2.1).
    pub categories: Vec<CategoryDef>,
    /// Named scope sets (§2.2).
    pub scopes: Vec<ScopeDef>,
    /// Raw items, in catalogue order (§3).
    pub items: Vec<ItemDef>,
    /// Indicators, in catalogue order (§4).
    pub indicators: Vec<IndicatorDef>,
    /// Coherence controls, in table order (§6.2).
    pub controls: Vec<ControlDef>,
    /// Peer outlier rule of the campaign (`ecart_pairs` alerts); absent: the default threshold 3.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_outliers: Option<PeerOutlierRule>,
}

/// How far from its peers a dialogue indicator may stand before it raises an `ecart_pairs` alert.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PeerOutlierRule {
    /// A value is flagged when the absolute robust z-score of one of its groups exceeds this (> 0).
    pub threshold: f64,
}

/// Completion rule of one campaign (§5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompletionRule {
    /// Threshold in percent: 70, 80 or 90.
    pub threshold_percent: u32,
    /// Whether the finance items (axis 3) count in the completion rate.
    pub finance_counted: bool,
    /// The legal text that sets the rule.
    pub legal_basis: String,
}

/// A structure category (§2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// Category code, e.g. `ehpad`.
    pub code: String,
    /// French label.
    pub label: String,
    /// Current FINESS category code, e.g. `500`.
    pub finess: String,
    /// Accepted legacy FINESS codes, merged into this category.
    pub aliases: Vec<String>,
    /// Public served.
    pub public: Public,
    /// Establishment or service.
    #[serde(rename = "type")]
    pub kind: CategoryKind,
    /// True when activity is counted in sessions instead of days.
    pub seances: bool,
    /// Funding authority.
    pub funder: Funder,
}

/// Public served by a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Public {
    /// Personnes âgées.
    #[serde(rename = "PA")]
    Pa,
    /// Personnes handicapées.
    #[serde(rename = "PH")]
    Ph,
    /// Both.
    #[serde(rename = "PA_PH")]
    PaPh,
}

/// Type of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// Accommodation or day care.
    Etablissement,
    /// Home or ambulatory service.
    Service,
}

/// Funding authority of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Funder {
    /// Agence régionale de santé.
    #[serde(rename = "ARS")]
    Ars,
    /// Conseil départemental.
    #[serde(rename = "CD")]
    Cd,
    /// Joint competence.
    #[serde(rename = "ARS_CD")]
    ArsCd,
}

/// A named scope set (§2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScopeDef {
    /// Scope code, e.g. `etablissements`.
    pub code: String,
    /// What the set means.
    pub definition: String,
    /// Category codes in the set.
    pub members: Vec<String>,
}

/// Type of a raw item (§1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// Non-negative integer.
    Count,
    /// Non-negative number of days, at most 2 decimals.
    Days,
    /// Full-time equivalents, at most 2 decimals.
    Etp,
    /// Euros, at most 2 decimals; non-negative unless the item may be negative.
    Eur,
    /// JSON boolean.
    Bool,
    /// `YYYY-MM-DD` calendar date.
    Date,
    /// One code of a closed list.
    Enum,
    /// Number within the item's bounds.
    Score,
    /// Non-negative physical quantity, at most 2 decimals.
    Mesure,
}

/// Partner source allowed to prefill an item (§1.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrefillSource {
    /// FINESS register (locked once pushed).
    Finess,
    /// CNSA financial reports (overridable with a reason).
    CnsaErrd,
    /// CNSA Galaad validated GMP/PMP (locked once pushed).
    CnsaGalaad,
    /// Contracts known to the system (overridable with a reason).
    Cpom,
}

impl PrefillSource {
    /// Every source.
    pub const ALL: [PrefillSource; 4] = [
        PrefillSource::Finess,
        PrefillSource::CnsaErrd,
        PrefillSource::CnsaGalaad,
        PrefillSource::Cpom,
    ];

    /// The code (`cnsa_errd`…), as in the catalogue and in the provenance of values.
    pub fn as_str(self) -> &'static str {
        match self {
            PrefillSource::Finess => "finess",
            PrefillSource::CnsaErrd => "cnsa_errd",
            PrefillSource::CnsaGalaad => "cnsa_galaad",
            PrefillSource::Cpom => "cpom",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }

    /// Whether a pushed value is locked against the structure's changes (§1.4.1: `finess`, `cnsa_galaad`).
    pub fn locks(self) -> bool {
        matches!(self, PrefillSource::Finess | PrefillSource::CnsaGalaad)
    }
}

/// A raw item (§3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    /// Item code.
    pub code: String,
    /// French label.
    pub label: String,
    /// 0 (caractérisation) to 4; axis 3 items are the finance items.
    pub axis: u8,
    /// Value type.
    #[serde(rename = "type")]
    pub item_type: ItemType,
    /// Physical unit of a `mesure` item (`kWh`, `m²`).
    pub unit: Option<String>,
    /// Scope set code.
    pub scope: String,
    /// Whether the item counts in the completion rate when it applies.
    pub required: bool,
    /// Condition (expression over unconditional items) under which the item applies.
    pub condition: Option<String>,
    /// Partner source allowed to push the item.
    pub prefill: Option<PrefillSource>,
    /// Explicit lower bound beyond the type rules (scores).
    pub min: Option<f64>,
    /// Explicit upper bound beyond the type rules (scores, opening days).
    pub max: Option<f64>,
    /// `eur` item that accepts negative amounts.
    pub may_be_negative: bool,
    /// Whether the string `"sans_objet"` is accepted.
    pub sans_objet_allowed: bool,
    /// Accepted codes of an `enum` item.
    pub values: Option<Vec<String>>,
    /// French label of each code of an `enum` item, shown instead of the code (docs/catalogue.md,
    /// « Libellés des options »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_labels: Option<std::collections::BTreeMap<String, String>>,
    /// First campaign the item exists in.
    pub first_campaign: i32,
}

impl ItemDef {
    /// The unit of a rate item.
    pub const RATE_UNIT: &'static str = "%";

    /// Whether the item is a rate: its value is a fraction (0.8 for 80 %) and its catalogue unit is
    /// `%` (docs/catalogue.md). Imports read `80 %` as 0.8 for such an item only.
    pub fn is_rate(&self) -> bool {
        self.unit.as_deref() == Some(Self::RATE_UNIT)
    }
}

/// Level of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Level 1, used in the dialogue with the authorities.
    Dialogue,
    /// Level 2, breakdowns that explain level 1.
    CleAnalyse,
}

/// Unit of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IndicatorUnit {
    /// Fraction, shown as a percentage.
    Ratio,
    /// Days.
    Jours,
    /// Persons.
    Personnes,
    /// Points (GMP, PMP).
    Points,
    /// ETP per person.
    EtpParPersonne,
    /// kWh per m².
    KwhM2,
    /// Plain count.
    Nombre,
}

/// Which way is better, for ranking (§7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Greater is better.
    HigherBetter,
    /// Lower is better.
    LowerBetter,
    /// No ranking.
    Neutral,
}

/// Whether a formula follows a published definition or is a choice (§4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Follows a published definition.
    Confirmed,
    /// Fixed by this catalogue.
    Choice,
}

/// An indicator (§4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    /// Indicator code.
    pub code: String,
    /// French label.
    pub label: String,
    /// Axis 1 to 4.
    pub axis: u8,
    /// `dialogue` or `cle_analyse`.
    pub level: Level,
    /// Unit.
    pub unit: IndicatorUnit,
    /// Ranking direction.
    pub direction: Direction,
    /// Scope set code.
    pub scope: String,
    /// Condition under which the indicator applies.
    pub condition: Option<String>,
    /// Formula over item codes (§1.6).
    pub formula: String,
    /// `confirmed` or `choice`.
    pub basis: Basis,
    /// First campaign the indicator exists in.
    pub first_campaign: i32,
}

/// Severity of a control (§6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks submission while failing.
    Bloquant,
    /// Needs a written justification before submission while failing.
    Alerte,
}

/// A coherence control (§6.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ControlDef {
    /// Control code.
    pub code: String,
    /// `bloquant` or `alerte`.
    pub severity: Severity,
    /// Scope set code; absent for the year-over-year control, whose scope is each indicator's.
    pub scope: Option<String>,
    /// Condition under which the control applies.
    pub condition: Option<String>,
    /// Expression that must be true for the control to pass; absent for the year-over-year control.
    pub expression: Option<String>,
    /// French message shown when the control fails.
    pub message: String,
    /// True for `variation_annuelle`, evaluated once per dialogue indicator (§6.3).
    pub year_over_year: bool,
}
