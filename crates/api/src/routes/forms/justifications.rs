//! `PUT`/`DELETE …/form/justifications/{key}`.

use actix_web::{HttpRequest, HttpResponse, delete, put, web};
use tdb_domain::contract::{FormDocument, JustificationBody, Problem};

use super::form_response;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::preconditions::if_match;
use crate::services::forms::{self, JustificationChange};
use crate::state::AppState;

/// Path of a justification: campaign, FINESS, alert key.
type JustificationPath = web::Path<(i32, String, String)>;

/// Justify a failing alert.
///
/// Writes (or replaces) the justification of the alert `key`: the code of an `alerte` control, or
/// `variation_annuelle.<indicator>` for the year-over-year control, `ecart_pairs.<indicator>` for a value
/// far from its peers (robust z-score beyond the campaign's threshold). A key that names no alert of this
/// form answers 404 `unknown_alert`; an alert that does not fail now answers 409 `alert_not_failing`.
/// Audited; the form's version and submission readiness change with it. `If-Match` is checked when
/// sent. Same roles, phase and state rules as `PATCH …/form`.
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
        ("key" = String, Path, description = "Alert key.", example = "occupation_hp_au_dessus_100"),
        ("If-Match" = Option<String>, Header, description = "ETag of the form, checked when sent."),
    ),
    request_body = JustificationBody,
    responses(
        (status = 200, description = "The form after the change.", body = FormDocument,
            headers(("ETag" = String, description = "New version of the form"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not write forms.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign, structure outside the scope, or key that names no alert \
            (`unknown_alert`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`alert_not_failing`, `form_not_editable` or `campaign_phase`.", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is stale.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text is shorter than 10 characters (`/text`, `too_short`).", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/campaigns/{year}/structures/{finess}/form/justifications/{key}")]
pub async fn put_justification(
    principal: Principal,
    state: web::Data<AppState>,
    path: JustificationPath,
    req: HttpRequest,
    body: web::Json<JustificationBody>,
) -> Result<HttpResponse, ApiError> {
    let (year, finess, key) = path.into_inner();
    let condition = if_match(&req);
    let document = state
        .db_write(move |conn| {
            forms::change_justification(
                conn,
                &principal,
                (year, &finess),
                &key,
                JustificationChange::Put(&body.text),
                &condition,
            )
        })
        .await?;
    Ok(form_response(document))
}

/// Remove a justification.
///
/// Deletes the justification of the alert `key` (404 `justification_not_found` when there is none).
/// Audited; same rules as writing one.
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
        ("key" = String, Path, description = "Alert key.", example = "occupation_hp_au_dessus_100"),
        ("If-Match" = Option<String>, Header, description = "ETag of the form, checked when sent."),
    ),
    responses(
        (status = 200, description = "The form after the change.", body = FormDocument,
            headers(("ETag" = String, description = "New version of the form"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not write forms.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign, structure outside the scope, unknown alert or no \
            justification (`justification_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`form_not_editable` or `campaign_phase`.", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is stale.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/campaigns/{year}/structures/{finess}/form/justifications/{key}")]
pub async fn delete_justification(
    principal: Principal,
    state: web::Data<AppState>,
    path: JustificationPath,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (year, finess, key) = path.into_inner();
    let condition = if_match(&req);
    let document = state
        .db_write(move |conn| {
            forms::change_justification(
                conn,
                &principal,
                (year, &finess),
                &key,
                JustificationChange::Delete,
                &condition,
            )
        })
        .await?;
    Ok(form_response(document))
}
