//! `/api/v1/structures/{finess}/fiche` (JSON) and `/fiche.pdf`: the fiche de synthèse of a structure.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use tdb_domain::contract::{FieldError, Fiche, Problem};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::fiche::{self as service, pdf};
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
/// the structure, its managing body, its authorities within their scope and `national`; 404 for
/// anyone else.
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
    service::fiche(&state, principal, finess.into_inner(), year)
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
        (status = 200, description = "The fiche as a PDF.", content_type = "application/pdf", body = Vec<u8>,
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
    let fiche = service::fiche(&state, principal, finess.into_inner(), year).await?;
    let today = chrono::Utc::now().format("%d/%m/%Y").to_string();
    let name = format!("fiche-{}-{year}.pdf", fiche.identity.finess);
    let bytes = web::block(move || pdf::render(&fiche, &today)).await??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")))
        .body(bytes))
}
