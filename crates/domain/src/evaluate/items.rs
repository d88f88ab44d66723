//! Item states (§1.7) and the truth of conditions.

use crate::catalogue::Catalogue;
use crate::contract::{ConditionState, IndicatorStatus, ItemState};
use crate::expr::{Operand, Program};
use crate::values::Value;

use super::indicators::IndicatorOutcome;

/// The state of one item for one structure, and the number it stands for in expressions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Slot {
    pub(crate) state: ItemState,
    /// Truth of the item's condition; `None` when it has none or is out of scope.
    pub(crate) condition: Option<ConditionState>,
    /// The value as a number; 0 when not applicable (and unused when empty or *sans objet*).
    pub(crate) number: f64,
    /// A value was sent (kept even when the item does not apply).
    pub(crate) sent: bool,
}

fn from_value(value: Option<&Value>) -> (ItemState, f64) {
    match value {
        None => (ItemState::Empty, 0.0),
        Some(Value::SansObjet) => (ItemState::SansObjet, 0.0),
        Some(v) => (ItemState::Value, v.number()),
    }
}

/// Decides every item's state. Conditions read only unconditional items (checked at load), so the
/// unconditional items are settled first, then the conditional ones.
pub(crate) fn item_slots(
    catalogue: &Catalogue,
    category: usize,
    values: &[Option<Value>],
    stack: &mut Vec<f64>,
) -> Vec<Slot> {
    let mut slots: Vec<Slot> = catalogue
        .items
        .iter()
        .zip(values)
        .map(|(item, value)| {
            let sent = value.is_some();
            let in_scope = item.active && item.scope & (1 << category) != 0;
            if !in_scope {
                return Slot {
                    state: ItemState::NotApplicable,
                    condition: None,
                    number: 0.0,
                    sent,
                };
            }
            let (state, number) = from_value(value.as_ref());
            Slot {
                state,
                condition: None,
                number,
                sent,
            }
        })
        .collect();
    for (i, item) in catalogue.items.iter().enumerate() {
        let Some(program) = &item.condition else { continue };
        if slots[i].state == ItemState::NotApplicable {
            continue;
        }
        let truth = condition_truth(program, &slots, &[], stack, &mut |_| {});
        slots[i].condition = Some(truth);
        if truth == ConditionState::False {
            slots[i].state = ItemState::NotApplicable;
            slots[i].number = 0.0;
        }
    }
    slots
}

/// Truth of a condition. An empty or *sans objet* item, or an indicator that is not `ok`, makes it
/// unknown (each empty item is reported to `on_empty`); a not-applicable item counts as 0. A
/// condition that divides by zero is unknown too.
pub(crate) fn condition_truth(
    program: &Program,
    slots: &[Slot],
    indicators: &[IndicatorOutcome],
    stack: &mut Vec<f64>,
    on_empty: &mut impl FnMut(u16),
) -> ConditionState {
    let mut known = true;
    for operand in program.operands() {
        match *operand {
            Operand::Item(i) => match slots[usize::from(i)].state {
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
    match program.eval(stack, |o| load(o, slots, indicators)) {
        Ok(v) if v != 0.0 => ConditionState::True,
        Ok(_) => ConditionState::False,
        Err(_) => ConditionState::Unknown,
    }
}

/// The number of an operand once every operand is known to be usable.
pub(crate) fn load(operand: Operand, slots: &[Slot], indicators: &[IndicatorOutcome]) -> f64 {
    match operand {
        Operand::Item(i) => slots[usize::from(i)].number,
        Operand::Indicator(i) => indicators
            .get(usize::from(i))
            .and_then(|o| o.value)
            .unwrap_or(0.0),
    }
}
