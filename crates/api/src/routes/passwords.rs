//! `/api/v1/auth/password…`: « Mot de passe oublié », the one-time links, and changing one's password.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use tdb_domain::contract::{LinkInfo, LinkToken, PasswordChange, PasswordForgot, PasswordSet, Problem};

use super::session_cookie;
use crate::auth::Principal;
use crate::auth::principal::Role;
use crate::error::ApiError;
use crate::services::passwords::{self, LinkBase};
use crate::state::AppState;

/// Ask for a password reset link.
///
/// Always 202 with no body, whether an account has this email or not (nothing tells which addresses
/// exist). When an active account has it, a mail with a link valid one hour is queued (an account still
/// invited gets a new invitation instead). Limited per address and per client IP like login.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordForgot,
    responses(
        (status = 202, description = "Accepted (the same answer for any address)."),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this address or from this client.", body = Problem,
            content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/password/forgot")]
pub async fn forgot_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<PasswordForgot>,
) -> Result<HttpResponse, ApiError> {
    let base = LinkBase {
        origin: state.config.public_url().origin(),
    };
    let ip = super::auth::client_ip(&req);
    let email = body.into_inner().email;
    state
        .db_write(move |conn| passwords::forgot(conn, &base, &email, &ip, Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// What a one-time link is for.
///
/// The token is the part of the link after `#jeton=`. 410 `link_invalid` when it is unknown, used,
/// replaced by a newer link or expired.
#[utoipa::path(
    tag = "auth",
    request_body = LinkToken,
    responses(
        (status = 200, description = "The account and the purpose of the link.", body = LinkInfo),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link cannot be used (`link_invalid`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/auth/password/link")]
pub async fn password_link(
    state: web::Data<AppState>,
    body: web::Json<LinkToken>,
) -> Result<web::Json<LinkInfo>, ApiError> {
    let token = body.into_inner().token;
    state
        .db(move |conn| passwords::link_info(conn, &token, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Choose a password with a one-time link.
///
/// The link is spent (once, even under concurrent uses); every session of the person ends. The
/// password: at least 12 characters, not common nor easy to guess (422 `weak_password` at `/password`).
#[utoipa::path(
    tag = "auth",
    request_body = PasswordSet,
    responses(
        (status = 204, description = "The password is set: the person can log in."),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link cannot be used (`link_invalid`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "The password is refused (`weak_password`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/auth/password/set")]
pub async fn set_password(
    state: web::Data<AppState>,
    body: web::Json<PasswordSet>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    state
        .db_write(move |conn| {
            passwords::set_with_link(conn, &body.token, &body.password, Utc::now().naive_utc())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change your password.
///
/// The current password is required (422 `wrong_password` at `/current_password`); the new one follows
/// the rules (422 `weak_password` at `/new_password`). Every other session of yours ends; this one (the
/// refresh cookie sent with the request) stays.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordChange,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed; your other sessions are ended."),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partner clients have no password.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password or refused new one.", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/auth/password")]
pub async fn change_password(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    principal.require_role(
        &[Role::Esms, Role::Og, Role::Ars, Role::Cd, Role::National],
        "changer de mot de passe",
    )?;
    let presented = session_cookie::presented(&req);
    let body = body.into_inner();
    state
        .db_write(move |conn| {
            passwords::change(
                conn,
                &principal.subject,
                &body.current_password,
                &body.new_password,
                presented.as_deref(),
                Utc::now().naive_utc(),
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
