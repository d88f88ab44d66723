//! The form document: stored values with provenance, justifications, open corrections, validation
//! chain, and the domain's evaluation (with the previous campaign for the year-over-year control).

use std::collections::BTreeSet;
use std::sync::Arc;

use tdb_domain::contract::{
    Authority, CorrectionMessage, CorrectionStatus, CpomMismatch, EvaluationResult, FormCorrection,
    FormDocument, FormJustification, FormPatchSummary, FormState, FormValidation, FormValueEntry,
    ValidationStamp,
};
use tdb_domain::evaluate::previous_catalogue;
use tdb_domain::{Catalogue, Evaluation, FormValues, OutlierReference, evaluate, evaluate_with_peers};

use super::access::{Target, state_of};
use super::cache::Unbuilt;
use super::previous;
use super::rules;
use super::stored::StoredValues;
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
    Ok(parts(conn, target, row)?.document())
}

/// The document of `target` with the explanation of each indicator (formula, inputs), which
/// [`document`] leaves out: for `GET …/form?explain=true`.
pub fn explained_document(
    conn: &mut DbConnection,
    target: &Target,
    row: Option<&FormRow>,
) -> Result<FormDocument, ApiError> {
    Ok(parts(conn, target, row)?.explained())
}

/// Reads the whole form of `target` and evaluates it: the parts of its document.
pub fn parts(conn: &mut DbConnection, target: &Target, row: Option<&FormRow>) -> Result<Parts, ApiError> {
    let stored = StoredValues::new(
        target.catalogue,
        values::load(conn, target.year, target.finess())?,
    );
    let context = Context::load(conn, target, Reads::All)?;
    let evaluation = context.evaluation(target, stored.typed())?;
    Parts::read(
        conn,
        (target, Reads::All),
        row,
        Arc::new(stored),
        context,
        evaluation,
    )
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

    /// Evaluates the values `current` of the form of `target` in this context: the engine's compact
    /// evaluation, from which the summary and the wire result are read.
    pub fn evaluation(&self, target: &Target, current: &FormValues) -> Result<Evaluation<'static>, ApiError> {
        let justified: BTreeSet<String> = self
            .justifications
            .iter()
            .map(|j| j.control_key.clone())
            .collect();
        evaluate_with_peers(
            target.catalogue,
            &target.structure.category,
            current,
            self.previous.as_deref(),
            &justified,
            self.peers.as_ref(),
        )
        .map_err(engine_error)
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

/// The parts of a form's document, read and evaluated; [`Parts::document`] puts them together (the
/// wire result of the evaluation, the map of values with their provenance). A write answered with its
/// summary keeps them so in the cache, and the first read that wants the document builds it: a person
/// typing value after value does not pay for a document nobody reads.
#[derive(Debug)]
pub struct Parts {
    campaign: i32,
    finess: String,
    category: String,
    state: FormState,
    version: i64,
    editable: bool,
    updated_at: Option<String>,
    submitted_at: Option<String>,
    submitted_by: Option<String>,
    validation: FormValidation,
    /// The stored values.
    values: Arc<StoredValues>,
    justifications: Vec<JustificationRow>,
    corrections: Vec<FormCorrection>,
    previous_campaign_used: bool,
    evaluation: Evaluation<'static>,
    cpom_alerts: Vec<CpomMismatch>,
}

impl Parts {
    /// The parts of the document of `target` from its row, stored values, context and
    /// their `evaluation` (see [`Context::evaluation`]); reads the open correction requests and their
    /// threads, and the CPOM contracts of its alerts (unless `reads` trusts the stamp saying there are
    /// none).
    pub fn read(
        conn: &mut DbConnection,
        (target, reads): (&Target, Reads),
        row: Option<&FormRow>,
        values: Arc<StoredValues>,
        context: Context,
        evaluation: Evaluation<'static>,
    ) -> Result<Self, ApiError> {
        let state = match row {
            None if matches!(target.phase.as_str(), "restitution" | "archivee") => FormState::Cloture,
            _ => state_of(row),
        };
        let (year, finess) = (target.year, target.finess());
        let cpom_alerts = if reads.skips(target, |_| target.stamp.cpom.is_none()) {
            Vec::new()
        } else {
            prefill::form_alerts(conn, year, finess, values.rows())?
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
        Ok(Self {
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
            values,
            justifications: context.justifications,
            corrections,
            previous_campaign_used: context.previous.is_some(),
            evaluation,
            cpom_alerts,
        })
    }

    /// The document, without the indicators' explanations.
    pub fn document(&self) -> FormDocument {
        self.with(self.evaluation.to_lean_result())
    }

    /// The document with the explanation of each indicator.
    fn explained(&self) -> FormDocument {
        self.with(self.evaluation.to_result())
    }

    fn with(&self, evaluation: EvaluationResult) -> FormDocument {
        FormDocument {
            campaign: self.campaign,
            finess: self.finess.clone(),
            category: self.category.clone(),
            state: self.state,
            version: self.version,
            editable: self.editable,
            updated_at: self.updated_at.clone(),
            submitted_at: self.submitted_at.clone(),
            submitted_by: self.submitted_by.clone(),
            validation: self.validation.clone(),
            values: self
                .values
                .rows()
                .iter()
                .map(|v| (v.item_code.clone(), entry(v)))
                .collect(),
            justifications: self.justifications.iter().map(justification).collect(),
            corrections: self.corrections.clone(),
            previous_campaign_used: self.previous_campaign_used,
            evaluation,
            cpom_alerts: self.cpom_alerts.clone(),
        }
    }

    /// The summary of the form after a write, for the items `requested` (`Prefer: return=minimal`),
    /// read from the parts without building the document.
    pub fn summary<'a>(&self, requested: impl IntoIterator<Item = &'a str>) -> FormPatchSummary {
        let mut values = std::collections::BTreeMap::new();
        let mut absent = Vec::new();
        for item in requested {
            let rows = self.values.rows();
            match rows.binary_search_by(|v| v.item_code.as_str().cmp(item)) {
                Ok(found) => {
                    values.insert(item.to_owned(), entry(&rows[found]));
                }
                Err(_) => absent.push(item.to_owned()),
            }
        }
        let completion = self.evaluation.completion();
        FormPatchSummary {
            campaign: self.campaign,
            finess: self.finess.clone(),
            state: self.state,
            version: self.version,
            editable: self.editable,
            updated_at: self.updated_at.clone(),
            values,
            absent,
            completion_rate: completion.overall.rate(),
            threshold_reached: completion.reached,
            can_submit: self.evaluation.can_submit(),
            submission: self.evaluation.submission(),
            cpom_alerts: self.cpom_alerts.clone(),
        }
    }

    /// The engine's evaluation of the values.
    pub fn evaluation(&self) -> &Evaluation<'static> {
        &self.evaluation
    }
}

impl Unbuilt for Parts {
    fn values(&self) -> &Arc<StoredValues> {
        &self.values
    }

    fn build(&self) -> FormDocument {
        self.document()
    }
}

/// The summary of an evaluation, as the form's cached columns keep it.
pub fn summary(evaluation: &Evaluation<'_>) -> FormSummary {
    let overall = &evaluation.completion().overall;
    FormSummary {
        completion_rate: overall.rate(),
        filled: i32::try_from(overall.filled).unwrap_or(i32::MAX),
        required: i32::try_from(overall.required).unwrap_or(i32::MAX),
        can_submit: evaluation.can_submit(),
        alert_count: i32::try_from(evaluation.alert_count()).unwrap_or(i32::MAX),
    }
}

/// Copies the evaluation summary into the cached columns of the form.
pub fn cache_summary(row: &mut FormRow, evaluation: &Evaluation<'_>) {
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

fn justification(row: &JustificationRow) -> (String, FormJustification) {
    (
        row.control_key.clone(),
        FormJustification {
            text: row.text.clone(),
            author: row.author.clone(),
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
