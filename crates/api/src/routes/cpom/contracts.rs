//! `/api/v1/cpom/contracts[/{id}]`: the CPOM contracts (list, creation, reading, changes, transitions
//! between their states).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use tdb_domain::contract::{
    Contract, ContractCreate, ContractDetail, ContractTransition, ContractUpdate, Problem,
};

use super::version::{if_match, with_version};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::cpom::{contracts, lifecycle, updates};
use crate::state::AppState;

/// List the contracts you see.
///
/// ARS / CD: the contracts they sign in their territory; `og`: their managing body's; `esms`: those
/// covering their structures (ever); `national`: all. Newest first.
#[utoipa::path(
    tag = "cpom",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Contracts.", body = Vec<Contract>),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpom/contracts")]
pub async fn list_contracts(
    principal: Principal,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<Contract>>, ApiError> {
    state
        .db(move |conn| contracts::list(conn, &principal))
        .await
        .map(web::Json)
}

/// Create a contract (`en_negociation`).
///
/// `ars` (the ARS signs, structures of its region), `cd` (the CD signs, structures of its department)
/// or `og` (a proposal for its own managing body). The end defaults to start + 5 years − 1 day; the
/// initial structures join on the start date.
#[utoipa::path(
    tag = "cpom",
    request_body = ContractCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = Contract,
            headers(("Location" = String, description = "URL of the contract"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role or competence does not allow it.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unknown_structure`, `other_organisation`, `invalid_date`…).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpom/contracts")]
pub async fn create_contract(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<ContractCreate>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let contract = state
        .db_write(move |conn| lifecycle::create(conn, &principal, &input))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/cpom/contracts/{}", contract.id),
        ))
        .json(contract))
}

/// Read a contract with its perimeter, amendments, action sheets, objectives, committees, and the
/// alerts where a form's CPOM items disagree with the contracts.
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contract.", body = ContractDetail,
            headers(("ETag" = String, description = "The contract's version, for `If-Match`"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpom/contracts/{id}")]
pub async fn get_contract(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let detail = state
        .db(move |conn| contracts::detail(conn, &principal, id))
        .await?;
    Ok(with_version(detail.contract.version, &detail))
}

/// Change the title, the signatories or the dates of a contract in negotiation.
///
/// Only while `en_negociation` (after signature, through amendments: 409 `contract_not_editable`).
/// The signing authorities in competence, and the managing body during the negotiation, may; the
/// caller must remain in competence for the contract as changed. The end defaults to start + 5 years
/// − 1 day; the initial structures join on the new start. Requires `If-Match` with the contract's
/// `ETag`.
#[utoipa::path(
    tag = "cpom",
    params(
        ("id" = i64, Path, description = "Contract.", example = 1),
        ("If-Match" = String, Header, description = "The contract's `ETag`, e.g. `\"1\"`."),
    ),
    request_body = ContractUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contract after the change.", body = Contract,
            headers(("ETag" = String, description = "New version"))),
        (status = 400, description = "Unreadable body (unknown field, such as `structures`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role or competence does not allow it (the managing body after signature).",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Signed or later (`contract_not_editable`): use an amendment.", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match` (`stale_version`): reload the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`required`, `no_signatory`, `invalid_date`, `end_before_start`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing (`if_match_required`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[put("/cpom/contracts/{id}")]
pub async fn update_contract(
    principal: Principal,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Json<ContractUpdate>,
) -> Result<HttpResponse, ApiError> {
    let (id, input, if_match) = (id.into_inner(), body.into_inner(), if_match(&req));
    let contract = state
        .db_write(move |conn| updates::update_contract(conn, &principal, id, if_match, &input))
        .await?;
    Ok(with_version(contract.version, &contract))
}

/// Change the state of a contract: `sign` (schedules the year-3 and year-5 committees), `start`,
/// `expire`, `terminate` (with a reason). Signing authority only. Starting, expiring and terminating
/// push `cpom_en_cours`, `date_debut_cpom`, `date_fin_cpom` (source `cpom`) to the open forms of the
/// perimeter.
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    request_body = ContractTransition,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contract in its new state.", body = Contract),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a signing authority of the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible in this state (`invalid_transition`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid date or missing reason.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpom/contracts/{id}/transitions")]
pub async fn transition_contract(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<ContractTransition>,
) -> Result<web::Json<Contract>, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    state
        .db_write(move |conn| lifecycle::transition(conn, &principal, id, &input))
        .await
        .map(web::Json)
}
