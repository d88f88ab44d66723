//! Reads the `If-Match` header of a request (actix's RFC 9110 parser) into the services' [`IfMatch`].

use actix_web::HttpRequest;
use actix_web::http::header::{self, Header};

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
