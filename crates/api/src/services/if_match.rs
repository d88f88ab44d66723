//! Optimistic concurrency: the one reading of `If-Match` for every editable resource.
//!
//! An editable resource carries a version bumped by every change; its `ETag` is the version as a
//! strong entity tag (`"3"`). A write names the version it changes in `If-Match` (RFC 9110 §13.1.1):
//! `*` matches any current version, otherwise the header is a list of entity tags compared with the
//! **strong** comparison — a weak tag (`W/"3"`) or a tag that is no version of ours never matches.
//! Where the header is required (values of a form, structures, CPOM contracts and their parts) its
//! absence answers 428 (`if_match_required`); where it is optional (justifications and transitions of
//! a form) its absence means no condition. A condition that the current version does not meet answers
//! 412 (`stale_version`).

use crate::error::ApiError;

/// The `If-Match` header of a write, read once by the route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// No header.
    Missing,
    /// `*`: any current version.
    Any,
    /// The versions named by the strong tags of the list (empty when no tag is a version of ours, so
    /// that the condition never holds).
    Versions(Vec<i64>),
}

impl IfMatch {
    /// Reads the header's entity tags as `(opaque tag, weak)` pairs, or `None` for `*`; `header` is
    /// `None` when the request has no `If-Match`.
    pub fn from_header<'a, I>(header: Option<Option<I>>) -> Self
    where
        I: IntoIterator<Item = (&'a str, bool)>,
    {
        match header {
            None => Self::Missing,
            Some(None) => Self::Any,
            Some(Some(tags)) => Self::Versions(
                tags.into_iter()
                    .filter(|(_, weak)| !weak)
                    .filter_map(|(tag, _)| tag.parse().ok())
                    .collect(),
            ),
        }
    }

    /// The condition of a write that requires one: 428 when the header is missing.
    pub fn required(self) -> Result<Self, ApiError> {
        match self {
            Self::Missing => Err(ApiError::PreconditionRequired),
            other => Ok(other),
        }
    }

    /// Whether a write without this header would be unconditional (missing or `*`).
    pub fn is_unconditional(&self) -> bool {
        matches!(self, Self::Missing | Self::Any)
    }

    /// Whether the condition holds for the `current` version (an absent header holds).
    pub fn holds(&self, current: i64) -> bool {
        match self {
            Self::Missing | Self::Any => true,
            Self::Versions(versions) => versions.contains(&current),
        }
    }

    /// Checks an optional condition against the `current` version: 412 when it does not hold.
    pub fn check(&self, current: i64) -> Result<(), ApiError> {
        if self.holds(current) {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed)
        }
    }

    /// Checks a required condition against the `current` version and returns that version, which the
    /// write then expects to change: 428 when the header is missing, 412 when it does not hold.
    pub fn expected(&self, current: i64) -> Result<i64, ApiError> {
        match self {
            Self::Missing => Err(ApiError::PreconditionRequired),
            _ => self.check(current).map(|()| current),
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

    fn tags(list: &[(&'static str, bool)]) -> IfMatch {
        IfMatch::from_header(Some(Some(list.iter().copied())))
    }

    #[test]
    fn strong_comparison_only() {
        assert_eq!(IfMatch::from_header::<Vec<(&str, bool)>>(None), IfMatch::Missing);
        assert_eq!(
            IfMatch::from_header::<Vec<(&str, bool)>>(Some(None)),
            IfMatch::Any
        );
        assert_eq!(tags(&[("3", false)]), IfMatch::Versions(vec![3]));
        assert!(!tags(&[("3", true)]).holds(3), "a weak tag never matches");
        assert!(!tags(&[("x", false)]).holds(3));
        assert!(tags(&[("x", false), ("7", false)]).holds(7));
        assert_eq!(etag(3), "\"3\"");
    }

    #[test]
    fn required_and_optional_conditions() {
        assert!(matches!(
            IfMatch::Missing.expected(2),
            Err(ApiError::PreconditionRequired)
        ));
        assert!(IfMatch::Missing.check(2).is_ok());
        assert!(matches!(
            tags(&[("1", false)]).expected(2),
            Err(ApiError::PreconditionFailed)
        ));
        assert!(matches!(
            tags(&[("2", true)]).check(2),
            Err(ApiError::PreconditionFailed)
        ));
        assert_eq!(IfMatch::Any.expected(2).ok(), Some(2));
        assert_eq!(tags(&[("2", false)]).expected(2).ok(), Some(2));
    }
}
