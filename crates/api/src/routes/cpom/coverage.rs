//! `/api/v1/cpom/coverage`: coverage by CPOM per territory.

use actix_web::{get, web};
use serde::Deserialize;
use tdb_domain::contract::{Coverage, Problem, TerritoryLevel};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::cpom::coverage;
use crate::state::AppState;

/// Parameters of the coverage report.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// `department` (default) or `region`.
    pub by: Option<TerritoryLevel>,
}

/// Coverage by CPOM per territory of your scope (`ars`, `cd`, `national`): share of managing bodies
/// and of structures under a CPOM in force today, the pooled mean and the territory minimum and
/// maximum, and the EHPAD that had to be under CPOM by 2021-12-31 (art. L.313-12 IV ter CASF) and
/// are not.
#[utoipa::path(
    tag = "cpom",
    params(CoverageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Coverage.", body = Coverage),
        (status = 400, description = "Unknown `by`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot see coverage.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpom/coverage")]
pub async fn coverage_report(
    principal: Principal,
    state: web::Data<AppState>,
    params: web::Query<CoverageParams>,
) -> Result<web::Json<Coverage>, ApiError> {
    let by = match params.by.unwrap_or(TerritoryLevel::Department) {
        TerritoryLevel::Department => "department",
        TerritoryLevel::Region => "region",
    };
    state
        .db(move |conn| coverage::coverage(conn, &principal, by))
        .await
        .map(web::Json)
}
