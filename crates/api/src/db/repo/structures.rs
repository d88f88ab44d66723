//! Structures: scoped, filtered pages; reads by FINESS; inserts; versioned updates.
//!
//! Every read takes the caller's [`StructureFilter`] (see [`super::scope`]); names of managing bodies
//! and territories are fetched for the rows of the page only.

use std::collections::HashMap;

use chrono::{NaiveDateTime, SecondsFormat};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use tdb_domain::contract::{Authority, FormState, Funder, Structure, StructureForm};

use super::scope::{Db, StructureFilter};
use super::stored;
use crate::db::DbConnection;
use crate::db::schema::{departments, forms, organisations, regions, structures};

diesel::define_sql_function! {
    /// SQL `lower(text)`, on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A stored structure.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = structures, treat_none_as_default_value = false)]
pub struct StructureRow {
    /// FINESS ET.
    pub finess: String,
    /// Name.
    pub name: String,
    /// Category code.
    pub category: String,
    /// Managing body.
    pub organisation_finess: String,
    /// Department.
    pub department_code: String,
    /// Region (from the department).
    pub region_code: String,
    /// City.
    pub city: String,
    /// `ARS`, `CD` or `ARS_CD`.
    pub competence: String,
    /// Opening date.
    pub opening_date: Option<String>,
    /// Active flag.
    pub active: bool,
    /// Version.
    pub version: i64,
    /// Day the structure left the FINESS file, when it is closed.
    pub closed_on: Option<String>,
}

/// The state of the form of one campaign that a list asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormStateFilter {
    /// Campaign year.
    pub campaign: i32,
    /// Form state; `non_commence` also matches structures without a form.
    pub state: FormState,
}

/// The submitted forms of one campaign whose validation by an authority is still awaited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitingFilter {
    /// Campaign year.
    pub campaign: i32,
    /// The authority whose validation is awaited; `None` (a caller who validates nothing) matches
    /// no structure.
    pub authority: Option<Authority>,
}

/// Filters of a structure list (all optional, combined with AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StructureFilters {
    /// Resolved category code.
    pub category: Option<String>,
    /// Department code.
    pub department: Option<String>,
    /// Region code.
    pub region: Option<String>,
    /// Managing body (FINESS EJ).
    pub organisation: Option<String>,
    /// State of the form of a campaign.
    pub form_state: Option<FormStateFilter>,
    /// Submitted forms of a campaign awaiting an authority's validation.
    pub awaiting: Option<AwaitingFilter>,
    /// Text in the name (case-insensitive) or start of the FINESS.
    pub q: Option<String>,
    /// Order of the page.
    pub sort: StructureSort,
}

/// The order of a structure list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StructureSort {
    /// By FINESS.
    #[default]
    Finess,
    /// The forms of `campaign` with the most alerts first, then by FINESS; structures without a form
    /// of `campaign` last, by FINESS.
    Alerts {
        /// Campaign year.
        campaign: i32,
    },
}

/// Category, department, region and managing body of a list of structures (each optional, combined
/// with AND): the filters the structure list shares with the exports and the indicator table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Territory<'a> {
    /// Resolved category code.
    pub category: Option<&'a str>,
    /// Department code.
    pub department: Option<&'a str>,
    /// Region code.
    pub region: Option<&'a str>,
    /// Managing body (FINESS EJ).
    pub organisation: Option<&'a str>,
}

/// The condition of `territory` on any query source where `structures` appears; `None` when it
/// filters nothing.
pub fn territory_filter_in<QS>(
    territory: Territory<'_>,
) -> Option<Box<dyn BoxableExpression<QS, Db, SqlType = Bool>>>
where
    QS: 'static,
    structures::category: SelectableExpression<QS>,
    structures::department_code: SelectableExpression<QS>,
    structures::region_code: SelectableExpression<QS>,
    structures::organisation_finess: SelectableExpression<QS>,
{
    let mut conditions: Vec<Box<dyn BoxableExpression<QS, Db, SqlType = Bool>>> = Vec::new();
    if let Some(category) = territory.category {
        conditions.push(Box::new(structures::category.eq(category.to_owned())));
    }
    if let Some(department) = territory.department {
        conditions.push(Box::new(structures::department_code.eq(department.to_owned())));
    }
    if let Some(region) = territory.region {
        conditions.push(Box::new(structures::region_code.eq(region.to_owned())));
    }
    if let Some(organisation) = territory.organisation {
        conditions.push(Box::new(
            structures::organisation_finess.eq(organisation.to_owned()),
        ));
    }
    conditions.into_iter().reduce(|all, next| Box::new(all.and(next)))
}

impl StructureFilters {
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

fn filtered<'a>(visible: StructureFilter, filters: &StructureFilters) -> structures::BoxedQuery<'a, Db> {
    let mut query = structures::table.filter(visible).into_boxed();
    if let Some(condition) = territory_filter_in(filters.territory()) {
        query = query.filter(condition);
    }
    if let Some(FormStateFilter { campaign, state }) = &filters.form_state {
        let of_campaign = forms::table.filter(forms::campaign_year.eq(*campaign));
        query = if *state == FormState::NonCommence {
            query.filter(
                structures::finess.ne_all(
                    of_campaign
                        .filter(forms::state.ne(FormState::NonCommence.as_str()))
                        .select(forms::structure_finess),
                ),
            )
        } else {
            query.filter(
                structures::finess.eq_any(
                    of_campaign
                        .filter(forms::state.eq(state.as_str()))
                        .select(forms::structure_finess),
                ),
            )
        };
    }
    if let Some(AwaitingFilter { campaign, authority }) = &filters.awaiting {
        let submitted = forms::table
            .filter(forms::campaign_year.eq(*campaign))
            .filter(forms::state.eq(FormState::Soumis.as_str()));
        query = match authority {
            Some(Authority::Ars) => query.filter(
                structures::finess.eq_any(
                    submitted
                        .filter(forms::ars_validated_at.is_null())
                        .select(forms::structure_finess),
                ),
            ),
            Some(Authority::Cd) => query.filter(
                structures::finess.eq_any(
                    submitted
                        .filter(forms::cd_validated_at.is_null())
                        .select(forms::structure_finess),
                ),
            ),
            // A FINESS is never null: nothing matches.
            None => query.filter(structures::finess.is_null()),
        };
    }
    if let Some(q) = &filters.q {
        let escaped = q
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(
            lower(structures::name)
                .like(format!("%{escaped}%"))
                .escape('\\')
                .or(structures::finess.like(format!("{escaped}%")).escape('\\')),
        );
    }
    query
}

/// One page of the visible structures matching `filters`, in the order of [`StructureSort`], with the
/// total count; each with its form of the campaign the filters or the order name.
pub fn list(
    conn: &mut DbConnection,
    visible: impl Fn() -> StructureFilter,
    filters: &StructureFilters,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Structure>, i64)> {
    let total = filtered(visible(), filters).count().get_result(conn)?;
    let rows: Vec<StructureRow> = match filters.sort {
        StructureSort::Finess => filtered(visible(), filters)
            .select(StructureRow::as_select())
            .order(structures::finess)
            .offset(offset)
            .limit(limit)
            .load(conn)?,
        StructureSort::Alerts { campaign } => {
            // The alert count of the structure's form of `campaign`, -1 without one (last). The
            // campaign is an integer, written into the statement: nothing of the caller's text.
            let alerts = diesel::dsl::sql::<diesel::sql_types::Integer>(&format!(
                "COALESCE((SELECT forms.alert_count FROM forms WHERE forms.structure_finess = \
                 structures.finess AND forms.campaign_year = {campaign}), -1)"
            ));
            filtered(visible(), filters)
                .select(StructureRow::as_select())
                .order((alerts.desc(), structures::finess))
                .offset(offset)
                .limit(limit)
                .load(conn)?
        }
    };
    let mut items = with_names(conn, rows)?;
    let campaign = filters
        .form_state
        .as_ref()
        .map(|f| f.campaign)
        .or(filters.awaiting.as_ref().map(|a| a.campaign))
        .or(match filters.sort {
            StructureSort::Alerts { campaign } => Some(campaign),
            StructureSort::Finess => None,
        });
    if let Some(campaign) = campaign {
        attach_forms(conn, campaign, &mut items)?;
    }
    Ok((items, total))
}

/// Sets the [`StructureForm`] of campaign `year` of each structure that has a form row.
fn attach_forms(conn: &mut DbConnection, year: i32, items: &mut [Structure]) -> QueryResult<()> {
    let finesses: Vec<&str> = items.iter().map(|s| s.finess.as_str()).collect();
    let rows: Vec<(String, String, f64, i32, Option<NaiveDateTime>)> = forms::table
        .filter(forms::campaign_year.eq(year))
        .filter(forms::structure_finess.eq_any(finesses))
        .select((
            forms::structure_finess,
            forms::state,
            forms::completion_rate,
            forms::alert_count,
            forms::submitted_at,
        ))
        .load(conn)?;
    let mut by_finess: HashMap<String, StructureForm> = HashMap::new();
    for (finess, state, completion_rate, alert_count, submitted_at) in rows {
        let state = stored::parse(state)?;
        by_finess.insert(
            finess,
            StructureForm {
                state,
                completion_rate,
                alert_count: u32::try_from(alert_count).unwrap_or(0),
                submitted_at: submitted_at.map(|at| at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)),
            },
        );
    }
    for item in items {
        item.form = by_finess.remove(&item.finess);
    }
    Ok(())
}

/// The stored row of a structure visible under `visible`.
pub fn find_visible(
    conn: &mut DbConnection,
    visible: StructureFilter,
    finess: &str,
) -> QueryResult<Option<StructureRow>> {
    structures::table
        .filter(visible)
        .filter(structures::finess.eq(finess.to_owned()))
        .select(StructureRow::as_select())
        .first(conn)
        .optional()
}

/// Whether a structure with this FINESS exists (whoever may see it).
pub fn exists(conn: &mut DbConnection, finess: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(structures::table.find(finess.to_owned()))).get_result(conn)
}

/// Inserts a new structure.
pub fn insert(conn: &mut DbConnection, row: &StructureRow) -> QueryResult<()> {
    diesel::insert_into(structures::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Replaces a structure if its stored version is `expected_version` (the new row carries the next
/// version); false when the version is stale.
pub fn update(conn: &mut DbConnection, row: &StructureRow, expected_version: i64) -> QueryResult<bool> {
    let changed = diesel::update(
        structures::table
            .filter(structures::finess.eq(row.finess.clone()))
            .filter(structures::version.eq(expected_version)),
    )
    .set((
        structures::name.eq(row.name.clone()),
        structures::category.eq(row.category.clone()),
        structures::organisation_finess.eq(row.organisation_finess.clone()),
        structures::department_code.eq(row.department_code.clone()),
        structures::region_code.eq(row.region_code.clone()),
        structures::city.eq(row.city.clone()),
        structures::competence.eq(row.competence.clone()),
        structures::opening_date.eq(row.opening_date.clone()),
        structures::active.eq(row.active),
        structures::version.eq(row.version),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The region of a department, if the department exists.
pub fn department_region(conn: &mut DbConnection, department: &str) -> QueryResult<Option<String>> {
    departments::table
        .find(department.to_owned())
        .select(departments::region_code)
        .first(conn)
        .optional()
}

/// Adds the names of managing bodies and territories to stored rows.
pub fn with_names(conn: &mut DbConnection, rows: Vec<StructureRow>) -> QueryResult<Vec<Structure>> {
    let organisation_codes: Vec<String> = rows.iter().map(|r| r.organisation_finess.clone()).collect();
    let organisation_names: HashMap<String, String> = organisations::table
        .filter(organisations::finess.eq_any(organisation_codes))
        .select((organisations::finess, organisations::name))
        .load(conn)?
        .into_iter()
        .collect();
    let department_names: HashMap<String, String> = departments::table
        .select((departments::code, departments::name))
        .load(conn)?
        .into_iter()
        .collect();
    let region_names: HashMap<String, String> = regions::table
        .select((regions::code, regions::name))
        .load(conn)?
        .into_iter()
        .collect();
    let name_of = |map: &HashMap<String, String>, code: &str| map.get(code).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|row| Structure {
            organisation_name: name_of(&organisation_names, &row.organisation_finess),
            department_name: name_of(&department_names, &row.department_code),
            region_name: name_of(&region_names, &row.region_code),
            competence: parse_competence(&row.competence),
            finess: row.finess,
            name: row.name,
            category: row.category,
            organisation_finess: row.organisation_finess,
            department_code: row.department_code,
            region_code: row.region_code,
            city: row.city,
            opening_date: row.opening_date,
            active: row.active,
            closed_on: row.closed_on,
            version: row.version,
            form: None,
        })
        .collect())
}

/// The stored code of a competence.
pub fn competence_code(funder: Funder) -> &'static str {
    match funder {
        Funder::Ars => "ARS",
        Funder::Cd => "CD",
        Funder::ArsCd => "ARS_CD",
    }
}

fn parse_competence(code: &str) -> Funder {
    match code {
        "ARS" => Funder::Ars,
        "CD" => Funder::Cd,
        _ => Funder::ArsCd,
    }
}

/// `(finess, organisation)` of every structure visible under `scope`.
pub fn visible_with_bodies(
    conn: &mut DbConnection,
    scope: &crate::auth::principal::StructureScope,
) -> QueryResult<Vec<(String, String)>> {
    structures::table
        .filter(crate::db::repo::scope::visible_structures(scope))
        .select((structures::finess, structures::organisation_finess))
        .load(conn)
}

/// Which of `finess` exist.
pub fn existing(conn: &mut DbConnection, finess: &[String]) -> QueryResult<Vec<String>> {
    structures::table
        .filter(structures::finess.eq_any(finess))
        .select(structures::finess)
        .load(conn)
}
