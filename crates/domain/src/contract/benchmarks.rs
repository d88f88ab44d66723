//! Restitution (§7): peer statistics of a group, a structure's benchmark, and the fiche de synthèse.

use serde::{Deserialize, Serialize};

use super::catalogue::{Direction, IndicatorUnit, Level};
use super::forms::FormState;
use super::peer::{PeerStats, Position};

/// Statistics of one peer group: one indicator, one category, one territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "campaign": 2024, "indicator": "taux_occupation_hp", "category": "ehpad", "territory": "department:59",
    "n": 42, "withheld": false,
    "stats": {"min": 0.81, "d1": 0.88, "q1": 0.93, "median": 0.96, "q3": 0.98, "d9": 1.0, "max": 1.04,
              "mean": 0.951},
    "frozen_at": null
})))]
pub struct GroupBenchmark {
    /// Campaign year N.
    pub campaign: i32,
    /// Indicator code.
    pub indicator: String,
    /// Category code (aliases resolved).
    pub category: String,
    /// `national`, `region:<code>` or `department:<code>`.
    pub territory: String,
    /// Group size and statistics, or why they are withheld.
    #[serde(flatten)]
    pub peers: PeerStats,
    /// When withheld: the territory one level up to ask instead (département → région → national);
    /// none at national level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// When the figures were frozen (campaign in `restitution` or later); null while they are live.
    pub frozen_at: Option<String>,
}

/// A structure's peer group at one territory level, with its position in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelBenchmark {
    /// `national`, `region:<code>` or `department:<code>`.
    pub territory: String,
    /// Group size and statistics, or why they are withheld.
    #[serde(flatten)]
    pub peers: PeerStats,
    /// Rank (null for `neutral` indicators), position, percentile and quartile of the structure's
    /// value; null when its value is not `ok` or the group is withheld.
    pub position: Option<Position>,
}

/// One indicator of a structure's benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorBenchmark {
    /// Indicator code.
    pub indicator: String,
    /// French label.
    pub label: String,
    /// `dialogue` or `cle_analyse`.
    pub level: Level,
    /// Unit.
    pub unit: IndicatorUnit,
    /// Ranking direction.
    pub direction: Direction,
    /// The structure's unrounded value when the indicator is `ok`, null otherwise.
    pub value: Option<f64>,
    /// Whether the structure itself counts in its groups (completion threshold reached, value `ok`).
    pub counted: bool,
    /// Departmental group.
    pub department: LevelBenchmark,
    /// Regional group.
    pub region: LevelBenchmark,
    /// National group.
    pub national: LevelBenchmark,
}

/// Every indicator in scope of a structure's category, against its peers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "campaign": 2024, "finess": "590000015", "category": "ehpad", "department": "59", "region": "32",
    "frozen_at": null,
    "indicators": [{"indicator": "taux_occupation_hp", "label": "Taux d'occupation des lits ou places en hébergement / accompagnement permanent",
        "level": "dialogue", "unit": "ratio", "direction": "higher_better", "value": 0.97, "counted": true,
        "department": {"territory": "department:59", "n": 4, "withheld": true, "reason": "effectif_insuffisant", "position": null},
        "region": {"territory": "region:32", "n": 31, "withheld": false,
            "stats": {"min": 0.8, "d1": 0.86, "q1": 0.92, "median": 0.95, "q3": 0.98, "d9": 0.99, "max": 1.02, "mean": 0.944},
            "position": {"rank": 9, "position": 23, "percentile": 72.58, "quartile": 3}},
        "national": {"territory": "national", "n": 6954, "withheld": false,
            "stats": {"min": 0.52, "d1": 0.85, "q1": 0.91, "median": 0.95, "q3": 0.98, "d9": 1.0, "max": 1.1, "mean": 0.939},
            "position": {"rank": 2101, "position": 4850, "percentile": 69.8, "quartile": 3}}}]
})))]
pub struct StructureBenchmark {
    /// Campaign year N.
    pub campaign: i32,
    /// FINESS ET.
    pub finess: String,
    /// Category code of the peer groups.
    pub category: String,
    /// Department code.
    pub department: String,
    /// Region code.
    pub region: String,
    /// When the figures were frozen; null while they are live.
    pub frozen_at: Option<String>,
    /// Indicators in scope of the category, in catalogue order.
    pub indicators: Vec<IndicatorBenchmark>,
}

/// Identity of a structure on its fiche.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FicheIdentity {
    /// FINESS ET.
    pub finess: String,
    /// Name.
    pub name: String,
    /// Category code.
    pub category: String,
    /// French label of the category.
    pub category_label: String,
    /// FINESS EJ of the managing body.
    pub organisation_finess: String,
    /// Name of the managing body.
    pub organisation_name: String,
    /// City.
    pub city: String,
    /// Department code.
    pub department: String,
    /// Region code.
    pub region: String,
    /// Authorised places by mode (`places_autorisees_hp`, `_ht`, `_aj`) as entered for the campaign;
    /// absent when not entered.
    pub capacity: Vec<FicheCapacity>,
    /// Whether the structure is under a CPOM today, from the recorded contracts by the same rule as the
    /// coverage page (a member of the perimeter of a contract in force today); always set by the server
    /// (null kept for older clients).
    pub cpom: Option<bool>,
    /// End date (`YYYY-MM-DD`) of that contract when the structure is under one.
    pub cpom_ends_on: Option<String>,
}

/// Authorised capacity of one accommodation mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FicheCapacity {
    /// Item code (`places_autorisees_hp`…).
    pub item: String,
    /// French label of the mode.
    pub label: String,
    /// Places.
    pub places: f64,
}

/// Completion and state of one campaign's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FicheCampaign {
    /// Campaign year N.
    pub campaign: i32,
    /// Workflow state (`non_commence` when the structure has no form).
    pub state: FormState,
    /// Cached completion rate, 0 to 1.
    pub completion_rate: f64,
    /// Whether the completion threshold of that campaign is reached.
    pub threshold_reached: bool,
}

/// Direction of a change from one campaign to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    /// The value rose.
    Hausse,
    /// The value fell.
    Baisse,
    /// Unchanged.
    Stable,
}

/// One campaign of a dialogue indicator on the fiche.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FichePoint {
    /// Campaign year N.
    pub campaign: i32,
    /// The structure's value when `ok`.
    pub value: Option<f64>,
    /// The first group not withheld, from the département up: `department:<code>`, `region:<code>`
    /// or `national`; null when every level is withheld.
    pub territory: Option<String>,
    /// Median of that group.
    pub median: Option<f64>,
    /// Rank of the structure in that group (null for `neutral` indicators or without a value).
    pub rank: Option<u32>,
    /// Size of that group.
    pub n: Option<u32>,
}

/// A dialogue indicator over the last three campaigns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FicheIndicator {
    /// Indicator code.
    pub indicator: String,
    /// French label.
    pub label: String,
    /// Unit.
    pub unit: IndicatorUnit,
    /// Ranking direction.
    pub direction: Direction,
    /// Oldest campaign first.
    pub points: Vec<FichePoint>,
    /// Change between the last two campaigns with a value.
    pub trend: Option<Trend>,
    /// Whether that change is an improvement given the direction; null for `neutral` indicators.
    pub improving: Option<bool>,
}

/// A failing control of the campaign's form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FicheControl {
    /// Control key (a control code or `variation_annuelle.<indicator>`).
    pub key: String,
    /// `bloquant` or `alerte`.
    pub severity: super::catalogue::Severity,
    /// French message.
    pub message: String,
    /// Whether an alert has a written justification.
    pub justified: bool,
}

/// The fiche de synthèse of a structure for a campaign, over the last three campaigns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fiche {
    /// The campaign of the fiche.
    pub campaign: i32,
    /// Identity.
    pub identity: FicheIdentity,
    /// The campaign and the two before it that exist, oldest first.
    pub campaigns: Vec<FicheCampaign>,
    /// Dialogue-level indicators in scope of the category, in catalogue order.
    pub indicators: Vec<FicheIndicator>,
    /// Failing controls (blocking, then alerts) of the campaign's form.
    pub failed_controls: Vec<FicheControl>,
    /// When the campaign's figures were frozen; null while they are live.
    pub frozen_at: Option<String>,
}

/// A batch of fiches (a zip of PDFs) being built for a department or a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "fic-3f9a1c0b7d2e4a51", "campaign": 2024, "territory": "department:59", "state": "running",
    "total": 412, "processed": 128, "download": null, "error": null
})))]
pub struct FicheBatch {
    /// Batch id.
    pub id: String,
    /// Campaign.
    pub campaign: i32,
    /// `department:<code>` or `region:<code>`.
    pub territory: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// Fiches to build: the structures of the territory the caller sees.
    pub total: u64,
    /// Fiches built.
    pub processed: u64,
    /// URL of the zip once `done`.
    pub download: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// A column of an indicator table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorColumn {
    /// Indicator code.
    pub code: String,
    /// French label.
    pub label: String,
    /// Unit.
    pub unit: IndicatorUnit,
    /// Ranking direction.
    pub direction: Direction,
}

/// One structure of an indicator table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorRow {
    /// FINESS ET.
    pub finess: String,
    /// Name.
    pub name: String,
    /// Category code.
    pub category: String,
    /// Department code.
    pub department: String,
    /// Region code.
    pub region: String,
    /// Workflow state of the campaign's form (`non_commence` without a form).
    pub state: FormState,
    /// Cached completion rate of the form, 0 to 1 (0 without a form).
    pub completion_rate: f64,
    /// Value of each column by indicator code: the unrounded value when `ok`, null otherwise (missing
    /// input, not applicable to the category, no form).
    pub values: std::collections::BTreeMap<String, Option<f64>>,
}

/// `GET /api/v1/campaigns/{year}/indicators`: indicator values of the structures in the caller's scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "campaign": 2024, "frozen_at": null,
    "columns": [{"code": "taux_occupation_hp",
        "label": "Taux d'occupation des lits ou places en hébergement / accompagnement permanent",
        "unit": "ratio", "direction": "higher_better"}],
    "rows": [{"finess": "591000005", "name": "EHPAD Les Tilleuls", "category": "ehpad", "department": "59",
        "region": "32", "state": "soumis", "completion_rate": 0.93,
        "values": {"taux_occupation_hp": 0.961}}]
})))]
pub struct IndicatorTable {
    /// Campaign year N.
    pub campaign: i32,
    /// When the campaign's figures were frozen (values as frozen); null while they are live.
    pub frozen_at: Option<String>,
    /// The indicators asked for, in catalogue order.
    pub columns: Vec<IndicatorColumn>,
    /// The structures of the caller's scope matching the filters, by FINESS.
    pub rows: Vec<IndicatorRow>,
}
