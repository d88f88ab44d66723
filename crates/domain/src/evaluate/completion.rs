//! Completion rate (§5.2): which items are in the denominator, which are filled, per axis.

use crate::catalogue::Catalogue;
use crate::contract::{ConditionState, ItemState};

use super::items::ItemTable;

/// Filled and required counts of one group of items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Items filled (a value or `sans_objet`).
    pub filled: u32,
    /// Items in the denominator.
    pub required: u32,
}

impl Counts {
    /// `filled ÷ required`, 1 when nothing is required.
    pub fn rate(&self) -> f64 {
        if self.required == 0 {
            1.0
        } else {
            f64::from(self.filled) / f64::from(self.required)
        }
    }

    /// `100 × filled ≥ threshold_percent × required`, in integers (§5.2).
    pub fn reaches(&self, threshold_percent: u64) -> bool {
        100 * u64::from(self.filled) >= threshold_percent * u64::from(self.required)
    }
}

/// Completion of one form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Overall counts (axis 3 only when finance items count).
    pub overall: Counts,
    /// Counts per axis 0–4, axis 3 always computed.
    pub by_axis: [Counts; 5],
    /// Whether axis 3 is part of the overall counts.
    pub finance_counted: bool,
    /// Threshold of the campaign, in percent.
    pub threshold_percent: u64,
    /// Whether the threshold is reached.
    pub reached: bool,
    /// Items of the denominator not filled (catalogue indices, catalogue order).
    pub(crate) missing: Vec<u16>,
}

pub(crate) fn completion(catalogue: &Catalogue, items: &ItemTable) -> Completion {
    let finance_counted = catalogue.doc.completion.finance_counted;
    let mut by_axis = [Counts::default(); 5];
    let mut overall = Counts::default();
    let mut missing = Vec::new();
    for (i, item) in catalogue.items.iter().enumerate() {
        let state = items.state[i];
        let in_denominator = item.required
            && state != ItemState::NotApplicable
            && items.condition[i] != Some(ConditionState::Unknown);
        if !in_denominator {
            continue;
        }
        let filled = matches!(state, ItemState::Value | ItemState::SansObjet);
        let axis = usize::from(item.axis.min(4));
        by_axis[axis].required += 1;
        by_axis[axis].filled += u32::from(filled);
        if axis == 3 && !finance_counted {
            continue;
        }
        overall.required += 1;
        overall.filled += u32::from(filled);
        if !filled {
            missing.push(u16::try_from(i).unwrap_or(u16::MAX));
        }
    }
    let threshold_percent = catalogue.threshold_percent;
    Completion {
        reached: overall.reaches(threshold_percent),
        overall,
        by_axis,
        finance_counted,
        threshold_percent,
        missing,
    }
}
