//! Values of a form, one row per item, with provenance and version.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::repo::prepared::KeepPrepared;
use crate::db::schema::form_values;

/// A stored value.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = form_values, treat_none_as_null = true)]
pub struct ValueRow {
    /// Campaign.
    pub campaign_year: i32,
    /// Structure.
    pub structure_finess: String,
    /// Item code.
    pub item_code: String,
    /// The validated value as JSON (`null` when cleared).
    pub value_json: String,
    /// `saisie` or a prefill source.
    pub source: String,
    /// Import batch.
    pub batch_id: Option<String>,
    /// Locked against the structure's changes.
    pub locked: bool,
    /// Value pushed by a partner, kept when overridden.
    pub prefill_value_json: Option<String>,
    /// Source of that pushed value.
    pub prefill_source: Option<String>,
    /// Why the structure overrode it.
    pub override_reason: Option<String>,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub updated_at: NaiveDateTime,
    /// Version of the value.
    pub version: i64,
}

/// Every stored value of a form, by item code. Loaded on the backend's own connection: through the
/// multi-backend wrapper each of the form's ~150 rows × 13 fields is converted twice, and the statement's
/// SQL written again at each load.
pub fn load(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<Vec<ValueRow>> {
    crate::on_backend!(conn, c => form_values::table
        .filter(form_values::campaign_year.eq(year))
        .filter(form_values::structure_finess.eq(finess))
        .select(ValueRow::as_select())
        .order(form_values::item_code)
        .load(c))
}

/// `(item, value JSON)` of a form, for the year-over-year control.
pub fn load_json(conn: &mut DbConnection, year: i32, finess: &str) -> QueryResult<Vec<(String, String)>> {
    form_values::table
        .filter(form_values::campaign_year.eq(year))
        .filter(form_values::structure_finess.eq(finess))
        .select((form_values::item_code, form_values::value_json))
        .load(conn)
}

/// Inserts a new value row.
pub fn insert(conn: &mut DbConnection, row: &ValueRow) -> QueryResult<()> {
    diesel::insert_into(form_values::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Rewrites an existing value row.
pub fn update(conn: &mut DbConnection, row: &ValueRow) -> QueryResult<()> {
    // Loaded (`RETURNING`) on the backend's own connection: only there does diesel ask `KeepPrepared`
    // itself whether the statement may be kept. Executed, or through the multi-backend wrapper, it asks
    // a reference to it, whose default answer walks the UPDATE (never).
    crate::on_backend!(conn, c => KeepPrepared(
        diesel::update(
            form_values::table
                .filter(form_values::campaign_year.eq(row.campaign_year))
                .filter(form_values::structure_finess.eq(&row.structure_finess))
                .filter(form_values::item_code.eq(&row.item_code)),
        )
        .set(row)
        .returning(form_values::version),
    )
    .get_results::<i64>(c))
    .map(drop)
}
