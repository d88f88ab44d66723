//! Managing bodies (organismes gestionnaires): reads scoped through their structures, inserts.

use diesel::prelude::*;

use super::scope::StructureFilter;
use crate::db::DbConnection;
use crate::db::schema::{organisations, structures};

/// A stored managing body.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    /// FINESS EJ.
    pub finess: String,
    /// Name.
    pub name: String,
    /// `public`, `prive_non_lucratif` or `prive_commercial`.
    pub legal_status: String,
}

/// The managing body `finess`, whoever may see it.
pub fn find(conn: &mut DbConnection, finess: &str) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .find(finess.to_owned())
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()
}

/// Number of structures of `finess` visible under `visible`.
pub fn visible_structure_count(
    conn: &mut DbConnection,
    visible: StructureFilter,
    finess: &str,
) -> QueryResult<i64> {
    structures::table
        .filter(visible)
        .filter(structures::organisation_finess.eq(finess.to_owned()))
        .count()
        .get_result(conn)
}

/// Inserts a managing body.
pub fn insert(conn: &mut DbConnection, row: &OrganisationRow) -> QueryResult<()> {
    diesel::insert_into(organisations::table)
        .values(row)
        .execute(conn)
        .map(drop)
}
