//! Writing a planned batch: new forms, recomputed caches and version bumps, values and their audit
//! entries, each in multi-row statements. Runs inside the transaction that loaded the state under lock.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDateTime;
use serde_json::json;
use tdb_domain::contract::FormState;

use super::Context;
use super::batch::{FormPlan, State};
use crate::db::DbConnection;
use crate::db::repo::audit::NewAuditEntry;
use crate::db::repo::forms::{self, FormRow};
use crate::db::repo::imports;
use crate::db::repo::values::ValueRow;
use crate::error::ApiError;
use crate::services::forms::refresh_cache;

/// Channel of the audit entries of imports.
pub const CHANNEL: &str = "import";
/// Code of a form created concurrently by another writer: the batch is planned again.
pub const CONCURRENT_WRITE: &str = "concurrent_write";

/// Writes the plans of a batch (state loaded under lock); returns how many forms changed.
pub fn write(
    conn: &mut DbConnection,
    ctx: &Context,
    mut state: State,
    plans: Vec<FormPlan>,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    let finess: Vec<&str> = plans.iter().map(|p| p.finess.as_str()).collect();
    let previous = previous_values(conn, ctx.year - 1, &finess)?;
    let mut justified: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (f, key) in imports::justified_of(conn, ctx.year, &finess)? {
        justified.entry(f).or_default().insert(key);
    }
    let detail = json!({"batch_id": ctx.batch_id, "source": ctx.importer.source}).to_string();
    let mut new_forms = Vec::new();
    let mut value_rows = Vec::new();
    let mut entries = Vec::new();
    let forms_changed = plans.len();
    for plan in plans {
        let structure = state
            .structures
            .get(&plan.finess)
            .cloned()
            .ok_or_else(|| ApiError::Internal("planned structure missing".to_owned()))?;
        let mut stored = state.values.remove(&plan.finess).unwrap_or_default();
        let index: HashMap<String, usize> = stored
            .iter()
            .enumerate()
            .map(|(i, v)| (v.item_code.clone(), i))
            .collect();
        for write in &plan.writes {
            match index.get(&write.row.item_code) {
                Some(&i) => stored[i] = write.row.clone(),
                None => stored.push(write.row.clone()),
            }
        }
        let (mut form, previous_version) = match state.forms.remove(&plan.finess) {
            Some(form) => {
                let version = form.version;
                (form, Some(version))
            }
            None => (blank_form(ctx.year, &plan.finess, now), None),
        };
        if ctx.importer.is_saisie() && form.state == FormState::NonCommence.as_str() {
            FormState::EnCours.as_str().clone_into(&mut form.state);
        }
        form.version = previous_version.unwrap_or(0) + 1;
        form.updated_at = now;
        let empty = BTreeSet::new();
        refresh_cache(
            (ctx.catalogue, &structure.category),
            &mut form,
            &stored,
            previous.get(&plan.finess).map(Vec::as_slice),
            justified.get(&plan.finess).unwrap_or(&empty),
        )?;
        match previous_version {
            Some(version) => {
                if !forms::save(conn, &form, version)? {
                    return Err(ApiError::Internal("locked form changed".to_owned()));
                }
            }
            None => new_forms.push(form),
        }
        for write in plan.writes {
            entries.push(audit_entry(
                ctx,
                &write.row,
                write.old,
                write.cleared,
                &detail,
                now,
            ));
            value_rows.push(write.row);
        }
    }
    if imports::insert_forms(conn, &new_forms)? != new_forms.len() {
        return Err(ApiError::Conflict {
            code: CONCURRENT_WRITE,
            detail: "Un formulaire a été créé pendant l'import : renvoyez l'import.".to_owned(),
        });
    }
    imports::upsert_values(conn, &value_rows)?;
    imports::append_audit(conn, &entries)?;
    Ok(forms_changed)
}

/// The values of the previous campaign of the structures that had a form then, by FINESS.
fn previous_values(
    conn: &mut DbConnection,
    year: i32,
    finess: &[&str],
) -> Result<HashMap<String, Vec<(String, String)>>, ApiError> {
    let with_form = imports::with_form(conn, year, finess)?;
    let mut previous: HashMap<String, Vec<(String, String)>> =
        with_form.iter().map(|f| (f.clone(), Vec::new())).collect();
    if with_form.is_empty() {
        return Ok(previous);
    }
    let had: HashSet<&str> = with_form.iter().map(String::as_str).collect();
    let keep: Vec<&str> = finess.iter().copied().filter(|f| had.contains(f)).collect();
    for (f, item, value) in imports::value_json_of(conn, year, &keep)? {
        previous.entry(f).or_default().push((item, value));
    }
    Ok(previous)
}

fn blank_form(year: i32, finess: &str, now: NaiveDateTime) -> FormRow {
    FormRow {
        campaign_year: year,
        structure_finess: finess.to_owned(),
        state: FormState::NonCommence.as_str().to_owned(),
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

fn audit_entry(
    ctx: &Context,
    row: &ValueRow,
    old: Option<String>,
    cleared: bool,
    detail: &str,
    now: NaiveDateTime,
) -> NewAuditEntry {
    NewAuditEntry {
        at: now,
        actor: ctx.importer.actor.clone(),
        channel: CHANNEL.to_owned(),
        action: if cleared { "value_cleared" } else { "value_set" }.to_owned(),
        campaign_year: Some(ctx.year),
        structure_finess: Some(row.structure_finess.clone()),
        item_code: Some(row.item_code.clone()),
        old_value: old,
        new_value: (!cleared).then(|| row.value_json.clone()),
        detail: Some(detail.to_owned()),
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
