//! RFC 7807 problem details: the one error body of the API.

use serde::{Deserialize, Serialize};

/// An error answered as `application/problem+json`.
///
/// `code` is stable and machine-readable; `title` and `detail` are French texts for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "urn:tdb:problem:not_found",
    "title": "Ressource introuvable",
    "status": 404,
    "detail": "Aucune route ne correspond à /api/v1/nope.",
    "code": "not_found"
})))]
pub struct Problem {
    /// URI identifying the problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short French summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// French explanation specific to this occurrence.
    pub detail: String,
    /// Stable machine-readable code (snake_case).
    pub code: String,
    /// Field-level errors, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// JSON pointer to the field, e.g. `/values/places_installees_hp`.
    pub path: String,
    /// Stable machine-readable code.
    pub code: String,
    /// French message.
    pub message: String,
}
