//! Reads of the exports: the structures a caller may export (with their managing body), and the forms
//! and stored values of a chunk of them. Read-only; the caller's scope is applied to the structures.

use diesel::prelude::*;
use tdb_domain::contract::FormState;

use super::scope::visible_structures_in;
use super::stored;
use super::structures::{Territory, territory_filter_in};
use crate::auth::principal::StructureScope;
use crate::db::DbConnection;
use crate::db::schema::{form_values, forms, organisations, structures};

/// Filters of an export (all optional, combined with AND), inside the caller's scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilters {
    /// Resolved category code.
    pub category: Option<String>,
    /// Department code.
    pub department: Option<String>,
    /// Region code.
    pub region: Option<String>,
    /// Managing body (FINESS EJ).
    pub organisation: Option<String>,
    /// One structure (FINESS ET).
    pub finess: Option<String>,
}

impl ExportFilters {
    /// The category, department, region and managing body among these filters.
    pub fn territory(&self) -> Territory<'_> {
        Territory {
            category: self.category.as_deref(),
            department: self.department.as_deref(),
            region: self.region.as_deref(),
            organisation: self.organisation.as_deref(),
        }
    }
}

/// A structure of an export, with its managing body.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ExportStructure {
    /// FINESS ET.
    pub finess: String,
    /// Name.
    pub name: String,
    /// Category code.
    pub category: String,
    /// City.
    pub city: String,
    /// Department code.
    pub department_code: String,
    /// Region code.
    pub region_code: String,
    /// FINESS EJ of the managing body.
    pub organisation_finess: String,
    /// Name of the managing body.
    pub organisation_name: String,
}

/// The workflow columns of a form that an export shows.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ExportForm {
    /// Structure.
    pub finess: String,
    /// Workflow state.
    #[diesel(deserialize_as = String)]
    pub state: FormState,
    /// Whether the ARS validated it.
    pub ars_validated: bool,
    /// Whether the CD validated it.
    pub cd_validated: bool,
}

/// A stored value: structure, item, value as JSON, source, last change.
pub type ExportValue = (String, String, String, String, chrono::NaiveDateTime);

/// The structures of `scope` that match `filters`, by FINESS.
pub fn structures(
    conn: &mut DbConnection,
    scope: &StructureScope,
    filters: &ExportFilters,
) -> QueryResult<Vec<ExportStructure>> {
    let mut query = structures::table
        .inner_join(organisations::table)
        .filter(visible_structures_in(scope))
        .into_boxed();
    if let Some(condition) = territory_filter_in(filters.territory()) {
        query = query.filter(condition);
    }
    if let Some(finess) = &filters.finess {
        query = query.filter(structures::finess.eq(finess.clone()));
    }
    query
        .select((
            structures::finess,
            structures::name,
            structures::category,
            structures::city,
            structures::department_code,
            structures::region_code,
            structures::organisation_finess,
            organisations::name,
        ))
        .order(structures::finess)
        .load(conn)
}

/// The forms of campaign `year` of the structures `finess`.
pub fn forms_of(conn: &mut DbConnection, year: i32, finess: &[&str]) -> QueryResult<Vec<ExportForm>> {
    forms::table
        .filter(forms::campaign_year.eq(year))
        .filter(forms::structure_finess.eq_any(finess))
        .select((
            forms::structure_finess,
            forms::state,
            forms::ars_validated_at.is_not_null(),
            forms::cd_validated_at.is_not_null(),
        ))
        .load(conn)
}

/// The non-empty stored values of campaign `year` of the structures `finess`, by structure then item.
pub fn values_of(conn: &mut DbConnection, year: i32, finess: &[&str]) -> QueryResult<Vec<ExportValue>> {
    form_values::table
        .filter(form_values::campaign_year.eq(year))
        .filter(form_values::structure_finess.eq_any(finess))
        .filter(form_values::value_json.ne("null"))
        .select((
            form_values::structure_finess,
            form_values::item_code,
            form_values::value_json,
            form_values::source,
            form_values::updated_at,
        ))
        .order((form_values::structure_finess, form_values::item_code))
        .load(conn)
}

/// State and cached completion rate of the forms of campaign `year` of the structures `finess`.
pub fn completion_of(
    conn: &mut DbConnection,
    year: i32,
    finess: &[&str],
) -> QueryResult<Vec<(String, FormState, f64)>> {
    forms::table
        .filter(forms::campaign_year.eq(year))
        .filter(forms::structure_finess.eq_any(finess))
        .select((forms::structure_finess, forms::state, forms::completion_rate))
        .load::<(String, String, f64)>(conn)?
        .into_iter()
        .map(|(finess, code, rate)| Ok((finess, stored::parse(code)?, rate)))
        .collect()
}
