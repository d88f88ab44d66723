//! Workflow transitions: submission by the structure, review and reopening by the authorities.
//!
//! Each runs in one transaction that takes the form's write lock first (checking `If-Match` when sent),
//! bumps the version, appends a `transition` audit entry `{from, to, comment?, …}` and its event, and
//! queues the notification mails of the change (services::notifications).

use diesel::Connection;
use serde_json::json;
use tdb_domain::contract::{
    Authority, CorrectionItem, FieldError, FormDocument, FormState, ReopenRequest, ReviewRequest,
};

use super::access::{self, Target};
use super::journal;
use super::rules;
use super::view;
use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::corrections;
use crate::db::repo::events::NewEvent;
use crate::db::repo::forms::FormRow;
use crate::db::repo::values;
use crate::error::{ApiError, ProblemCode};
use crate::services::events;
use crate::services::if_match::IfMatch;
use crate::services::notifications::{self, FormChange};
use crate::services::passwords::LinkBase;

/// `POST …/form/submit`: `en_cours` or `correction_demandee` → `soumis`, when the domain says the form
/// can be submitted; resolves the open correction requests whose item changed since they were made.
pub fn submit(
    conn: &mut DbConnection,
    principal: &Principal,
    (year, finess): (i32, &str),
    (if_match, base): (&IfMatch, &LinkBase),
) -> Result<FormDocument, ApiError> {
    let target = access::locate(conn, principal, year, finess)?;
    principal.require_role(&[Role::Esms, Role::Og], "soumettre un formulaire")?;
    conn.transaction(|conn| {
        let row = access::lock(conn, &target, if_match)?;
        let from = access::state_of(row.as_ref());
        rules::check_submittable(&target.phase, from)?;
        let mut row = stored(row)?;
        let document = view::document(conn, &target, Some(&row))?;
        check_ready(&document)?;
        let now = access::now();
        let changed: Vec<(String, chrono::NaiveDateTime)> = values::load(conn, year, finess)?
            .into_iter()
            .map(|v| (v.item_code, v.updated_at))
            .collect();
        let resolved: Vec<i64> = corrections::open_of_form(conn, year, finess)?
            .into_iter()
            .filter(|r| {
                changed
                    .iter()
                    .any(|(item, at)| *item == r.item_code && *at > r.created_at)
            })
            .map(|r| r.id)
            .collect();
        corrections::resolve(conn, &resolved, now)?;
        row.state = FormState::Soumis;
        row.submitted_at = Some(now);
        row.submitted_by = Some(principal.subject.clone());
        clear_validations(&mut row);
        let entry = journal::transition(
            &target,
            principal,
            (from, FormState::Soumis),
            None,
            json!({"resolved_corrections": resolved}),
            now,
        );
        let event = journal::transition_event(
            &target,
            principal,
            (events::FORM_SUBMITTED, from, FormState::Soumis),
            None,
            json!({"resolved_corrections": resolved, "version": row.version + 1}),
            now,
        );
        notifications::form_changed(conn, base, (year, finess), FormChange::Submitted, now)?;
        commit(conn, &target, row, (&[entry], &[event]), now)
    })
}

/// `POST …/form/review`: an ARS or CD officer validates for its authority, or sends the form back
/// with correction requests. A joint (`ARS_CD`) structure is `valide` once both validated.
pub fn review(
    conn: &mut DbConnection,
    principal: &Principal,
    (year, finess): (i32, &str),
    (if_match, base): (&IfMatch, &LinkBase),
    request: &ReviewRequest,
) -> Result<FormDocument, ApiError> {
    let target = access::locate(conn, principal, year, finess)?;
    let required = rules::required_authorities(&target.structure.competence);
    let authority = rules::authority_of(principal.role)
        .filter(|a| required.contains(a))
        .ok_or_else(|| ApiError::Forbidden("Seule une autorité compétente pour la structure (ARS ou conseil départemental) examine son formulaire.".to_owned()))?;
    if let ReviewRequest::RequestCorrections { items, .. } = request {
        check_items(&target, items)?;
    }
    conn.transaction(|conn| {
        let row = access::lock(conn, &target, if_match)?;
        let from = access::state_of(row.as_ref());
        rules::check_reviewable(&target.phase, from)?;
        let mut row = stored(row)?;
        let now = access::now();
        let version = row.version + 1;
        let (entries, event) = match request {
            ReviewRequest::Validate { comment } => {
                let entries = validate(
                    &target,
                    principal,
                    &mut row,
                    authority,
                    &required,
                    comment.as_deref(),
                    now,
                )?;
                let event = journal::transition_event(
                    &target,
                    principal,
                    (events::FORM_VALIDATED, from, row.state),
                    comment.as_deref(),
                    json!({"authority": authority, "complete": row.state == FormState::Valide,
                        "version": version}),
                    now,
                );
                let awaiting = required.iter().copied().find(|a| match a {
                    Authority::Ars => row.ars_validated_at.is_none(),
                    Authority::Cd => row.cd_validated_at.is_none(),
                });
                let change = FormChange::Validated {
                    by: authority,
                    awaiting,
                };
                notifications::form_changed(conn, base, (year, finess), change, now)?;
                (entries, event)
            }
            ReviewRequest::RequestCorrections { items, comment } => {
                let mut ids = Vec::with_capacity(items.len());
                for item in items {
                    let id = corrections::open(conn, year, finess, &item.item, &principal.subject, now)?;
                    corrections::add_message(conn, id, &principal.subject, item.message.trim(), now)?;
                    ids.push(id);
                }
                row.state = FormState::CorrectionDemandee;
                clear_validations(&mut row);
                let items: Vec<&str> = items.iter().map(|i| i.item.as_str()).collect();
                let entries = vec![journal::transition(
                    &target,
                    principal,
                    (from, FormState::CorrectionDemandee),
                    comment.as_deref(),
                    json!({"corrections": ids, "items": items}),
                    now,
                )];
                let event = journal::transition_event(
                    &target,
                    principal,
                    (
                        events::FORM_CORRECTION_REQUESTED,
                        from,
                        FormState::CorrectionDemandee,
                    ),
                    comment.as_deref(),
                    json!({"corrections": ids, "items": items, "version": version}),
                    now,
                );
                let change = FormChange::CorrectionRequested {
                    items: items.len(),
                    comment: comment.as_deref(),
                };
                notifications::form_changed(conn, base, (year, finess), change, now)?;
                (entries, event)
            }
        };
        commit(conn, &target, row, (&entries, &[event]), now)
    })
}

/// Records the validation of `authority`; the form becomes `valide` when no authority is awaited.
fn validate(
    target: &Target,
    principal: &Principal,
    row: &mut FormRow,
    authority: Authority,
    required: &[Authority],
    comment: Option<&str>,
    now: chrono::NaiveDateTime,
) -> Result<Vec<NewAuditEntry>, ApiError> {
    let (at, by) = match authority {
        Authority::Ars => (&mut row.ars_validated_at, &mut row.ars_validated_by),
        Authority::Cd => (&mut row.cd_validated_at, &mut row.cd_validated_by),
    };
    if at.is_some() {
        return Err(ApiError::Conflict {
            code: ProblemCode::AlreadyValidated,
            detail:
                "Votre autorité a déjà validé ce formulaire ; la validation de l'autre autorité est attendue."
                    .to_owned(),
        });
    }
    *at = Some(now);
    *by = Some(principal.subject.clone());
    let awaiting: Vec<Authority> = required
        .iter()
        .copied()
        .filter(|a| match a {
            Authority::Ars => row.ars_validated_at.is_none(),
            Authority::Cd => row.cd_validated_at.is_none(),
        })
        .collect();
    let mut detail = json!({"authority": authority, "awaiting": awaiting});
    if let Some(comment) = comment {
        detail["comment"] = comment.into();
    }
    let mut entries = vec![NewAuditEntry {
        detail: Some(detail.to_string()),
        ..journal::entry(target, principal, "validation", now)
    }];
    if awaiting.is_empty() {
        row.state = FormState::Valide;
        entries.push(journal::transition(
            target,
            principal,
            (FormState::Soumis, FormState::Valide),
            comment,
            json!({}),
            now,
        ));
    }
    Ok(entries)
}

/// `POST …/form/reopen`: an authority sends a submitted or validated form back to the structure
/// (`en_cours`, or `correction_demandee` while requests are open), with a comment.
pub fn reopen(
    conn: &mut DbConnection,
    principal: &Principal,
    (year, finess): (i32, &str),
    (if_match, base): (&IfMatch, &LinkBase),
    request: &ReopenRequest,
) -> Result<FormDocument, ApiError> {
    let target = access::locate(conn, principal, year, finess)?;
    principal.require_role(&[Role::Ars, Role::Cd, Role::National], "rouvrir un formulaire")?;
    let comment = request.comment.trim();
    if comment.is_empty() {
        return Err(ApiError::Validation(vec![FieldError {
            path: "/comment".to_owned(),
            code: "required".to_owned(),
            message: "Indiquez pourquoi le formulaire est rouvert.".to_owned(),
        }]));
    }
    conn.transaction(|conn| {
        let row = access::lock(conn, &target, if_match)?;
        let from = access::state_of(row.as_ref());
        rules::check_reopenable(&target.phase, from)?;
        let mut row = stored(row)?;
        let to = if corrections::open_of_form(conn, year, finess)?.is_empty() {
            FormState::EnCours
        } else {
            FormState::CorrectionDemandee
        };
        row.state = to;
        clear_validations(&mut row);
        let now = access::now();
        let entry = journal::transition(&target, principal, (from, to), Some(comment), json!({}), now);
        let event = journal::transition_event(
            &target,
            principal,
            (events::FORM_REOPENED, from, to),
            Some(comment),
            json!({"version": row.version + 1}),
            now,
        );
        let change = FormChange::Reopened { comment };
        notifications::form_changed(conn, base, (year, finess), change, now)?;
        commit(conn, &target, row, (&[entry], &[event]), now)
    })
}

/// Appends the audit entries and the events, saves the next version and answers the document.
fn commit(
    conn: &mut DbConnection,
    target: &Target,
    mut row: FormRow,
    (entries, new_events): (&[NewAuditEntry], &[NewEvent]),
    now: chrono::NaiveDateTime,
) -> Result<FormDocument, ApiError> {
    audit::append(conn, entries)?;
    events::append(conn, new_events)?;
    let previous = row.version;
    row.version = previous + 1;
    row.updated_at = now;
    let document = view::document(conn, target, Some(&row))?;
    access::save(conn, &mut row, previous, now)?;
    Ok(document)
}

/// A transition starts from a stored state, so the row exists.
fn stored(row: Option<FormRow>) -> Result<FormRow, ApiError> {
    row.ok_or_else(|| ApiError::Internal("transition of a form without a row".to_owned()))
}

fn clear_validations(row: &mut FormRow) {
    row.ars_validated_at = None;
    row.ars_validated_by = None;
    row.cd_validated_at = None;
    row.cd_validated_by = None;
}

/// 409 `cannot_submit` listing every reason: completion below the threshold, failing blocking
/// controls, unjustified alerts.
fn check_ready(document: &FormDocument) -> Result<(), ApiError> {
    let evaluation = &document.evaluation;
    let completion = &evaluation.completion;
    if completion.can_submit {
        return Ok(());
    }
    let message_of = |key: &str| -> String {
        evaluation
            .controls
            .iter()
            .find(|c| view::control_key(c) == key)
            .map(|c| c.message.clone())
            .unwrap_or_default()
    };
    let mut reasons = Vec::new();
    if !completion.reached {
        reasons.push(FieldError {
            path: "/evaluation/completion".to_owned(),
            code: "completion_below_threshold".to_owned(),
            message: format!(
                "{} données renseignées sur {} : le seuil de {} % n'est pas atteint.",
                completion.filled,
                completion.required,
                (completion.threshold * 100.0).round()
            ),
        });
    }
    for key in &evaluation.submission.blocking {
        reasons.push(FieldError {
            path: format!("/controls/{key}"),
            code: "blocking_control".to_owned(),
            message: message_of(key),
        });
    }
    for key in &evaluation.submission.unjustified_alerts {
        reasons.push(FieldError {
            path: format!("/justifications/{key}"),
            code: "unjustified_alert".to_owned(),
            message: format!("Alerte à justifier : {}", message_of(key)),
        });
    }
    Err(ApiError::ConflictWithReasons {
        code: ProblemCode::CannotSubmit,
        detail: format!(
            "Le formulaire ne peut pas être soumis : {} motif(s).",
            reasons.len()
        ),
        reasons,
    })
}

/// 422 unless every requested item is a catalogue item with a message.
fn check_items(target: &Target, items: &[CorrectionItem]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if items.is_empty() {
        errors.push(FieldError {
            path: "/items".to_owned(),
            code: "required".to_owned(),
            message: "Indiquez au moins un item à corriger.".to_owned(),
        });
    }
    for (i, item) in items.iter().enumerate() {
        if target.catalogue.item(&item.item).is_none() {
            errors.push(FieldError {
                path: format!("/items/{i}/item"),
                code: "unknown_item".to_owned(),
                message: format!("Code d'item inconnu : « {} ».", item.item),
            });
        }
        if item.message.trim().is_empty() {
            errors.push(FieldError {
                path: format!("/items/{i}/message"),
                code: "required".to_owned(),
                message: "Expliquez ce qui doit être corrigé.".to_owned(),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}
