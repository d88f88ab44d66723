//! `/api/v1/organisations`: managing bodies (organismes gestionnaires), read scoped and created by
//! `national` or `ars`.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use tdb_domain::contract::{Organisation, OrganisationCreate, Problem};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::structures as service;
use crate::state::AppState;

/// Read a managing body.
///
/// Visible to `national` and partners with `read`, to its own `og` users, and to anyone who sees at
/// least one of its structures; otherwise 404. `structures` counts the structures you can see.
#[utoipa::path(
    tag = "structures",
    params(("finess" = String, Path, description = "FINESS EJ.", example = "590000001")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The managing body.", body = Organisation),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such managing body in your scope.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{finess}")]
pub async fn get_organisation(
    principal: Principal,
    state: web::Data<AppState>,
    finess: web::Path<String>,
) -> Result<web::Json<Organisation>, ApiError> {
    let finess = finess.into_inner();
    state
        .db(move |conn| service::get_organisation(conn, &principal, &finess))
        .await
        .map(web::Json)
}

/// Create a managing body.
///
/// `national` or `ars`. The FINESS EJ follows the FINESS syntax (9 characters, digits, `2A`/`2B` first
/// for Corsica).
#[utoipa::path(
    tag = "structures",
    request_body = OrganisationCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = Organisation,
            headers(("Location" = String, description = "URL of the managing body"))),
        (status = 400, description = "Unreadable body (unknown field or legal status).", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot create managing bodies.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "A managing body with this FINESS exists (`already_exists`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `errors` lists every one.", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/organisations")]
pub async fn create_organisation(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<OrganisationCreate>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let organisation = state
        .db_write(move |conn| service::create_organisation(conn, &principal, &input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/organisations/{}", organisation.finess),
        ))
        .json(organisation))
}
