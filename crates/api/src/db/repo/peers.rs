//! Peer statistics inputs: the per-form cache of indicator values, the data stamp of a campaign, and
//! the frozen snapshots of campaigns in `restitution`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::DbConnection;
use crate::db::schema::{
    benchmark_snapshot_inputs, benchmark_snapshots, form_values, forms, peer_inputs, structures,
};

/// Rows per multi-row INSERT (7 bound values each).
const BATCH: usize = 500;

/// A form of a live campaign with its structure, and its cached inputs when there are any.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct LiveRow {
    /// FINESS ET.
    pub finess: String,
    /// Category code.
    pub category: String,
    /// Region code.
    pub region_code: String,
    /// Department code.
    pub department_code: String,
    /// Version of the form.
    pub form_version: i64,
    /// Version of the structure.
    pub structure_version: i64,
    /// Cached inputs: `(form version, structure version, reached, values JSON)`.
    pub cached: Option<(i64, i64, bool, String)>,
}

/// A cached row, as written.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = peer_inputs)]
pub struct PeerInputRow {
    /// Campaign.
    pub campaign_year: i32,
    /// Structure.
    pub structure_finess: String,
    /// Form version computed from.
    pub form_version: i64,
    /// Structure version computed under.
    pub structure_version: i64,
    /// Completion threshold reached.
    pub reached: bool,
    /// Indicator values (JSON array).
    pub values_json: String,
}

/// A frozen row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = benchmark_snapshot_inputs)]
pub struct SnapshotRow {
    /// Campaign.
    pub campaign_year: i32,
    /// Structure.
    pub structure_finess: String,
    /// Category.
    pub category: String,
    /// Region.
    pub region_code: String,
    /// Department.
    pub department_code: String,
    /// Completion threshold reached.
    pub reached: bool,
    /// Indicator values (JSON array).
    pub values_json: String,
}

/// What the statistics of a live campaign are computed from, in four numbers: any write to a form or
/// a structure changes one of them (versions only grow; counts catch insertions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct LiveStamp {
    /// Forms of the campaign.
    #[diesel(sql_type = BigInt)]
    pub forms: i64,
    /// Sum of their versions.
    #[diesel(sql_type = BigInt)]
    pub form_versions: i64,
    /// Structures.
    #[diesel(sql_type = BigInt)]
    pub structures: i64,
    /// Sum of their versions.
    #[diesel(sql_type = BigInt)]
    pub structure_versions: i64,
}

/// The [`LiveStamp`] of campaign `year`.
pub fn live_stamp(conn: &mut DbConnection, year: i32) -> QueryResult<LiveStamp> {
    diesel::sql_query(
        "SELECT (SELECT COUNT(*) FROM forms WHERE campaign_year = $1) AS forms, \
         (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM forms WHERE campaign_year = $1) AS form_versions, \
         (SELECT COUNT(*) FROM structures) AS structures, \
         (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM structures) AS structure_versions",
    )
    .bind::<diesel::sql_types::Integer, _>(year)
    .get_result(conn)
}

/// Every form of campaign `year` with its structure and cached inputs, by FINESS.
pub fn live_rows(conn: &mut DbConnection, year: i32) -> QueryResult<Vec<LiveRow>> {
    forms::table
        .inner_join(structures::table)
        .left_join(
            peer_inputs::table.on(peer_inputs::campaign_year
                .eq(forms::campaign_year)
                .and(peer_inputs::structure_finess.eq(forms::structure_finess))),
        )
        .filter(forms::campaign_year.eq(year))
        .select((
            structures::finess,
            structures::category,
            structures::region_code,
            structures::department_code,
            forms::version,
            structures::version,
            (
                peer_inputs::form_version,
                peer_inputs::structure_version,
                peer_inputs::reached,
                peer_inputs::values_json,
            )
                .nullable(),
        ))
        .order(structures::finess)
        .load(conn)
}

/// `(structure, item, value JSON)` of the forms of `finess` for campaign `year`, by structure.
pub fn values_of(
    conn: &mut DbConnection,
    year: i32,
    finess: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    form_values::table
        .filter(form_values::campaign_year.eq(year))
        .filter(form_values::structure_finess.eq_any(finess))
        .select((
            form_values::structure_finess,
            form_values::item_code,
            form_values::value_json,
        ))
        .order(form_values::structure_finess)
        .load(conn)
}

/// Replaces the cached rows of the same forms.
pub fn store(conn: &mut DbConnection, rows: &[PeerInputRow]) -> QueryResult<()> {
    for batch in rows.chunks(BATCH) {
        let Some(year) = batch.first().map(|r| r.campaign_year) else {
            continue;
        };
        let finess: Vec<&str> = batch.iter().map(|r| r.structure_finess.as_str()).collect();
        diesel::delete(
            peer_inputs::table
                .filter(peer_inputs::campaign_year.eq(year))
                .filter(peer_inputs::structure_finess.eq_any(finess)),
        )
        .execute(conn)?;
        crate::on_backend!(&mut *conn, c => diesel::insert_into(peer_inputs::table).values(batch).execute(c))?;
    }
    Ok(())
}

/// When the figures of campaign `year` were frozen, if they are.
pub fn frozen_at(conn: &mut DbConnection, year: i32) -> QueryResult<Option<NaiveDateTime>> {
    benchmark_snapshots::table
        .find(year)
        .select(benchmark_snapshots::frozen_at)
        .first(conn)
        .optional()
}

/// Freezes campaign `year` with `rows`, unless it is already frozen; true when written.
pub fn freeze(
    conn: &mut DbConnection,
    year: i32,
    at: NaiveDateTime,
    rows: &[SnapshotRow],
) -> QueryResult<bool> {
    if frozen_at(conn, year)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(benchmark_snapshots::table)
        .values((
            benchmark_snapshots::campaign_year.eq(year),
            benchmark_snapshots::frozen_at.eq(at),
            benchmark_snapshots::structures.eq(i32::try_from(rows.len()).unwrap_or(i32::MAX)),
        ))
        .execute(conn)?;
    for batch in rows.chunks(BATCH) {
        crate::on_backend!(&mut *conn, c => diesel::insert_into(benchmark_snapshot_inputs::table).values(batch).execute(c))?;
    }
    Ok(true)
}

/// The frozen rows of campaign `year`, by FINESS.
pub fn snapshot(conn: &mut DbConnection, year: i32) -> QueryResult<Vec<SnapshotRow>> {
    benchmark_snapshot_inputs::table
        .filter(benchmark_snapshot_inputs::campaign_year.eq(year))
        .select(SnapshotRow::as_select())
        .order(benchmark_snapshot_inputs::structure_finess)
        .load(conn)
}

/// Whether a region with this code exists.
pub fn region_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    use crate::db::schema::regions;
    diesel::select(diesel::dsl::exists(regions::table.find(code.to_owned()))).get_result(conn)
}
