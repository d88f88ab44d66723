//! The structure filter every scoped query applies: resolved once per request from the caller.

use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::auth::principal::StructureScope;
use crate::db::DbConnection;
use crate::db::schema::structures;

/// The SQL backend of [`DbConnection`] (SQLite or PostgreSQL, chosen at run time).
pub type Db = <DbConnection as Connection>::Backend;

/// A boolean condition on `structures`, true for the structures a caller may see.
pub type StructureFilter = Box<dyn BoxableExpression<structures::table, Db, SqlType = Bool>>;

/// Competences an ARS officer sees.
const ARS_COMPETENCES: [&str; 2] = ["ARS", "ARS_CD"];
/// Competences a CD officer sees.
const CD_COMPETENCES: [&str; 2] = ["CD", "ARS_CD"];

/// Whether `scope` sees the structure `finess` without reading its row: `Some` for a list of
/// structures, every structure or none; `None` when it depends on the row (managing body, region,
/// department). A statement on one structure then leaves the scope's condition out when it is decided:
/// the statement keeps one static shape, which diesel prepares once without writing its SQL again at
/// each request (a boxed condition has no static identity: its SQL is rebuilt to look the statement up).
pub fn decided(scope: &StructureScope, finess: &str) -> Option<bool> {
    match scope {
        StructureScope::Structures(list) => Some(list.iter().any(|f| f == finess)),
        StructureScope::All => Some(true),
        StructureScope::Nothing => Some(false),
        StructureScope::Organisation(_) | StructureScope::ArsRegion(_) | StructureScope::CdDepartment(_) => {
            None
        }
    }
}

/// The structures visible under `scope`.
pub fn visible_structures(scope: &StructureScope) -> StructureFilter {
    visible_structures_in::<structures::table>(scope)
}

/// The same condition on any query source where `structures` appears (a join with `forms`, for
/// grouped counts): one definition of the scope for every query.
pub fn visible_structures_in<QS>(scope: &StructureScope) -> Box<dyn BoxableExpression<QS, Db, SqlType = Bool>>
where
    QS: 'static,
    structures::finess: SelectableExpression<QS>,
    structures::organisation_finess: SelectableExpression<QS>,
    structures::region_code: SelectableExpression<QS>,
    structures::department_code: SelectableExpression<QS>,
    structures::competence: SelectableExpression<QS>,
{
    match scope {
        // One structure (most `esms` tokens): an equality, so the statement keeps one shape and SQLite
        // reuses its prepared form (an `IN` list is prepared again for each length).
        StructureScope::Structures(finess) if finess.len() == 1 => {
            Box::new(structures::finess.eq(finess[0].clone()))
        }
        StructureScope::Structures(finess) => Box::new(structures::finess.eq_any(finess.clone())),
        StructureScope::Organisation(organisation) => {
            Box::new(structures::organisation_finess.eq(organisation.clone()))
        }
        StructureScope::ArsRegion(region) => Box::new(
            structures::region_code
                .eq(region.clone())
                .and(structures::competence.eq_any(ARS_COMPETENCES)),
        ),
        StructureScope::CdDepartment(department) => Box::new(
            structures::department_code
                .eq(department.clone())
                .and(structures::competence.eq_any(CD_COMPETENCES)),
        ),
        StructureScope::All => Box::new(structures::finess.is_not_null()),
        StructureScope::Nothing => Box::new(structures::finess.is_null()),
    }
}
