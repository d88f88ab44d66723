//! Database access: one diesel code path over SQLite (embedded default) and PostgreSQL (production).
//!
//! The backend is chosen explicitly from the URL scheme, never by trying each driver in turn, so a
//! mistyped PostgreSQL URL cannot silently create an empty SQLite file. Connections come from an r2d2
//! pool; migrations run before the pool is handed out. SQL lives only in [`repo`].

mod connection;
mod migrations;
pub mod repo;
pub mod schema;

pub use connection::{Backend, DbConnection, DbError, DbPool, PooledConnection, connect};
pub use migrations::{MIGRATION_DIRS, run_pending};
