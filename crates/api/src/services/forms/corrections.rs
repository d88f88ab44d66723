//! `POST …/form/corrections/{id}/messages`: the thread between the structure and the authority.

use diesel::Connection;
use serde_json::json;
use tdb_domain::contract::{FieldError, FormCorrection, FormState};

use super::access;
use super::journal;
use super::view;
use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::{corrections, forms};
use crate::error::{ApiError, ProblemCode};
use crate::services::events;

/// Adds a message to the correction request `id` of a form; answers the whole thread. Allowed to the
/// structure (`esms`, `og`) and the authorities (`ars`, `cd`, `national`), until the form is closed.
pub fn post_message(
    conn: &mut DbConnection,
    principal: &Principal,
    (year, finess): (i32, &str),
    id: i64,
    body: &str,
) -> Result<FormCorrection, ApiError> {
    let target = access::locate(conn, principal, year, finess)?;
    principal.require_role(
        &[Role::Esms, Role::Og, Role::Ars, Role::Cd, Role::National],
        "écrire dans une demande de correction",
    )?;
    let body = body.trim();
    if body.is_empty() {
        return Err(ApiError::Validation(vec![FieldError {
            path: "/body".to_owned(),
            code: "required".to_owned(),
            message: "Le message est vide.".to_owned(),
        }]));
    }
    conn.transaction(|conn| {
        let request =
            corrections::find_of_form(conn, year, finess, id)?.ok_or_else(|| ApiError::NotFound {
                code: ProblemCode::CorrectionNotFound,
                detail: format!("Aucune demande de correction {id} sur ce formulaire."),
            })?;
        let state = access::state_of(forms::find(conn, year, finess)?.as_ref());
        if state == FormState::Cloture {
            return Err(ApiError::Conflict {
                code: ProblemCode::FormClosed,
                detail: "Le formulaire est clôturé : ses échanges sont en lecture seule.".to_owned(),
            });
        }
        let now = access::now();
        corrections::add_message(conn, id, &principal.subject, body, now)?;
        audit::append(
            conn,
            &[NewAuditEntry {
                item_code: Some(request.item_code.clone()),
                detail: Some(json!({"correction": id}).to_string()),
                ..journal::entry(&target, principal, "correction_message", now)
            }],
        )?;
        events::append(
            conn,
            &[journal::event(
                &target,
                principal,
                events::FORM_CORRECTION_MESSAGE,
                json!({"correction": id, "item": request.item_code}),
                now,
            )],
        )?;
        let mut thread = view::with_messages(conn, vec![request])?;
        thread
            .pop()
            .ok_or_else(|| ApiError::Internal("correction thread vanished".to_owned()))
    })
}
