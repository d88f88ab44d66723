//! What-if simulation of a structure (`POST …/structures/{finess}/simulate`): changed values applied
//! over the stored ones, the indicators and their positions against the campaign's figures. Nothing is
//! saved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalogue::{Direction, IndicatorUnit, Level};
use super::cpom::ObjectiveStatus;
use super::peer::{PeerStats, Position};

/// The changes to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"values": {"journees_realisees_hp": 28500}})))]
pub struct SimulateRequest {
    /// Raw values by item code, applied over the structure's stored values (null empties an item).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub values: BTreeMap<String, serde_json::Value>,
}

/// One territory level of a simulated indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulatedLevel {
    /// `national`, `region:<code>` or `department:<code>`.
    pub territory: String,
    /// The group's published statistics (the box plot), or why they are withheld.
    #[serde(flatten)]
    pub peers: PeerStats,
    /// The structure's position with its stored values (as on its benchmark).
    pub current: Option<Position>,
    /// Its position with the simulated values, its own value replaced in the group.
    pub simulated: Option<Position>,
}

/// One indicator, current and simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulatedIndicator {
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
    /// The structure's value as on its benchmark, when `ok`.
    pub current: Option<f64>,
    /// The value under the simulated values, when `ok`.
    pub simulated: Option<f64>,
    /// Departmental group.
    pub department: SimulatedLevel,
    /// Regional group.
    pub region: SimulatedLevel,
    /// National group.
    pub national: SimulatedLevel,
}

/// A CPOM objective measured on the structure alone, current and simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulatedObjective {
    /// Objective id.
    pub id: i64,
    /// Contract id.
    pub contract_id: i64,
    /// Catalogue indicator code.
    pub indicator: String,
    /// Target value.
    pub target_value: f64,
    /// Target year.
    pub target_year: i32,
    /// Status with the stored values.
    pub current: ObjectiveStatus,
    /// Status with the simulated values.
    pub simulated: ObjectiveStatus,
}

/// The simulation of a structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Simulation {
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
    /// Whether the completion threshold is reached with the simulated values (else the structure would
    /// not count in its groups).
    pub reached: bool,
    /// Items whose simulated value differs from the stored one, in ascending code order.
    pub changed: Vec<String>,
    /// Indicators in scope of the category, in catalogue order.
    pub indicators: Vec<SimulatedIndicator>,
    /// CPOM objectives of the contracts in force measured on this structure alone.
    pub objectives: Vec<SimulatedObjective>,
}
