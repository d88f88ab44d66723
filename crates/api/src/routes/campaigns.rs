//! `/api/v1/campaigns`: list and read (any authenticated caller), creation and phase changes
//! (`national`).

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use tdb_domain::contract::{Campaign, CampaignCreate, Page, PhaseChange, PhaseChangeResult, Problem};

use crate::auth::Principal;
use crate::db::repo;
use crate::error::ApiError;
use crate::routes::pagination::PageParams;
use crate::services::campaigns as service;
use crate::services::passwords::LinkBase;
use crate::state::AppState;

/// List the campaigns.
///
/// Every campaign with its phase and dates, by year. Any authenticated caller.
#[utoipa::path(
    tag = "campaigns",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of campaigns.", body = Page<Campaign>),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging parameters.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/campaigns")]
pub async fn list_campaigns(
    _principal: Principal,
    state: web::Data<AppState>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Campaign>>, ApiError> {
    let paging = page.into_inner().validate()?;
    let (rows, total) = state
        .db(move |conn| Ok(repo::campaigns::list(conn, paging.offset(), paging.limit())?))
        .await?;
    Ok(web::Json(Page {
        items: rows.into_iter().map(service::to_campaign).collect(),
        meta: paging.meta(total),
    }))
}

/// Read a campaign.
#[utoipa::path(
    tag = "campaigns",
    params(("year" = i32, Path, description = "Campaign year N.", example = 2024)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign.", body = Campaign),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign (`campaign_not_found`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{year}")]
pub async fn get_campaign(
    _principal: Principal,
    state: web::Data<AppState>,
    year: web::Path<i32>,
) -> Result<web::Json<Campaign>, ApiError> {
    let year = year.into_inner();
    state
        .db(move |conn| service::get(conn, year))
        .await
        .map(web::Json)
}

/// Create a campaign.
///
/// `national` only. The campaign starts in phase `preparation` with the catalogue that covers its year
/// (its version is stored). Dates are optional, `YYYY-MM-DD`, in calendar order.
#[utoipa::path(
    tag = "campaigns",
    request_body = CampaignCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = Campaign,
            headers(("Location" = String, description = "URL of the campaign"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the national administration creates campaigns.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The campaign exists (`already_exists`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Year not covered by a catalogue, or invalid dates.", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:validation_failed", "title": "Données invalides", "status": 422,
                "detail": "1 champ(s) invalide(s) : rien n'a été enregistré.", "code": "validation_failed",
                "errors": [{"path": "/year", "code": "campaign_not_covered",
                            "message": "Aucun catalogue ne couvre la campagne 2040 (campagnes couvertes : 2019 à 2026)."}]})),
    )
)]
#[post("/campaigns")]
pub async fn create_campaign(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<CampaignCreate>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let campaign = state
        .db_write(move |conn| service::create(conn, &principal, &input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/campaigns/{}", campaign.year)))
        .json(campaign))
}

/// Move a campaign to its next phase.
///
/// `national` only. Phases only move forward, one at a time: `preparation` → `collecte` →
/// `fiabilisation` → `restitution` → `archivee`; anything else answers 409
/// `invalid_phase_transition`. Dates sent are set at the same time (the others keep their value) and
/// must stay in calendar order. Leaving `fiabilisation` closes every form of the campaign (`cloture`).
/// The change and each closed form are written to the audit log, in the same transaction.
#[utoipa::path(
    tag = "campaigns",
    params(("year" = i32, Path, description = "Campaign year N.", example = 2024)),
    request_body = PhaseChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The campaign after the change.", body = PhaseChangeResult),
        (status = 400, description = "Unreadable body or unknown phase.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the national administration changes phases.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such campaign.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the next phase (`invalid_phase_transition`).", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:invalid_phase_transition",
                "title": "Action impossible dans l'état actuel", "status": 409,
                "detail": "La campagne 2024 est en phase « collecte » : elle ne peut passer qu'en « fiabilisation ».",
                "code": "invalid_phase_transition"})),
        (status = 422, description = "Invalid or out-of-order dates.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns/{year}/phase")]
pub async fn change_phase(
    principal: Principal,
    state: web::Data<AppState>,
    year: web::Path<i32>,
    body: web::Json<PhaseChange>,
) -> Result<web::Json<PhaseChangeResult>, ApiError> {
    let (year, input) = (year.into_inner(), body.into_inner());
    let base = LinkBase {
        origin: state.config.public_url().origin(),
    };
    state
        .db_write(move |conn| service::change_phase(conn, &principal, (year, &base), &input))
        .await
        .map(web::Json)
}
