//! `/api/v1/structures/{finess}/fiche` (JSON) and `/fiche.pdf`: the fiche de synthèse of a structure;
//! `/api/v1/campaigns/{year}/fiches` and `/api/v1/fiche-batches/{id}`: the fiches of a territory, zipped.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use tdb_domain::contract::{Fiche, FicheBatch, FieldError, Problem};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::binary::{Pdf, Zip};
use crate::services::fiche::{self as service, batch, pdf};
use crate::state::AppState;

/// Parameters of a fiche.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FicheParams {
    /// Campaign year N of the fiche (the two campaigns before it are shown too).
    #[param(example = 2024)]
    pub campaign: Option<i32>,
}

impl FicheParams {
    fn campaign(self) -> Result<i32, ApiError> {
        self.campaign.ok_or_else(|| {
            ApiError::Validation(vec![FieldError {
                path: "/query/campaign".to_owned(),
                code: "required".to_owned(),
                message: "Indiquez la campagne (par exemple campaign=2024).".to_owned(),
            }])
        })
    }
}

/// The fiche de synthèse of a structure (JSON).
///
/// Identity (FINESS, category, managing body, authorised capacity, CPOM from the characterisation
/// items), completion and state of the form over the campaign and the two before it, the
/// dialogue-level indicators in scope of the category over those campaigns with the median of the
/// first peer group not withheld (département, then région, then national), the structure's rank
/// among n and the trend, and the failing controls of the campaign's form. Same access as the form:
/// the structure, its managing body, its authorities within their scope, `national` and partners with
/// `read`; 404 for anyone else.
#[utoipa::path(
    tag = "restitution",
    params(
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000015"),
        FicheParams,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The fiche.", body = Fiche),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign, or structure outside your scope (`structure_not_found`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing `campaign`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/structures/{finess}/fiche")]
pub async fn get_fiche(
    principal: Principal,
    state: web::Data<AppState>,
    finess: web::Path<String>,
    params: web::Query<FicheParams>,
) -> Result<web::Json<Fiche>, ApiError> {
    let year = params.into_inner().campaign()?;
    service::fiche(&state.peer_source(), principal, finess.into_inner(), year)
        .await
        .map(web::Json)
}

/// The fiche de synthèse of a structure (PDF).
///
/// The same content as the JSON fiche on one or two A4 pages, in French, with a completion bar per
/// campaign and a sparkline per indicator. Same access rules.
#[utoipa::path(
    tag = "restitution",
    params(
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000015"),
        FicheParams,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The fiche as a PDF.", content_type = "application/pdf", body = inline(Pdf),
            headers(("Content-Disposition" = String, description = "`inline; filename=\"fiche-<finess>-<campaign>.pdf\"`"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign, or structure outside your scope (`structure_not_found`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing `campaign`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/structures/{finess}/fiche.pdf")]
pub async fn get_fiche_pdf(
    principal: Principal,
    state: web::Data<AppState>,
    finess: web::Path<String>,
    params: web::Query<FicheParams>,
) -> Result<HttpResponse, ApiError> {
    let year = params.into_inner().campaign()?;
    let fiche = service::fiche(&state.peer_source(), principal, finess.into_inner(), year).await?;
    let today = chrono::Utc::now().format("%d/%m/%Y").to_string();
    let name = format!("fiche-{}-{year}.pdf", fiche.identity.finess);
    let bytes = web::block(move || pdf::render(&fiche, &today)).await??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}\""),
        ))
        .body(bytes))
}

/// Territory of a batch.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchParams {
    /// `department:<code>` or `region:<code>`.
    #[param(example = "department:59")]
    pub territory: Option<String>,
}

/// Build the fiches of a territory (zip of PDFs).
///
/// `ars` (their region or one of its departments), `cd` (their department) and `national`; others
/// 403. Every structure of the territory the caller sees gets its PDF fiche for the campaign; the
/// batch runs in the background: 202 with the batch, whose `Location` gives its progress; the zip is
/// at `download` once `done`.
#[utoipa::path(
    tag = "restitution",
    params(("year" = i32, Path, description = "Campaign year N.", example = 2024), BatchParams),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Batch started.", body = FicheBatch,
            headers(("Location" = String, description = "URL of the batch"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an authority, or a territory outside your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such campaign.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or invalid territory (`invalid_territory`), or too many structures (`batch_too_large`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "You already have an unfinished batch, or the server builds its maximum (`too_many_requests`); \
            see `Retry-After`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns/{year}/fiches")]
pub async fn post_fiche_batch(
    principal: Principal,
    state: web::Data<AppState>,
    year: web::Path<i32>,
    params: web::Query<BatchParams>,
) -> Result<HttpResponse, ApiError> {
    let batch = batch::start(
        &state.peer_source(),
        principal,
        year.into_inner(),
        params.into_inner().territory,
        state.config.fiche_batch_ttl_hours,
    )
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/v1/fiche-batches/{}", batch.id)))
        .json(batch))
}

/// Progress of a batch of fiches.
///
/// For whoever started it; 404 for anyone else.
#[utoipa::path(
    tag = "restitution",
    params(("id" = String, Path, description = "Batch id.", example = "fic-3f9a1c0b7d2e4a51")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The batch.", body = FicheBatch),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such batch of yours (`batch_not_found`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/fiche-batches/{id}")]
pub async fn get_fiche_batch(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<FicheBatch>, ApiError> {
    let id = id.into_inner();
    let ttl = state.config.fiche_batch_ttl_hours;
    state
        .db(move |conn| batch::get(conn, &principal, &id, ttl))
        .await
        .map(web::Json)
}

/// Download a batch of fiches (zip).
///
/// For whoever started it once it is `done` (409 `batch_not_done` before); 404 for anyone else.
#[utoipa::path(
    tag = "restitution",
    params(("id" = String, Path, description = "Batch id.", example = "fic-3f9a1c0b7d2e4a51")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A zip of `fiche-<finess>-<campaign>.pdf` files.", content_type = "application/zip",
            body = inline(Zip)),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such batch of yours (`batch_not_found`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not built yet (`batch_not_done`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/fiche-batches/{id}/archive")]
pub async fn get_fiche_batch_archive(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let name = format!("fiches-{id}.zip");
    let ttl = state.config.fiche_batch_ttl_hours;
    let bytes = state
        .db(move |conn| batch::archive(conn, &principal, &id, ttl))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}
