//! Indicator evaluation in the order of §1.8.

use crate::catalogue::Catalogue;
use crate::contract::{ConditionState, IndicatorStatus, ItemState};

use super::indicator_outcome::IndicatorOutcome;
use super::items::{ItemTable, condition_truth};

/// Evaluates every indicator. Missing items are appended to `pool` (ascending ASCII code order per
/// indicator, no duplicates); each outcome points at its range.
pub(crate) fn evaluate_indicators(
    catalogue: &Catalogue,
    category: usize,
    items: &ItemTable,
    shared: &[f64],
    pool: &mut Vec<u16>,
) -> Vec<IndicatorOutcome> {
    let bit = 1u64 << category;
    catalogue
        .indicators
        .iter()
        .map(|ind| {
            // 1. scope and first campaign.
            if !ind.active || ind.scope & bit == 0 {
                return IndicatorOutcome::NOT_APPLICABLE;
            }
            // 2. condition; its empty items are missing when it is unknown.
            let start = pool.len();
            let condition = ind
                .condition
                .as_ref()
                .map(|c| condition_truth(c, items, &[], &[], shared, &mut |i| pool.push(i)));
            let not_applicable = IndicatorOutcome {
                condition,
                ..IndicatorOutcome::NOT_APPLICABLE
            };
            if condition == Some(ConditionState::False) {
                pool.truncate(start);
                return not_applicable;
            }
            // 3. an input is sans objet. 4–5. empty inputs are missing.
            for &i in &ind.formula_items {
                match items.state[usize::from(i)] {
                    ItemState::SansObjet => {
                        pool.truncate(start);
                        return not_applicable;
                    }
                    ItemState::Empty => pool.push(i),
                    ItemState::Value | ItemState::NotApplicable => {}
                }
            }
            if pool.len() > start {
                let missing = &mut pool[start..];
                missing.sort_unstable_by_key(|i| catalogue.ascii_rank[usize::from(*i)]);
                let mut kept = start;
                for j in start..pool.len() {
                    if j == start || pool[j] != pool[kept - 1] {
                        pool[kept] = pool[j];
                        kept += 1;
                    }
                }
                pool.truncate(kept);
                return IndicatorOutcome {
                    status: IndicatorStatus::MissingInput,
                    value: None,
                    missing_start: u32::try_from(start).unwrap_or(u32::MAX),
                    missing_len: u32::try_from(kept - start).unwrap_or(0),
                    condition,
                };
            }
            // 6–7. evaluate; a condition left unknown by a division by zero cannot give a value.
            let value = match condition {
                Some(ConditionState::Unknown) => Err(crate::expr::DivisionByZero),
                _ => ind.formula.eval(&items.number, &[], shared),
            };
            match value {
                Ok(v) => IndicatorOutcome {
                    status: IndicatorStatus::Ok,
                    value: Some(v),
                    ..not_applicable
                },
                Err(_) => IndicatorOutcome {
                    status: IndicatorStatus::DivisionByZero,
                    ..not_applicable
                },
            }
        })
        .collect()
}
