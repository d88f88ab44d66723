//! Body of `POST …/evaluate` and the evaluation result of catalogue.md §9.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalogue::Severity;

/// A form to evaluate: category, campaign, raw values, optionally the previous campaign's raw values
/// (for the year-over-year control) and the keys of the alerts already justified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "campaign": 2024,
    "category": "500",
    "values": {"journees_realisees_hp": 27740, "journees_absence_moins_72h_hp": 310,
               "places_financees_hp": 80, "jours_ouverture_hp": 365, "gmp_valide": "sans_objet"},
    "justified": ["occupation_hp_au_dessus_100"]
})))]
pub struct EvaluateRequest {
    /// Campaign year N (2019 onwards).
    pub campaign: i32,
    /// Category code (`ehpad`), FINESS category code (`500`) or accepted alias (`437`).
    pub category: String,
    /// Raw values by item code: number, boolean, `YYYY-MM-DD`, enum code, `"sans_objet"` or null.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub values: BTreeMap<String, serde_json::Value>,
    /// Raw values of the same structure for campaign N−1, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub previous_values: Option<BTreeMap<String, serde_json::Value>>,
    /// Keys of the failing alerts that have a written justification: a control code, or
    /// `variation_annuelle.<indicator code>`, or `ecart_pairs.<indicator code>`.
    #[serde(default)]
    pub justified: Vec<String>,
    /// Reference distribution of the category (`GET …/peer-reference`): when given, the result carries
    /// one `ecart_pairs` entry per dialogue indicator in scope (peer outlier alerts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_reference: Option<super::peer::PeerReference>,
}

/// Outcome of one indicator (§1.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    /// Computed; `value` holds the unrounded double.
    Ok,
    /// Some input is empty; `missing` lists them.
    MissingInput,
    /// The formula divided by zero.
    DivisionByZero,
    /// Outside scope, before its first campaign, condition false, or an input is *sans objet*.
    NotApplicable,
}

/// State of an item (§1.7), as used by an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// The item does not apply to the structure; it counts as 0 in formulas.
    NotApplicable,
    /// No value.
    Empty,
    /// The explicit answer `"sans_objet"`.
    SansObjet,
    /// A value.
    Value,
}

/// Truth of a condition (§1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConditionState {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// An item it reads is empty.
    Unknown,
}

/// One input of an indicator, with the number it contributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplanationInput {
    /// Item code.
    pub item: String,
    /// State of the item for this structure.
    pub state: ItemState,
    /// The number the item stands for in the formula: its value (booleans as 1 or 0), 0 when not
    /// applicable, null when empty or *sans objet*.
    pub value: Option<f64>,
}

/// How an indicator was computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Explanation {
    /// The formula, as written in the catalogue.
    pub formula: String,
    /// The condition of the indicator, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Truth of the condition, when there is one and the indicator is in scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_state: Option<ConditionState>,
    /// Items of the formula in order of first appearance, then items of the condition.
    pub inputs: Vec<ExplanationInput>,
}

/// Result of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorResult {
    /// Outcome.
    pub status: IndicatorStatus,
    /// The unrounded value when `status` is `ok`, null otherwise.
    pub value: Option<f64>,
    /// Empty items, ascending ASCII, without duplicates; only when `status` is `missing_input`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
    /// Formula and inputs: always in `POST /evaluate`; in form documents only when asked
    /// (`?explain=true`), since the web app explains with its own engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// Completion counts of one axis (§5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AxisCompletion {
    /// Items of the axis filled.
    pub filled: u32,
    /// Items of the axis in the denominator.
    pub required: u32,
    /// `filled ÷ required`, 1 when `required` is 0.
    pub rate: f64,
    /// Whether the axis counts in the overall rate (axis 3 does not before campaign 2023).
    pub counted: bool,
}

/// Completion rate of the form (§5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompletionResult {
    /// `filled ÷ required`, 1 when `required` is 0.
    pub rate: f64,
    /// Items of the denominator that are filled (a value or `sans_objet`).
    pub filled: u32,
    /// Items in the denominator.
    pub required: u32,
    /// Threshold of the campaign: 0.7, 0.8 or 0.9.
    pub threshold: f64,
    /// Whether finance items (axis 3) count this campaign.
    pub finance_counted: bool,
    /// `100 × filled ≥ threshold_percent × required`, in integers.
    pub reached: bool,
    /// Items of the denominator not filled, in catalogue order.
    pub missing: Vec<String>,
    /// The same counts per axis, keys `"0"` to `"4"`.
    pub by_axis: BTreeMap<String, AxisCompletion>,
    /// Threshold reached, no blocking control failing, every failing alert justified (§5.3).
    pub can_submit: bool,
}

/// Evaluation status of a control (§6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    /// Evaluated; `passed` is true or false.
    Evaluated,
    /// Outside scope or condition false.
    NotApplicable,
    /// An operand is missing, the condition is unknown, or a division by zero occurred.
    NotEvaluable,
}

/// Result of one control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ControlResult {
    /// Control code.
    pub code: String,
    /// Indicator code, for `variation_annuelle` and `ecart_pairs` entries only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// `bloquant` or `alerte`.
    pub severity: Severity,
    /// Evaluation status.
    pub status: ControlStatus,
    /// True or false when evaluated, null otherwise.
    pub passed: Option<bool>,
    /// French message of the control.
    pub message: String,
}

/// What stands between the form and its submission (§5.3, §6.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionResult {
    /// Keys of the failing `bloquant` controls.
    pub blocking: Vec<String>,
    /// Keys of the failing `alerte` controls (`variation_annuelle.<indicator>` for year-over-year,
    /// `ecart_pairs.<indicator>` for peer outliers).
    pub alerts: Vec<String>,
    /// The failing alerts without a justification.
    pub unjustified_alerts: Vec<String>,
}

/// Stable code of a rejected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ValueErrorCode {
    /// No item has this code.
    UnknownItem,
    /// The JSON type does not fit the item type (e.g. a boolean for a number, `"12"` for a count).
    WrongType,
    /// NaN or infinite.
    NotFinite,
    /// Absolute value above 10^12.
    TooLarge,
    /// Below 0 for an item that must be non-negative.
    Negative,
    /// A count with a fractional part.
    NotAnInteger,
    /// More than two decimals.
    TooManyDecimals,
    /// Outside the item's explicit bounds.
    OutOfBounds,
    /// Not an existing `YYYY-MM-DD` date.
    InvalidDate,
    /// Not one of the item's codes.
    InvalidEnum,
    /// `"sans_objet"` for an item that does not accept it.
    SansObjetNotAllowed,
}

/// Why a value was rejected (in an evaluation given unvalidated input).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvalidValue {
    /// Stable code.
    pub code: ValueErrorCode,
    /// French message.
    pub message: String,
}

/// The evaluation of one form (§9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationResult {
    /// Category code, aliases resolved.
    pub category: String,
    /// Campaign year.
    pub campaign: i32,
    /// Every indicator of the catalogue, by code.
    pub indicators: BTreeMap<String, IndicatorResult>,
    /// Completion rate and submission readiness.
    pub completion: CompletionResult,
    /// Controls of §6.2 in table order, then one `variation_annuelle` entry per dialogue indicator in
    /// scope, in catalogue order, then (with a peer reference) one `ecart_pairs` entry per dialogue
    /// indicator in scope, in catalogue order.
    pub controls: Vec<ControlResult>,
    /// Failing controls by key.
    pub submission: SubmissionResult,
    /// Codes of the values sent for items that do not apply (kept, not used), in catalogue order.
    pub ignored: Vec<String>,
    /// Rejected values by item code; only when the input was not validated beforehand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid: Option<BTreeMap<String, InvalidValue>>,
}

#[cfg(all(test, feature = "openapi"))]
#[allow(clippy::unwrap_used)]
mod openapi_tests {
    use utoipa::OpenApi;

    use super::*;
    use crate::contract::{CatalogueDocument, PeerStats, Position};

    #[derive(OpenApi)]
    #[openapi(components(schemas(
        EvaluateRequest,
        EvaluationResult,
        CatalogueDocument,
        PeerStats,
        Position
    )))]
    struct Doc;

    fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_schema_reference_resolves_and_fields_follow_section_9() {
        let doc = serde_json::to_value(Doc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let name = r.strip_prefix("#/components/schemas/").unwrap();
            assert!(schemas.get(name).is_some(), "dangling {r}");
        }
        let result = &schemas["EvaluationResult"]["properties"];
        for field in [
            "category",
            "campaign",
            "indicators",
            "completion",
            "controls",
            "submission",
            "ignored",
            "invalid",
        ] {
            assert!(result.get(field).is_some(), "{field}");
        }
        let request = &schemas["EvaluateRequest"];
        assert_eq!(request["properties"]["values"]["type"], "object");
        assert!(
            request["required"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f != "justified")
        );
    }
}
