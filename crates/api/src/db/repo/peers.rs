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
    /// Cached inputs: `(form version, structure version, reached, packed values)`.
    pub cached: Option<(i64, i64, bool, Vec<u8>)>,
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
    /// Indicator values, packed by [`pack_values`].
    pub values_f64: Vec<u8>,
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

/// Packs indicator values for [`PeerInputRow::values_f64`]: 8 bytes little-endian per value, NaN
/// for none (an `ok` indicator value is finite).
pub fn pack_values(values: &[Option<f64>]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|v| v.unwrap_or(f64::NAN).to_le_bytes())
        .collect()
}

/// Unpacks what [`pack_values`] packed; `None` when the length is not a multiple of 8.
pub fn unpack_values(packed: &[u8]) -> Option<Vec<Option<f64>>> {
    let chunks = packed.chunks_exact(8);
    if !chunks.remainder().is_empty() {
        return None;
    }
    Some(
        chunks
            .map(|bytes| {
                let value = f64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]));
                (!value.is_nan()).then_some(value)
            })
            .collect(),
    )
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
                peer_inputs::values_f64,
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

/// The last campaign before `year` whose figures are frozen, with when they were.
pub fn last_frozen_before(conn: &mut DbConnection, year: i32) -> QueryResult<Option<(i32, NaiveDateTime)>> {
    benchmark_snapshots::table
        .filter(benchmark_snapshots::campaign_year.lt(year))
        .order(benchmark_snapshots::campaign_year.desc())
        .select((benchmark_snapshots::campaign_year, benchmark_snapshots::frozen_at))
        .first(conn)
        .optional()
}

/// `(region, reached, values JSON)` of the frozen rows of campaign `year` in `category`.
pub fn snapshot_of_category(
    conn: &mut DbConnection,
    year: i32,
    category: &str,
) -> QueryResult<Vec<(String, bool, String)>> {
    benchmark_snapshot_inputs::table
        .filter(benchmark_snapshot_inputs::campaign_year.eq(year))
        .filter(benchmark_snapshot_inputs::category.eq(category))
        .select((
            benchmark_snapshot_inputs::region_code,
            benchmark_snapshot_inputs::reached,
            benchmark_snapshot_inputs::values_json,
        ))
        .load(conn)
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

#[cfg(test)]
mod tests {
    use super::{pack_values, unpack_values};

    #[test]
    fn packed_values_come_back_exactly_with_their_gaps() {
        let values = [Some(0.1 + 0.2), None, Some(-0.0), Some(1e300), None, Some(-42.5)];
        let packed = pack_values(&values);
        assert_eq!(packed.len(), 8 * values.len());
        let back = unpack_values(&packed).expect("a multiple of 8 bytes");
        assert_eq!(back.len(), values.len());
        for (a, b) in values.iter().zip(&back) {
            assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits));
        }
        assert_eq!(unpack_values(&packed[..7]), None);
    }
}
