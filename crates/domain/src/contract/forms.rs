//! Bodies of the form endpoints (`/campaigns/{year}/structures/{finess}/form…`): the stored form with
//! its provenance, evaluation and workflow, the patch of values, justifications, reviews, corrections
//! and the audit history.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::evaluate::{EvaluationResult, SubmissionResult};

/// Workflow state of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FormState {
    /// Nothing entered yet (no stored row).
    NonCommence,
    /// Being filled in by the structure.
    EnCours,
    /// Submitted; awaiting the review of the authorities.
    Soumis,
    /// An authority asked for corrections; the structure may edit and resubmit.
    CorrectionDemandee,
    /// Validated by every authority in charge of the structure.
    Valide,
    /// The campaign left `fiabilisation`: the form is frozen.
    Cloture,
}

impl FormState {
    /// Every state, in workflow order.
    pub const ALL: [FormState; 6] = [
        FormState::NonCommence,
        FormState::EnCours,
        FormState::Soumis,
        FormState::CorrectionDemandee,
        FormState::Valide,
        FormState::Cloture,
    ];

    /// The stored code (`en_cours`…).
    pub fn as_str(self) -> &'static str {
        match self {
            FormState::NonCommence => "non_commence",
            FormState::EnCours => "en_cours",
            FormState::Soumis => "soumis",
            FormState::CorrectionDemandee => "correction_demandee",
            FormState::Valide => "valide",
            FormState::Cloture => "cloture",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }
}

/// An authority that reviews forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// Agence régionale de santé.
    Ars,
    /// Conseil départemental.
    Cd,
}

/// A stored value of a form with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "value": 61200.5, "source": "saisie", "author": "direction@esms.test",
    "updated_at": "2024-05-12T08:30:00Z", "version": 2, "locked": false,
    "prefill_value": 60000.0, "prefill_source": "cnsa_errd",
    "override_reason": "Écriture de clôture corrigée après le dépôt de l'ERRD."
})))]
pub struct FormValueEntry {
    /// The value (number, boolean, `YYYY-MM-DD`, enum code, `"sans_objet"`), or null when cleared.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub value: serde_json::Value,
    /// `saisie` (typed by the structure) or the partner source that pushed it (`finess`, `cnsa_errd`,
    /// `cnsa_galaad`, `cpom`).
    pub source: String,
    /// Import batch that wrote the value, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
    /// Who wrote it (email or partner client id).
    pub author: String,
    /// When (RFC 3339, UTC).
    pub updated_at: String,
    /// Version of the value (1 on first write).
    pub version: i64,
    /// Whether the structure may not change it (`finess` and `cnsa_galaad` pushes).
    pub locked: bool,
    /// The value pushed by a partner, kept when the structure overrode it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>))]
    pub prefill_value: Option<serde_json::Value>,
    /// Source of that pushed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill_source: Option<String>,
    /// Why the structure overrode the pushed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
}

/// A written justification of a failing alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormJustification {
    /// The text (at least 10 characters).
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// When (RFC 3339, UTC).
    pub updated_at: String,
}

/// Status of a correction request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CorrectionStatus {
    /// Awaiting a change of the item.
    Ouverte,
    /// The item changed and the form was resubmitted.
    Resolue,
}

/// One message of a correction thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectionMessage {
    /// Identifier.
    pub id: i64,
    /// Who wrote it.
    pub author: String,
    /// The message.
    pub body: String,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// A correction request of an authority on one item, with its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 7, "item": "journees_realisees_hp", "status": "ouverte", "created_by": "agent@ars.test",
    "created_at": "2024-06-03T09:00:00Z",
    "messages": [{"id": 12, "author": "agent@ars.test", "at": "2024-06-03T09:00:00Z",
                  "body": "Les journées réalisées semblent inclure l'accueil de jour."}]
})))]
pub struct FormCorrection {
    /// Identifier (path of `…/form/corrections/{id}/messages`).
    pub id: i64,
    /// Item to correct.
    pub item: String,
    /// Open or resolved.
    pub status: CorrectionStatus,
    /// Who asked.
    pub created_by: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
    /// When it was resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// The thread, oldest first.
    pub messages: Vec<CorrectionMessage>,
}

/// Who validated a form for one authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationStamp {
    /// The validating authority.
    pub authority: Authority,
    /// Who validated.
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// The validation chain of a form: which authorities must validate, which did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormValidation {
    /// Authorities in charge of the structure (`ars`, `cd`, or both for a joint competence).
    pub required: Vec<Authority>,
    /// Validations recorded since the last submission.
    pub validated: Vec<ValidationStamp>,
    /// Authorities whose validation is still expected while the form is `soumis`.
    pub awaiting: Vec<Authority>,
}

/// A form of one structure for one campaign: values with provenance, evaluation, workflow.
///
/// The `ETag` header of the answer carries `version`; send it back in `If-Match` to write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormDocument {
    /// Campaign year N.
    pub campaign: i32,
    /// FINESS ET of the structure.
    pub finess: String,
    /// Catalogue category of the structure.
    pub category: String,
    /// Workflow state.
    pub state: FormState,
    /// Version of the form (0 before the first write); the `ETag` is `"<version>"`.
    pub version: i64,
    /// Whether the structure may write now (campaign phase and form state allow it).
    pub editable: bool,
    /// Last change of the form (RFC 3339, UTC); absent before the first write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Last submission time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
    /// Who submitted last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    /// Validation chain.
    pub validation: FormValidation,
    /// Stored values by item code, with provenance.
    pub values: BTreeMap<String, FormValueEntry>,
    /// Justifications by alert key (control code or `variation_annuelle.<indicator>`).
    pub justifications: BTreeMap<String, FormJustification>,
    /// Open correction requests with their threads.
    pub corrections: Vec<FormCorrection>,
    /// Whether the previous campaign's values fed the year-over-year control.
    pub previous_campaign_used: bool,
    /// Indicators, completion, controls, submission readiness and ignored values (catalogue.md §9).
    pub evaluation: EvaluationResult,
    /// CPOM items of the form that disagree with the CPOM contracts recorded for the structure
    /// (docs/cpom.md, « Prefill of the form and alerts »): shown next to those items; they do not
    /// block the submission.
    #[serde(default)]
    pub cpom_alerts: Vec<super::CpomMismatch>,
}

/// The answer of `PATCH …/form` sent with `Prefer: return=minimal`: what the write left on the items it
/// named, the form's new version and state, and its completion — a few hundred bytes instead of the
/// whole document (which `GET …/form` reads, from the cache the write filled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormPatchSummary {
    /// Campaign year N.
    pub campaign: i32,
    /// FINESS ET of the structure.
    pub finess: String,
    /// Workflow state after the write.
    pub state: FormState,
    /// The form's new version (also the `ETag`).
    pub version: i64,
    /// Whether the structure may still write.
    pub editable: bool,
    /// Last change of the form (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// The items of the request as they are now, with their provenance (an item emptied by the request
    /// has a null value).
    pub values: BTreeMap<String, FormValueEntry>,
    /// The items of the request the form holds nothing for (never written).
    pub absent: Vec<String>,
    /// Completion rate of the form (`filled ÷ required`).
    pub completion_rate: f64,
    /// Whether the campaign's threshold is reached.
    pub threshold_reached: bool,
    /// Threshold reached, no blocking control failing, every failing alert justified.
    pub can_submit: bool,
    /// Failing controls by key.
    pub submission: SubmissionResult,
    /// CPOM items of the form that disagree with the structure's CPOM contracts (as in the form).
    pub cpom_alerts: Vec<super::CpomMismatch>,
}

/// `PATCH …/form`: values to set (null clears) and the reasons of overridden prefilled values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "values": {"journees_realisees_hp": 27740, "places_financees_hp": 80, "gmp_valide": null,
               "resultat_comptable": 61200.5},
    "reasons": {"resultat_comptable": "Écriture de clôture corrigée après le dépôt de l'ERRD."}
})))]
#[serde(deny_unknown_fields)]
pub struct FormPatch {
    /// New values by item code; null empties the item. Items not listed are left as they are.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub values: BTreeMap<String, serde_json::Value>,
    /// Why a value pushed by `cnsa_errd` or `cpom` is overridden (at least 10 characters), by item
    /// code; each key must also be in `values`.
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
}

/// `PUT …/form/justifications/{key}`: the justification of a failing alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "text": "Hausse d'activité liée à l'ouverture de 10 places en mars."
})))]
#[serde(deny_unknown_fields)]
pub struct JustificationBody {
    /// The justification, at least 10 characters.
    pub text: String,
}

/// One item an authority asks to correct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionItem {
    /// Catalogue item code.
    pub item: String,
    /// What is wrong (first message of the thread).
    pub message: String,
}

/// `POST …/form/review`: the decision of an ARS or CD officer on a submitted form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "decision": "request_corrections",
    "items": [{"item": "journees_realisees_hp",
               "message": "Les journées réalisées semblent inclure l'accueil de jour."}]
})))]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReviewRequest {
    /// Validate for the caller's authority.
    Validate {
        /// Optional comment, kept in the audit log.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// Send the form back to the structure with one request per item.
    RequestCorrections {
        /// Items to correct (at least one).
        items: Vec<CorrectionItem>,
        /// Optional comment, kept in the audit log.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

/// `POST …/form/reopen`: why a submitted or validated form goes back to the structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"comment": "Erreur de capacité signalée par l'établissement."})))]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    /// The reason (required, kept in the audit log).
    pub comment: String,
}

/// `POST …/form/corrections/{id}/messages`: a message in a correction thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body": "Corrigé : l'accueil de jour est désormais à part."})))]
#[serde(deny_unknown_fields)]
pub struct CorrectionMessageBody {
    /// The message (not blank).
    pub body: String,
}

/// One entry of a form's audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 42, "at": "2024-05-12T08:30:00Z", "actor": "direction@esms.test", "channel": "web",
    "action": "value_set", "item": "places_financees_hp", "old_value": 78.0, "new_value": 80.0
})))]
pub struct AuditEntry {
    /// Sequence number (increasing).
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who (email or client id).
    pub actor: String,
    /// `web`, `api`, `import` or `system`.
    pub channel: String,
    /// `value_set`, `value_cleared`, `justification_set`, `justification_removed`, `transition`,
    /// `validation`, `correction_message`…
    pub action: String,
    /// Item concerned, for value changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Value before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>))]
    pub old_value: Option<serde_json::Value>,
    /// Value after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>))]
    pub new_value: Option<serde_json::Value>,
    /// Detail (a transition's `{from, to, comment?}`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>))]
    pub detail: Option<serde_json::Value>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_their_codes() {
        for state in FormState::ALL {
            assert_eq!(FormState::parse(state.as_str()), Some(state));
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::Value::from(state.as_str())
            );
        }
        assert_eq!(FormState::parse("brouillon"), None);
    }

    #[test]
    fn a_review_is_tagged_by_its_decision() {
        let validate: ReviewRequest = serde_json::from_str(r#"{"decision":"validate"}"#).unwrap();
        assert_eq!(validate, ReviewRequest::Validate { comment: None });
        let corrections: ReviewRequest = serde_json::from_str(
            r#"{"decision":"request_corrections","items":[{"item":"a","message":"b"}]}"#,
        )
        .unwrap();
        assert!(matches!(corrections, ReviewRequest::RequestCorrections { items, .. } if items.len() == 1));
        assert!(serde_json::from_str::<ReviewRequest>(r#"{"decision":"approve"}"#).is_err());
    }
}
