//! `POST /api/v1/campaigns/{year}/structures/{finess}/simulate`: what-if simulation of a structure.

use actix_web::{post, web};
use tdb_domain::contract::{Problem, SimulateRequest, Simulation};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::benchmarks::simulate as service;
use crate::state::AppState;

/// Simulate changed values of a structure.
///
/// `values` (raw values by item code, null to empty one) are applied over the structure's stored
/// values of the campaign; the answer gives every indicator in scope of its category with its current
/// value (as on its benchmark) and its simulated value, and at département, région and national level
/// the group's published statistics (the box plot: frozen figures once the campaign is in
/// `restitution`) with the structure's current and simulated rank, position, percentile and quartile —
/// the simulated ones in the group where the structure's own value is replaced by the simulated one.
/// Also the items that changed, whether the completion threshold is reached, and the status of the
/// CPOM objectives measured on the structure alone under both. **Nothing is saved.** Same callers as
/// the structure's benchmark: the structure itself, its managing body, its authorities within their
/// scope, `national`, partners with `read`; anyone else 404.
#[utoipa::path(
    tag = "restitution",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000015"),
    ),
    request_body = SimulateRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The simulation.", body = Simulation),
        (status = 400, description = "The body is not a JSON simulation request.", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign (`campaign_not_found`), or structure outside your scope \
            (`structure_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are invalid; `errors` lists every one (`/values/<item>`).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns/{year}/structures/{finess}/simulate")]
pub async fn simulate(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
    request: web::Json<SimulateRequest>,
) -> Result<web::Json<Simulation>, ApiError> {
    service::simulate(
        &state.peer_source(),
        principal,
        path.into_inner(),
        request.into_inner(),
    )
    .await
    .map(web::Json)
}
