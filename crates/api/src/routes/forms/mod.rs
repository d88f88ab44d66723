//! `/api/v1/campaigns/{year}/structures/{finess}/form…`: the form of a structure for a campaign.
//!
//! Handlers parse, call `services::forms`, and answer the form with its `ETag` (`"<version>"`).
//! Writes take `If-Match`: required for a patch of values (428 without it), optional for
//! justifications and transitions (checked when sent). A stale tag answers 412.

pub mod corrections;
pub mod get;
pub mod history;
pub mod justifications;
pub mod patch;
pub mod workflow;

use actix_web::http::header::{ContentType, ETag, EntityTag, IF_MATCH};
use actix_web::{HttpRequest, HttpResponse, web};
use tdb_domain::contract::FormDocument;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::services::forms::FormBody;

/// Registers the form routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get::get_form)
        .service(patch::patch_form)
        .service(justifications::put_justification)
        .service(justifications::delete_justification)
        .service(history::form_history)
        .service(workflow::submit_form)
        .service(workflow::review_form)
        .service(workflow::reopen_form)
        .service(corrections::post_correction_message);
}

/// Path of a form: campaign year and FINESS ET.
type FormPath = web::Path<(i32, String)>;

/// What `If-Match` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IfMatch {
    /// No header.
    Absent,
    /// `*`: any current version.
    Any,
    /// This version; `-1` when the tag is not one of ours (never matches).
    Version(i64),
}

impl IfMatch {
    fn of(req: &HttpRequest) -> Self {
        let Some(header) = req.headers().get(IF_MATCH) else {
            return Self::Absent;
        };
        let text = header.to_str().unwrap_or_default().trim();
        if text == "*" {
            return Self::Any;
        }
        let version = text
            .split(',')
            .map(str::trim)
            .find_map(|tag| tag.strip_prefix('"')?.strip_suffix('"')?.parse::<i64>().ok());
        Self::Version(version.unwrap_or(-1))
    }

    /// The version to check, `None` for any; 428 when the header is missing.
    fn required(self) -> Result<Option<i64>, ApiError> {
        match self {
            Self::Absent => Err(ApiError::PreconditionRequired),
            other => Ok(other.optional()),
        }
    }

    /// The version to check, `None` when the header is missing or `*`.
    fn optional(self) -> Option<i64> {
        match self {
            Self::Version(v) => Some(v),
            Self::Absent | Self::Any => None,
        }
    }
}

/// 200 with the form and its `ETag`.
fn form_response(document: FormDocument) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ETag(EntityTag::new_strong(document.version.to_string())))
        .json(document)
}

/// 200 with a serialised form and its `ETag`.
fn body_response(body: FormBody) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ETag(EntityTag::new_strong(body.version.to_string())))
        .content_type(ContentType::json())
        .body(body.json)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn if_match_reads_our_strong_tags() {
        let of = |value: &str| {
            IfMatch::of(
                &TestRequest::default()
                    .insert_header((IF_MATCH, value))
                    .to_http_request(),
            )
        };
        assert_eq!(
            IfMatch::of(&TestRequest::default().to_http_request()),
            IfMatch::Absent
        );
        assert_eq!(of("\"3\""), IfMatch::Version(3));
        assert_eq!(of("*"), IfMatch::Any);
        assert_eq!(of("W/\"3\""), IfMatch::Version(-1));
        assert_eq!(of("\"x\", \"7\""), IfMatch::Version(7));
        assert!(IfMatch::Absent.required().is_err());
        assert_eq!(IfMatch::Any.required().ok(), Some(None));
    }
}
