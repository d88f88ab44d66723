//! The stable codes of problem bodies: one closed list, each sent as its snake_case string.
//!
//! `docs/api-design.md` ("Errors") documents every code with its HTTP status; a test keeps the table and
//! this enum equal.

use strum::{Display, EnumIter, IntoStaticStr};

/// The stable, machine-readable code of a problem (`code`, and the end of `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumIter, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ProblemCode {
    // 400: the request cannot be read.
    /// The JSON body cannot be read.
    MalformedJson,
    /// The form-encoded body cannot be read.
    MalformedForm,
    /// A query parameter cannot be read.
    InvalidQuery,
    /// A path segment cannot be read.
    InvalidPath,
    /// The body's media type is not one the endpoint accepts.
    UnsupportedMediaType,
    /// The request cannot be read (a framework-level refusal without a more precise code).
    BadRequest,
    /// The token request names a grant type other than `client_credentials`.
    UnsupportedGrantType,
    /// The client asks for a scope it was not granted.
    InvalidScope,
    /// The `Idempotency-Key` header is not a valid key.
    InvalidIdempotencyKey,
    /// The imported file is empty.
    EmptyFile,
    /// The imported CSV cannot be read.
    MalformedCsv,
    /// The imported CSV has a wrong header.
    InvalidCsvHeader,
    /// The imported XLSX cannot be read.
    MalformedXlsx,
    /// The imported XLSX has a wrong header.
    InvalidXlsxHeader,
    /// No sheet of the imported XLSX has a known layout.
    InvalidXlsxLayout,
    /// The FINESS file is malformed (header, record type, field count or FINESS ET of a line).
    MalformedFiness,

    // 401: no valid credentials.
    /// No credentials were sent.
    Unauthenticated,
    /// The bearer token is invalid.
    InvalidToken,
    /// The bearer token has expired.
    TokenExpired,
    /// Wrong e-mail or password (or inactive account).
    InvalidCredentials,
    /// Wrong client id or secret (or inactive client).
    InvalidClient,
    /// The refresh cookie is missing or unknown.
    InvalidRefreshToken,
    /// The session has expired (idle or absolute lifetime), was revoked, or its account is inactive.
    SessionExpired,
    /// An already-rotated refresh token was presented: the whole session is revoked.
    RefreshTokenReused,

    // 403.
    /// The caller may see the resource but not do this.
    Forbidden,
    /// The `Origin` header is absent or is not the server's public origin.
    OriginRefused,

    // 404: unknown resource.
    /// Unknown resource or route.
    NotFound,
    /// Unknown campaign.
    CampaignNotFound,
    /// No catalogue covers the campaign.
    CampaignNotCovered,
    /// Unknown (or invisible) structure.
    StructureNotFound,
    /// Unknown (or invisible) organisation.
    OrganisationNotFound,
    /// Unknown import job.
    JobNotFound,
    /// Unknown batch of fiches.
    BatchNotFound,
    /// Unknown correction request of the form.
    CorrectionNotFound,
    /// No justification of this alert on the form.
    JustificationNotFound,
    /// The key is not an alert of the form.
    UnknownAlert,
    /// Unknown category.
    UnknownCategory,
    /// No campaign before this one is frozen: no reference distribution for the peer outlier flags.
    NoPeerReference,

    // 409: the action conflicts with the resource's state.
    /// The resource already exists.
    AlreadyExists,
    /// The campaign's phase forbids the action.
    CampaignPhase,
    /// The campaign cannot move to the requested phase.
    InvalidPhaseTransition,
    /// The campaign changed meanwhile.
    ConcurrentChange,
    /// A form was created or changed during the import.
    ConcurrentWrite,
    /// The form or contract cannot move to the requested state.
    InvalidTransition,
    /// The form is no longer editable by the structure.
    FormNotEditable,
    /// Only a submitted form may be reviewed.
    FormNotSubmitted,
    /// The form is closed: its exchanges are read-only.
    FormClosed,
    /// The caller's authority already validated the form.
    AlreadyValidated,
    /// The form cannot be submitted; `errors` lists why.
    CannotSubmit,
    /// The value is locked (written by its source).
    ItemLocked,
    /// The alert to justify is not raised.
    AlertNotFailing,
    /// The contract is not signed yet.
    ContractNotSigned,
    /// The contract has ended or was terminated.
    ContractClosed,
    /// The contract cannot be edited by the caller in its state.
    ContractNotEditable,
    /// The committee is already recorded.
    CommitteeHeld,
    /// An import with the same `Idempotency-Key` is still running.
    IdempotencyKeyInProgress,
    /// The batch of fiches is not finished.
    BatchNotDone,

    // 410: gone.
    /// The one-time link is unknown, already used or expired.
    LinkInvalid,

    // 413: too large to process.
    /// The import exceeds the bounds of a file (size once unpacked, rows, columns, cells, values).
    ImportTooLarge,

    // 412, 428, 429.
    /// `If-Match` does not match the current version.
    StaleVersion,
    /// `If-Match` is required and missing.
    IfMatchRequired,
    /// Too many attempts; retry after `Retry-After` seconds.
    TooManyRequests,

    // 422: well formed but not processable.
    /// Some fields are invalid; `errors` lists them.
    ValidationFailed,
    /// Some imported values are refused; nothing was written.
    ImportRejected,
    /// The `Idempotency-Key` was already used for another request.
    IdempotencyKeyReused,
    /// The export exceeds the rows of an XLSX sheet.
    ExportTooLarge,
    /// The batch asks for more fiches than allowed.
    BatchTooLarge,

    // 405, 413, 431.
    /// The method is not served on this path; `Allow` lists those that are.
    MethodNotAllowed,
    /// The body is larger than accepted.
    PayloadTooLarge,
    /// The request's headers are too large.
    HeaderFieldsTooLarge,

    // 500, 503.
    /// An unexpected failure (logged).
    InternalError,
    /// The database does not answer.
    DatabaseUnavailable,
    /// Too many large imports or exports run at once; retry after `Retry-After` seconds.
    ServerBusy,
}

impl ProblemCode {
    /// The code as sent (`campaign_not_found`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The `type` URI of a problem with this code (`urn:tdb:problem:<code>`).
    pub fn type_uri(self) -> String {
        format!("urn:tdb:problem:{self}")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use strum::IntoEnumIterator;

    use super::ProblemCode;

    /// The codes listed in the table of the "Errors" section of `docs/api-design.md`, in order.
    fn documented_codes(doc: &str) -> Vec<&str> {
        let section = doc.split("\n## Errors\n").nth(1).expect("an Errors section");
        let section = section.split("\n## ").next().unwrap_or(section);
        section
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|cell| cell.split('`').next())
            .collect()
    }

    #[test]
    fn every_problem_code_is_documented_and_nothing_else() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api-design.md");
        let doc = std::fs::read_to_string(path).expect("docs/api-design.md");
        let listed = documented_codes(&doc);
        let documented: BTreeSet<&str> = listed.iter().copied().collect();
        assert_eq!(
            documented.len(),
            listed.len(),
            "a code is listed twice: {listed:?}"
        );
        let codes: BTreeSet<&str> = ProblemCode::iter().map(ProblemCode::as_str).collect();
        let missing: Vec<_> = codes.difference(&documented).collect();
        assert!(
            missing.is_empty(),
            "codes missing from docs/api-design.md: {missing:?}"
        );
        let unknown: Vec<_> = documented.difference(&codes).collect();
        assert!(
            unknown.is_empty(),
            "docs/api-design.md lists codes ProblemCode lacks: {unknown:?}"
        );
    }

    #[test]
    fn codes_are_sent_in_snake_case() {
        assert_eq!(
            ProblemCode::IdempotencyKeyInProgress.as_str(),
            "idempotency_key_in_progress"
        );
        assert_eq!(ProblemCode::NotFound.to_string(), "not_found");
        assert_eq!(
            ProblemCode::CampaignNotFound.type_uri(),
            "urn:tdb:problem:campaign_not_found"
        );
    }
}
