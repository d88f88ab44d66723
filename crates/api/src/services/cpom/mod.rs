//! CPOM use cases (docs/cpom.md): contracts, perimeter, amendments, action sheets, objectives,
//! follow-up, committees, coverage, and the prefill of the form's CPOM items.
//!
//! Rights (404 when the contract is not visible, 403 when visible but the action is not allowed):
//! * visible to `national` (read only), to the ARS of its region when the ARS signs, to the CD of its
//!   department when the CD signs, to the managing body's `og` users, and to the `esms` users of a
//!   structure of its perimeter (ever); partners never see contracts;
//! * `ars` / `cd` (signing authority in competence) create, sign, start, expire, terminate, amend,
//!   edit action sheets and objectives, and record committees;
//! * `og` propose a contract for their managing body (`en_negociation`), edit its action sheets and
//!   objectives while it is `en_negociation`, and report the values of free objectives.
//!
//! The modules depend downwards only: `wire` (stored rows ↔ wire types), `access` and `in_force` (is a
//! structure under a CPOM on a day, the one rule of the fiche, the coverage and the prefill) at the bottom;
//! `prefill` and `follow_up` on them; `validate` on `follow_up`; the use cases on top: `contracts`
//! (reading), `lifecycle` (creation, transitions, amendments), `sheets`, `objectives`, `updates`,
//! `committees`, `coverage` and `report_pdf`.

mod access;
pub mod committees;
pub mod contracts;
pub mod coverage;
pub mod follow_up;
pub mod in_force;
pub mod lifecycle;
pub mod objectives;
pub mod prefill;
pub mod report_pdf;
pub mod sheets;
pub mod updates;
pub mod validate;
pub mod wire;

pub use access::{Access, load_visible};

use chrono::NaiveDate;
use tdb_domain::contract::FieldError;

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::error::ApiError;

/// Now (UTC).
fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Parses an ISO date, or records a field error.
fn date(text: &str, path: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.push(field(path, "invalid_date", "Date attendue au format AAAA-MM-JJ."));
    }
    parsed
}

fn field(path: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        path: path.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

fn validation(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Appends an audit entry `cpom.<action>` for a contract, with a JSON detail.
fn journal(
    conn: &mut DbConnection,
    principal: &Principal,
    action: &str,
    contract: i64,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    let mut detail = detail;
    if let Some(map) = detail.as_object_mut() {
        map.insert("contract_id".to_owned(), contract.into());
    }
    audit::append(
        conn,
        &[NewAuditEntry {
            at: now(),
            actor: principal.subject.clone(),
            channel: principal.channel().to_owned(),
            action: format!("cpom.{action}"),
            campaign_year: None,
            structure_finess: None,
            item_code: None,
            old_value: None,
            new_value: None,
            detail: Some(detail.to_string()),
        }],
    )?;
    Ok(())
}

/// Today (UTC).
fn today() -> NaiveDate {
    now().date()
}
