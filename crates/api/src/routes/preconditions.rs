//! Conditional requests: the `If-Match` of a write (actix's RFC 9110 parser) into the services' [`IfMatch`],
//! and the `If-None-Match` of a read answered 304 or 200 ([`conditional_json`]).

use actix_web::http::header::{self, ETag, EntityTag, Header, IfNoneMatch};
use actix_web::{HttpRequest, HttpResponse};

use crate::services::if_match::IfMatch;

/// The `If-Match` of `req`; an unreadable header names no version of ours (it never matches).
pub fn if_match(req: &HttpRequest) -> IfMatch {
    if !req.headers().contains_key(header::IF_MATCH) {
        return IfMatch::Missing;
    }
    match header::IfMatch::parse(req) {
        Ok(header::IfMatch::Any) => IfMatch::from_header::<Vec<(&str, bool)>>(Some(None)),
        Ok(header::IfMatch::Items(tags)) => {
            IfMatch::from_header(Some(Some(tags.iter().map(|t| (t.tag(), t.weak)))))
        }
        Err(_) => IfMatch::Versions(Vec::new()),
    }
}

/// A JSON answer tagged `tag` for a conditional `GET`: 304 without a body when the request's
/// `If-None-Match` names `tag` (weakly) or is `*`, 200 with `body()` otherwise; both carry the `ETag`
/// and `cache_control`.
pub fn conditional_json(
    req: &HttpRequest,
    tag: EntityTag,
    cache_control: &'static str,
    body: impl FnOnce() -> Vec<u8>,
) -> HttpResponse {
    let unchanged = match <IfNoneMatch as Header>::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        Err(_) => false,
    };
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(ETag(tag))
        .insert_header((header::CACHE_CONTROL, cache_control));
    if unchanged {
        return response.finish();
    }
    response.content_type("application/json").body(body())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn of(value: &str) -> IfMatch {
        if_match(
            &TestRequest::default()
                .insert_header(("If-Match", value))
                .to_http_request(),
        )
    }

    #[test]
    fn reads_lists_stars_and_weak_tags() {
        assert_eq!(
            if_match(&TestRequest::default().to_http_request()),
            IfMatch::Missing
        );
        assert_eq!(of("*"), IfMatch::Any);
        assert_eq!(of("\"3\""), IfMatch::Versions(vec![3]));
        assert_eq!(of("W/\"3\""), IfMatch::Versions(vec![]));
        assert_eq!(of("\"x\", \"7\""), IfMatch::Versions(vec![7]));
        assert_eq!(of("3"), IfMatch::Versions(vec![]));
    }
}
