//! Body of `GET /api/v1/health`.

use serde::{Deserialize, Serialize};

/// Liveness of the service and of its database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "ok", "database": "sqlite", "version": "0.1.0"})))]
pub struct Health {
    /// `ok` when the database answered a query.
    pub status: HealthStatus,
    /// The database engine the server runs on.
    pub database: DatabaseBackend,
    /// Version of the `tdb` server.
    pub version: String,
}

/// Overall status reported by the health endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// The service and its database answer.
    Ok,
}

/// A database engine supported by tdb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatabaseBackend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL (production).
    Postgres,
}
