//! `/api/v1/users`: people's accounts, managed within the caller's reach (docs/accounts.md).

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::Utc;
use serde::Deserialize;
use tdb_domain::contract::{
    AccountStatus, InvitationReport, Page, Problem, Role, UserAccount, UserInvite, UserUpdate,
};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::{ApiError, ProblemCode};
use crate::routes::binary::Csv;
use crate::routes::pagination::PageParams;
use crate::services::accounts::{self, ListFilter};
use crate::services::passwords::LinkBase;
use crate::state::AppState;

/// Longest text searched by `GET /users?q=`.
const MAX_QUERY: usize = 200;
/// Largest bulk invitation file.
const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;

/// Filters of `GET /users`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListParams {
    /// Text searched in the email and the name (case-insensitive).
    pub q: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Status: `invited`, `active`, `deactivated`.
    pub status: Option<AccountStatus>,
}

/// `?dry_run=` of the bulk invitation.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BulkParams {
    /// Check every line and report, invite nobody.
    #[serde(default)]
    pub dry_run: bool,
}

fn link_base(state: &AppState) -> LinkBase {
    LinkBase {
        origin: state.config.public_url().origin(),
    }
}

/// List the accounts within your reach.
///
/// `national`: every account; `ars` / `cd`: the accounts of the structures you follow and of their
/// managing bodies; `og`: your structures' accounts and your body's. Sorted by email.
#[utoipa::path(
    tag = "accounts",
    params(PageParams, UserListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of accounts.", body = Page<UserAccount>),
        (status = 400, description = "Unreadable query.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role manages no account.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    principal: Principal,
    state: web::Data<AppState>,
    page: web::Query<PageParams>,
    params: web::Query<UserListParams>,
) -> Result<web::Json<Page<UserAccount>>, ApiError> {
    let paging = page.into_inner().validate()?;
    let params = params.into_inner();
    if params.q.as_ref().is_some_and(|q| q.chars().count() > MAX_QUERY) {
        return Err(ApiError::BadRequest {
            code: ProblemCode::InvalidQuery,
            detail: format!("Le texte recherché dépasse {MAX_QUERY} caractères."),
        });
    }
    let filter = ListFilter {
        q: params.q.filter(|q| !q.trim().is_empty()),
        role: params.role,
        status: params.status,
    };
    let (items, meta) = state
        .db(move |conn| {
            accounts::list(
                conn,
                &principal,
                &filter,
                paging.page,
                paging.per_page,
                Utc::now().naive_utc(),
            )
        })
        .await?;
    Ok(web::Json(Page { items, meta }))
}

/// Invite a person.
///
/// Creates the account without a password (status `invited`) and queues, in the same transaction, a
/// mail with a one-time link valid 7 days to choose one. `esms` needs `structures`, `og`
/// `organisation_finess`, `ars` `region_code`, `cd` `department_code`; authority accounts are
/// national's alone.
#[utoipa::path(
    tag = "accounts",
    request_body = UserInvite,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invited.", body = UserAccount,
            headers(("Location" = String, description = "URL of the account"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account would be outside your reach.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "An account with this email exists (`already_exists`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`invalid_email`, `unknown_structure`, `required`…).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn invite_user(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<UserInvite>,
) -> Result<HttpResponse, ApiError> {
    let base = link_base(&state);
    let invite = body.into_inner();
    let account = state
        .db_write(move |conn| accounts::invite(conn, &base, &principal, &invite, Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", account.email)))
        .json(account))
}

/// Invite people from a CSV file.
///
/// `text/csv`, one person per line: `email;finess[;role]` (`,` also accepted; an optional header line
/// starting with `email`); `role` is `esms` (default: `finess` is the structure's FINESS ET) or `og`
/// (`finess` is the managing body's FINESS EJ). The lines that can be invited are, in one transaction;
/// the others are reported with their line number and reason. At most 5,000 lines.
#[utoipa::path(
    tag = "accounts",
    params(BulkParams),
    request_body(
        description = "One invitation per line.",
        content((inline(Csv) = "text/csv", example = json!("email;finess;role\ndirection@ehpad-tilleuls.fr;590000021;esms\n"))),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The per-line report.", body = InvitationReport),
        (status = 400, description = "Empty or unreadable file.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role manages no account.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More than 5,000 lines (`import_too_large`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/users/invitations")]
pub async fn invite_users_csv(
    principal: Principal,
    state: web::Data<AppState>,
    params: web::Query<BulkParams>,
    body: web::Payload,
) -> Result<web::Json<InvitationReport>, ApiError> {
    let bytes = body
        .to_bytes_limited(MAX_CSV_BYTES)
        .await
        .map_err(|_| ApiError::TooLarge {
            code: ProblemCode::ImportTooLarge,
            detail: format!("Le fichier dépasse {} Mo.", MAX_CSV_BYTES / (1024 * 1024)),
        })?
        .map_err(|e| ApiError::BadRequest {
            code: ProblemCode::MalformedCsv,
            detail: format!("Le fichier n'a pas pu être reçu : {e}."),
        })?;
    // UTF-8 (with or without BOM), else Latin-1 / Windows-1252 as spreadsheets save it.
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
    };
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest {
            code: ProblemCode::EmptyFile,
            detail: "Le fichier est vide.".to_owned(),
        });
    }
    let base = link_base(&state);
    let dry_run = params.dry_run;
    let report = state
        .db_write(move |conn| {
            accounts::invite_csv(conn, &base, &principal, &text, dry_run, Utc::now().naive_utc())
        })
        .await?;
    Ok(web::Json(report))
}

/// Read an account within your reach.
#[utoipa::path(
    tag = "accounts",
    params(("email" = String, Path, description = "Email of the account.", example = "direction@ehpad-les-tilleuls.fr")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account.", body = UserAccount),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role manages no account.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account within your reach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{email}")]
pub async fn get_user(
    principal: Principal,
    state: web::Data<AppState>,
    email: web::Path<String>,
) -> Result<web::Json<UserAccount>, ApiError> {
    let email = email.into_inner();
    state
        .db(move |conn| accounts::get(conn, &principal, &email, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Change an account within your reach.
///
/// Name, role and scope (which must stay within your reach), `active` (`false` deactivates and ends
/// every session). Nobody changes their own role, scope or status. A change of role or scope ends the
/// person's sessions, so the new one applies at once.
#[utoipa::path(
    tag = "accounts",
    params(("email" = String, Path, description = "Email of the account.")),
    request_body = UserUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account as changed.", body = UserAccount),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your own role or status, or a scope outside your reach.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such account within your reach.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{email}")]
pub async fn update_user(
    principal: Principal,
    state: web::Data<AppState>,
    email: web::Path<String>,
    body: web::Json<UserUpdate>,
) -> Result<web::Json<UserAccount>, ApiError> {
    let email = email.into_inner();
    let change = body.into_inner();
    state
        .db_write(move |conn| accounts::update(conn, &principal, &email, &change, Utc::now().naive_utc()))
        .await
        .map(web::Json)
}

/// Send a new invitation.
///
/// For an account still `invited`: a new link valid 7 days; the previous link stops working.
#[utoipa::path(
    tag = "accounts",
    params(("email" = String, Path, description = "Email of the account.")),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A new invitation is queued.", body = UserAccount),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role manages no account.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account within your reach.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The account is not invited any more (`invalid_transition`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/users/{email}/invitation")]
pub async fn reinvite_user(
    principal: Principal,
    state: web::Data<AppState>,
    email: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let base = link_base(&state);
    let email = email.into_inner();
    let account = state
        .db_write(move |conn| accounts::reinvite(conn, &base, &principal, &email, Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::Accepted().json(account))
}
