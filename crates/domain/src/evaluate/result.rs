//! Conversion of an [`Evaluation`] into the wire result of §9, with explanations.

use std::collections::BTreeMap;

use super::Evaluation;
use crate::contract::{
    AxisCompletion, CompletionResult, ControlResult, EvaluationResult, Explanation, ExplanationInput,
    IndicatorResult, IndicatorStatus, ItemState, Severity, SubmissionResult,
};
use crate::expr::Operand;

impl Evaluation<'_> {
    /// The evaluation result of §9 (`invalid` is left out: see
    /// [`evaluate_request_lenient`](super::evaluate_request_lenient)).
    pub fn to_result(&self) -> EvaluationResult {
        self.result(true)
    }

    /// The same result without the indicators' explanations, which are not even built (form
    /// documents, unless asked: the web app explains with its own engine).
    pub fn to_lean_result(&self) -> EvaluationResult {
        self.result(false)
    }

    fn result(&self, explained: bool) -> EvaluationResult {
        let cat = self.catalogue;
        let doc = &cat.doc;
        let code_of = |i: u16| doc.items[usize::from(i)].code.clone();
        let indicators = doc
            .indicators
            .iter()
            .zip(&cat.indicators)
            .zip(&self.indicators)
            .map(|((def, ind), outcome)| {
                let missing = (outcome.status == IndicatorStatus::MissingInput)
                    .then(|| self.missing(outcome).map(str::to_owned).collect());
                if !explained {
                    let result = IndicatorResult {
                        status: outcome.status,
                        value: outcome.value,
                        missing,
                        explanation: None,
                    };
                    return (def.code.clone(), result);
                }
                let condition_items =
                    ind.condition
                        .iter()
                        .flat_map(|c| c.operands())
                        .filter_map(|o| match o {
                            Operand::Item(i) if !ind.formula_items.contains(i) => Some(*i),
                            _ => None,
                        });
                let inputs = ind
                    .formula_items
                    .iter()
                    .copied()
                    .chain(condition_items)
                    .map(|i| {
                        let state = self.items.state[usize::from(i)];
                        let value = match state {
                            ItemState::Value | ItemState::NotApplicable => {
                                Some(self.items.number[usize::from(i)])
                            }
                            ItemState::Empty | ItemState::SansObjet => None,
                        };
                        ExplanationInput {
                            item: code_of(i),
                            state,
                            value,
                        }
                    })
                    .collect();
                let result = IndicatorResult {
                    status: outcome.status,
                    value: outcome.value,
                    missing,
                    explanation: Some(Explanation {
                        formula: def.formula.clone(),
                        condition: def.condition.clone(),
                        condition_state: outcome.condition,
                        inputs,
                    }),
                };
                (def.code.clone(), result)
            })
            .collect();

        let completion = &self.completion;
        let by_axis = completion
            .by_axis
            .iter()
            .enumerate()
            .map(|(axis, counts)| {
                let entry = AxisCompletion {
                    filled: counts.filled,
                    required: counts.required,
                    rate: counts.rate(),
                    counted: axis != 3 || completion.finance_counted,
                };
                (axis.to_string(), entry)
            })
            .collect::<BTreeMap<_, _>>();
        let controls = self
            .controls
            .iter()
            .map(|outcome| {
                let def = &doc.controls[usize::from(outcome.control)];
                ControlResult {
                    code: def.code.clone(),
                    indicator: outcome
                        .indicator
                        .map(|i| doc.indicators[usize::from(i)].code.clone()),
                    severity: def.severity,
                    status: outcome.status,
                    passed: outcome.passed,
                    message: def.message.clone(),
                }
            })
            .chain(self.peers.iter().map(|outcome| ControlResult {
                code: super::PEER_CONTROL.to_owned(),
                indicator: Some(doc.indicators[usize::from(outcome.indicator)].code.clone()),
                severity: Severity::Alerte,
                status: outcome.status,
                passed: outcome.passed,
                message: super::peers::message(cat, self.category, outcome),
            }))
            .collect();
        EvaluationResult {
            category: self.category().to_owned(),
            campaign: cat.campaign(),
            indicators,
            completion: CompletionResult {
                rate: completion.overall.rate(),
                filled: completion.overall.filled,
                required: completion.overall.required,
                threshold: completion.threshold_percent as f64 / 100.0,
                finance_counted: completion.finance_counted,
                reached: completion.reached,
                missing: completion.missing.iter().map(|i| code_of(*i)).collect(),
                by_axis,
                can_submit: self.can_submit(),
            },
            controls,
            submission: self.submission(),
            ignored: self.ignored().map(str::to_owned).collect(),
            invalid: None,
        }
    }

    /// The failing controls by key (the `submission` part of the wire result), alone: a write answered
    /// with its summary needs no more of the result.
    pub fn submission(&self) -> SubmissionResult {
        let keys = |entries: &[u16]| -> Vec<String> { entries.iter().map(|e| self.entry_key(*e)).collect() };
        SubmissionResult {
            blocking: keys(&self.blocking),
            alerts: keys(&self.alerts),
            unjustified_alerts: keys(&self.unjustified),
        }
    }

    /// Codes of the values sent for items that do not apply, in catalogue order (§1.7).
    pub fn ignored(&self) -> impl Iterator<Item = &str> {
        self.catalogue
            .doc
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| self.items.sent[*i] && self.items.state[*i] == ItemState::NotApplicable)
            .map(|(_, d)| d.code.as_str())
    }
}
