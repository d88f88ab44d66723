//! `/api/v1/cpom/contracts/{id}/amendments`: amendments, and the structures joining or leaving the
//! perimeter on their date.

use actix_web::{HttpResponse, post, web};
use tdb_domain::contract::{Amendment, AmendmentCreate, Problem};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::cpom::lifecycle;
use crate::state::AppState;

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
        .db_write(move |conn| lifecycle::amend(conn, &principal, id, &input))
        .await?;
    Ok(HttpResponse::Created().json(amendment))
}
