//! `/api/v1/webhooks`: webhook subscriptions of partner clients (`events:read`) and national
//! (docs/events.md).

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Utc;
use serde::Deserialize;
use tdb_domain::contract::{
    Problem, WebhookCreate, WebhookDelivery, WebhookReplay, WebhookSecret, WebhookSubscription, WebhookUpdate,
};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::webhooks::{self as service, guard::AllowList};
use crate::state::AppState;

fn allow_list(state: &AppState) -> Result<AllowList, ApiError> {
    AllowList::parse(&state.config.webhooks.allow).map_err(ApiError::Internal)
}

/// List your webhook subscriptions (national: every one).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscriptions, by id.", body = [WebhookSubscription]),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a partner client with `events:read` (or `read`) nor national (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    principal: Principal,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<WebhookSubscription>>, ApiError> {
    state
        .db(move |conn| service::list(conn, &principal, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Subscribe to events.
///
/// The events committed from now on, of the `types` given (all when empty), are posted to `url`, signed
/// per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`); see the `webhooks`
/// of this contract and docs/events.md. The answer holds `secret`, shown this once. The URL must be
/// `https://` to a public address (`http://` and private addresses only for hosts of
/// `TDB_WEBHOOK_ALLOW`): else 422 on `/url` with `https_required`, `forbidden_address`,
/// `unresolvable_host` or `invalid_url`.
#[utoipa::path(
    tag = "events",
    request_body = WebhookCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, with its secret.", body = WebhookSecret,
            headers(("Location" = String, description = "URL of the subscription"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a partner client with `events:read` (or `read`) nor national (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A refused URL or an unknown event type (`validation_failed`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<WebhookCreate>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let allow = allow_list(&state)?;
    let created = state
        .db_write(move |conn| service::create(conn, &principal, &body, &allow, Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/webhooks/{}", created.subscription.id),
        ))
        .json(created))
}

/// A webhook subscription.
#[utoipa::path(
    tag = "events",
    params(("id" = i64, Path, description = "Subscription.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription.", body = WebhookSubscription),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a partner client with `events:read` (or `read`) nor national (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<WebhookSubscription>, ApiError> {
    let id = id.into_inner();
    state
        .db(move |conn| service::get(conn, &principal, id, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Change a webhook subscription: URL, types, `enabled`.
///
/// `enabled: true` on a disabled subscription (by you, or after failing past the retry horizon)
/// resumes the deliveries from the event that failed.
#[utoipa::path(
    tag = "events",
    params(("id" = i64, Path, description = "Subscription.", example = 1)),
    request_body = WebhookUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription as changed.", body = WebhookSubscription),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a partner client with `events:read` (or `read`) nor national (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A refused URL or an unknown event type (`validation_failed`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<WebhookUpdate>,
) -> Result<web::Json<WebhookSubscription>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let allow = allow_list(&state)?;
    state
        .db_write(move |conn| service::update(conn, &principal, id, &body, &allow, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Delete a webhook subscription and its delivery log.
#[utoipa::path(
    tag = "events",
    params(("id" = i64, Path, description = "Subscription.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a partner client with `events:read` (or `read`) nor national (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .db_write(move |conn| service::delete(conn, &principal, id, Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook subscription's secret.
///
/// A new secret, in the answer only. For 24 hours (`previous_secret_expires_at`) every delivery carries
/// two signatures in `webhook-signature`, one per secret, so the receiver can switch at its pace.
#[utoipa::path(
    tag = "events",
    params(("id" = i64, Path, description = "Subscription.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new secret.", body = WebhookSecret),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a partner client with `events:read` (or `read`) nor national (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/secret")]
pub async fn rotate_webhook_secret(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<WebhookSecret>, ApiError> {
    let id = id.into_inner();
    state
        .db_write(move |conn| service::rotate(conn, &principal, id, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Replay: deliver again every event after a cursor.
///
/// The subscription's cursor is set to `after` (a `next_cursor` of `GET /events` or a subscription's
/// `cursor`; absent: the start of the feed) and its retries start over; the events after it are
/// delivered again, in order.
#[utoipa::path(
    tag = "events",
    params(("id" = i64, Path, description = "Subscription.", example = 1)),
    request_body = WebhookReplay,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription, with its new cursor.", body = WebhookSubscription),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a partner client with `events:read` (or `read`) nor national (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A cursor the feed did not give (`validation_failed`, `/after`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/replay")]
pub async fn replay_webhook(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<WebhookReplay>,
) -> Result<web::Json<WebhookSubscription>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    state
        .db_write(move |conn| service::replay(conn, &principal, id, &body, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Parameters of the delivery log.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// Attempts returned, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000, example = 100)]
    pub limit: Option<u32>,
}

/// The delivery log of a webhook subscription: the latest attempts, newest first.
#[utoipa::path(
    tag = "events",
    params(("id" = i64, Path, description = "Subscription.", example = 1), DeliveryParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The latest attempts (status code, latency, error).", body = [WebhookDelivery]),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a partner client with `events:read` (or `read`) nor national (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A limit out of range (`validation_failed`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    params: web::Query<DeliveryParams>,
) -> Result<web::Json<Vec<WebhookDelivery>>, ApiError> {
    let id = id.into_inner();
    let limit = params.limit.unwrap_or(100);
    state
        .db(move |conn| service::deliveries(conn, &principal, id, limit))
        .await
        .map(web::Json)
}
