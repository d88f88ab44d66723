//! `POST …/form/corrections/{id}/messages`.

use actix_web::{HttpResponse, post, web};
use tdb_domain::contract::{CorrectionMessageBody, FormCorrection, Problem};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::forms;
use crate::state::AppState;

/// Write in a correction thread.
///
/// Adds a message to the correction request `id` of the form and answers the whole thread. The
/// structure (`esms`, `og`) and the authorities (`ars`, `cd`, `national`) may write until the form is
/// closed (409 `form_closed`). Audited (`correction_message`).
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
        ("id" = i64, Path, description = "Correction request.", example = 7),
    ),
    request_body = CorrectionMessageBody,
    responses(
        (status = 201, description = "The thread with the new message.", body = FormCorrection),
        (status = 400, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not take part in corrections.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign, structure outside the scope, or request not on this form \
            (`correction_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The form is closed (`form_closed`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty message (`/body`).", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/campaigns/{year}/structures/{finess}/form/corrections/{id}/messages")]
pub async fn post_correction_message(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i32, String, i64)>,
    body: web::Json<CorrectionMessageBody>,
) -> Result<HttpResponse, ApiError> {
    let (year, finess, id) = path.into_inner();
    let thread = state
        .db_write(move |conn| forms::post_message(conn, &principal, (year, &finess), id, &body.body))
        .await?;
    Ok(HttpResponse::Created().json(thread))
}
