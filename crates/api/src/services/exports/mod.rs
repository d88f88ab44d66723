//! Exports of the values of a campaign (`docs/exports.md`): CSV or XLSX, long (`finess,item,value`),
//! wide (`finess` then one column per item, catalogue order) or regional (the 331 columns of the
//! official regional export), and XLSX templates prefilled per structure or per managing body.
//!
//! An export is prepared first ([`prepare`]: campaign, caller's scope, filters → the list of
//! structures), then written chunk by chunk ([`CHUNK`] structures per read of forms and values), so a
//! national export never holds more than one chunk of values: CSV is streamed as it is written, XLSX
//! is assembled in memory (the format is a zip). Every export appends one `export` audit entry.

pub mod cells;
pub mod csv_output;
pub mod regional;
mod regional_columns;
pub mod rows;
pub mod template;
pub mod xlsx_output;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::json;
use tdb_domain::contract::Role;
use tdb_domain::{Catalogue, catalogue_for};

use crate::auth::Principal;
use crate::auth::principal::StructureScope;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::exports::{self, ExportFilters, ExportForm, ExportStructure, ExportValue};
use crate::db::repo::{forms, progress};
use crate::db::{DbConnection, DbPool, read_snapshot};
use crate::error::{ApiError, ProblemCode};

/// Structures read per query of forms and values.
pub const CHUNK: usize = 500;

/// Scope a partner client needs to export.
pub const READ: &str = "read";

/// File format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// UTF-8 CSV, `,` separator, `.` decimal point (the default).
    #[default]
    Csv,
    /// Office Open XML workbook, one sheet.
    Xlsx,
}

/// Layout of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `finess` then one column per item code, in catalogue order (the default).
    #[default]
    Wide,
    /// `finess,item,value`: one value per line.
    Long,
    /// The 331 columns of the official regional export, in its order and with its labels.
    Regional,
    /// XLSX template: one sheet per structure, item per line (templates only).
    Template,
}

impl Layout {
    /// The code written in the audit entry.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wide => "wide",
            Self::Long => "long",
            Self::Regional => "regional",
            Self::Template => "template",
        }
    }
}

impl Format {
    /// The code written in the audit entry.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// An export as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Campaign.
    pub year: i32,
    /// File format.
    pub format: Format,
    /// Layout.
    pub layout: Layout,
    /// Filters inside the caller's scope.
    pub filters: ExportFilters,
}

/// Everything an export needs before it writes: who, what, and the structures in order.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The request.
    pub request: Request,
    /// The campaign's catalogue.
    pub catalogue: &'static Catalogue,
    /// Who exports (audit actor).
    pub actor: String,
    /// Role of the caller (audit).
    pub role: Role,
    /// Scope of the caller (audit).
    pub scope: StructureScope,
    /// Audit channel of the caller.
    pub channel: &'static str,
    /// The structures, by FINESS.
    pub structures: Vec<ExportStructure>,
    /// Department names by code.
    pub departments: HashMap<String, String>,
    /// Region names by code.
    pub regions: HashMap<String, String>,
}

/// Resolves an export: the caller may export (a partner needs `read`: 403), the campaign exists
/// (404 `campaign_not_found`), the category filter is known (422), and lists the structures of the
/// caller's scope that match the filters.
pub fn prepare(conn: &mut DbConnection, principal: &Principal, request: Request) -> Result<Plan, ApiError> {
    let mut request = request;
    let (catalogue, structures) = scoped_structures(conn, principal, request.year, &mut request.filters)?;
    let (departments, regions) = progress::territory_names(conn)?;
    Ok(Plan {
        request,
        catalogue,
        actor: principal.subject.clone(),
        role: principal.role,
        scope: principal.scope.clone(),
        channel: principal.channel(),
        structures,
        departments,
        regions,
    })
}

/// The checks and the structure list of an export, shared with every list of values by structure
/// (`GET …/indicators`): a partner needs `read` (403), the campaign must exist (404
/// `campaign_not_found`), the category filter is resolved in place (422 when unknown); then the
/// structures of the caller's scope that match `filters`, by FINESS.
pub fn scoped_structures(
    conn: &mut DbConnection,
    principal: &Principal,
    year: i32,
    filters: &mut ExportFilters,
) -> Result<(&'static Catalogue, Vec<ExportStructure>), ApiError> {
    if principal.role == Role::Partner && !principal.scopes.iter().any(|s| s == READ) {
        return Err(ApiError::Forbidden(
            "Ce client n'a pas le droit « read » : il ne peut pas exporter de valeurs.".to_owned(),
        ));
    }
    if forms::campaign_phase(conn, year)?.is_none() {
        return Err(ApiError::NotFound {
            code: ProblemCode::CampaignNotFound,
            detail: format!("La campagne {year} n'existe pas."),
        });
    }
    let catalogue = catalogue_for(year)?;
    if let Some(category) = &filters.category {
        let resolved = catalogue.resolve_category(category).ok_or_else(|| {
            ApiError::Validation(vec![tdb_domain::contract::FieldError {
                path: "/query/category".to_owned(),
                code: "unknown_category".to_owned(),
                message: format!("Catégorie inconnue « {category} »."),
            }])
        })?;
        filters.category = Some(resolved.as_str().to_owned());
    }
    let structures = exports::structures(conn, &principal.scope, filters)?;
    Ok((catalogue, structures))
}

/// One structure of a chunk: its form (if stored) and its non-empty values by item code.
#[derive(Debug, Clone, Copy)]
pub struct StructureData<'a> {
    /// The structure.
    pub structure: &'a ExportStructure,
    /// Its form of the campaign.
    pub form: Option<&'a ExportForm>,
    /// Its values, sorted by item code.
    pub values: &'a [ExportValue],
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Structures (lines of a wide or regional export, sheets of a template).
    pub structures: u64,
    /// Stored values written.
    pub values: u64,
}

/// What an export does with the structures it reads.
pub trait Visitor {
    /// One structure, in FINESS order.
    fn structure(&mut self, data: StructureData<'_>) -> Result<(), ApiError>;

    /// A chunk of structures is done (a streamed export sends what it wrote).
    fn chunk_done(&mut self) -> Result<(), ApiError> {
        Ok(())
    }
}

/// Reads the plan's structures chunk by chunk (their forms and values in two queries) and hands each
/// structure, in FINESS order, to `visitor`.
pub fn for_each_structure(
    conn: &mut DbConnection,
    plan: &Plan,
    visitor: &mut dyn Visitor,
) -> Result<Counts, ApiError> {
    let mut counts = Counts::default();
    for chunk in plan.structures.chunks(CHUNK) {
        let finess: Vec<&str> = chunk.iter().map(|s| s.finess.as_str()).collect();
        let forms: HashMap<String, ExportForm> = exports::forms_of(conn, plan.request.year, &finess)?
            .into_iter()
            .map(|f| (f.finess.clone(), f))
            .collect();
        let values = exports::values_of(conn, plan.request.year, &finess)?;
        let mut rest = values.as_slice();
        for structure in chunk {
            let end = rest.iter().take_while(|v| v.0 == structure.finess).count();
            let (mine, others) = rest.split_at(end);
            rest = others;
            counts.structures += 1;
            counts.values += mine.len() as u64;
            visitor.structure(StructureData {
                structure,
                form: forms.get(&structure.finess),
                values: mine,
            })?;
        }
        visitor.chunk_done()?;
    }
    Ok(counts)
}

/// The `export` audit entry of a finished (or, when `complete` is false, interrupted) export.
pub fn audit_entry(plan: &Plan, counts: Counts, complete: bool, now: NaiveDateTime) -> NewAuditEntry {
    let filters = &plan.request.filters;
    let detail = json!({
        "role": plan.role.as_str(),
        "scope": format!("{:?}", plan.scope),
        "format": plan.request.format.as_str(),
        "layout": plan.request.layout.as_str(),
        "filters": {
            "category": filters.category,
            "department": filters.department,
            "region": filters.region,
            "organisation": filters.organisation,
            "finess": filters.finess,
        },
        "structures": counts.structures,
        "values": counts.values,
        "complete": complete,
    });
    NewAuditEntry {
        at: now,
        actor: plan.actor.clone(),
        channel: plan.channel.to_owned(),
        action: "export".to_owned(),
        campaign_year: Some(plan.request.year),
        structure_finess: filters.finess.clone(),
        item_code: None,
        old_value: None,
        new_value: None,
        detail: Some(detail.to_string()),
    }
}

/// Streams a CSV export of `plan` through `emit` (one call per chunk of structures; false when the
/// reader is gone), read in one snapshot, then appends its audit entry.
pub fn csv(pool: &DbPool, plan: &Plan, emit: &mut dyn FnMut(Vec<u8>) -> bool) -> Result<Counts, ApiError> {
    let mut conn = pool.get()?;
    let (counts, complete) = read_snapshot(&mut conn, |conn| csv_output::write(conn, plan, emit))?;
    let _turn = pool.write_turn();
    audit::append(&mut conn, &[audit_entry(plan, counts, complete, now())])?;
    Ok(counts)
}

/// Builds an XLSX export of `plan` (a table layout, or a template), read in one snapshot; the caller
/// appends the audit entry ([`audit_entry`]) once it is built.
pub fn xlsx(conn: &mut DbConnection, plan: &Plan) -> Result<(xlsx_output::Built, Counts), ApiError> {
    read_snapshot(conn, |conn| match plan.request.layout {
        Layout::Template => template::write(conn, plan),
        _ => xlsx_output::write(conn, plan),
    })
}

/// The current time, as stored.
pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
