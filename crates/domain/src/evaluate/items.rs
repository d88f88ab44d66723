//! Item states (§1.7) and the truth of conditions.

use crate::catalogue::Catalogue;
use crate::contract::{ConditionState, IndicatorStatus, ItemState};
use crate::expr::{Operand, Program};
use crate::values::{FormValues, SlotKind};

use super::indicator_outcome::IndicatorOutcome;

/// Every item's state for one structure, by catalogue index (one array per attribute, so that
/// programs read `number` directly).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ItemTable {
    pub(crate) state: Vec<ItemState>,
    /// Truth of the item's condition; `None` when it has none or is out of scope.
    pub(crate) condition: Vec<Option<ConditionState>>,
    /// The value as a number; 0 when not applicable (and unused when empty or *sans objet*).
    pub(crate) number: Vec<f64>,
    /// A value was sent (kept even when the item does not apply).
    pub(crate) sent: Vec<bool>,
}

/// Decides every item's state. Conditions read only unconditional items (checked at load), so the
/// unconditional items are settled first, then the conditional ones.
pub(crate) fn item_table(catalogue: &Catalogue, category: usize, values: &FormValues) -> ItemTable {
    let bit = 1u64 << category;
    let state: Vec<ItemState> = catalogue
        .items
        .iter()
        .zip(&values.kinds)
        .map(|(item, kind)| match kind {
            _ if !item.active || item.scope & bit == 0 => ItemState::NotApplicable,
            SlotKind::Empty => ItemState::Empty,
            SlotKind::SansObjet => ItemState::SansObjet,
            SlotKind::Value => ItemState::Value,
        })
        .collect();
    let number = state
        .iter()
        .zip(&values.numbers)
        .map(|(s, n)| if *s == ItemState::Value { *n } else { 0.0 })
        .collect();
    let sent = values.kinds.iter().map(|k| *k != SlotKind::Empty).collect();
    let mut table = ItemTable {
        state,
        condition: vec![None; catalogue.items.len()],
        number,
        sent,
    };
    for (i, program) in &catalogue.item_conditions {
        let i = usize::from(*i);
        if table.state[i] == ItemState::NotApplicable {
            continue;
        }
        let truth = condition_truth(program, &table, &[], &[], &[], &mut |_| {});
        table.condition[i] = Some(truth);
        if truth == ConditionState::False {
            table.state[i] = ItemState::NotApplicable;
            table.number[i] = 0.0;
        }
    }
    table
}

/// Truth of a condition. An empty or *sans objet* item, or an indicator that is not `ok`, makes it
/// unknown (each empty item is reported to `on_empty`); a not-applicable item counts as 0. A
/// condition that divides by zero is unknown too.
pub(crate) fn condition_truth(
    program: &Program,
    items: &ItemTable,
    indicators: &[IndicatorOutcome],
    indicator_values: &[f64],
    shared: &[f64],
    on_empty: &mut impl FnMut(u16),
) -> ConditionState {
    let mut known = true;
    for operand in program.operands() {
        match *operand {
            Operand::Item(i) => match items.state[usize::from(i)] {
                ItemState::Empty => {
                    on_empty(i);
                    known = false;
                }
                ItemState::SansObjet => known = false,
                ItemState::Value | ItemState::NotApplicable => {}
            },
            Operand::Indicator(i) => {
                if indicators
                    .get(usize::from(i))
                    .is_none_or(|o| o.status != IndicatorStatus::Ok)
                {
                    known = false;
                }
            }
        }
    }
    if !known {
        return ConditionState::Unknown;
    }
    match program.eval(&items.number, indicator_values, shared) {
        Ok(v) if v != 0.0 => ConditionState::True,
        Ok(_) => ConditionState::False,
        Err(_) => ConditionState::Unknown,
    }
}
