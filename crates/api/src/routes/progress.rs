//! `GET /api/v1/campaigns/{year}/progress`: monitoring of a campaign per territory.

use actix_web::{get, web};
use serde::Deserialize;
use tdb_domain::contract::{CampaignProgress, Problem, TerritoryLevel};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::progress as service;
use crate::state::AppState;

/// Parameters of the progress report.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// Territory level of the rows: `department` (default) or `region`.
    pub by: Option<TerritoryLevel>,
}

/// Progress of a campaign per territory.
///
/// For the structures of your scope (all for `national`; your region's ARS or joint structures for
/// `ars`; your department's CD or joint structures for `cd`; your managing body's for `og`; yours for
/// `esms`), one row per department or region, and a total: structures, count per form state (a
/// structure without a form is `non_commence`), mean completion rate (no form counts as 0), share at or
/// above the campaign's completion threshold, share validated. With `by=region`, regions are ranked by
/// mean completion among the regions listed (1 = best; equal means share a rank). `categories` counts the
/// structures of the scope per category (catalogue code and label, in the catalogue's order).
#[utoipa::path(
    tag = "campaigns",
    params(("year" = i32, Path, description = "Campaign year N.", example = 2024), ProgressParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Progress per territory.", body = CampaignProgress),
        (status = 400, description = "Unknown `by` level.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign (`campaign_not_found`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{year}/progress")]
pub async fn campaign_progress(
    principal: Principal,
    state: web::Data<AppState>,
    year: web::Path<i32>,
    params: web::Query<ProgressParams>,
) -> Result<web::Json<CampaignProgress>, ApiError> {
    let year = year.into_inner();
    let by = params.by.unwrap_or(TerritoryLevel::Department);
    state
        .db(move |conn| service::progress(conn, &principal, year, by))
        .await
        .map(web::Json)
}
