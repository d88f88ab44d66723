//! `PATCH …/form`: validated, audited, versioned writes of the structure's values.

use diesel::Connection;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;
use tdb_domain::contract::{FieldError, FormPatch};
use tdb_domain::{Evaluation, Value, ValueError, validate_value};

use super::access::{self, Target};
use super::cache::FormCache;
use super::journal;
use super::restamp;
use super::rules;
use super::stored::StoredValues;
use super::view::{self, Context, Parts, Reads};
use crate::auth::{Principal, Role};
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::forms::{self, FormAdvance, FormFacts, FormRow, FormStamp};
use crate::db::repo::values::{self, ValueRow};
use crate::db::{DbConnection, WriteGate};
use crate::error::{ApiError, ProblemCode};
use crate::services::events::{self, VALUES_CHANGED};
use crate::services::if_match::IfMatch;
use crate::services::values::{SAISIE, parse_json};

/// Prefill sources whose values the structure may override with a reason (catalogue.md §1.4.1).
const OVERRIDABLE: [&str; 2] = ["cnsa_errd", "cpom"];

/// One value that changes: whether it had a row, and its row after.
struct Write {
    existed: bool,
    new: ValueRow,
}

/// The form a patch answers, with the stamp it was computed under.
#[derive(Debug)]
pub struct Patched {
    /// The form's stamp at its new version.
    pub stamp: FormStamp,
    /// The parts of the form's document after the patch, with its stored values at the new version
    /// (what the next write of the form may plan on).
    pub parts: Parts,
}

/// What a patch writes, planned against the values of one version of the form: the rows that change
/// with their audit entries, every value after the patch and, when something changes, their evaluation.
struct Plan {
    writes: Vec<Write>,
    entries: Vec<NewAuditEntry>,
    stored: StoredValues,
    evaluation: Option<Evaluation<'static>>,
}

/// What the transaction of a patch leaves for the document: the form's row and values, their context
/// and, when something changed, their evaluation.
struct Written {
    row: Option<FormRow>,
    stored: StoredValues,
    context: Context,
    evaluation: Option<Evaluation<'static>>,
    /// What the document may skip: the stamp holds when the plan made before the lock was written.
    reads: Reads,
}

/// The checked values of a patch: typed values and the errors found without the database.
type Checked = (Vec<(String, Option<Value>)>, Vec<FieldError>);

/// Applies a patch to the form if its version meets `if_match`, in one transaction; answers the new document.
///
/// Checks, in order: 404 (campaign, scope), 403 (role), 412 (version), 409 (phase, state), 422 (every
/// bad value and missing reason), 409 `item_locked`. Unchanged values are neither rewritten nor
/// audited; a patch that changes nothing writes nothing. The values are read once: the document is
/// evaluated on them with the changes applied.
///
/// Only the writes hold the write turn of `gate`: the patch is planned and evaluated before it, on the
/// values and context of the version the scope check read (the values from `cache` when the previous
/// write of the form kept them at that version), and that plan is written as it is when the locked
/// form is still at that version; otherwise (a write landed meanwhile) it is planned again
/// inside the transaction. The correction threads and the document are read after it. With
/// `If-Match: *`, losing the race to create the form's row is not a 412: the patch is tried again.
pub fn patch(
    conn: &mut DbConnection,
    (gate, cache): (&WriteGate, &FormCache),
    principal: &Principal,
    (year, finess): (i32, &str),
    if_match: &IfMatch,
    patch: &FormPatch,
) -> Result<Patched, ApiError> {
    let mut retries = if if_match.is_unconditional() {
        UNCONDITIONAL_RETRIES
    } else {
        0
    };
    loop {
        let target = access::locate_for_write(conn, principal, year, finess)?;
        principal.require_role(&[Role::Esms, Role::Og], "modifier un formulaire")?;
        match attempt(conn, (gate, cache), principal, &target, if_match, patch) {
            Err(ApiError::PreconditionFailed) if retries > 0 => retries -= 1,
            result => return result,
        }
    }
}

/// How many times a patch with `If-Match: *` is tried again when a concurrent request created the
/// form's row first (the only 412 such a patch can meet).
const UNCONDITIONAL_RETRIES: u32 = 3;

/// One try of [`patch`] on the form `target` located for it.
fn attempt(
    conn: &mut DbConnection,
    (gate, cache): (&WriteGate, &FormCache),
    principal: &Principal,
    target: &Target,
    if_match: &IfMatch,
    patch: &FormPatch,
) -> Result<Patched, ApiError> {
    let checked = validate(target, patch);
    // Planned on the stamp's word; used only if the form is still at the stamp's version under its lock.
    let context = Context::load(conn, target, Reads::AtStamp)?;
    let now = access::now();
    let current = match cache.values(target.year, &target.stamp) {
        Some(kept) => kept,
        None => Arc::new(StoredValues::new(
            target.catalogue,
            values::load(conn, target.year, target.finess())?,
        )),
    };
    let planned = plan(target, principal, &context, &current, checked.clone(), patch, now);
    let written = {
        let _turn = gate.turn();
        conn.transaction(|conn| {
            let speculation = Speculation {
                context,
                planned,
                checked,
            };
            write(conn, target, principal, if_match, patch, speculation, now)
        })?
    };
    let evaluation = match written.evaluation {
        Some(evaluation) => evaluation,
        None => written.context.evaluation(target, written.stored.typed())?,
    };
    let version = written.row.as_ref().map(|r| r.version);
    let parts = Parts::read(
        conn,
        (target, written.reads),
        written.row.as_ref(),
        Arc::new(written.stored),
        written.context,
        evaluation,
    )?;
    Ok(Patched {
        stamp: restamp(&target.stamp, version),
        parts,
    })
}

/// A patch planned before the write turn, on the version of the form the scope check read.
struct Speculation {
    context: Context,
    planned: Result<Plan, ApiError>,
    checked: Checked,
}

/// The transaction of a patch: writes the plan made before it when the form is still at the stamp's
/// version ([`write_at_stamp`]); otherwise locks the form, plans again on the stored values, writes
/// the values with their audit entries and the form's next version and cached evaluation.
fn write(
    conn: &mut DbConnection,
    target: &Target,
    principal: &Principal,
    if_match: &IfMatch,
    patch: &FormPatch,
    speculation: Speculation,
    now: chrono::NaiveDateTime,
) -> Result<Written, ApiError> {
    let speculation = match write_at_stamp(conn, target, principal, if_match, speculation, now)? {
        Ok(written) => return Ok(written),
        Err(speculation) => speculation,
    };
    let row = access::lock(conn, target, if_match)?;
    rules::check_editable(&target.phase, access::state_of(row.as_ref()))?;
    let (context, plan, reads) = if row.as_ref().map(|r| r.version) == target.stamp.version {
        (speculation.context, speculation.planned?, Reads::AtStamp)
    } else {
        let context = Context::load(conn, target, Reads::All)?;
        let current = StoredValues::new(
            target.catalogue,
            values::load(conn, target.year, target.finess())?,
        );
        let plan = plan(
            target,
            principal,
            &context,
            &current,
            speculation.checked,
            patch,
            now,
        )?;
        (context, plan, Reads::All)
    };
    let Some(evaluation) = plan.evaluation.as_ref() else {
        return Ok(Written {
            row,
            stored: plan.stored,
            context,
            evaluation: None,
            reads,
        });
    };
    let mut row = match row {
        Some(row) => row,
        None => access::create(conn, target, now)?,
    };
    let previous = row.version;
    write_values(conn, &plan)?;
    row.state = rules::after_change(row.state);
    view::cache_summary(&mut row, evaluation);
    access::save(conn, &mut row, previous, now)?;
    append_event(conn, target, principal, &plan, row.version, now)?;
    Ok(Written {
        row: Some(row),
        stored: plan.stored,
        context,
        evaluation: plan.evaluation,
        reads,
    })
}

/// Writes the plan made at the stamp's version if the form is still there: the first statement moves
/// the form to its next version only if it is at the stamp's (taking its lock, without reading it
/// first), then the values, their audit entries and the event. Gives the speculation back to the locked
/// path when it does not apply: no row yet, nothing to write, a refused plan, a condition or a state
/// that path judges, or the form moved.
fn write_at_stamp(
    conn: &mut DbConnection,
    target: &Target,
    principal: &Principal,
    if_match: &IfMatch,
    speculation: Speculation,
    now: chrono::NaiveDateTime,
) -> Result<Result<Written, Speculation>, ApiError> {
    let at_stamp = target
        .stamp
        .version
        .zip(target.facts.as_ref().and_then(FormFacts::state));
    let (
        Some((version, state)),
        Ok(Plan {
            evaluation: Some(evaluation),
            ..
        }),
    ) = (at_stamp, &speculation.planned)
    else {
        return Ok(Err(speculation));
    };
    if if_match.check(version).is_err() || rules::check_editable(&target.phase, state).is_err() {
        return Ok(Err(speculation));
    }
    let advance = FormAdvance {
        state: rules::after_change(state).as_str(),
        version: version + 1,
        summary: view::summary(evaluation),
        updated_at: now,
    };
    let Some(row) = forms::advance(conn, (target.year, target.finess()), version, &advance)? else {
        return Ok(Err(speculation));
    };
    let Speculation { context, planned, .. } = speculation;
    let plan = planned?;
    write_values(conn, &plan)?;
    append_event(conn, target, principal, &plan, row.version, now)?;
    Ok(Ok(Written {
        row: Some(row),
        stored: plan.stored,
        context,
        evaluation: plan.evaluation,
        reads: Reads::AtStamp,
    }))
}

/// Writes the changed values of `plan` and their audit entries.
fn write_values(conn: &mut DbConnection, plan: &Plan) -> Result<(), ApiError> {
    for write in &plan.writes {
        if write.existed {
            values::update(conn, &write.new)?;
        } else {
            values::insert(conn, &write.new)?;
        }
    }
    audit::append(conn, &plan.entries)?;
    Ok(())
}

/// Appends the event `values_changed` of `plan`, written as the form's `version`.
fn append_event(
    conn: &mut DbConnection,
    target: &Target,
    principal: &Principal,
    plan: &Plan,
    version: i64,
    now: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let items: Vec<&str> = plan.writes.iter().map(|w| w.new.item_code.as_str()).collect();
    events::append(
        conn,
        &[journal::event(
            target,
            principal,
            VALUES_CHANGED,
            json!({"channel": "form", "items": items, "version": version}),
            now,
        )],
    )?;
    Ok(())
}

/// Plans the patch against the stored values `before`: the changed rows and their audit entries,
/// the values after it and their evaluation in `context`; 422 for every bad value or missing reason,
/// then 409 `item_locked`. Reads nothing; copies each stored row once, into the values after it, whose
/// typed values are those of `before` with the changes set.
fn plan(
    target: &Target,
    principal: &Principal,
    context: &Context,
    before: &StoredValues,
    (typed, mut errors): Checked,
    patch: &FormPatch,
    now: chrono::NaiveDateTime,
) -> Result<Plan, ApiError> {
    let mut current: BTreeMap<&str, &ValueRow> =
        before.rows().iter().map(|v| (v.item_code.as_str(), v)).collect();
    let mut locked = Vec::new();
    let mut changes = Vec::new();
    for (item, value) in typed {
        let old = current.get(item.as_str()).copied();
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
        changes.push((item, value, reason));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if !locked.is_empty() {
        return Err(ApiError::Conflict {
            code: ProblemCode::ItemLocked,
            detail: format!(
                "Valeurs verrouillées (transmises par FINESS ou la CNSA) : {}. Une correction passe \
                 par la source, ou par un déverrouillage de l'autorité.",
                locked.join(", ")
            ),
        });
    }
    let mut writes = Vec::with_capacity(changes.len());
    let mut entries = Vec::with_capacity(changes.len());
    let mut typed = Vec::with_capacity(changes.len());
    for (item, value, reason) in changes {
        let old = current.get(item.as_str()).copied();
        let json = value.as_ref().map_or(serde_json::Value::Null, Value::to_json);
        typed.push(value);
        let new = changed_row(target, principal, old, (&item, &json), reason, now);
        entries.push(audit_entry(target, principal, old, &new, json.is_null(), now));
        writes.push(Write {
            existed: old.is_some(),
            new,
        });
    }
    for write in &writes {
        current.insert(write.new.item_code.as_str(), &write.new);
    }
    let rows: Vec<ValueRow> = current.into_values().cloned().collect();
    let changed = writes.iter().map(|w| w.new.item_code.as_str()).zip(typed);
    let stored = StoredValues::after(target.catalogue, before, rows, changed)?;
    let evaluation = if writes.is_empty() {
        None
    } else {
        Some(context.evaluation(target, stored.typed())?)
    };
    Ok(Plan {
        writes,
        entries,
        stored,
        evaluation,
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

/// The row of a value that changes from `old` to `json` (version + 1, source `saisie`, author): a
/// prefilled value it overrides is kept beside it with the reason.
fn changed_row(
    target: &Target,
    principal: &Principal,
    old: Option<&ValueRow>,
    (item, json): (&str, &serde_json::Value),
    reason: Option<String>,
    now: chrono::NaiveDateTime,
) -> ValueRow {
    let (prefill_value_json, prefill_source) = match old {
        Some(o) if OVERRIDABLE.contains(&o.source.as_str()) => {
            (Some(o.value_json.clone()), Some(o.source.clone()))
        }
        Some(o) => (o.prefill_value_json.clone(), o.prefill_source.clone()),
        None => (None, None),
    };
    let override_reason = prefill_source.is_some().then_some(reason).flatten();
    ValueRow {
        campaign_year: target.year,
        structure_finess: target.finess().to_owned(),
        item_code: item.to_owned(),
        value_json: json.to_string(),
        source: SAISIE.to_owned(),
        batch_id: None,
        locked: false,
        prefill_value_json,
        prefill_source,
        override_reason,
        author: principal.subject.clone(),
        updated_at: now,
        version: old.map_or(1, |o| o.version + 1),
    }
}

/// The audit entry of a value changing from `old` to `new` (`cleared`: to no value).
fn audit_entry(
    target: &Target,
    principal: &Principal,
    old: Option<&ValueRow>,
    new: &ValueRow,
    cleared: bool,
    now: chrono::NaiveDateTime,
) -> NewAuditEntry {
    let action = if cleared { "value_cleared" } else { "value_set" };
    NewAuditEntry {
        item_code: Some(new.item_code.clone()),
        old_value: old.map(|o| o.value_json.clone()),
        new_value: (!cleared).then(|| new.value_json.clone()),
        detail: new
            .override_reason
            .as_ref()
            .map(|reason| json!({"override_reason": reason}).to_string()),
        ..journal::entry(target, principal, action, now)
    }
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
