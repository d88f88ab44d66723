//! Indicator evaluation in the order of §1.8.

use crate::catalogue::Catalogue;
use crate::contract::{ConditionState, IndicatorStatus, ItemState};

use super::items::{Slot, condition_truth, load};

/// Outcome of one indicator for one structure.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorOutcome {
    /// Status (§1.8).
    pub status: IndicatorStatus,
    /// The unrounded value when `status` is `ok`.
    pub value: Option<f64>,
    /// Empty items (catalogue indices), ascending ASCII code order, no duplicates.
    pub(crate) missing: Vec<u16>,
    /// Truth of the indicator's condition, when it has one and is in scope.
    pub(crate) condition: Option<ConditionState>,
}

impl IndicatorOutcome {
    const NOT_APPLICABLE: Self = Self {
        status: IndicatorStatus::NotApplicable,
        value: None,
        missing: Vec::new(),
        condition: None,
    };
}

pub(crate) fn evaluate_indicators(
    catalogue: &Catalogue,
    category: usize,
    slots: &[Slot],
    stack: &mut Vec<f64>,
) -> Vec<IndicatorOutcome> {
    catalogue
        .indicators
        .iter()
        .map(|ind| {
            // 1. scope and first campaign.
            if !ind.active || ind.scope & (1 << category) == 0 {
                return IndicatorOutcome::NOT_APPLICABLE;
            }
            // 2. condition; its empty items are missing when it is unknown.
            let mut missing = Vec::new();
            let condition = ind
                .condition
                .as_ref()
                .map(|c| condition_truth(c, slots, &[], stack, &mut |i| missing.push(i)));
            if condition == Some(ConditionState::False) {
                return IndicatorOutcome {
                    condition,
                    ..IndicatorOutcome::NOT_APPLICABLE
                };
            }
            // 3. an input is sans objet.
            let items = || {
                ind.formula_items
                    .iter()
                    .map(|i| (*i, slots[usize::from(*i)].state))
            };
            if items().any(|(_, s)| s == ItemState::SansObjet) {
                return IndicatorOutcome {
                    condition,
                    ..IndicatorOutcome::NOT_APPLICABLE
                };
            }
            // 4–5. empty inputs.
            missing.extend(items().filter(|(_, s)| *s == ItemState::Empty).map(|(i, _)| i));
            if !missing.is_empty() {
                missing.sort_unstable_by_key(|i| catalogue.ascii_rank[usize::from(*i)]);
                missing.dedup();
                return IndicatorOutcome {
                    status: IndicatorStatus::MissingInput,
                    value: None,
                    missing,
                    condition,
                };
            }
            // 6–7. evaluate; a condition left unknown by a division by zero cannot give a value.
            let value = match condition {
                Some(ConditionState::Unknown) => Err(crate::expr::DivisionByZero),
                _ => ind.formula.eval(stack, |o| load(o, slots, &[])),
            };
            match value {
                Ok(v) => IndicatorOutcome {
                    status: IndicatorStatus::Ok,
                    value: Some(v),
                    missing,
                    condition,
                },
                Err(_) => IndicatorOutcome {
                    status: IndicatorStatus::DivisionByZero,
                    value: None,
                    missing,
                    condition,
                },
            }
        })
        .collect()
}
