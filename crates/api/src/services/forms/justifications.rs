//! `PUT`/`DELETE …/form/justifications/{key}`: the structure's written justification of a failing alert.
//!
//! The key must name an `alerte` entry of the form's evaluation (a control code, or
//! `variation_annuelle.<indicator>` or `ecart_pairs.<indicator>` for an indicator in scope): any other key answers 404
//! `unknown_alert`. Writing needs the alert to be failing now (409 `alert_not_failing`); removing needs
//! a stored justification (404 `justification_not_found`). Same roles, phase and state rules as a
//! patch of values; the form's version and cached readiness change with it.

use diesel::Connection;
use serde_json::json;
use tdb_domain::contract::{ControlStatus, FieldError, FormDocument, Severity};

use super::access::{self, Target};
use super::journal;
use super::rules;
use super::view;
use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::repo::audit;
use crate::db::repo::forms::FormRow;
use crate::db::repo::justifications::{self, JustificationRow};
use crate::error::{ApiError, ProblemCode};
use crate::services::if_match::IfMatch;

/// What to do with a justification.
#[derive(Debug, Clone, Copy)]
pub enum JustificationChange<'a> {
    /// Write this text.
    Put(&'a str),
    /// Remove it.
    Delete,
}

/// Writes or removes the justification `key` of a form, in one transaction.
pub fn change_justification(
    conn: &mut DbConnection,
    principal: &Principal,
    (year, finess): (i32, &str),
    key: &str,
    change: JustificationChange<'_>,
    if_match: &IfMatch,
) -> Result<FormDocument, ApiError> {
    let target = access::locate(conn, principal, year, finess)?;
    principal.require_role(&[Role::Esms, Role::Og], "justifier une alerte")?;
    conn.transaction(|conn| {
        let row = access::lock(conn, &target, if_match)?;
        rules::check_editable(&target.phase, access::state_of(row.as_ref()))?;
        let before = view::document(conn, &target, row.as_ref())?;
        let failing = alert_failing(&before, key)?;
        let now = access::now();
        let action = match change {
            JustificationChange::Put(text) => {
                if !rules::long_enough(text) {
                    return Err(ApiError::Validation(vec![FieldError {
                        path: "/text".to_owned(),
                        code: "too_short".to_owned(),
                        message: "Une justification compte 10 caractères au moins.".to_owned(),
                    }]));
                }
                if !failing {
                    return Err(ApiError::Conflict {
                        code: ProblemCode::AlertNotFailing,
                        detail: format!("L'alerte « {key} » n'est pas déclenchée : rien à justifier."),
                    });
                }
                let row = row_or_create(conn, &target, row, now)?;
                justifications::put(
                    conn,
                    &JustificationRow {
                        campaign_year: year,
                        structure_finess: finess.to_owned(),
                        control_key: key.to_owned(),
                        text: text.trim().to_owned(),
                        author: principal.subject.clone(),
                        updated_at: now,
                    },
                )?;
                (row, "justification_set", Some(text.trim()))
            }
            JustificationChange::Delete => {
                let Some(row) = row.filter(|_| before.justifications.contains_key(key)) else {
                    return Err(ApiError::NotFound {
                        code: ProblemCode::JustificationNotFound,
                        detail: format!("L'alerte « {key} » n'a pas de justification."),
                    });
                };
                justifications::delete(conn, year, finess, key)?;
                (row, "justification_removed", None)
            }
        };
        let (mut row, action, text) = action;
        audit::append(
            conn,
            &[crate::db::repo::audit::NewAuditEntry {
                old_value: before.justifications.get(key).map(|j| json!(j.text).to_string()),
                new_value: text.map(|t| json!(t).to_string()),
                detail: Some(json!({"key": key}).to_string()),
                ..journal::entry(&target, principal, action, now)
            }],
        )?;
        let previous = row.version;
        row.state = rules::after_change(row.state);
        row.version = previous + 1;
        row.updated_at = now;
        let parts = view::parts(conn, &target, Some(&row))?;
        view::cache_summary(&mut row, parts.evaluation());
        access::save(conn, &mut row, previous, now)?;
        Ok(parts.document())
    })
}

fn row_or_create(
    conn: &mut DbConnection,
    target: &Target,
    row: Option<FormRow>,
    now: chrono::NaiveDateTime,
) -> Result<FormRow, ApiError> {
    match row {
        Some(row) => Ok(row),
        None => access::create(conn, target, now),
    }
}

/// Whether the alert `key` fails; 404 when the key names no alert of this form's evaluation.
fn alert_failing(document: &FormDocument, key: &str) -> Result<bool, ApiError> {
    let entry = document
        .evaluation
        .controls
        .iter()
        .find(|c| c.severity == Severity::Alerte && view::control_key(c) == key);
    match entry {
        Some(control) => Ok(control.status == ControlStatus::Evaluated && control.passed == Some(false)),
        None => Err(ApiError::NotFound {
            code: ProblemCode::UnknownAlert,
            detail: format!(
                "« {key} » n'est pas une alerte de ce formulaire (code d'un contrôle d'alerte, ou \
                 variation_annuelle.<indicateur>, ou ecart_pairs.<indicateur>)."
            ),
        }),
    }
}
