//! Evaluation of one form: item states, indicators, controls, completion and submission readiness.
//!
//! [`evaluate`] is the typed hot path: it takes validated [`FormValues`] and returns a compact
//! [`Evaluation`] (indices and doubles, no strings). [`Evaluation::to_result`] builds the wire
//! [`EvaluationResult`](crate::contract::EvaluationResult) of §9, explanations included.
//! [`evaluate_request`] does the whole job for a JSON request.

mod completion;
mod controls;
mod indicator_outcome;
mod indicators;
mod items;
mod peers;
mod request;
mod result;

use std::collections::BTreeSet;

pub use completion::{Completion, Counts};
pub use controls::ControlOutcome;
pub use indicator_outcome::IndicatorOutcome;
pub use peers::{OutlierReference, PEER_CONTROL, PeerLevel, PeerOutcome};
pub use request::{
    EvaluateError, RejectedValue, ValueField, evaluate_request, evaluate_request_lenient, previous_catalogue,
};

use crate::catalogue::Catalogue;
use crate::contract::{ControlStatus, IndicatorStatus, ItemState, Severity};
use crate::values::FormValues;

use items::ItemTable;

/// The evaluation of one form against one campaign's catalogue.
#[derive(Debug, Clone)]
pub struct Evaluation<'c> {
    catalogue: &'c Catalogue,
    category: usize,
    items: ItemTable,
    indicators: Vec<IndicatorOutcome>,
    /// Missing items of every `missing_input` indicator; each outcome points at its range.
    missing_pool: Vec<u16>,
    controls: Vec<ControlOutcome>,
    /// Peer outlier entries, when a reference was given; failure entries past `controls.len()` point
    /// here.
    peers: Vec<PeerOutcome>,
    completion: Completion,
    blocking: Vec<u16>,
    alerts: Vec<u16>,
    unjustified: Vec<u16>,
}

/// Evaluates a form. `category` is a category code, FINESS code or alias; `previous` is the
/// evaluation of the same structure for campaign N−1 (year-over-year control, §6.3), ignored in the
/// first covered campaign, which has none (§1.1); `justified` holds the keys of the alerts that have
/// a justification.
pub fn evaluate<'c>(
    catalogue: &'c Catalogue,
    category: &str,
    values: &FormValues,
    previous: Option<&Evaluation<'_>>,
    justified: &BTreeSet<String>,
) -> Result<Evaluation<'c>, EvaluateError> {
    evaluate_with_peers(catalogue, category, values, previous, justified, None)
}

/// [`evaluate`], plus the peer outlier alerts (`ecart_pairs.<indicator>`) against `peers`, a reference
/// distribution compiled for `catalogue`. A reference of another category is ignored (no entry).
pub fn evaluate_with_peers<'c>(
    catalogue: &'c Catalogue,
    category: &str,
    values: &FormValues,
    previous: Option<&Evaluation<'_>>,
    justified: &BTreeSet<String>,
    peers: Option<&OutlierReference>,
) -> Result<Evaluation<'c>, EvaluateError> {
    let category_index =
        catalogue
            .category_index(category)
            .ok_or_else(|| EvaluateError::UnknownCategory {
                category: category.to_owned(),
            })?;
    let values = values.in_layout_of(catalogue);
    let items = items::item_table(catalogue, category_index, &values);
    let mut shared = Vec::with_capacity(catalogue.sum_table.len());
    catalogue.sum_table.compute(&items.number, &mut shared);
    let mut missing_pool = Vec::new();
    let indicators =
        indicators::evaluate_indicators(catalogue, category_index, &items, &shared, &mut missing_pool);
    let previous = previous.filter(|_| catalogue.has_previous_campaign());
    let lookup = |index: usize| -> Option<IndicatorOutcome> {
        let previous = previous?;
        if previous.catalogue.indicator_layout == catalogue.indicator_layout {
            return previous.indicators.get(index).copied();
        }
        previous.indicator(&catalogue.doc.indicators[index].code).copied()
    };
    let controls = controls::evaluate_controls(
        catalogue,
        category_index,
        &items,
        &indicators,
        &shared,
        previous.map(|_| &lookup as controls::PreviousLookup<'_>),
    );
    let peers = peers
        .filter(|r| r.category() == catalogue.doc.categories[category_index].code)
        .map(|r| peers::evaluate_peers(catalogue, 1u64 << category_index, &indicators, r))
        .unwrap_or_default();
    let completion = completion::completion(catalogue, &items);
    let mut evaluation = Evaluation {
        catalogue,
        category: category_index,
        items,
        indicators,
        missing_pool,
        controls,
        peers,
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
        let mut key = String::new();
        for (entry, outcome) in self.controls.iter().enumerate() {
            if outcome.status != ControlStatus::Evaluated || outcome.passed != Some(false) {
                continue;
            }
            let entry = u16::try_from(entry).unwrap_or(u16::MAX);
            match self.catalogue.control_severity(usize::from(outcome.control)) {
                Severity::Bloquant => self.blocking.push(entry),
                Severity::Alerte => {
                    self.alerts.push(entry);
                    let is_justified = !justified.is_empty() && {
                        key.clear();
                        self.write_control_key(outcome, &mut key);
                        justified.contains(key.as_str())
                    };
                    if !is_justified {
                        self.unjustified.push(entry);
                    }
                }
            }
        }
        for (offset, outcome) in self.peers.iter().enumerate() {
            if outcome.passed != Some(false) {
                continue;
            }
            let entry = u16::try_from(self.controls.len() + offset).unwrap_or(u16::MAX);
            self.alerts.push(entry);
            key.clear();
            self.write_peer_key(outcome, &mut key);
            if !justified.contains(key.as_str()) {
                self.unjustified.push(entry);
            }
        }
    }

    /// The justification key of a peer outlier entry: `ecart_pairs.<indicator>`.
    fn write_peer_key(&self, outcome: &PeerOutcome, key: &mut String) {
        key.push_str(PEER_CONTROL);
        key.push('.');
        key.push_str(&self.catalogue.doc.indicators[usize::from(outcome.indicator)].code);
    }

    /// The key of a failure entry: a control entry, or past them a peer outlier entry.
    fn entry_key(&self, entry: u16) -> String {
        let entry = usize::from(entry);
        let mut key = String::new();
        match self.controls.get(entry) {
            Some(outcome) => self.write_control_key(outcome, &mut key),
            None => self.write_peer_key(&self.peers[entry - self.controls.len()], &mut key),
        }
        key
    }

    /// Peer outlier entries (empty without a reference), in catalogue order.
    pub fn peer_outcomes(&self) -> &[PeerOutcome] {
        &self.peers
    }

    fn control_code(&self, outcome: &ControlOutcome) -> &'c str {
        &self.catalogue.doc.controls[usize::from(outcome.control)].code
    }

    /// The justification key of a control entry: its code, or `variation_annuelle.<indicator>`.
    fn write_control_key(&self, outcome: &ControlOutcome, key: &mut String) {
        key.push_str(self.control_code(outcome));
        if let Some(i) = outcome.indicator {
            key.push('.');
            key.push_str(&self.catalogue.doc.indicators[usize::from(i)].code);
        }
    }

    /// Missing items of an indicator outcome of this evaluation (codes, ascending ASCII).
    pub fn missing(&self, outcome: &IndicatorOutcome) -> impl Iterator<Item = &'c str> + '_ {
        let start = outcome.missing_start as usize;
        let end = start + outcome.missing_len as usize;
        let catalogue = self.catalogue;
        self.missing_pool
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(move |i| catalogue.doc.items[usize::from(*i)].code.as_str())
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

    /// State of an item for this structure (§1.7): whether it applies, and whether it is filled.
    pub fn item_state(&self, code: &str) -> Option<ItemState> {
        self.items.state.get(self.catalogue.item_index(code)?).copied()
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

    /// Number of failing alerts, justified or not (`submission.alerts` of the result).
    pub fn alert_count(&self) -> usize {
        self.alerts.len()
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
