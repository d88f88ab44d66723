//! Optimistic concurrency: the `If-Match` header of a write and the `ETag` of a version.
//!
//! An editable resource carries a version bumped by every change; its `ETag` is the version in
//! quotes (`"3"`). A write states the version it changes in `If-Match`: without it the answer is 428
//! (`if_match_required`), with another version 412 (`stale_version`).

use crate::error::ApiError;

/// The `If-Match` header of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    /// No header (428).
    Missing,
    /// `*`: any version.
    Any,
    /// An entity tag holding a version number.
    Version(i64),
    /// A tag that is no version of ours (412).
    Unknown,
}

impl IfMatch {
    /// Parses the header value: `"3"`, `W/"3"` or `*`.
    pub fn parse(header: Option<&str>) -> Self {
        let Some(value) = header.map(str::trim) else {
            return Self::Missing;
        };
        if value == "*" {
            return Self::Any;
        }
        value
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse()
            .map_or(Self::Unknown, Self::Version)
    }

    /// The version the write expects to change, given the `current` one: 428 when the header is
    /// missing, 412 when it names no version of ours. The caller still compares it with the stored
    /// version when it writes.
    pub fn expected(self, current: i64) -> Result<i64, ApiError> {
        match self {
            Self::Missing => Err(ApiError::PreconditionRequired),
            Self::Any => Ok(current),
            Self::Version(v) => Ok(v),
            Self::Unknown => Err(ApiError::PreconditionFailed),
        }
    }
}

/// The `ETag` of a version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_our_tags() {
        assert_eq!(IfMatch::parse(None), IfMatch::Missing);
        assert_eq!(IfMatch::parse(Some("*")), IfMatch::Any);
        assert_eq!(IfMatch::parse(Some("\"3\"")), IfMatch::Version(3));
        assert_eq!(IfMatch::parse(Some("W/\"3\"")), IfMatch::Version(3));
        assert_eq!(IfMatch::parse(Some("\"x\"")), IfMatch::Unknown);
        assert_eq!(etag(3), "\"3\"");
    }

    #[test]
    fn expected_version() {
        assert!(matches!(
            IfMatch::Missing.expected(2),
            Err(ApiError::PreconditionRequired)
        ));
        assert!(matches!(
            IfMatch::Unknown.expected(2),
            Err(ApiError::PreconditionFailed)
        ));
        assert_eq!(IfMatch::Any.expected(2).ok(), Some(2));
        assert_eq!(IfMatch::Version(1).expected(2).ok(), Some(1));
    }
}
