//! The FINESS referential: the report of an import of the open-data FINESS extract.

use serde::{Deserialize, Serialize};

/// A `structureet` row of the file that could not be used (the rest of the file is imported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinessRejection {
    /// Line number in the file (1 = the header line).
    pub line: u64,
    /// FINESS ET of the row.
    pub finess: String,
    /// French explanation.
    pub reason: String,
}

/// What an import of the FINESS file did (or, with `dry_run`, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"dry_run": false, "extract_date": "2026-11-30",
    "lines": 412, "structures_in_file": 205, "created": 120, "updated": 3, "closed": 1, "reopened": 0,
    "ignored": 80, "rejected": [{"line": 57, "finess": "590000999",
    "reason": "Le département « 99 » est inconnu."}], "organisations_created": 64})))]
pub struct FinessReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// Date of the extract (header line), `YYYY-MM-DD`, when it gives one.
    pub extract_date: Option<String>,
    /// Lines read, header included.
    pub lines: u64,
    /// `structureet` rows read.
    pub structures_in_file: u64,
    /// Structures created.
    pub created: u64,
    /// Structures whose stored data changed (including closed ones back in the file).
    pub updated: u64,
    /// Structures closed because they left the file (their data is kept).
    pub closed: u64,
    /// Among `updated`, closed structures back in the file (reopened).
    pub reopened: u64,
    /// Rows whose FINESS category is not one of the catalogue's 20 categories.
    pub ignored: u64,
    /// Rows of our categories that could not be used, with their line number.
    pub rejected: Vec<FinessRejection>,
    /// Managing bodies (EJ) created.
    pub organisations_created: u64,
}

/// A FINESS import running in the background (`POST /api/v1/referential/finess` of a large file):
/// `GET /api/v1/referential/finess/jobs/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinessJob {
    /// Job id.
    pub id: String,
    /// State: `queued`, `running`, `done`, `failed` or `interrupted` (the server stopped meanwhile:
    /// nothing was written, send the file again).
    pub state: super::imports::JobState,
    /// Computed without writing.
    pub dry_run: bool,
    /// Lines read so far.
    pub processed_lines: u64,
    /// Lines in the file.
    pub total_lines: u64,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// Once done: the report.
    pub report: Option<FinessReport>,
    /// Once failed or interrupted: why (French; a malformed file names its line).
    pub error: Option<String>,
}
