//! `GET …/form/history`.

use actix_web::{get, web};
use serde::Deserialize;
use tdb_domain::contract::{AuditEntry, Page, Problem};
use utoipa::IntoParams;

use super::FormPath;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::pagination::PageParams;
use crate::services::forms;
use crate::state::AppState;

/// Filter of the history.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryFilter {
    /// Only the entries of this item.
    #[param(example = "places_financees_hp")]
    pub item: Option<String>,
}

/// History of a form.
///
/// The audit entries of the form, newest first: value changes (old and new value), justifications,
/// workflow transitions (`{from, to, comment?}`), validations and correction messages, each with its
/// actor, channel and time. `?item=` keeps the entries of one item. Visible to whoever sees the form.
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
        HistoryFilter,
        PageParams,
    ),
    responses(
        (status = 200, description = "One page of entries.", body = Page<AuditEntry>),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign or structure outside the caller's scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging parameters.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/campaigns/{year}/structures/{finess}/form/history")]
pub async fn form_history(
    principal: Principal,
    state: web::Data<AppState>,
    path: FormPath,
    filter: web::Query<HistoryFilter>,
    paging: web::Query<PageParams>,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    let (year, finess) = path.into_inner();
    let paging = paging.into_inner().validate()?;
    let item = filter.into_inner().item;
    let (items, total) = state
        .db(move |conn| {
            forms::history(
                conn,
                &principal,
                (year, &finess),
                item.as_deref(),
                (paging.offset(), paging.limit()),
            )
        })
        .await?;
    Ok(web::Json(Page {
        items,
        meta: paging.meta(total),
    }))
}
