//! Database access: one diesel code path over SQLite (embedded default) and PostgreSQL (production).
//!
//! The backend is chosen explicitly from the URL scheme, never by trying each driver in turn, so a
//! mistyped PostgreSQL URL cannot silently create an empty SQLite file. Connections come from an r2d2
//! pool; migrations run before the pool is handed out. SQL lives only in [`repo`].

mod checkpoint;
mod connection;
mod migrations;
pub mod repo;
pub mod schema;
mod watch;

pub use connection::{
    Backend, DbConnection, DbError, DbPool, PooledConnection, WriteGate, WriteTurn, connect, read_snapshot,
};
pub use migrations::{MIGRATION_DIRS, run_pending};

/// Runs the same diesel code on the concrete connection of either backend.
///
/// For the few statements the run-time `MultiBackend` cannot express (upserts with `ON CONFLICT`, bulk
/// `INSERT … VALUES` of many rows): `on_backend!(conn, c => diesel::insert_into(t).values(&rows)
/// .on_conflict(…).do_update().set(…).execute(c))`. The body is compiled once per backend.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgres($c) => $body,
        }
    };
}
