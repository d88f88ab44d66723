//! `/api/v1/cpom/contracts/{id}/objectives[/{objective}]`: the objectives of an action sheet, tied to
//! the dashboard or free.

use actix_web::{HttpRequest, HttpResponse, delete, post, put, web};
use tdb_domain::contract::{Objective, ObjectiveCreate, Problem};

use super::version::{if_match, with_version};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::cpom::{objectives, updates};
use crate::state::AppState;

/// Add an objective to an action sheet: a catalogue indicator (for one structure, or aggregated over
/// the perimeter) or a free indicator. The baseline (campaign before the start, value from the
/// dashboard) and the sense (the indicator's direction) are filled when not given.
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    request_body = ObjectiveCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = Objective),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unknown_indicator`, `sense_required`, `outside_contract`…).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpom/contracts/{id}/objectives")]
pub async fn create_objective(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<ObjectiveCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let objective = state
        .db_write(move |conn| objectives::add_objective(conn, &principal, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(objective))
}

/// Replace an objective (same rights and states as adding one).
///
/// A dashboard objective sent without `baseline_value` keeps its baseline while its indicator,
/// structure and baseline campaign stay the same; otherwise the baseline is computed as at the
/// creation. Requires `If-Match` with the contract's `ETag`; the contract's version is bumped.
#[utoipa::path(
    tag = "cpom",
    params(
        ("id" = i64, Path, description = "Contract.", example = 1),
        ("objective" = i64, Path, description = "Objective.", example = 1),
        ("If-Match" = String, Header, description = "The contract's `ETag`, e.g. `\"2\"`."),
    ),
    request_body = ObjectiveCreate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The objective after the change.", body = Objective,
            headers(("ETag" = String, description = "The contract's new version"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract or objective in your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state (`contract_not_editable`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match` (`stale_version`): reload the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unknown_indicator`, `sense_required`, `outside_contract`…).",
            body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing (`if_match_required`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[put("/cpom/contracts/{id}/objectives/{objective}")]
pub async fn update_objective(
    principal: Principal,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: web::Json<ObjectiveCreate>,
) -> Result<HttpResponse, ApiError> {
    let ((id, objective), input, if_match) = (path.into_inner(), body.into_inner(), if_match(&req));
    let (objective, version) = state
        .db_write(move |conn| updates::update_objective(conn, &principal, id, objective, if_match, &input))
        .await?;
    Ok(with_version(version, &objective))
}

/// Delete an objective (same rights as adding one).
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1), ("objective" = i64, Path, description = "Objective.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract or objective in your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/cpom/contracts/{id}/objectives/{objective}")]
pub async fn delete_objective(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, objective) = path.into_inner();
    state
        .db_write(move |conn| objectives::delete_objective(conn, &principal, id, objective))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
