//! `GET /api/v1/campaigns/{year}/peer-reference`: the reference distribution of a category for the peer
//! outlier flags, fetched once by the web app (cacheable, `ETag` / `If-None-Match`).

use actix_web::http::header::EntityTag;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use tdb_domain::catalogue::fnv1a64;
use tdb_domain::contract::{PeerReference, Problem};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::auth::principal::StructureScope;
use crate::error::ApiError;
use crate::routes::preconditions::conditional_json;
use crate::services::benchmarks::reference;
use crate::state::AppState;

/// Parameters of the reference distribution.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferenceParams {
    /// Category code, FINESS category code or alias.
    #[param(example = "ehpad")]
    pub category: Option<String>,
    /// Region code of the regional groups; national groups only when absent.
    #[param(example = "32")]
    pub region: Option<String>,
}

/// Reference distribution of the peer outlier flags.
///
/// For the forms of campaign `year`: the figures of the last campaign before it whose figures are
/// frozen, for one category — for each dialogue indicator in scope, the national group and (with
/// `region`) the regional group: n, and when published (n ≥ 5) the median, quartiles and median
/// absolute deviation. A value whose robust z-score `0.6745 × (x − median) ÷ MAD` (IQR fallback when
/// the MAD is 0) is beyond the campaign's threshold in one group raises the alert
/// `ecart_pairs.<indicator>`; send this body as `peer_reference` to `POST /evaluate` to get the same
/// flags. A published campaign (`restitution`, `archivee`) not frozen yet is frozen first, as its first
/// statistics read would. The body never changes for a given `ETag`; send `If-None-Match` to get 304. Any
/// authenticated caller (a partner needs `read`): these figures are anonymous.
#[utoipa::path(
    tag = "restitution",
    params(("year" = i32, Path, description = "Campaign year N being entered.", example = 2024), ReferenceParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The reference distribution.", body = PeerReference,
            headers(("ETag" = String, description = "Version of the figures"))),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner without the `read` scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such campaign (`campaign_not_found`), or no campaign before it is \
            frozen (`no_peer_reference`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or unknown category, unknown region.", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/campaigns/{year}/peer-reference")]
pub async fn peer_reference(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    year: web::Path<i32>,
    params: web::Query<ReferenceParams>,
) -> Result<HttpResponse, ApiError> {
    let year = year.into_inner();
    let params = params.into_inner();
    if principal.scope != StructureScope::Nothing {
        reference::ensure_frozen(&state.peer_source(), year).await?;
    }
    let body: PeerReference = state
        .db(move |conn| {
            reference::served(
                conn,
                &principal,
                year,
                (params.category.as_deref(), params.region.as_deref()),
            )
        })
        .await?;
    let json = serde_json::to_vec(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let tag = EntityTag::new_strong(format!("tdb-peer-{}-{:016x}", body.campaign, fnv1a64(&json)));
    Ok(conditional_json(&req, tag, "private, no-cache", || json))
}
