//! `GET …/form`.

use actix_web::{HttpResponse, get, web};
use tdb_domain::contract::{FormDocument, Problem};

use super::{FormPath, body_response};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::forms;
use crate::state::AppState;

/// Read a form.
///
/// The stored values with their provenance (source, batch, author, time, lock, pushed value and
/// override reason), the domain's evaluation (indicators with explanations, completion, controls with
/// the year-over-year control when the structure has a form for campaign N−1, submission readiness,
/// ignored values), the workflow state and validation chain, the justifications and the open
/// correction requests with their threads. A structure that has not written anything yet reads as
/// `non_commence`, version 0. The `ETag` is the version: send it in `If-Match` to write. Served from a
/// per-process cache while the form, its campaign's phase, its form N−1 and its correction threads are
/// unchanged in the database (checked at each request).
///
/// Any authenticated caller whose scope includes the structure; others get 404.
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
    ),
    responses(
        (status = 200, description = "The form.", body = FormDocument,
            headers(("ETag" = String, description = "Version of the form, e.g. `\"3\"`"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign (`campaign_not_found`) or structure outside the caller's \
            scope (`structure_not_found`).", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/campaigns/{year}/structures/{finess}/form")]
pub async fn get_form(
    principal: Principal,
    state: web::Data<AppState>,
    path: FormPath,
) -> Result<HttpResponse, ApiError> {
    let (year, finess) = path.into_inner();
    let cache = state.forms.clone();
    let body = state
        .db(move |conn| forms::get(conn, &cache, &principal, year, &finess))
        .await?;
    Ok(body_response(body))
}
