//! `PATCH …/form`: validated, audited, versioned writes of the structure's values.

use diesel::Connection;
use std::collections::BTreeMap;

use serde_json::json;
use tdb_domain::contract::{EvaluationResult, FieldError, FormDocument, FormPatch, FormState};
use tdb_domain::{Value, ValueError, validate_value};

use super::access::{self, Target};
use super::journal;
use super::restamp;
use super::rules;
use super::view::{self, Context, parse_json};
use crate::auth::{Principal, Role};
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::forms::{FormRow, FormStamp};
use crate::db::repo::values::{self, ValueRow};
use crate::db::{DbConnection, WriteGate};
use crate::error::ApiError;

/// Source of a value typed by the structure.
pub const SAISIE: &str = "saisie";
/// Prefill sources whose values the structure may override with a reason (catalogue.md §1.4.1).
const OVERRIDABLE: [&str; 2] = ["cnsa_errd", "cpom"];

/// One value that changes.
struct Change {
    item: String,
    json: serde_json::Value,
    reason: Option<String>,
}

/// The document a patch answers, with the stamp it was computed under.
#[derive(Debug)]
pub struct Patched {
    /// The form's stamp at its new version.
    pub stamp: FormStamp,
    /// The form after the patch.
    pub document: FormDocument,
}

/// What the transaction of a patch leaves for the document: the form's row and values, their context
/// and, when something changed, their evaluation.
struct Written {
    row: Option<FormRow>,
    stored: Vec<ValueRow>,
    context: Context,
    evaluation: Option<EvaluationResult>,
}

/// Applies a patch to the form at version `expected` (`None`: `If-Match: *`), in one transaction; answers the new document.
///
/// Checks, in order: 404 (campaign, scope), 403 (role), 412 (version), 409 (phase, state), 422 (every
/// bad value and missing reason), 409 `item_locked`. Unchanged values are neither rewritten nor
/// audited; a patch that changes nothing writes nothing. The values are read once: the document is
/// evaluated on them with the changes applied.
///
/// Only the transaction holds the write turn of `gate`: the scope, the values' validation and the
/// evaluation's context are read before it (the context again inside it if the form moved
/// meanwhile, since every change of a justification bumps the version), the correction threads and
/// the document after it.
pub fn patch(
    conn: &mut DbConnection,
    gate: &WriteGate,
    principal: &Principal,
    (year, finess): (i32, &str),
    expected: Option<i64>,
    patch: &FormPatch,
) -> Result<Patched, ApiError> {
    let target = access::locate(conn, principal, year, finess)?;
    principal.require_role(&[Role::Esms, Role::Og], "modifier un formulaire")?;
    let (typed, errors) = validate(&target, patch);
    let context = Context::load(conn, &target)?;
    let written = {
        let _turn = gate.turn();
        conn.transaction(|conn| {
            write(
                conn,
                &target,
                principal,
                expected,
                (typed, errors),
                patch,
                context,
            )
        })?
    };
    let evaluation = match written.evaluation {
        Some(evaluation) => evaluation,
        None => written.context.evaluate(&target, &written.stored)?,
    };
    let version = written.row.as_ref().map(|r| r.version);
    let document = view::assemble(
        conn,
        &target,
        written.row.as_ref(),
        written.stored,
        written.context,
        evaluation,
    )?;
    Ok(Patched {
        stamp: restamp(&target.stamp, version),
        document,
    })
}

/// The transaction of a patch: locks the form, plans the changes against its stored values, writes
/// them with their audit entries and the form's next version and cached evaluation.
fn write(
    conn: &mut DbConnection,
    target: &Target,
    principal: &Principal,
    expected: Option<i64>,
    (typed, mut errors): (Vec<(String, Option<Value>)>, Vec<FieldError>),
    patch: &FormPatch,
    mut context: Context,
) -> Result<Written, ApiError> {
    let row = access::lock(conn, target, expected)?;
    rules::check_editable(&target.phase, access::state_of(row.as_ref())?)?;
    if row.as_ref().map(|r| r.version) != target.stamp.version {
        context = Context::load(conn, target)?;
    }
    let mut current: BTreeMap<String, ValueRow> = values::load(conn, target.year, target.finess())?
        .into_iter()
        .map(|v| (v.item_code.clone(), v))
        .collect();
    let mut locked = Vec::new();
    let mut changes = Vec::new();
    for (item, value) in typed {
        let old = current.get(&item);
        if old.and_then(|o| stored_value(target, o)) == value {
            continue;
        }
        if old.is_some_and(|o| o.locked) {
            locked.push(item);
            continue;
        }
        let pushed = old.is_some_and(|o| OVERRIDABLE.contains(&o.source.as_str()));
        let reason = patch
            .reasons
            .get(&item)
            .cloned()
            .or_else(|| old.and_then(|o| o.override_reason.clone()));
        if pushed && reason.is_none() {
            errors.push(field_error(
                "reasons",
                &item,
                "reason_required",
                "Cette valeur a été transmise par un partenaire : indiquez pourquoi vous la modifiez \
                 (10 caractères au moins).",
            ));
        }
        let json = value.as_ref().map_or(serde_json::Value::Null, Value::to_json);
        changes.push(Change { item, json, reason });
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if !locked.is_empty() {
        return Err(ApiError::Conflict {
            code: "item_locked",
            detail: format!(
                "Valeurs verrouillées (transmises par FINESS ou la CNSA) : {}. Une correction passe \
                 par la source, ou par un déverrouillage de l'autorité.",
                locked.join(", ")
            ),
        });
    }
    if changes.is_empty() {
        return Ok(Written {
            row,
            stored: current.into_values().collect(),
            context,
            evaluation: None,
        });
    }
    let now = access::now();
    let mut row = match row {
        Some(row) => row,
        None => access::create(conn, target, now)?,
    };
    let previous = row.version;
    let entries = write_values(conn, target, principal, &mut current, changes, now)?;
    audit::append(conn, &entries)?;
    if row.state == FormState::NonCommence.as_str() {
        FormState::EnCours.as_str().clone_into(&mut row.state);
    }
    let stored: Vec<ValueRow> = current.into_values().collect();
    let evaluation = context.evaluate(target, &stored)?;
    view::cache_summary(&mut row, &evaluation);
    access::save(conn, &mut row, previous, now)?;
    Ok(Written {
        row: Some(row),
        stored,
        context,
        evaluation: Some(evaluation),
    })
}

/// Validates every value and reason without reading the database; returns the typed values and the
/// errors found so far.
fn validate(target: &Target, patch: &FormPatch) -> (Vec<(String, Option<Value>)>, Vec<FieldError>) {
    let mut typed = Vec::new();
    let mut errors = Vec::new();
    for (item, json) in &patch.values {
        match validate_value(target.catalogue, item, json) {
            Ok(value) => typed.push((item.clone(), value)),
            Err(e) => errors.push(value_error(&e)),
        }
    }
    for (item, reason) in &patch.reasons {
        if !patch.values.contains_key(item) {
            errors.push(field_error(
                "reasons",
                item,
                "reason_without_value",
                "Une raison accompagne une valeur envoyée dans `values`.",
            ));
        } else if !rules::long_enough(reason) {
            errors.push(field_error(
                "reasons",
                item,
                "reason_required",
                "La raison d'une modification doit compter 10 caractères au moins.",
            ));
        }
    }
    (typed, errors)
}

/// Rewrites the changed values (version + 1, source `saisie`, author), replaces them in `current`, and
/// returns their audit entries.
fn write_values(
    conn: &mut DbConnection,
    target: &Target,
    principal: &Principal,
    current: &mut BTreeMap<String, ValueRow>,
    changes: Vec<Change>,
    now: chrono::NaiveDateTime,
) -> Result<Vec<NewAuditEntry>, ApiError> {
    let mut entries = Vec::with_capacity(changes.len());
    for change in changes {
        let old = current.remove(&change.item);
        let old = old.as_ref();
        let (prefill_value_json, prefill_source) = match old {
            Some(o) if OVERRIDABLE.contains(&o.source.as_str()) => {
                (Some(o.value_json.clone()), Some(o.source.clone()))
            }
            Some(o) => (o.prefill_value_json.clone(), o.prefill_source.clone()),
            None => (None, None),
        };
        let override_reason = prefill_source.is_some().then_some(change.reason).flatten();
        let row = ValueRow {
            campaign_year: target.year,
            structure_finess: target.finess().to_owned(),
            item_code: change.item.clone(),
            value_json: change.json.to_string(),
            source: SAISIE.to_owned(),
            batch_id: None,
            locked: false,
            prefill_value_json,
            prefill_source,
            override_reason: override_reason.clone(),
            author: principal.subject.clone(),
            updated_at: now,
            version: old.map_or(1, |o| o.version + 1),
        };
        match old {
            Some(_) => values::update(conn, &row)?,
            None => values::insert(conn, &row)?,
        }
        let action = if change.json.is_null() {
            "value_cleared"
        } else {
            "value_set"
        };
        entries.push(NewAuditEntry {
            item_code: Some(change.item.clone()),
            old_value: old.map(|o| o.value_json.clone()),
            new_value: (!change.json.is_null()).then(|| row.value_json.clone()),
            detail: override_reason.map(|reason| json!({"override_reason": reason}).to_string()),
            ..journal::entry(target, principal, action, now)
        });
        current.insert(change.item, row);
    }
    Ok(entries)
}

/// The typed stored value of a row (`None` when empty or no longer valid).
fn stored_value(target: &Target, row: &ValueRow) -> Option<Value> {
    validate_value(target.catalogue, &row.item_code, &parse_json(&row.value_json))
        .ok()
        .flatten()
}

fn value_error(error: &ValueError) -> FieldError {
    FieldError {
        path: format!("/values/{}", pointer_token(&error.item)),
        code: serde_json::to_value(error.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "invalid_value".to_owned()),
        message: error.message.clone(),
    }
}

/// A field error at `/<field>/<key>`.
pub fn field_error(field: &str, key: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        path: format!("/{field}/{}", pointer_token(key)),
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

/// Escapes a JSON pointer token (RFC 6901).
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
