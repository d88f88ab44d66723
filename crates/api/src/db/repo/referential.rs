//! The FINESS referential: what an import compares against (every structure, every managing body, the
//! departments) and its writes (batched inserts, whole-row replacements).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use super::organisations::OrganisationRow;
use super::structures::StructureRow;
use crate::db::DbConnection;
use crate::db::schema::{departments, organisations, structures};

/// Rows per multi-row insert.
const BATCH: usize = 500;

/// Region of every department, by department code.
pub fn department_regions(conn: &mut DbConnection) -> QueryResult<HashMap<String, String>> {
    Ok(departments::table
        .select((departments::code, departments::region_code))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// Every stored structure (open or closed), by FINESS ET.
pub fn all_structures(conn: &mut DbConnection) -> QueryResult<HashMap<String, StructureRow>> {
    Ok(structures::table
        .select(StructureRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| (row.finess.clone(), row))
        .collect())
}

/// The FINESS EJ of every stored managing body.
pub fn organisation_ids(conn: &mut DbConnection) -> QueryResult<HashSet<String>> {
    Ok(organisations::table
        .select(organisations::finess)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Inserts managing bodies, several per statement.
pub fn insert_organisations(conn: &mut DbConnection, rows: &[OrganisationRow]) -> QueryResult<()> {
    for batch in rows.chunks(BATCH) {
        crate::on_backend!(&mut *conn, c => diesel::insert_into(organisations::table).values(batch).execute(c))?;
    }
    Ok(())
}

/// Inserts structures, several per statement.
pub fn insert_structures(conn: &mut DbConnection, rows: &[StructureRow]) -> QueryResult<()> {
    for batch in rows.chunks(BATCH) {
        crate::on_backend!(&mut *conn, c => diesel::insert_into(structures::table).values(batch).execute(c))?;
    }
    Ok(())
}

/// Replaces every column of a stored structure (the row carries its next version).
pub fn replace_structure(conn: &mut DbConnection, row: &StructureRow) -> QueryResult<()> {
    diesel::update(structures::table.find(row.finess.clone()))
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
            structures::closed_on.eq(row.closed_on.clone()),
        ))
        .execute(conn)
        .map(drop)
}
