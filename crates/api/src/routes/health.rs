//! `GET /api/v1/health`.

use actix_web::{get, web};
use tdb_domain::contract::{Health, HealthStatus, Problem};

use crate::db::repo;
use crate::error::ApiError;
use crate::state::AppState;

/// Service health.
///
/// Answers 200 when the server runs and its database answers a query; tells which database engine is in
/// use and the server version. No authentication.
#[utoipa::path(
    tag = "service",
    responses(
        (status = 200, description = "The service and its database answer.", body = Health),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    state
        .db(|conn| repo::health::ping(conn).map_err(|e| ApiError::DatabaseUnavailable(e.to_string())))
        .await?;
    Ok(web::Json(Health {
        status: HealthStatus::Ok,
        database: state.pool.backend().into(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }))
}
