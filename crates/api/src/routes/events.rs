//! `GET /api/v1/events`: the change feed (docs/events.md).

use actix_web::{get, web};
use serde::Deserialize;
use tdb_domain::contract::{EventFeed, Problem};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::services::events::{self as service, FeedQuery};
use crate::state::AppState;

/// Parameters of the change feed.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// The `next_cursor` of the previous page (absent: from the start). Opaque.
    #[param(example = "0.0")]
    pub after: Option<String>,
    /// Comma-separated event types to keep (absent: every type), e.g.
    /// `form.submitted,form.validated`.
    #[param(example = "form.values_changed,form.submitted")]
    pub types: Option<String>,
    /// Events per page, 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000, example = 100)]
    pub limit: Option<u32>,
}

/// The change feed.
///
/// The events after `after`, oldest first, that you may read: those of the structures of your scope
/// (as for `GET /structures`) and the campaign-wide ones (campaign phases, frozen benchmarks, prefill
/// imports). Partner clients need the `read` or `events:read` scope; they see the actor's role, never
/// its address. Keep `next_cursor` and send it as `after`: the feed never skips an event, even one
/// committed after later ones (docs/events.md). An empty page means nothing new yet; poll again later.
#[utoipa::path(
    tag = "events",
    params(FeedParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The events after the cursor.", body = EventFeed),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner client without the `read` or `events:read` scope (`forbidden`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A cursor the feed did not give, an unknown type or a limit out of range \
            (`validation_failed`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn list_events(
    principal: Principal,
    state: web::Data<AppState>,
    params: web::Query<FeedParams>,
) -> Result<web::Json<EventFeed>, ApiError> {
    let params = params.into_inner();
    let query = FeedQuery::parse(params.after.as_deref(), params.types.as_deref(), params.limit)?;
    state
        .db(move |conn| service::feed(conn, &principal, &query))
        .await
        .map(web::Json)
}
