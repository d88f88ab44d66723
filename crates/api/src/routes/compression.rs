//! Compressed answers: every answer (API JSON, problems, CSV exports) is compressed by actix-web's
//! `Compress` (brotli, gzip or zstd, as the client's `Accept-Encoding` prefers), except where it gains
//! nothing: bodies under [`MIN_SIZE`] bytes and bodies already compressed (XLSX and zip archives, PDF).
//!
//! `Compress` leaves alone an answer that already has a `Content-Encoding`: [`mark_as_is`] (inside it)
//! marks those answers `Content-Encoding: identity`, and [`unmark`] (outside it) removes the mark, so
//! the client never sees it.

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderValue};
use actix_web::middleware::Next;

/// Bodies shorter than this are sent as they are (a compressed frame would not be smaller).
pub const MIN_SIZE: u64 = 1024;

/// Media types whose bodies are compressed already.
const COMPRESSED_TYPES: [&str; 3] = [
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
    "application/pdf",
];

/// Whether an answer of `size` and `media_type` is sent as it is.
pub fn sent_as_is(size: BodySize, media_type: Option<&str>) -> bool {
    let small = matches!(size, BodySize::None) || matches!(size, BodySize::Sized(n) if n < MIN_SIZE);
    let compressed = media_type
        .map(|t| t.split(';').next().unwrap_or_default().trim())
        .is_some_and(|t| COMPRESSED_TYPES.contains(&t));
    small || compressed
}

/// Inside `Compress`: marks the answers to send as they are.
pub async fn mark_as_is(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let media_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if !response.headers().contains_key(CONTENT_ENCODING)
        && sent_as_is(response.response().body().size(), media_type)
    {
        response
            .headers_mut()
            .insert(CONTENT_ENCODING, HeaderValue::from_static("identity"));
    }
    Ok(response)
}

/// Outside `Compress`: removes the mark of [`mark_as_is`].
pub async fn unmark(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    if response
        .headers()
        .get(CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes() == b"identity")
    {
        response.headers_mut().remove(CONTENT_ENCODING);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_compressed_bodies_are_sent_as_they_are() {
        assert!(sent_as_is(
            BodySize::Sized(MIN_SIZE - 1),
            Some("application/json")
        ));
        assert!(!sent_as_is(BodySize::Sized(MIN_SIZE), Some("application/json")));
        assert!(!sent_as_is(BodySize::Stream, Some("text/csv; charset=utf-8")));
        assert!(sent_as_is(BodySize::Stream, Some("application/zip")));
        assert!(sent_as_is(BodySize::Sized(50_000), Some("application/pdf")));
        assert!(sent_as_is(BodySize::None, None));
    }
}
