//! `POST /api/v1/auth/login`, `…/refresh`, `…/logout`, `…/logout-all` (people's sessions, with the
//! refresh cookie of [`super::session_cookie`]), `POST /api/v1/auth/token` (partners) and `GET …/me`.

use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post, web};
use chrono::Utc;
use tdb_domain::contract::{
    ClientCredentialsRequest, LoginRequest, LoginResponse, Me, Problem, Role, TokenResponse,
};

use super::session_cookie;
use crate::auth::Principal;
use crate::auth::principal::StructureScope;

use crate::error::ApiError;
use crate::services;
use crate::state::AppState;

/// The client's address as the login limits count it (behind trusted proxies: the forwarded one).
pub fn client_ip(req: &HttpRequest) -> String {
    let proxies = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.config.trusted_proxies.clone())
        .unwrap_or_default();
    crate::routes::client_ip::client_ip(req, &proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// Log in with email and password.
///
/// Returns a short-lived bearer token (`expires_in` seconds, `TDB_ACCESS_TOKEN_SECONDS`, 15 minutes by
/// default; keep it in memory) and who is logged in, and starts a session: the refresh cookie
/// `tdb_refresh` (`HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=<absolute lifetime>`, plus
/// `Secure` unless the public URL is plain-http localhost) lets `POST /auth/refresh` get the next access
/// token. A wrong email or password answers 401 `invalid_credentials` without telling which. After 5
/// failures on an account (or 20 from one address), each next attempt must wait a delay (30 s, doubling
/// with each failure, at most 5 minutes): earlier attempts answer 429 with `Retry-After`, and the right
/// password after the delay logs in. The counters are shared by every server replica; the address is
/// the peer's, or the one the proxies of `TDB_TRUSTED_PROXIES` forwarded.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the refresh cookie is set.", body = LoginResponse,
            headers(("Set-Cookie" = String, description = "`tdb_refresh=…; HttpOnly; SameSite=Strict; \
                Path=/api/v1/auth; Max-Age=…` (+ `Secure`)"))),
        (status = 401, description = "Wrong email or password (`invalid_credentials`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts (`too_many_requests`); see `Retry-After`.",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    let tokens = state.tokens.clone();
    let lifetimes = state.config.session_lifetimes();
    let request = body.into_inner();
    let (response, session) = state
        .db_write(move |conn| {
            let response = services::auth::login(conn, &tokens, &request, &ip)?;
            let now = Utc::now().naive_utc();
            let session = services::sessions::start(conn, &response.user.email, lifetimes, now)?;
            Ok((response, session))
        })
        .await?;
    let secure = session_cookie::secure(&state.config.public_url());
    Ok(HttpResponse::Ok()
        .cookie(session_cookie::set(session.value, session.max_age, secure))
        .json(response))
}

/// Get a new access token from the session's refresh cookie (rotated).
///
/// No body: the cookie `tdb_refresh` set by login (or by the previous refresh) is spent and replaced by
/// a new one, and the answer has the shape of login's, the person re-read from the database (a changed
/// role or scope applies). `Origin` must be the server's public origin (CSRF). Every 401 also clears the
/// cookie. Presenting a token that was already rotated revokes the whole session (every token of the
/// family, the newest too) and is audited (`refresh_token_reused`).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "New access token; the rotated refresh cookie is set.",
            body = LoginResponse, headers(("Set-Cookie" = String,
                description = "The next `tdb_refresh` cookie (same attributes as login's)"))),
        (status = 401, description = "No or unknown cookie (`invalid_refresh_token`); idle timeout or \
            absolute lifetime passed, session revoked or account inactive (`session_expired`); an \
            already-rotated token, the session is now revoked (`refresh_token_reused`). The cookie is \
            cleared.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`Origin` absent or not the public origin (`origin_refused`).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let public = state.config.public_url();
    if let Err(refused) = session_cookie::check_origin(&req, &public) {
        return refused.error_response();
    }
    let secure = session_cookie::secure(&public);
    let presented = session_cookie::presented(&req);
    let tokens = state.tokens.clone();
    let lifetimes = state.config.session_lifetimes();
    let refreshed = state
        .db_write(move |conn| {
            let now = Utc::now().naive_utc();
            services::sessions::refresh(conn, &tokens, presented.as_deref(), lifetimes, now)
        })
        .await;
    match refreshed {
        Ok(refreshed) => HttpResponse::Ok()
            .cookie(session_cookie::set(
                refreshed.refresh.value,
                refreshed.refresh.max_age,
                secure,
            ))
            .json(refreshed.response),
        Err(error) => with_cleared_cookie_on_401(error.error_response(), secure),
    }
}

fn with_cleared_cookie_on_401(mut response: HttpResponse, secure: bool) -> HttpResponse {
    if response.status() == actix_web::http::StatusCode::UNAUTHORIZED
        && let Err(error) = response.add_cookie(&session_cookie::clear(secure))
    {
        tracing::error!(%error, "cannot clear the refresh cookie");
    }
    response
}

/// Sign out: revoke this session.
///
/// Revokes the session of the `tdb_refresh` cookie (every token of its family) and clears the cookie.
/// No bearer token needed; idempotent (204 without a cookie or with an unknown one). `Origin` must be
/// the server's public origin (CSRF).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out; the cookie is cleared.",
            headers(("Set-Cookie" = String, description = "`tdb_refresh=; Max-Age=0; Path=/api/v1/auth`"))),
        (status = 403, description = "`Origin` absent or not the public origin (`origin_refused`).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let public = state.config.public_url();
    session_cookie::check_origin(&req, &public)?;
    let presented = session_cookie::presented(&req);
    state
        .db_write(move |conn| services::sessions::end(conn, presented.as_deref(), Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::NoContent()
        .cookie(session_cookie::clear(session_cookie::secure(&public)))
        .finish())
}

/// Sign out everywhere: revoke every session of the caller.
///
/// For a person's bearer token (partners have no session: 403 `forbidden`): revokes all their sessions,
/// on every device, and clears this browser's cookie. Access tokens already issued stay valid until
/// they expire (`expires_in`). `Origin` must be the server's public origin (CSRF).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Every session revoked; the cookie is cleared.",
            headers(("Set-Cookie" = String, description = "`tdb_refresh=; Max-Age=0; Path=/api/v1/auth`"))),
        (status = 401, description = "No valid token (`unauthenticated`, `invalid_token`, `token_expired`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner client (`forbidden`), or `Origin` absent or not the public \
            origin (`origin_refused`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout-all")]
pub async fn logout_all(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    if principal.role == Role::Partner {
        return Err(ApiError::Forbidden(
            "Un client partenaire n'a pas de session à fermer.".to_owned(),
        ));
    }
    let public = state.config.public_url();
    session_cookie::check_origin(&req, &public)?;
    let email = principal.subject;
    state
        .db_write(move |conn| services::sessions::end_all(conn, &email, Utc::now().naive_utc()).map(drop))
        .await?;
    Ok(HttpResponse::NoContent()
        .cookie(session_cookie::clear(session_cookie::secure(&public)))
        .finish())
}

/// Get a token for a partner system (OAuth 2.0 client credentials).
///
/// Form body (`application/x-www-form-urlencoded`, RFC 6749 §4.4): `grant_type=client_credentials`,
/// `client_id`, `client_secret`, optional `scope` (space-separated subset of the client's scopes:
/// `read`, `prefill:write`). The token carries the scopes and the prefill source bound to the client.
#[utoipa::path(
    tag = "auth",
    request_body(content = ClientCredentialsRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Token issued.", body = TokenResponse),
        (status = 400, description = "Unsupported grant type or scope not granted (`unsupported_grant_type`, \
            `invalid_scope`).", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown client or wrong secret (`invalid_client`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts; see `Retry-After`.", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/auth/token")]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Form<ClientCredentialsRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let ip = client_ip(&req);
    let tokens = state.tokens.clone();
    let request = body.into_inner();
    state
        .db_write(move |conn| services::auth::client_token(conn, &tokens, &request, &ip))
        .await
        .map(web::Json)
}

/// Who am I.
///
/// The caller as its access token describes it: role and scope. The web app calls it to restore a
/// session; partners to check their token.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller.", body = Me),
        (status = 401, description = "No valid token (`unauthenticated`, `invalid_token`, `token_expired`).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/me")]
pub async fn me(principal: Principal) -> web::Json<Me> {
    let (structures, organisation, region, department) = match principal.scope {
        StructureScope::Structures(list) => (list, None, None, None),
        StructureScope::Organisation(o) => (Vec::new(), Some(o), None, None),
        StructureScope::ArsRegion(r) => (Vec::new(), None, Some(r), None),
        StructureScope::CdDepartment(d) => (Vec::new(), None, None, Some(d)),
        StructureScope::All | StructureScope::Nothing => (Vec::new(), None, None, None),
    };
    web::Json(Me {
        subject: principal.subject,
        role: principal.role,
        structures,
        organisation,
        region,
        department,
        scopes: principal.scopes,
    })
}
