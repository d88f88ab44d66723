//! `GET /api/v1/catalogue/{campaign}`: the data dictionary of a campaign, public and cacheable.

use actix_web::http::header::EntityTag;
use actix_web::{HttpRequest, HttpResponse, get, web};
use tdb_domain::catalogue_for;
use tdb_domain::contract::{CatalogueDocument, Problem};

use crate::error::ApiError;
use crate::routes::preconditions::conditional_json;

/// The catalogue of a campaign.
///
/// The whole data dictionary that applies to campaign N (2019 onwards): categories, scope sets, raw
/// items, indicators with their formulas, coherence controls and the completion rule. Public: no
/// authentication. The body never changes for a given `ETag`; send `If-None-Match` to get 304.
#[utoipa::path(
    tag = "catalogue",
    params(("campaign" = i32, Path, description = "Campaign year N (collects the data of year N−1).", example = 2024)),
    responses(
        (status = 200, description = "The catalogue of the campaign.", body = CatalogueDocument,
            headers(("ETag" = String, description = "Version of the catalogue file"))),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
        (status = 400, description = "The campaign is not a year.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No catalogue covers the campaign (`campaign_not_covered`).", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/catalogue/{campaign}")]
pub async fn get_catalogue(req: HttpRequest, campaign: web::Path<i32>) -> Result<HttpResponse, ApiError> {
    let catalogue = catalogue_for(campaign.into_inner())?;
    let tag = EntityTag::new_strong(catalogue.etag().trim_matches('"').to_owned());
    Ok(conditional_json(&req, tag, "public, max-age=3600", || {
        catalogue.raw_json().as_bytes().to_vec()
    }))
}
