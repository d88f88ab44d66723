//! The form document: stored values with provenance, justifications, open corrections, validation
//! chain, and the domain's evaluation (with the previous campaign for the year-over-year control).

use std::collections::BTreeSet;
use std::sync::Arc;

use tdb_domain::contract::{
    Authority, CorrectionMessage, CorrectionStatus, EvaluationResult, FormCorrection, FormDocument,
    FormJustification, FormState, FormValidation, FormValueEntry, ValidationStamp,
};
use tdb_domain::evaluate::previous_catalogue;
use tdb_domain::{Catalogue, Evaluation, FormValues, OutlierReference, evaluate, evaluate_with_peers};

use super::access::{Target, state_of};
use super::previous;
use super::rules;
use crate::db::DbConnection;
use crate::db::repo::corrections::{self, CorrectionRow};
use crate::db::repo::forms::{FormFacts, FormRow, FormSummary};
use crate::db::repo::justifications::{self, JustificationRow};
use crate::db::repo::values::{self, ValueRow};
use crate::error::ApiError;
use crate::services::benchmarks::reference;
use crate::services::cpom::prefill;
use crate::services::values::{parse_json, rfc3339, typed_values};

/// Reads the whole form of `target` (whose row is `row`, `None` before the first write) and evaluates it.
pub fn document(
    conn: &mut DbConnection,
    target: &Target,
    row: Option<&FormRow>,
) -> Result<FormDocument, ApiError> {
    let stored = values::load(conn, target.year, target.finess())?;
    document_with(conn, target, row, stored)
}

/// The document of `target` with the explanation of each indicator (formula, inputs), which
/// [`document`] leaves out: for `GET …/form?explain=true`.
pub fn explained_document(
    conn: &mut DbConnection,
    target: &Target,
    row: Option<&FormRow>,
) -> Result<FormDocument, ApiError> {
    let stored = values::load(conn, target.year, target.finess())?;
    let context = Context::load(conn, target, Reads::All)?;
    let evaluation = context.evaluate_explained(target, &stored)?;
    assemble(conn, (target, Reads::All), row, &stored, context, evaluation)
}

/// The document of `target` whose values are `stored` (sorted by item code), reading the rest.
pub fn document_with(
    conn: &mut DbConnection,
    target: &Target,
    row: Option<&FormRow>,
    stored: Vec<ValueRow>,
) -> Result<FormDocument, ApiError> {
    let context = Context::load(conn, target, Reads::All)?;
    let evaluation = context.evaluate(target, &stored)?;
    assemble(conn, (target, Reads::All), row, &stored, context, evaluation)
}

/// What the reads of a form's document may skip on the word of its stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// The rows are those of the stamp's version (a write that found the form, under its lock, still at
    /// that version: justifications and correction requests bump it): what the stamp and the facts read
    /// with it say the form does not have (justifications, open correction requests, CPOM contracts)
    /// is not read.
    AtStamp,
    /// Everything is read: the rows may be newer than the stamp.
    All,
}

impl Reads {
    /// Whether a read that `absent` says has nothing to find is skipped: only at the stamp's version of
    /// a write, which read the form's facts.
    fn skips(self, target: &Target, absent: impl Fn(&FormFacts) -> bool) -> bool {
        self == Self::AtStamp && target.facts.as_ref().is_some_and(absent)
    }
}

/// What a form's evaluation reads besides its values: its justifications, when the structure had a
/// form in campaign N−1 that form's evaluation (for the year-over-year control), and when a campaign
/// before N is frozen the reference distribution of its category (peer outlier flags).
pub struct Context {
    justifications: Vec<JustificationRow>,
    previous: Option<Arc<Evaluation<'static>>>,
    peers: Option<OutlierReference>,
}

impl Context {
    /// Reads the context of the form of `target` (its justifications unless `reads` trusts the stamp
    /// saying there are none).
    pub fn load(conn: &mut DbConnection, target: &Target, reads: Reads) -> Result<Self, ApiError> {
        let (year, finess) = (target.year, target.finess());
        let justifications = if reads.skips(target, |f| !f.justified) {
            Vec::new()
        } else {
            justifications::load(conn, year, finess)?
        };
        let previous = match target.stamp.previous_version {
            Some(version) => Some(previous::evaluation(
                (year.saturating_sub(1), finess, version),
                || {
                    let rows = values::load_json(conn, year.saturating_sub(1), finess)?;
                    previous_evaluation(year, &target.structure.category, &rows)
                },
            )?),
            None => None,
        };
        let peers = peer_reference(conn, target)?;
        Ok(Self {
            justifications,
            previous,
            peers,
        })
    }

    /// Evaluates the values `stored` of the form of `target` in this context, without the indicators'
    /// explanations.
    pub fn evaluate(&self, target: &Target, stored: &[ValueRow]) -> Result<EvaluationResult, ApiError> {
        self.evaluation(target, stored, false)
    }

    /// The same with the explanation of each indicator.
    pub fn evaluate_explained(
        &self,
        target: &Target,
        stored: &[ValueRow],
    ) -> Result<EvaluationResult, ApiError> {
        self.evaluation(target, stored, true)
    }

    fn evaluation(
        &self,
        target: &Target,
        stored: &[ValueRow],
        explained: bool,
    ) -> Result<EvaluationResult, ApiError> {
        let justified: BTreeSet<String> = self
            .justifications
            .iter()
            .map(|j| j.control_key.clone())
            .collect();
        let current = typed_values(
            target.catalogue,
            stored.iter().map(|v| (&v.item_code, &v.value_json)),
        );
        let evaluation = evaluate_with_peers(
            target.catalogue,
            &target.structure.category,
            &current,
            self.previous.as_deref(),
            &justified,
            self.peers.as_ref(),
        )
        .map_err(engine_error)?;
        Ok(match explained {
            true => evaluation.to_result(),
            false => evaluation.to_lean_result(),
        })
    }
}

/// The reference of the peer outlier flags of the form of `target`, when a campaign before it is frozen
/// (the one the stamp of a write names: its figures are kept in the process, read once per freeze).
fn peer_reference(conn: &mut DbConnection, target: &Target) -> Result<Option<OutlierReference>, ApiError> {
    let Some(frozen) = target.stamp.reference else {
        return Ok(None);
    };
    let structure = &target.structure;
    let figures = match target.facts.as_ref().and_then(|f| f.reference_frozen_at) {
        Some(at) => Some(reference::of_frozen(conn, (frozen, at), &structure.category)?),
        None => reference::for_campaign(conn, target.year, &structure.category)?,
    };
    Ok(figures.map(|r| r.compiled(target.catalogue, &structure.region)))
}

/// The document of `target` from its row, values, context and their `evaluation` (see
/// [`Context::evaluate`]); reads the open correction requests and their threads, and the CPOM
/// contracts of its alerts (unless `reads` trusts the stamp saying there are none).
pub fn assemble(
    conn: &mut DbConnection,
    (target, reads): (&Target, Reads),
    row: Option<&FormRow>,
    stored: &[ValueRow],
    context: Context,
    evaluation: EvaluationResult,
) -> Result<FormDocument, ApiError> {
    let state = match row {
        None if matches!(target.phase.as_str(), "restitution" | "archivee") => FormState::Cloture,
        _ => state_of(row),
    };
    let (year, finess) = (target.year, target.finess());
    let cpom_alerts = if reads.skips(target, |_| target.stamp.cpom.is_none()) {
        Vec::new()
    } else {
        prefill::form_alerts(conn, year, finess, stored)?
    };
    let open = if reads.skips(target, |f| !f.open_requests) {
        Vec::new()
    } else {
        corrections::open_of_form(conn, year, finess)?
    };
    let corrections = with_messages(conn, open)?;
    let required = rules::required_authorities(&target.structure.competence);
    let validated = validations(row);
    let awaiting = if state == FormState::Soumis {
        required
            .iter()
            .copied()
            .filter(|a| validated.iter().all(|v| v.authority != *a))
            .collect()
    } else {
        Vec::new()
    };
    Ok(FormDocument {
        campaign: year,
        finess: finess.to_owned(),
        category: target.structure.category.clone(),
        state,
        version: row.map_or(0, |r| r.version),
        editable: rules::is_editable(&target.phase, state),
        updated_at: row.map(|r| rfc3339(r.updated_at)),
        submitted_at: row.and_then(|r| r.submitted_at).map(rfc3339),
        submitted_by: row.and_then(|r| r.submitted_by.clone()),
        validation: FormValidation {
            required,
            validated,
            awaiting,
        },
        values: stored.iter().map(|v| (v.item_code.clone(), entry(v))).collect(),
        justifications: context.justifications.into_iter().map(justification).collect(),
        corrections,
        previous_campaign_used: context.previous.is_some(),
        evaluation,
        cpom_alerts,
    })
}

/// The summary of an evaluation, as the form's cached columns keep it.
pub fn summary(evaluation: &EvaluationResult) -> FormSummary {
    let completion = &evaluation.completion;
    FormSummary {
        completion_rate: completion.rate,
        filled: i32::try_from(completion.filled).unwrap_or(i32::MAX),
        required: i32::try_from(completion.required).unwrap_or(i32::MAX),
        can_submit: completion.can_submit,
        alert_count: i32::try_from(evaluation.submission.alerts.len()).unwrap_or(i32::MAX),
    }
}

/// Copies the evaluation summary into the cached columns of the form.
pub fn cache_summary(row: &mut FormRow, evaluation: &EvaluationResult) {
    let summary = summary(evaluation);
    row.completion_rate = summary.completion_rate;
    row.filled = summary.filled;
    row.required = summary.required;
    row.can_submit = summary.can_submit;
    row.alert_count = summary.alert_count;
}

/// The evaluation of campaign N−1 (the year before `year`) from its stored `(item, value JSON)` rows.
fn previous_evaluation(
    year: i32,
    category: &str,
    rows: &[(String, String)],
) -> Result<Evaluation<'static>, ApiError> {
    let catalogue = previous_catalogue(year).map_err(|e| ApiError::Internal(e.to_string()))?;
    let values = typed_values(catalogue, rows.iter().map(|(item, json)| (item, json)));
    evaluate(catalogue, category, &values, None, &BTreeSet::new()).map_err(engine_error)
}

fn engine_error(error: tdb_domain::EvaluateError) -> ApiError {
    ApiError::Internal(error.to_string())
}

fn validations(row: Option<&FormRow>) -> Vec<ValidationStamp> {
    let Some(row) = row else { return Vec::new() };
    [
        (Authority::Ars, row.ars_validated_at, &row.ars_validated_by),
        (Authority::Cd, row.cd_validated_at, &row.cd_validated_by),
    ]
    .into_iter()
    .filter_map(|(authority, at, by)| {
        Some(ValidationStamp {
            authority,
            by: by.clone()?,
            at: rfc3339(at?),
        })
    })
    .collect()
}

fn entry(row: &ValueRow) -> FormValueEntry {
    FormValueEntry {
        value: parse_json(&row.value_json),
        source: row.source.clone(),
        batch_id: row.batch_id.clone(),
        author: row.author.clone(),
        updated_at: rfc3339(row.updated_at),
        version: row.version,
        locked: row.locked,
        prefill_value: row.prefill_value_json.as_deref().map(parse_json),
        prefill_source: row.prefill_source.clone(),
        override_reason: row.override_reason.clone(),
    }
}

fn justification(row: JustificationRow) -> (String, FormJustification) {
    (
        row.control_key,
        FormJustification {
            text: row.text,
            author: row.author,
            updated_at: rfc3339(row.updated_at),
        },
    )
}

/// Correction requests with their threads.
pub fn with_messages(
    conn: &mut DbConnection,
    requests: Vec<CorrectionRow>,
) -> Result<Vec<FormCorrection>, ApiError> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = requests.iter().map(|r| r.id).collect();
    let mut messages = corrections::messages_of(conn, &ids)?;
    Ok(requests
        .into_iter()
        .map(|request| {
            let thread = messages
                .extract_if(.., |m| m.request_id == request.id)
                .map(|m| CorrectionMessage {
                    id: m.id,
                    author: m.author,
                    body: m.body,
                    at: rfc3339(m.at),
                })
                .collect();
            FormCorrection {
                id: request.id,
                item: request.item_code,
                status: if request.status == corrections::OPEN {
                    CorrectionStatus::Ouverte
                } else {
                    CorrectionStatus::Resolue
                },
                created_by: request.created_by,
                created_at: rfc3339(request.created_at),
                resolved_at: request.resolved_at.map(rfc3339),
                messages: thread,
            }
        })
        .collect())
}

/// The justification key of a control result: its code, or `<code>.<indicator>` (`variation_annuelle`,
/// `ecart_pairs`).
pub fn control_key(control: &tdb_domain::contract::ControlResult) -> String {
    match &control.indicator {
        Some(indicator) => format!("{}.{indicator}", control.code),
        None => control.code.clone(),
    }
}

/// Recomputes the cached evaluation summary of `row` (a form of a structure of `category`, under the
/// campaign's `catalogue`) from the form's typed values `current`, for a write that does not read the
/// whole document (imports): `previous` holds the values of campaign N−1 when the structure had a form
/// then, `justified` the keys of the form's justifications, `peers` the reference of the peer outlier
/// flags. The same figures as [`cache_summary`] of the
/// document's evaluation, read from the engine's evaluation without building the wire result.
pub fn refresh_cache(
    (catalogue, category): (&'static Catalogue, &str),
    row: &mut FormRow,
    current: &FormValues,
    previous: Option<&[(String, String)]>,
    (justified, peers): (&BTreeSet<String>, Option<&OutlierReference>),
) -> Result<(), ApiError> {
    let previous = previous
        .map(|rows| previous_evaluation(row.campaign_year, category, rows))
        .transpose()?;
    let evaluation = evaluate_with_peers(catalogue, category, current, previous.as_ref(), justified, peers)
        .map_err(engine_error)?;
    let overall = &evaluation.completion().overall;
    row.completion_rate = overall.rate();
    row.filled = i32::try_from(overall.filled).unwrap_or(i32::MAX);
    row.required = i32::try_from(overall.required).unwrap_or(i32::MAX);
    row.can_submit = evaluation.can_submit();
    row.alert_count = i32::try_from(evaluation.alert_count()).unwrap_or(i32::MAX);
    Ok(())
}
