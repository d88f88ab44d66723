//! The outcome of one indicator: produced by the indicator evaluation, read by conditions and controls.

use crate::contract::{ConditionState, IndicatorStatus};

/// Outcome of one indicator for one structure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorOutcome {
    /// Status (§1.8).
    pub status: IndicatorStatus,
    /// The unrounded value when `status` is `ok`.
    pub value: Option<f64>,
    /// Range of this indicator's missing items in the evaluation's missing pool.
    pub(crate) missing_start: u32,
    pub(crate) missing_len: u32,
    /// Truth of the indicator's condition, when it has one and is in scope.
    pub(crate) condition: Option<ConditionState>,
}

impl IndicatorOutcome {
    /// An indicator that does not apply: no value, no missing item, no condition.
    pub(super) const NOT_APPLICABLE: Self = Self {
        status: IndicatorStatus::NotApplicable,
        value: None,
        missing_start: 0,
        missing_len: 0,
        condition: None,
    };
}
