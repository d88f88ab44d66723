//! The follow-up of the objectives: the values of free objectives
//! (`/api/v1/cpom/objectives/{objective}/values/{year}`) and the follow-up of a contract
//! (`/api/v1/cpom/contracts/{id}/follow-up`).

use actix_web::{get, put, web};
use tdb_domain::contract::{FollowUp, Objective, ObjectiveValueInput, Problem};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::cpom::{follow_up, objectives};
use crate::state::AppState;

/// Report the value of a free objective for a year (managing body or signing authority).
#[utoipa::path(
    tag = "cpom",
    params(("objective" = i64, Path, description = "Objective.", example = 3), ("year" = i32, Path, description = "Year.", example = 2025)),
    request_body = ObjectiveValueInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded.", body = Objective),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot report on this objective.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such objective in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A dashboard objective (`computed_objective`) or a year outside the contract.",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/cpom/objectives/{objective}/values/{year}")]
pub async fn put_objective_value(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
    body: web::Json<ObjectiveValueInput>,
) -> Result<web::Json<Objective>, ApiError> {
    let ((objective, year), input) = (path.into_inner(), body.into_inner());
    state
        .db_write(move |conn| objectives::put_value(conn, &principal, objective, year, &input))
        .await
        .map(web::Json)
}

/// Follow-up of every objective for every campaign of the contract: actual value (validated forms;
/// `provisoire` otherwise), expected value on the trajectory, gap to the target, status.
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The follow-up.", body = FollowUp),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpom/contracts/{id}/follow-up")]
pub async fn get_follow_up(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<FollowUp>, ApiError> {
    let id = id.into_inner();
    state
        .db(move |conn| follow_up::follow_up(conn, &principal, id))
        .await
        .map(web::Json)
}
