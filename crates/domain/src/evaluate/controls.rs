//! Coherence controls (§6.1, §6.2) and the year-over-year control (§6.3).

use crate::catalogue::Catalogue;
use crate::contract::{ConditionState, ControlStatus, IndicatorStatus, ItemState};
use crate::expr::Operand;

use super::indicator_outcome::IndicatorOutcome;
use super::items::{ItemTable, condition_truth};

/// Outcome of one control entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlOutcome {
    /// Index of the control in catalogue order.
    pub(crate) control: u16,
    /// Indicator index, for year-over-year entries.
    pub(crate) indicator: Option<u16>,
    /// Evaluation status.
    pub status: ControlStatus,
    /// True or false when evaluated.
    pub passed: Option<bool>,
}

/// The previous campaign's outcome of an indicator, given its index in the current catalogue.
pub(crate) type PreviousLookup<'a> = &'a dyn Fn(usize) -> Option<IndicatorOutcome>;

fn outcome(
    control: usize,
    indicator: Option<u16>,
    status: ControlStatus,
    passed: Option<bool>,
) -> ControlOutcome {
    ControlOutcome {
        control: u16::try_from(control).unwrap_or(u16::MAX),
        indicator,
        status,
        passed,
    }
}

pub(crate) fn evaluate_controls(
    catalogue: &Catalogue,
    category: usize,
    items: &ItemTable,
    indicators: &[IndicatorOutcome],
    shared: &[f64],
    previous: Option<PreviousLookup<'_>>,
) -> Vec<ControlOutcome> {
    let bit = 1u64 << category;
    let values: Vec<f64> = indicators.iter().map(|o| o.value.unwrap_or(0.0)).collect();
    let mut out = Vec::with_capacity(catalogue.controls.len() + catalogue.indicators.len());
    let mut year_over_year = None;
    for (ci, control) in catalogue.controls.iter().enumerate() {
        let Some(expression) = &control.expression else {
            year_over_year = Some(ci);
            continue;
        };
        if control.scope & bit == 0 {
            out.push(outcome(ci, None, ControlStatus::NotApplicable, None));
            continue;
        }
        let condition = control
            .condition
            .as_ref()
            .map(|c| condition_truth(c, items, indicators, &values, shared, &mut |_| {}));
        let entry = match condition {
            Some(ConditionState::False) => outcome(ci, None, ControlStatus::NotApplicable, None),
            Some(ConditionState::Unknown) => outcome(ci, None, ControlStatus::NotEvaluable, None),
            _ if !operands_usable(expression.operands(), items, indicators) => {
                outcome(ci, None, ControlStatus::NotEvaluable, None)
            }
            _ => match expression.eval(&items.number, &values, shared) {
                Ok(v) => outcome(ci, None, ControlStatus::Evaluated, Some(v != 0.0)),
                Err(_) => outcome(ci, None, ControlStatus::NotEvaluable, None),
            },
        };
        out.push(entry);
    }
    if let Some(ci) = year_over_year {
        for (ii, ind) in catalogue.indicators.iter().enumerate() {
            if !ind.dialogue || ind.scope & bit == 0 {
                continue;
            }
            let previous = previous.and_then(|lookup| lookup(ii));
            out.push(variation(
                ci,
                u16::try_from(ii).ok(),
                &indicators[ii],
                previous.as_ref(),
            ));
        }
    }
    out
}

/// An item operand must hold a value (or not apply); an indicator operand must be `ok`.
fn operands_usable(operands: &[Operand], items: &ItemTable, indicators: &[IndicatorOutcome]) -> bool {
    operands.iter().all(|o| match *o {
        Operand::Item(i) => matches!(
            items.state[usize::from(i)],
            ItemState::Value | ItemState::NotApplicable
        ),
        Operand::Indicator(i) => indicators
            .get(usize::from(i))
            .is_some_and(|o| o.status == IndicatorStatus::Ok),
    })
}

/// §6.3: passes when `abs(current − previous) ≤ 0.30 × abs(previous)`.
fn variation(
    control: usize,
    indicator: Option<u16>,
    current: &IndicatorOutcome,
    previous: Option<&IndicatorOutcome>,
) -> ControlOutcome {
    if current.status == IndicatorStatus::NotApplicable {
        return outcome(control, indicator, ControlStatus::NotApplicable, None);
    }
    match (current.value, previous.and_then(|p| p.value)) {
        (Some(cur), Some(prev)) if prev != 0.0 => {
            let passed = (cur - prev).abs() <= 0.30 * prev.abs();
            outcome(control, indicator, ControlStatus::Evaluated, Some(passed))
        }
        _ => outcome(control, indicator, ControlStatus::NotEvaluable, None),
    }
}
