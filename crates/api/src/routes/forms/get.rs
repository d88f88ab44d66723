//! `GET …/form`.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use tdb_domain::contract::{FormDocument, Problem};
use utoipa::IntoParams;

use super::{FormPath, body_response};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::forms;
use crate::state::AppState;

/// Options of `GET …/form`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormParams {
    /// `true`: each indicator comes with its explanation (formula, condition, inputs with their values),
    /// as from `POST /evaluate`; computed for the request, not cached. Default `false`.
    #[param(example = false)]
    pub explain: Option<bool>,
}

/// Read a form.
///
/// The stored values with their provenance (source, batch, author, time, lock, pushed value and
/// override reason), the domain's evaluation (indicators — with their explanations when
/// `explain=true` —, completion, controls with
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
        FormParams,
    ),
    responses(
        (status = 200, description = "The form.", body = FormDocument,
            headers(("ETag" = String, description = "Version of the form, e.g. `\"3\"`"))),
        (status = 400, description = "Unreadable query (`invalid_query`: unknown parameter, `explain` not a \
            boolean).", body = Problem, content_type = "application/problem+json"),
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
    params: web::Query<FormParams>,
) -> Result<HttpResponse, ApiError> {
    let (year, finess) = path.into_inner();
    let cache = state.forms.clone();
    let explain = params.explain.unwrap_or(false);
    let body = state
        .db(move |conn| match explain {
            true => forms::explained(conn, &principal, year, &finess),
            false => forms::get(conn, &cache, &principal, year, &finess),
        })
        .await?;
    Ok(body_response(body))
}
