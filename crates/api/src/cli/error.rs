//! The errors a command of the `tdb` binary can end with.

use crate::{db, seed};

/// Errors a command can end with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Database(#[from] db::DbError),
    /// The HTTP server failed.
    #[error("server: {0}")]
    Server(#[from] std::io::Error),
    /// The OpenAPI document could not be serialised.
    #[error("openapi: {0}")]
    Openapi(#[from] serde_json::Error),
    /// The token could not be minted.
    #[error("token: {0}")]
    Token(String),
    /// Generated data could not be loaded.
    #[error("seed: {0}")]
    Seed(#[from] seed::SeedError),
    /// No database connection could be checked out.
    #[error("database: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// The import failed or was refused.
    #[error("import: {0}")]
    Import(String),
    /// The account could not be changed (unknown email, database failure).
    #[error("user: {0}")]
    User(String),
    /// The mail settings cannot be used.
    #[error("mail: {0}")]
    Mail(String),
    /// The webhook settings cannot be used.
    #[error("webhooks: {0}")]
    Webhooks(String),
}
