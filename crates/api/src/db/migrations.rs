//! Embedded migrations, one set per backend (`migrations/sqlite`, `migrations/postgres`, same names).

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// The migration directories, relative to the workspace root (for tools and tests).
pub const MIGRATION_DIRS: [&str; 2] = ["migrations/sqlite", "migrations/postgres"];

/// Runs every pending migration of the connection's backend.
pub fn run_pending(
    conn: &mut DbConnection,
) -> Result<(), Box<dyn std::error::Error + Send + Sync + 'static>> {
    match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(drop),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES).map(drop),
    }
}
