//! Written justifications of failing alerts, one row per alert key of a form.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::justifications;

/// A stored justification.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = justifications)]
pub struct JustificationRow {
    /// Campaign.
    pub campaign_year: i32,
    /// Structure.
    pub structure_finess: String,
    /// Control code or `variation_annuelle.<indicator>`.
    pub control_key: String,
    /// The text.
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub updated_at: NaiveDateTime,
}

/// Every justification of a form, by key.
pub fn load(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<Vec<JustificationRow>> {
    justifications::table
        .filter(justifications::campaign_year.eq(year))
        .filter(justifications::structure_finess.eq(finess))
        .select(JustificationRow::as_select())
        .order(justifications::control_key)
        .load(conn)
}

/// Removes one justification; returns whether it existed.
pub fn delete(conn: &mut DbConnection, year: i32, finess: &str, key: &str) -> QueryResult<bool> {
    let n = diesel::delete(justifications::table.find((year, finess, key))).execute(conn)?;
    Ok(n == 1)
}

/// Writes a justification (replacing the previous text of the key).
pub fn put(conn: &mut DbConnection, row: &JustificationRow) -> QueryResult<()> {
    delete(conn, row.campaign_year, &row.structure_finess, &row.control_key)?;
    diesel::insert_into(justifications::table)
        .values(row)
        .execute(conn)
        .map(drop)
}
