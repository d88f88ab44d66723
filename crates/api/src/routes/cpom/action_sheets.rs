//! `/api/v1/cpom/contracts/{id}/action-sheets[/{sheet}]`: the action sheets of a contract.

use actix_web::{HttpRequest, HttpResponse, delete, post, put, web};
use tdb_domain::contract::{ActionSheet, ActionSheetCreate, Problem};

use super::version::{if_match, with_version};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::cpom::{sheets, updates};
use crate::state::AppState;

/// Add an action sheet. Signing authority (until the contract is closed) or managing body (while it
/// is negotiated).
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    request_body = ActionSheetCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = ActionSheet),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state (`contract_not_editable`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpom/contracts/{id}/action-sheets")]
pub async fn create_action_sheet(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<ActionSheetCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let sheet = state
        .db_write(move |conn| sheets::add_action_sheet(conn, &principal, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(sheet))
}

/// Replace an action sheet (same rights and states as adding one).
///
/// Requires `If-Match` with the contract's `ETag`; the contract's version is bumped.
#[utoipa::path(
    tag = "cpom",
    params(
        ("id" = i64, Path, description = "Contract.", example = 1),
        ("sheet" = i64, Path, description = "Action sheet.", example = 1),
        ("If-Match" = String, Header, description = "The contract's `ETag`, e.g. `\"2\"`."),
    ),
    request_body = ActionSheetCreate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The action sheet after the change.", body = ActionSheet,
            headers(("ETag" = String, description = "The contract's new version"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract or action sheet in your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state (`contract_not_editable`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match` (`stale_version`): reload the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing (`if_match_required`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[put("/cpom/contracts/{id}/action-sheets/{sheet}")]
pub async fn update_action_sheet(
    principal: Principal,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: web::Json<ActionSheetCreate>,
) -> Result<HttpResponse, ApiError> {
    let ((id, sheet), input, if_match) = (path.into_inner(), body.into_inner(), if_match(&req));
    let (sheet, version) = state
        .db_write(move |conn| updates::update_action_sheet(conn, &principal, id, sheet, if_match, &input))
        .await?;
    Ok(with_version(version, &sheet))
}

/// Delete an action sheet and its objectives (same rights as adding one).
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1), ("sheet" = i64, Path, description = "Action sheet.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract or action sheet in your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/cpom/contracts/{id}/action-sheets/{sheet}")]
pub async fn delete_action_sheet(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, sheet) = path.into_inner();
    state
        .db_write(move |conn| sheets::delete_action_sheet(conn, &principal, id, sheet))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
