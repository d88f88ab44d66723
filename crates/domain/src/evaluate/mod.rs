//! Evaluation of one form: item states, indicators, controls, completion and submission readiness.
//!
//! [`evaluate`] is the typed hot path: it takes validated [`FormValues`] and returns a compact
//! [`Evaluation`] (indices and doubles, no strings). [`Evaluation::to_result`] builds the wire
//! [`EvaluationResult`] of §9, explanations included. [`evaluate_request`] does the whole job for a
//! JSON request.

mod completion;
mod controls;
mod indicators;
mod items;
mod request;
mod result;

use std::collections::BTreeSet;

pub use completion::{Completion, Counts};
pub use controls::ControlOutcome;
pub use indicators::IndicatorOutcome;
pub use request::{
    EvaluateError, RejectedValue, ValueField, evaluate_request, evaluate_request_lenient, previous_catalogue,
};

use crate::catalogue::Catalogue;
use crate::contract::{ControlStatus, IndicatorStatus, Severity};
use crate::values::FormValues;

use items::Slot;

/// The evaluation of one form against one campaign's catalogue.
#[derive(Debug, Clone)]
pub struct Evaluation<'c> {
    catalogue: &'c Catalogue,
    category: usize,
    slots: Vec<Slot>,
    indicators: Vec<IndicatorOutcome>,
    controls: Vec<ControlOutcome>,
    completion: Completion,
    blocking: Vec<u16>,
    alerts: Vec<u16>,
    unjustified: Vec<u16>,
}

/// Evaluates a form. `category` is a category code, FINESS code or alias; `previous` is the
/// evaluation of the same structure for campaign N−1 (year-over-year control, §6.3); `justified`
/// holds the keys of the alerts that have a justification.
pub fn evaluate<'c>(
    catalogue: &'c Catalogue,
    category: &str,
    values: &FormValues,
    previous: Option<&Evaluation<'_>>,
    justified: &BTreeSet<String>,
) -> Result<Evaluation<'c>, EvaluateError> {
    let category_index =
        catalogue
            .category_index(category)
            .ok_or_else(|| EvaluateError::UnknownCategory {
                category: category.to_owned(),
            })?;
    let values = values.slots_for(catalogue);
    let mut stack = Vec::with_capacity(32);
    let slots = items::item_slots(catalogue, category_index, &values, &mut stack);
    let indicators = indicators::evaluate_indicators(catalogue, category_index, &slots, &mut stack);
    let lookup = |code: &str| previous.and_then(|p| p.indicator(code));
    let controls = controls::evaluate_controls(
        catalogue,
        category_index,
        &slots,
        &indicators,
        previous.map(|_| &lookup as controls::PreviousLookup<'_>),
        &mut stack,
    );
    let completion = completion::completion(catalogue, &slots);
    let mut evaluation = Evaluation {
        catalogue,
        category: category_index,
        slots,
        indicators,
        controls,
        completion,
        blocking: Vec::new(),
        alerts: Vec::new(),
        unjustified: Vec::new(),
    };
    evaluation.sort_failures(justified);
    Ok(evaluation)
}

impl<'c> Evaluation<'c> {
    fn sort_failures(&mut self, justified: &BTreeSet<String>) {
        for (entry, outcome) in self.controls.iter().enumerate() {
            if outcome.status != ControlStatus::Evaluated || outcome.passed != Some(false) {
                continue;
            }
            let entry = u16::try_from(entry).unwrap_or(u16::MAX);
            match self.catalogue.control_severity(usize::from(outcome.control)) {
                Severity::Bloquant => self.blocking.push(entry),
                Severity::Alerte => {
                    self.alerts.push(entry);
                    let is_justified = match outcome.indicator {
                        None => justified.contains(self.control_code(outcome)),
                        Some(_) => justified.contains(&self.control_key(outcome)),
                    };
                    if !is_justified {
                        self.unjustified.push(entry);
                    }
                }
            }
        }
    }

    fn control_code(&self, outcome: &ControlOutcome) -> &'c str {
        &self.catalogue.doc.controls[usize::from(outcome.control)].code
    }

    /// The justification key of a control entry: its code, or `variation_annuelle.<indicator>`.
    fn control_key(&self, outcome: &ControlOutcome) -> String {
        let code = self.control_code(outcome);
        match outcome.indicator {
            Some(i) => format!("{code}.{}", self.catalogue.doc.indicators[usize::from(i)].code),
            None => code.to_owned(),
        }
    }

    /// The catalogue used.
    pub fn catalogue(&self) -> &'c Catalogue {
        self.catalogue
    }

    /// The resolved category code.
    pub fn category(&self) -> &'c str {
        &self.catalogue.doc.categories[self.category].code
    }

    /// Outcome of an indicator by code.
    pub fn indicator(&self, code: &str) -> Option<&IndicatorOutcome> {
        self.indicators.get(self.catalogue.indicator_index(code)?)
    }

    /// Outcomes of every indicator, in catalogue order.
    pub fn indicators(&self) -> &[IndicatorOutcome] {
        &self.indicators
    }

    /// The value of an indicator when its status is `ok`.
    pub fn indicator_value(&self, code: &str) -> Option<f64> {
        self.indicator(code).and_then(|o| o.value)
    }

    /// Control entries in result order (§9).
    pub fn controls(&self) -> &[ControlOutcome] {
        &self.controls
    }

    /// Completion of the form.
    pub fn completion(&self) -> &Completion {
        &self.completion
    }

    /// Threshold reached, no blocking control failing, every failing alert justified (§5.3).
    pub fn can_submit(&self) -> bool {
        self.completion.reached && self.blocking.is_empty() && self.unjustified.is_empty()
    }

    /// Whether this structure counts in peer statistics for an indicator (§7.1): completion threshold
    /// reached and indicator `ok`. Gives the value when it counts.
    pub fn peer_value(&self, indicator: usize) -> Option<f64> {
        let outcome = self.indicators.get(indicator)?;
        (self.completion.reached && outcome.status == IndicatorStatus::Ok)
            .then_some(outcome.value)
            .flatten()
    }
}
