//! `GET /api/v1/regions`.

use actix_web::{get, web};
use tdb_domain::contract::{Page, Problem, Region};

use crate::db::repo;
use crate::error::ApiError;
use crate::routes::pagination::PageParams;
use crate::state::AppState;

/// List the French regions.
///
/// The 18 regions (13 in mainland France, 5 overseas) with their INSEE code, ordered by code. Public
/// reference data: no authentication.
#[utoipa::path(
    tag = "reference",
    params(PageParams),
    responses(
        (status = 200, description = "One page of regions.", body = Page<Region>),
        (status = 422, description = "Invalid paging parameters.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/regions")]
pub async fn list_regions(
    state: web::Data<AppState>,
    params: web::Query<PageParams>,
) -> Result<web::Json<Page<Region>>, ApiError> {
    let paging = params.into_inner().validate()?;
    let (items, total) = state
        .db(move |conn| {
            Ok(repo::reference::list_regions(
                conn,
                paging.offset(),
                paging.limit(),
            )?)
        })
        .await?;
    Ok(web::Json(Page {
        items,
        meta: paging.meta(total),
    }))
}
