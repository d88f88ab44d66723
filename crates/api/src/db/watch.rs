//! Whether anything was committed to a SQLite database since a given moment, without reading a table.
//!
//! A dedicated connection that never writes asks `PRAGMA data_version`: SQLite changes the number it
//! answers whenever another connection — of this process or of another one — committed meanwhile.
//! Derived data keyed by an expensive stamp (the sums of versions behind peer statistics) can then be
//! reused, with no query, for as long as this number holds. PostgreSQL has no such counter: there the
//! watch says nothing and callers read their stamp.

use std::sync::Arc;

use diesel::sql_types::BigInt;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use parking_lot::Mutex;

/// The watch of one database (empty on PostgreSQL, or when its connection could not be opened).
#[derive(Clone, Default)]
pub struct ChangeWatch(Option<Arc<Mutex<SqliteConnection>>>);

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = BigInt)]
    data_version: i64,
}

impl ChangeWatch {
    /// A watch of the SQLite database at `path` (none for an in-memory database, which another
    /// connection would not share).
    pub fn sqlite(path: &str) -> Self {
        if path.is_empty() || path.contains(":memory:") || path.contains("mode=memory") {
            return Self::default();
        }
        Self(
            SqliteConnection::establish(path)
                .ok()
                .map(|c| Arc::new(Mutex::new(c))),
        )
    }

    /// The database's change counter now; `None` when there is no watch. Two equal answers mean that
    /// nothing was committed in between.
    pub fn data_version(&self) -> Option<i64> {
        let conn = self.0.as_ref()?;
        diesel::sql_query("PRAGMA data_version")
            .get_result::<DataVersion>(&mut *conn.lock())
            .ok()
            .map(|v| v.data_version)
    }
}
