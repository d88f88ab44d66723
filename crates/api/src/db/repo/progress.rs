//! Campaign monitoring: form counts per department, computed by the database (GROUP BY), within the
//! caller's scope. Region figures are sums of department figures (a department lies in one region).

use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use tdb_domain::contract::FormState;

use super::scope::{visible_structures, visible_structures_in};
use super::stored;
use crate::auth::principal::StructureScope;
use crate::db::DbConnection;
use crate::db::schema::{forms, structures};

diesel::allow_columns_to_appear_in_same_group_by_clause!(structures::department_code, forms::state);

/// Figures of one department.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepartmentFigures {
    /// Department code.
    pub department: String,
    /// Its region.
    pub region: String,
    /// Structures in scope.
    pub structures: i64,
    /// `(state, forms, sum of completion rates)` per form state.
    pub states: Vec<(FormState, i64, f64)>,
    /// Forms reaching the completion threshold.
    pub threshold_reached: i64,
}

/// Per-department figures of campaign `year` for the structures of `scope`, by department code.
pub fn by_department(
    conn: &mut DbConnection,
    scope: &StructureScope,
    year: i32,
    threshold_percent: i32,
) -> QueryResult<Vec<DepartmentFigures>> {
    let counts: Vec<(String, String, i64)> = structures::table
        .filter(visible_structures(scope))
        .group_by((structures::department_code, structures::region_code))
        .select((structures::department_code, structures::region_code, count_star()))
        .order(structures::department_code)
        .load(conn)?;
    let states: Vec<(String, FormState, i64, Option<f64>)> = forms::table
        .inner_join(structures::table)
        .filter(visible_structures_in(scope))
        .filter(forms::campaign_year.eq(year))
        .group_by((structures::department_code, forms::state))
        .select((
            structures::department_code,
            forms::state,
            count_star(),
            sum(forms::completion_rate),
        ))
        .load::<(String, String, i64, Option<f64>)>(conn)?
        .into_iter()
        .map(|(department, code, n, rates)| Ok((department, stored::parse(code)?, n, rates)))
        .collect::<QueryResult<_>>()?;
    let reached: Vec<(String, i64)> = forms::table
        .inner_join(structures::table)
        .filter(visible_structures_in(scope))
        .filter(forms::campaign_year.eq(year))
        .filter((forms::filled * 100).ge(forms::required * threshold_percent))
        .group_by(structures::department_code)
        .select((structures::department_code, count_star()))
        .load(conn)?;
    Ok(counts
        .into_iter()
        .map(|(department, region, structures)| DepartmentFigures {
            states: states
                .iter()
                .filter(|(d, ..)| *d == department)
                .map(|(_, state, n, rates)| (*state, *n, rates.unwrap_or(0.0)))
                .collect(),
            threshold_reached: reached
                .iter()
                .find(|(d, _)| *d == department)
                .map_or(0, |(_, n)| *n),
            department,
            region,
            structures,
        })
        .collect())
}

/// `(category code, structures)` of the structures of `scope`, by code.
pub fn by_category(conn: &mut DbConnection, scope: &StructureScope) -> QueryResult<Vec<(String, i64)>> {
    structures::table
        .filter(visible_structures(scope))
        .group_by(structures::category)
        .select((structures::category, count_star()))
        .order(structures::category)
        .load(conn)
}

/// Names of every department and region, by code.
pub fn territory_names(
    conn: &mut DbConnection,
) -> QueryResult<(
    std::collections::HashMap<String, String>,
    std::collections::HashMap<String, String>,
)> {
    use crate::db::schema::{departments, regions};
    let departments = departments::table
        .select((departments::code, departments::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let regions = regions::table
        .select((regions::code, regions::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok((departments, regions))
}
