//! The database round-trip of the health check.

use diesel::prelude::*;
use diesel::sql_types::Integer;

use crate::db::DbConnection;

/// Runs a trivial query, proving the database answers.
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::select(1.into_sql::<Integer>())
        .get_result::<i32>(conn)
        .map(drop)
}
