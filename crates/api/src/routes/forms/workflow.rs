//! `POST …/form/submit`, `…/form/review`, `…/form/reopen`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use tdb_domain::contract::{FormDocument, Problem, ReopenRequest, ReviewRequest};

use super::{FormPath, form_response};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::preconditions::if_match;
use crate::services::forms;
use crate::services::passwords::LinkBase;
use crate::state::AppState;

/// Submit a form.
///
/// `en_cours` or `correction_demandee` → `soumis`, when the form can be submitted (catalogue.md §5.3):
/// completion threshold reached, no blocking control failing, every failing alert justified. Otherwise
/// 409 `cannot_submit` with one entry per reason in `errors`. Stamps the submission and resolves the
/// open correction requests whose item changed since they were made. Audited (`transition`).
///
/// Roles `esms` and `og`. `If-Match` is checked when sent.
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
        ("If-Match" = Option<String>, Header, description = "ETag of the form, checked when sent."),
    ),
    responses(
        (status = 200, description = "The submitted form.", body = FormDocument,
            headers(("ETag" = String, description = "New version of the form"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not submit forms.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign or structure outside the caller's scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "`cannot_submit` (with the reasons), `invalid_transition` or `campaign_phase`.",
            body = Problem, content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:cannot_submit", "title": "Action impossible dans l'état actuel",
                "status": 409, "code": "cannot_submit", "detail": "Le formulaire ne peut pas être soumis : 2 motif(s).",
                "errors": [
                    {"path": "/evaluation/completion", "code": "completion_below_threshold",
                     "message": "120 données renseignées sur 150 : le seuil de 90 % n'est pas atteint."},
                    {"path": "/justifications/occupation_hp_au_dessus_100", "code": "unjustified_alert",
                     "message": "Alerte à justifier : Le taux d'occupation en hébergement permanent dépasse 100 % : vérifiez les journées réalisées, les absences de moins de 72 h, les places financées et les jours d'ouverture."}
                ]})),
        (status = 412, description = "`If-Match` is stale.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/campaigns/{year}/structures/{finess}/form/submit")]
pub async fn submit_form(
    principal: Principal,
    state: web::Data<AppState>,
    path: FormPath,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (year, finess) = path.into_inner();
    let condition = if_match(&req);
    let base = LinkBase {
        origin: state.config.public_url().origin(),
    };
    let document = state
        .db_write(move |conn| forms::submit(conn, &principal, (year, &finess), (&condition, &base)))
        .await?;
    Ok(form_response(document))
}

/// Review a submitted form.
///
/// An ARS or CD officer whose authority is in charge of the structure (others: 403) either validates
/// (`{"decision": "validate"}`) or sends the form back (`{"decision": "request_corrections", "items":
/// [{"item", "message"}]}`, items from the catalogue). A structure of joint competence (`ARS_CD`) needs
/// both validations: after the first the form stays `soumis` and `validation.awaiting` names the
/// other authority. Asking corrections moves the form to `correction_demandee`, opens one request per
/// item with its first message, and clears partial validations. Only on `soumis` forms (409
/// `form_not_submitted`), during `collecte` or `fiabilisation`. Audited.
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
        ("If-Match" = Option<String>, Header, description = "ETag of the form, checked when sent."),
    ),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The form after the decision.", body = FormDocument,
            headers(("ETag" = String, description = "New version of the form"))),
        (status = 400, description = "The body is not a review decision.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not an authority in charge of the structure.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign or structure outside the caller's scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "`form_not_submitted`, `already_validated` or `campaign_phase`.", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is stale.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No item, unknown item or empty message.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/campaigns/{year}/structures/{finess}/form/review")]
pub async fn review_form(
    principal: Principal,
    state: web::Data<AppState>,
    path: FormPath,
    req: HttpRequest,
    body: web::Json<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let (year, finess) = path.into_inner();
    let condition = if_match(&req);
    let base = LinkBase {
        origin: state.config.public_url().origin(),
    };
    let document = state
        .db_write(move |conn| forms::review(conn, &principal, (year, &finess), (&condition, &base), &body))
        .await?;
    Ok(form_response(document))
}

/// Reopen a form.
///
/// An ARS, CD or national officer sends a `soumis` or `valide` form back to the structure: `en_cours`,
/// or `correction_demandee` while correction requests are open. Validations are cleared. The comment
/// is required and kept in the audit log.
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
        ("If-Match" = Option<String>, Header, description = "ETag of the form, checked when sent."),
    ),
    request_body = ReopenRequest,
    responses(
        (status = 200, description = "The reopened form.", body = FormDocument,
            headers(("ETag" = String, description = "New version of the form"))),
        (status = 400, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not reopen forms.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign or structure outside the caller's scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "`invalid_transition` or `campaign_phase`.", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` is stale.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty comment.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/campaigns/{year}/structures/{finess}/form/reopen")]
pub async fn reopen_form(
    principal: Principal,
    state: web::Data<AppState>,
    path: FormPath,
    req: HttpRequest,
    body: web::Json<ReopenRequest>,
) -> Result<HttpResponse, ApiError> {
    let (year, finess) = path.into_inner();
    let condition = if_match(&req);
    let base = LinkBase {
        origin: state.config.public_url().origin(),
    };
    let document = state
        .db_write(move |conn| forms::reopen(conn, &principal, (year, &finess), (&condition, &base), &body))
        .await?;
    Ok(form_response(document))
}
