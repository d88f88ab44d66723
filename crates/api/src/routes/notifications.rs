//! `GET` / `PUT /me/notifications`: the signed-in person's choice of notification mails.

use actix_web::{get, put, web};
use chrono::Utc;
use tdb_domain::contract::{NotificationPreferences, Problem};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::notifications::preferences;
use crate::state::AppState;

/// Your notification mails.
///
/// Whether you receive the non-essential mails (a campaign phase opening, the collecte reminders, a
/// form submitted or validated). The essential ones (account and password links, a disabled webhook,
/// corrections requested on a form, a reopened form) are always sent. People only: partner clients
/// have no address (403).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your choice.", body = NotificationPreferences),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partner clients receive no mail.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/notifications")]
pub async fn get_notifications(
    principal: Principal,
    state: web::Data<AppState>,
) -> Result<web::Json<NotificationPreferences>, ApiError> {
    state
        .db(move |conn| preferences::read(conn, &principal))
        .await
        .map(web::Json)
}

/// Choose your notification mails.
///
/// `{"non_essential_mails": false}` turns off the non-essential mails; the essential ones are always
/// sent. Audited (`notification_preferences`).
#[utoipa::path(
    tag = "auth",
    request_body = NotificationPreferences,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your choice, recorded.", body = NotificationPreferences),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partner clients receive no mail.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/me/notifications")]
pub async fn put_notifications(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<NotificationPreferences>,
) -> Result<web::Json<NotificationPreferences>, ApiError> {
    let wanted = body.into_inner();
    state
        .db_write(move |conn| preferences::write(conn, &principal, wanted, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}
