//! Writing a planned batch: recomputed caches and version bumps of its forms (new ones created), values
//! and their audit entries, each in bulk statements. Runs inside the transaction that loaded the state
//! under lock.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDateTime;
use serde_json::json;
use tdb_domain::contract::FormState;
use tdb_domain::{Catalogue, FormValues};

use super::Context;
use super::batch::{FormPlan, State, Write};
use crate::db::DbConnection;
use crate::db::repo::audit::NewAuditEntry;
use crate::db::repo::events::NewEvent;
use crate::db::repo::forms::FormRow;
use crate::db::repo::import_rows::AuditInsert;
use crate::db::repo::imports;
use crate::db::repo::values::ValueRow;
use crate::error::{ApiError, ProblemCode};
use crate::services::benchmarks::reference;
use crate::services::events;
use crate::services::forms::{previous_values, refresh_cache, rules};
use crate::services::values::parse_json;

/// Channel of the audit entries of imports.
pub const CHANNEL: &str = "import";
/// Code of a form created concurrently by another writer: the batch is planned again.
pub const CONCURRENT_WRITE: ProblemCode = ProblemCode::ConcurrentWrite;

/// Writes the plans of a batch (state loaded under lock); returns how many forms changed.
///
/// Forms first (one multi-row upsert: new forms inserted, stored ones rewritten with version + 1), then
/// the values and their audit entries, in bulk statements (`COPY` on PostgreSQL).
pub fn write(
    conn: &mut DbConnection,
    ctx: &Context,
    mut state: State,
    plans: Vec<FormPlan>,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    let finess: Vec<&str> = plans.iter().map(|p| p.finess.as_str()).collect();
    let span = tracing::trace_span!("import.read_context").entered();
    let previous = previous_values(conn, ctx.year.saturating_sub(1), &finess)?;
    let mut justified: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (f, key) in imports::justified_of(conn, ctx.year, &finess)? {
        justified.entry(f).or_default().insert(key);
    }
    drop(span);
    let span = tracing::trace_span!("import.recompute").entered();
    let empty = BTreeSet::new();
    let mut references = reference::ByGroup::default();
    let mut forms = Vec::with_capacity(plans.len());
    for plan in &plans {
        let structure = state
            .structures
            .get(&plan.finess)
            .ok_or_else(|| ApiError::Internal("planned structure missing".to_owned()))?;
        let stored = state.values.remove(&plan.finess).unwrap_or_default();
        let current = typed_form(ctx.catalogue, &stored, &plan.writes);
        let mut form = state
            .forms
            .remove(&plan.finess)
            .unwrap_or_else(|| blank_form(ctx.year, &plan.finess, now));
        if ctx.importer.is_saisie() {
            form.state = rules::after_change(form.state);
        }
        form.version += 1;
        form.updated_at = now;
        let peers = references.get(
            conn,
            (ctx.year, ctx.catalogue),
            &structure.category,
            &structure.region,
        )?;
        refresh_cache(
            (ctx.catalogue, &structure.category),
            &mut form,
            &current,
            previous.get(&plan.finess).map(Vec::as_slice),
            (justified.get(&plan.finess).unwrap_or(&empty), peers),
        )?;
        forms.push(form);
    }
    drop(span);
    let span = tracing::trace_span!("import.forms").entered();
    imports::generic_plans_for_writes(conn)?;
    if imports::save_forms(conn, &forms)? != forms.len() {
        return Err(ApiError::Conflict {
            code: CONCURRENT_WRITE,
            detail: "Un formulaire a été créé ou modifié pendant l'import : renvoyez l'import.".to_owned(),
        });
    }
    drop(span);
    let writes = || plans.iter().flat_map(|p| &p.writes);
    let span = tracing::trace_span!("import.values").entered();
    imports::write_values(
        conn,
        writes().filter(|w| w.old.is_none()).map(|w| &w.row),
        writes().filter(|w| w.old.is_some()).map(|w| &w.row),
    )?;
    drop(span);
    let _span = tracing::trace_span!("import.audit").entered();
    let detail = json!({"batch_id": ctx.batch_id, "source": ctx.importer.source}).to_string();
    let entries: Vec<AuditInsert<'_>> = writes().map(|w| audit_entry(ctx, w, &detail, now)).collect();
    imports::append_audit_rows(conn, &entries)?;
    let channel = if ctx.importer.is_saisie() {
        "import"
    } else {
        "prefill"
    };
    if ctx.write_events {
        let changed: Vec<NewEvent> = plans
            .iter()
            .zip(&forms)
            .map(|(plan, form)| {
                let items: Vec<&str> = plan.writes.iter().map(|w| w.row.item_code.as_str()).collect();
                events::of(
                    (&ctx.importer.actor, ctx.importer.role),
                    events::VALUES_CHANGED,
                    (Some(ctx.year), Some(plan.finess.as_str())),
                    &json!({"channel": channel, "items": items, "version": form.version,
                        "source": ctx.importer.source, "batch_id": ctx.batch_id}),
                    now,
                )
            })
            .collect();
        events::append(conn, &changed)?;
    }
    Ok(plans.len())
}

/// The typed values of a form once `writes` are applied over its `stored` rows (a stored value the
/// catalogue now refuses is left empty, as when the form is read).
fn typed_form(catalogue: &'static Catalogue, stored: &[ValueRow], writes: &[Write]) -> FormValues {
    let mut form = FormValues::new(catalogue);
    let written: HashSet<&str> = writes.iter().map(|w| w.row.item_code.as_str()).collect();
    for row in stored.iter().filter(|r| !written.contains(r.item_code.as_str())) {
        let json = parse_json(&row.value_json);
        let checked = tdb_domain::validate_value(catalogue, &row.item_code, &json)
            .and_then(|value| form.set(catalogue, &row.item_code, value));
        if let Err(error) = checked {
            tracing::warn!(item = %error.item, code = ?error.code, "stored value refused by the catalogue");
        }
    }
    for write in writes {
        if let Err(error) = form.set(catalogue, &write.row.item_code, write.value.clone()) {
            tracing::warn!(item = %error.item, code = ?error.code, "imported value refused by the catalogue");
        }
    }
    form
}

fn blank_form(year: i32, finess: &str, now: NaiveDateTime) -> FormRow {
    FormRow {
        campaign_year: year,
        structure_finess: finess.to_owned(),
        state: FormState::NonCommence,
        version: 0,
        completion_rate: 0.0,
        filled: 0,
        required: 0,
        can_submit: false,
        alert_count: 0,
        submitted_at: None,
        submitted_by: None,
        ars_validated_at: None,
        ars_validated_by: None,
        cd_validated_at: None,
        cd_validated_by: None,
        updated_at: now,
    }
}

fn audit_entry<'a>(
    ctx: &'a Context,
    write: &'a Write,
    detail: &'a str,
    now: NaiveDateTime,
) -> AuditInsert<'a> {
    let row = &write.row;
    AuditInsert {
        at: now,
        actor: &ctx.importer.actor,
        channel: CHANNEL,
        action: if write.cleared {
            "value_cleared"
        } else {
            "value_set"
        },
        campaign_year: Some(ctx.year),
        structure_finess: Some(&row.structure_finess),
        item_code: Some(&row.item_code),
        old_value: write.old.as_deref(),
        new_value: (!write.cleared).then_some(row.value_json.as_str()),
        detail: Some(detail),
    }
}

/// The `import` audit entry of an applied import: who, source, scope and counts.
pub fn import_entry(
    ctx: &Context,
    summary: &tdb_domain::contract::ImportSummary,
    now: NaiveDateTime,
) -> NewAuditEntry {
    let detail = json!({
        "batch_id": ctx.batch_id,
        "source": ctx.importer.source,
        "role": ctx.importer.role,
        "scope": format!("{:?}", ctx.importer.scope),
        "partial": ctx.partial,
        "overwrite": ctx.importer.overwrite,
        "rows": summary.rows,
        "forms_updated": summary.forms_updated,
        "values": summary.values,
    });
    NewAuditEntry {
        at: now,
        actor: ctx.importer.actor.clone(),
        channel: CHANNEL.to_owned(),
        action: "import".to_owned(),
        campaign_year: Some(ctx.year),
        structure_finess: None,
        item_code: None,
        old_value: None,
        new_value: None,
        detail: Some(detail.to_string()),
    }
}

/// The campaign-wide `import.finished` event of an import of a prefill source that wrote something
/// (`None` for the structures' own imports, whose changes their `form.values_changed` events tell).
pub fn finished_event(
    ctx: &Context,
    summary: &tdb_domain::contract::ImportSummary,
    now: NaiveDateTime,
) -> Option<NewEvent> {
    (ctx.write_events && !ctx.importer.is_saisie() && summary.written).then(|| {
        events::of(
            (&ctx.importer.actor, ctx.importer.role),
            events::IMPORT_FINISHED,
            (Some(ctx.year), None),
            &json!({"batch_id": ctx.batch_id, "source": ctx.importer.source, "partial": ctx.partial,
                "rows": summary.rows, "forms_updated": summary.forms_updated, "values": summary.values}),
            now,
        )
    })
}
