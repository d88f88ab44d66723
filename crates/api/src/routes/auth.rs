//! `POST /api/v1/auth/login` and `POST /api/v1/auth/token`.

use actix_web::{HttpRequest, get, post, web};
use tdb_domain::contract::{
    ClientCredentialsRequest, LoginRequest, LoginResponse, Me, Problem, TokenResponse,
};

use crate::auth::Principal;
use crate::auth::principal::StructureScope;

use crate::error::ApiError;
use crate::services;
use crate::state::AppState;

fn client_ip(req: &HttpRequest) -> String {
    let proxies = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.config.trusted_proxies.clone())
        .unwrap_or_default();
    crate::routes::client_ip::client_ip(req, &proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// Log in with email and password.
///
/// Returns a short-lived bearer token (15 minutes) and who is logged in. A wrong email or password
/// answers 401 `invalid_credentials` without telling which. After 5 failures on an account (or 20 from
/// one address), each next attempt must wait a delay (30 s, doubling with each failure, at most 5
/// minutes): earlier attempts answer 429 with `Retry-After`, and the right password after the delay
/// logs in. The counters are shared by every server replica; the address is the peer's, or the one
/// the proxies of `TDB_TRUSTED_PROXIES` forwarded.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in.", body = LoginResponse),
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
) -> Result<web::Json<LoginResponse>, ApiError> {
    let ip = client_ip(&req);
    let tokens = state.tokens.clone();
    let request = body.into_inner();
    state
        .db_write(move |conn| services::auth::login(conn, &tokens, &request, &ip))
        .await
        .map(web::Json)
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
