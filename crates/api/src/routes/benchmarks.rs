//! `/api/v1/campaigns/{year}/benchmarks` (statistics of one peer group) and
//! `/api/v1/campaigns/{year}/structures/{finess}/benchmark` (a structure against its peers) and
//! `/api/v1/campaigns/{year}/indicators` (indicator values of the structures in scope).

use actix_web::{get, web};
use serde::Deserialize;
use tdb_domain::contract::{GroupBenchmark, IndicatorTable, Problem, StructureBenchmark};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::db::repo::exports::ExportFilters;
use crate::error::ApiError;
use crate::services::benchmarks::table::TableQuery;
use crate::services::benchmarks::{self as service, GroupQuery};
use crate::state::AppState;

/// Parameters of a peer group.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupParams {
    /// Indicator code.
    #[param(example = "taux_occupation_hp")]
    pub indicator: Option<String>,
    /// Category code, FINESS category code or alias.
    #[param(example = "ehpad")]
    pub category: Option<String>,
    /// `national` (default), `region:<code>` or `department:<code>`.
    #[param(example = "department:59")]
    pub territory: Option<String>,
}

/// Statistics of a peer group.
///
/// One indicator, one category, one territory (§7): n, min, d1, q1, median, q3, d9, max and mean
/// (type-7 quantiles) of the values of the structures that count — completion threshold reached
/// and indicator `ok`. Under 5 structures everything is withheld (`withheld: true`,
/// `reason: effectif_insuffisant`) and `fallback` names the territory one level up. Once the
/// campaign is in `restitution` the figures come from the snapshot written at the phase change
/// (`frozen_at`) and never change again. Any authenticated caller (a partner needs `read`): these
/// statistics are anonymous.
#[utoipa::path(
    tag = "restitution",
    params(("year" = i32, Path, description = "Campaign year N.", example = 2024), GroupParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The group's statistics, or why they are withheld.", body = GroupBenchmark),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner without the `read` scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such campaign (`campaign_not_found`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Missing or unknown indicator, category or territory.", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:validation_failed", "title": "Données invalides", "status": 422,
                "detail": "1 champ(s) invalide(s) : rien n'a été enregistré.", "code": "validation_failed",
                "errors": [{"path": "/query/territory", "code": "invalid_territory",
                    "message": "Le territoire s'écrit « national », « region:<code> » ou « department:<code> »."}]})),
    )
)]
#[get("/campaigns/{year}/benchmarks")]
pub async fn group_benchmark(
    principal: Principal,
    state: web::Data<AppState>,
    year: web::Path<i32>,
    params: web::Query<GroupParams>,
) -> Result<web::Json<GroupBenchmark>, ApiError> {
    let params = params.into_inner();
    let query = GroupQuery {
        indicator: params.indicator,
        category: params.category,
        territory: params.territory,
    };
    service::group(&state.peer_source(), &principal, year.into_inner(), query)
        .await
        .map(web::Json)
}

/// A structure against its peers.
///
/// Every indicator in scope of the structure's category: its value, and at département, région and
/// national level the group's statistics and the structure's rank among n (1 = best by the
/// indicator's direction; none for `neutral` indicators), ascending position, percentile and
/// quartile. Only anonymous statistics and the structure's own position: never another
/// structure's value or rank. The structure itself (`esms`), its managing body (`og`), its
/// authorities within their scope (`ars`, `cd`), `national` and partners with `read` (as for the form);
/// anyone else gets 404.
#[utoipa::path(
    tag = "restitution",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000015"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The structure's benchmark.", body = StructureBenchmark),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign, or structure outside your scope (`structure_not_found`).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{year}/structures/{finess}/benchmark")]
pub async fn structure_benchmark(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
) -> Result<web::Json<StructureBenchmark>, ApiError> {
    let (year, finess) = path.into_inner();
    service::structure(&state.peer_source(), principal, year, finess)
        .await
        .map(web::Json)
}

/// Filters of an indicator table.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TableParams {
    /// Category code, FINESS category code or alias.
    #[param(example = "ehpad")]
    pub category: Option<String>,
    /// Department code.
    #[param(example = "59")]
    pub department: Option<String>,
    /// Region code.
    #[param(example = "32")]
    pub region: Option<String>,
    /// Managing body (FINESS EJ).
    #[param(example = "590000001")]
    pub organisation: Option<String>,
    /// Indicator codes separated by commas; by default the dialogue-level indicators in scope of the
    /// listed structures' categories.
    #[param(example = "taux_occupation_hp,taux_absenteisme")]
    pub indicators: Option<String>,
}

/// Indicator values of the structures in scope.
///
/// One row per structure the caller may see (`esms`/`og`: theirs; `ars`/`cd`: their territory and
/// competence; `national` and partner clients with the `read` scope: all — the scope of the exports),
/// narrowed by the filters, by FINESS: identity, form state, completion rate, and the value of each
/// indicator asked for (null when not `ok`). The values are those the peer statistics are computed
/// from: live, or as frozen once the campaign is in `restitution` (`frozen_at`). A filter naming
/// something outside the scope gives no rows, never another's data.
#[utoipa::path(
    tag = "restitution",
    params(("year" = i32, Path, description = "Campaign year N.", example = 2024), TableParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The table.", body = IndicatorTable),
        (status = 400, description = "Unreadable query (`invalid_query`: unknown parameter).", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner client without the `read` scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such campaign (`campaign_not_found`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Unknown category (`/query/category`) or indicator (`/query/indicators`).",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{year}/indicators")]
pub async fn indicator_table(
    principal: Principal,
    state: web::Data<AppState>,
    year: web::Path<i32>,
    params: web::Query<TableParams>,
) -> Result<web::Json<IndicatorTable>, ApiError> {
    let params = params.into_inner();
    let query = TableQuery {
        filters: ExportFilters {
            category: params.category,
            department: params.department,
            region: params.region,
            organisation: params.organisation,
            finess: None,
        },
        indicators: params.indicators,
    };
    service::table::table(&state.peer_source(), principal, year.into_inner(), query)
        .await
        .map(web::Json)
}
