//! `/api/v1/clients`: partner clients, managed by `national` (docs/accounts.md).

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{Duration, Utc};
use tdb_domain::contract::{ApiClient, ApiClientCreate, ApiClientSecret, ApiClientUpdate, Problem};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::clients;
use crate::state::AppState;

/// List the partner clients (`national`).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every client, by id.", body = [ApiClient]),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only `national` manages clients.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clients")]
pub async fn list_clients(
    principal: Principal,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<ApiClient>>, ApiError> {
    state
        .db(move |conn| clients::list(conn, &principal, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Create a partner client (`national`).
///
/// The answer holds `client_secret`, shown this once (stored hashed). `prefill:write` needs a `source`.
#[utoipa::path(
    tag = "accounts",
    request_body = ApiClientCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, with its secret.", body = ApiClientSecret,
            headers(("Location" = String, description = "URL of the client"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only `national` manages clients.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unknown_scope`, `required`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/clients")]
pub async fn create_client(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<ApiClientCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let created = state
        .db_write(move |conn| clients::create(conn, &principal, &body, Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/clients/{}", created.client.client_id),
        ))
        .json(created))
}

/// Change or revoke a partner client (`national`).
///
/// `active: false` revokes it (no token is issued any more; tokens already issued expire within
/// `TDB_ACCESS_TOKEN_SECONDS`).
#[utoipa::path(
    tag = "accounts",
    params(("client_id" = String, Path, description = "Client id.")),
    request_body = ApiClientUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The client as changed.", body = ApiClient),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only `national` manages clients.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/clients/{client_id}")]
pub async fn update_client(
    principal: Principal,
    state: web::Data<AppState>,
    client_id: web::Path<String>,
    body: web::Json<ApiClientUpdate>,
) -> Result<web::Json<ApiClient>, ApiError> {
    let client_id = client_id.into_inner();
    let change = body.into_inner();
    state
        .db_write(move |conn| clients::update(conn, &principal, &client_id, &change, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Rotate a partner client's secret (`national`).
///
/// A new secret, in the answer only; the previous one keeps working `TDB_CLIENT_SECRET_GRACE_SECONDS`
/// (24 hours by default, `previous_secret_expires_at`), so the partner can deploy the new one first.
#[utoipa::path(
    tag = "accounts",
    params(("client_id" = String, Path, description = "Client id.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new secret.", body = ApiClientSecret),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only `national` manages clients.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/clients/{client_id}/secret")]
pub async fn rotate_client_secret(
    principal: Principal,
    state: web::Data<AppState>,
    client_id: web::Path<String>,
) -> Result<web::Json<ApiClientSecret>, ApiError> {
    let client_id = client_id.into_inner();
    let grace = Duration::seconds(i64::from(state.config.client_secret_grace_seconds));
    state
        .db_write(move |conn| clients::rotate(conn, &principal, &client_id, grace, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}
