//! `/api/v1/cpom/contracts/{id}/committees` and `/api/v1/cpom/committees/{committee}…`: follow-up
//! committees, their reports (JSON, PDF) and their record.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use tdb_domain::contract::{Committee, CommitteeCreate, CommitteeRecord, CommitteeReport, Problem};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::binary::Pdf;
use crate::services::cpom::committees;
use crate::state::AppState;

/// Plan an extra committee (signing authority; the contract must be signed).
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    request_body = CommitteeCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Planned.", body = Committee),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a signing authority of the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The contract is not signed (`contract_not_signed`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid or out-of-contract date.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpom/contracts/{id}/committees")]
pub async fn create_committee(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<CommitteeCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let committee = state
        .db_write(move |conn| committees::create(conn, &principal, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(committee))
}

/// The report of a committee: the follow-up up to the committee's contract year, objectives per
/// status, the perimeter on its date. Frozen once the committee is recorded as held.
#[utoipa::path(
    tag = "cpom",
    params(("committee" = i64, Path, description = "Committee.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report.", body = CommitteeReport),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such committee in your scope.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpom/committees/{committee}/report")]
pub async fn get_committee_report(
    principal: Principal,
    state: web::Data<AppState>,
    committee: web::Path<i64>,
) -> Result<web::Json<CommitteeReport>, ApiError> {
    let id = committee.into_inner();
    state
        .db(move |conn| committees::report(conn, &principal, id))
        .await
        .map(web::Json)
}

/// The report of a committee as an A4 PDF in French (same content as the JSON report).
#[utoipa::path(
    tag = "cpom",
    params(("committee" = i64, Path, description = "Committee.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report.", content_type = "application/pdf", body = inline(Pdf)),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such committee in your scope.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpom/committees/{committee}/report.pdf")]
pub async fn get_committee_report_pdf(
    principal: Principal,
    state: web::Data<AppState>,
    committee: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = committee.into_inner();
    let pdf = state
        .db(move |conn| crate::services::cpom::report_pdf::render(&committees::report(conn, &principal, id)?))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"comite-cpom-{id}.pdf\""),
        ))
        .body(pdf))
}

/// Record a committee as held: minutes and decisions; its report is frozen. Signing authority only.
#[utoipa::path(
    tag = "cpom",
    params(("committee" = i64, Path, description = "Committee.", example = 1)),
    request_body = CommitteeRecord,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The frozen report.", body = CommitteeReport),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a signing authority of the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such committee in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already recorded (`committee_held`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid date or empty minutes.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/cpom/committees/{committee}")]
pub async fn record_committee(
    principal: Principal,
    state: web::Data<AppState>,
    committee: web::Path<i64>,
    body: web::Json<CommitteeRecord>,
) -> Result<web::Json<CommitteeReport>, ApiError> {
    let (id, input) = (committee.into_inner(), body.into_inner());
    state
        .db_write(move |conn| committees::record(conn, &principal, id, &input))
        .await
        .map(web::Json)
}
