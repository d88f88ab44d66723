//! `/api/v1/cpom`: CPOM contracts, their perimeter, amendments, action sheets, objectives, follow-up,
//! committees and coverage (docs/cpom.md). Rights: see [`crate::services::cpom`].

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use tdb_domain::contract::{
    ActionSheet, ActionSheetCreate, Amendment, AmendmentCreate, Committee, CommitteeCreate, CommitteeRecord,
    CommitteeReport, Contract, ContractCreate, ContractDetail, ContractTransition, ContractUpdate, Coverage,
    FollowUp, Objective, ObjectiveCreate, ObjectiveValueInput, Problem, TerritoryLevel,
};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::cpom::{committees, contracts, coverage, follow_up, updates};
use crate::services::if_match::{IfMatch, etag};
use crate::state::AppState;

/// Registers the CPOM routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_contracts)
        .service(create_contract)
        .service(coverage_report)
        .service(get_contract)
        .service(update_contract)
        .service(transition_contract)
        .service(create_amendment)
        .service(create_action_sheet)
        .service(update_action_sheet)
        .service(delete_action_sheet)
        .service(create_objective)
        .service(update_objective)
        .service(delete_objective)
        .service(put_objective_value)
        .service(get_follow_up)
        .service(create_committee)
        .service(get_committee_report)
        .service(get_committee_report_pdf)
        .service(record_committee);
}

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
        .db(move |conn| contracts::create(conn, &principal, &input))
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

/// A 200 answer with `body` and the contract's `version` as `ETag`.
fn with_version(version: i64, body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// The `If-Match` header of a request.
fn if_match(req: &HttpRequest) -> IfMatch {
    crate::routes::preconditions::if_match(req)
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
        .db(move |conn| updates::update_contract(conn, &principal, id, if_match, &input))
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
        .db(move |conn| contracts::transition(conn, &principal, id, &input))
        .await
        .map(web::Json)
}

/// Record an amendment; structures join or leave the perimeter on its date. Signing authority only.
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    request_body = AmendmentCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded.", body = Amendment),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a signing authority of the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The contract is closed (`contract_closed`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpom/contracts/{id}/amendments")]
pub async fn create_amendment(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<AmendmentCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let amendment = state
        .db(move |conn| contracts::amend(conn, &principal, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(amendment))
}

/// Add an action sheet. Signing authority (until the contract is closed) or managing body (while it
/// is negotiated).
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    request_body = ActionSheetCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = ActionSheet),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state (`contract_not_editable`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpom/contracts/{id}/action-sheets")]
pub async fn create_action_sheet(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<ActionSheetCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let sheet = state
        .db(move |conn| contracts::add_action_sheet(conn, &principal, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(sheet))
}

/// Replace an action sheet (same rights and states as adding one).
///
/// Requires `If-Match` with the contract's `ETag`; the contract's version is bumped.
#[utoipa::path(
    tag = "cpom",
    params(
        ("id" = i64, Path, description = "Contract.", example = 1),
        ("sheet" = i64, Path, description = "Action sheet.", example = 1),
        ("If-Match" = String, Header, description = "The contract's `ETag`, e.g. `\"2\"`."),
    ),
    request_body = ActionSheetCreate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The action sheet after the change.", body = ActionSheet,
            headers(("ETag" = String, description = "The contract's new version"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract or action sheet in your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state (`contract_not_editable`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match` (`stale_version`): reload the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing (`if_match_required`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[put("/cpom/contracts/{id}/action-sheets/{sheet}")]
pub async fn update_action_sheet(
    principal: Principal,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: web::Json<ActionSheetCreate>,
) -> Result<HttpResponse, ApiError> {
    let ((id, sheet), input, if_match) = (path.into_inner(), body.into_inner(), if_match(&req));
    let (sheet, version) = state
        .db(move |conn| updates::update_action_sheet(conn, &principal, id, sheet, if_match, &input))
        .await?;
    Ok(with_version(version, &sheet))
}

/// Delete an action sheet and its objectives (same rights as adding one).
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1), ("sheet" = i64, Path, description = "Action sheet.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract or action sheet in your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/cpom/contracts/{id}/action-sheets/{sheet}")]
pub async fn delete_action_sheet(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, sheet) = path.into_inner();
    state
        .db(move |conn| contracts::delete_action_sheet(conn, &principal, id, sheet))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add an objective to an action sheet: a catalogue indicator (for one structure, or aggregated over
/// the perimeter) or a free indicator. The baseline (campaign before the start, value from the
/// dashboard) and the sense (the indicator's direction) are filled when not given.
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    request_body = ObjectiveCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = Objective),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unknown_indicator`, `sense_required`, `outside_contract`…).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cpom/contracts/{id}/objectives")]
pub async fn create_objective(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<ObjectiveCreate>,
) -> Result<HttpResponse, ApiError> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let objective = state
        .db(move |conn| contracts::add_objective(conn, &principal, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(objective))
}

/// Replace an objective (same rights and states as adding one).
///
/// A dashboard objective sent without `baseline_value` keeps its baseline while its indicator,
/// structure and baseline campaign stay the same; otherwise the baseline is computed as at the
/// creation. Requires `If-Match` with the contract's `ETag`; the contract's version is bumped.
#[utoipa::path(
    tag = "cpom",
    params(
        ("id" = i64, Path, description = "Contract.", example = 1),
        ("objective" = i64, Path, description = "Objective.", example = 1),
        ("If-Match" = String, Header, description = "The contract's `ETag`, e.g. `\"2\"`."),
    ),
    request_body = ObjectiveCreate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The objective after the change.", body = Objective,
            headers(("ETag" = String, description = "The contract's new version"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract or objective in your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state (`contract_not_editable`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match` (`stale_version`): reload the contract.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unknown_indicator`, `sense_required`, `outside_contract`…).",
            body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing (`if_match_required`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[put("/cpom/contracts/{id}/objectives/{objective}")]
pub async fn update_objective(
    principal: Principal,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: web::Json<ObjectiveCreate>,
) -> Result<HttpResponse, ApiError> {
    let ((id, objective), input, if_match) = (path.into_inner(), body.into_inner(), if_match(&req));
    let (objective, version) = state
        .db(move |conn| updates::update_objective(conn, &principal, id, objective, if_match, &input))
        .await?;
    Ok(with_version(version, &objective))
}

/// Delete an objective (same rights as adding one).
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1), ("objective" = i64, Path, description = "Objective.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot edit this contract.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract or objective in your scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "Not editable in this state.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/cpom/contracts/{id}/objectives/{objective}")]
pub async fn delete_objective(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, objective) = path.into_inner();
    state
        .db(move |conn| contracts::delete_objective(conn, &principal, id, objective))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Report the value of a free objective for a year (managing body or signing authority).
#[utoipa::path(
    tag = "cpom",
    params(("objective" = i64, Path, description = "Objective.", example = 3), ("year" = i32, Path, description = "Year.", example = 2025)),
    request_body = ObjectiveValueInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded.", body = Objective),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot report on this objective.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such objective in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A dashboard objective (`computed_objective`) or a year outside the contract.",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/cpom/objectives/{objective}/values/{year}")]
pub async fn put_objective_value(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
    body: web::Json<ObjectiveValueInput>,
) -> Result<web::Json<Objective>, ApiError> {
    let ((objective, year), input) = (path.into_inner(), body.into_inner());
    state
        .db(move |conn| contracts::put_value(conn, &principal, objective, year, &input))
        .await
        .map(web::Json)
}

/// Follow-up of every objective for every campaign of the contract: actual value (validated forms;
/// `provisoire` otherwise), expected value on the trajectory, gap to the target, status.
#[utoipa::path(
    tag = "cpom",
    params(("id" = i64, Path, description = "Contract.", example = 1)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The follow-up.", body = FollowUp),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contract in your scope.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpom/contracts/{id}/follow-up")]
pub async fn get_follow_up(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<FollowUp>, ApiError> {
    let id = id.into_inner();
    state
        .db(move |conn| follow_up::follow_up(conn, &principal, id))
        .await
        .map(web::Json)
}

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
        .db(move |conn| committees::create(conn, &principal, id, &input))
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
        (status = 200, description = "The report.", content_type = "application/pdf", body = Vec<u8>),
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
        .db(move |conn| committees::record(conn, &principal, id, &input))
        .await
        .map(web::Json)
}

/// Parameters of the coverage report.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageParams {
    /// `department` (default) or `region`.
    pub by: Option<TerritoryLevel>,
}

/// Coverage by CPOM per territory of your scope (`ars`, `cd`, `national`): share of managing bodies
/// and of structures under a CPOM in force today, the pooled mean and the territory minimum and
/// maximum, and the EHPAD that had to be under CPOM by 2021-12-31 (art. L.313-12 IV ter CASF) and
/// are not.
#[utoipa::path(
    tag = "cpom",
    params(CoverageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Coverage.", body = Coverage),
        (status = 400, description = "Unknown `by`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot see coverage.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cpom/coverage")]
pub async fn coverage_report(
    principal: Principal,
    state: web::Data<AppState>,
    params: web::Query<CoverageParams>,
) -> Result<web::Json<Coverage>, ApiError> {
    let by = match params.by.unwrap_or(TerritoryLevel::Department) {
        TerritoryLevel::Department => "department",
        TerritoryLevel::Region => "region",
    };
    state
        .db(move |conn| coverage::coverage(conn, &principal, by))
        .await
        .map(web::Json)
}
