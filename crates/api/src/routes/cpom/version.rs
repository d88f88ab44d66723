//! The contract's version as its `ETag`: answers carry it, writes check `If-Match` against it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use crate::services::if_match::{IfMatch, etag};

/// A 200 answer with `body` and the contract's `version` as `ETag`.
pub(super) fn with_version(version: i64, body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// The `If-Match` header of a request.
pub(super) fn if_match(req: &HttpRequest) -> IfMatch {
    crate::routes::preconditions::if_match(req)
}
