//! Reference data: regions and departments.

use diesel::prelude::*;
use tdb_domain::contract::Region;

use crate::db::DbConnection;
use crate::db::schema::regions;

/// One page of regions ordered by INSEE code, with the total count.
pub fn list_regions(conn: &mut DbConnection, offset: i64, limit: i64) -> QueryResult<(Vec<Region>, i64)> {
    let total = regions::table.count().get_result(conn)?;
    let rows: Vec<(String, String)> = regions::table
        .select((regions::code, regions::name))
        .order(regions::code)
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(code, name)| Region { code, name })
        .collect();
    Ok((items, total))
}

/// Whether a region with this code exists.
pub fn region_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        crate::db::schema::regions::table.find(code.to_owned()),
    ))
    .get_result(conn)
}

/// Whether a department with this code exists.
pub fn department_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        crate::db::schema::departments::table.find(code.to_owned()),
    ))
    .get_result(conn)
}
