//! Bodies of the import endpoints (`POST /campaigns/{year}/imports`, `GET /imports/jobs/{id}`): the JSON
//! import, its summary (the same for a dry run), the problem of a rejected import and the state of a
//! background job. CSV bodies have no schema here: see `docs/imports.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::problem::FieldError;

/// A JSON import: values of several structures, from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "source": "cnsa_errd",
    "rows": [
        {"finess": "590000011", "values": {"produits_exploitation": 4210000.5, "resultat_comptable": -12500}},
        {"finess": "750000011", "values": {"produits_exploitation": 3100000}}
    ]
})))]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// Source of the values: the caller's own (`saisie` for a structure, the source bound to a partner
    /// client); required for a `national` user importing on behalf of a prefill source.
    #[serde(default)]
    pub source: Option<String>,
    /// One entry per structure (a structure may appear in several rows).
    pub rows: Vec<ImportRequestRow>,
}

/// The values of one structure in a JSON import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportRequestRow {
    /// FINESS ET of the structure.
    pub finess: String,
    /// Item code → value (JSON number, boolean, date or enum string, `"sans_objet"`; `null` empties the
    /// item under the same rules as a new value).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub values: BTreeMap<String, serde_json::Value>,
}

/// Value counts of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    /// New values (the item was empty or had no row).
    pub created: u64,
    /// Values replaced.
    pub updated: u64,
    /// Values equal to the stored one: neither rewritten nor audited.
    pub unchanged: u64,
    /// Values the structure typed or overrode: reported, not applied.
    pub conflicts: u64,
    /// Values refused (each listed in `rejected`; a refused row counts each of its values).
    pub rejected: u64,
}

/// A refused value, or a refused row when `item` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRejection {
    /// Row number: index in `rows` (from 0) for JSON, line number (header = 1) for CSV.
    pub row: u64,
    /// FINESS of the row.
    pub finess: String,
    /// Item code (absent when the whole row is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Stable code: a value error (`negative`, `unknown_item`…), `source_not_allowed`, `item_locked`,
    /// `reason_required`, `duplicate_value`, `structure_not_found`, `form_not_editable`, `campaign_phase`.
    pub code: String,
    /// French message.
    pub message: String,
    /// XLSX imports: the sheet of the refused cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// XLSX imports: the refused cell (`C12`; `B1` or the FINESS cell for a refused row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

/// A pushed value that meets a value typed or overridden by the structure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportConflict {
    /// Row number (as in [`ImportRejection::row`]).
    pub row: u64,
    /// FINESS of the row.
    pub finess: String,
    /// Item code.
    pub item: String,
    /// Source of the stored value (`saisie`).
    pub current_source: String,
    /// The stored value.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub current_value: serde_json::Value,
    /// The value of the import.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub pushed_value: serde_json::Value,
}

/// What an import did (or, for a dry run or a refused import, would do).
///
/// The counts cover the rows without any rejection (the rows a `partial=true` import writes);
/// `rejected` lists every refused value. `written` tells whether anything was stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "batch_id": "imp-5f0c1a2b3c4d5e6f", "campaign": 2024, "source": "cnsa_errd", "dry_run": false,
    "partial": true, "written": true, "rows": 3, "rows_valid": 2, "rows_skipped": [2],
    "forms_updated": 2,
    "values": {"created": 3, "updated": 1, "unchanged": 1, "conflicts": 1, "rejected": 1},
    "rejected": [{"row": 2, "finess": "620000011", "item": "resultat_comptable", "code": "too_many_decimals",
                  "message": "La valeur ne peut pas comporter plus de deux décimales."}],
    "conflicts": [{"row": 0, "finess": "590000011", "item": "produits_exploitation", "current_source": "saisie",
                   "current_value": 4200000, "pushed_value": 4210000.5}]
})))]
pub struct ImportSummary {
    /// Batch id: stored with every written value, and the id of the job of a large import.
    pub batch_id: String,
    /// Campaign.
    pub campaign: i32,
    /// Source of the values.
    pub source: String,
    /// Computed without writing.
    pub dry_run: bool,
    /// Only fully valid rows are written.
    pub partial: bool,
    /// Whether values were stored.
    pub written: bool,
    /// Rows in the import.
    pub rows: u64,
    /// Rows without any rejected value.
    pub rows_valid: u64,
    /// Rows with a rejected value (not written), ascending: the first 1,000.
    pub rows_skipped: Vec<u64>,
    /// Rows with a rejected value left out of `rows_skipped` (beyond its first 1,000).
    #[serde(default)]
    pub rows_skipped_omitted: u64,
    /// Forms whose values change (version + 1, completion recomputed).
    pub forms_updated: u64,
    /// Value counts.
    pub values: ImportCounts,
    /// The refused values or rows, in input order: the first 1,000 (`values.rejected` counts them all).
    pub rejected: Vec<ImportRejection>,
    /// Refusals left out of `rejected` (beyond its first 1,000).
    #[serde(default)]
    pub rejected_omitted: u64,
    /// The conflicts, in input order: the first 1,000 (`values.conflicts` counts them all).
    pub conflicts: Vec<ImportConflict>,
    /// Conflicts left out of `conflicts` (beyond its first 1,000).
    #[serde(default)]
    pub conflicts_omitted: u64,
}

/// The problem body of a refused import (422 `import_rejected`): a problem with the summary beside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "urn:tdb:problem:import_rejected", "title": "Import refusé", "status": 422,
    "detail": "1 valeur(s) refusée(s) : rien n'a été enregistré. Corrigez-les, ou renvoyez avec partial=true pour n'écrire que les lignes valides.",
    "code": "import_rejected",
    "errors": [{"path": "/rows/2/values/resultat_comptable", "code": "too_many_decimals",
                "message": "La valeur ne peut pas comporter plus de deux décimales."}],
    "summary": {"batch_id": "imp-5f0c1a2b3c4d5e6f", "campaign": 2024, "source": "cnsa_errd", "dry_run": false,
                "partial": false, "written": false, "rows": 3, "rows_valid": 2, "rows_skipped": [2],
                "forms_updated": 2,
                "values": {"created": 3, "updated": 1, "unchanged": 1, "conflicts": 0, "rejected": 1},
                "rejected": [{"row": 2, "finess": "620000011", "item": "resultat_comptable",
                              "code": "too_many_decimals",
                              "message": "La valeur ne peut pas comporter plus de deux décimales."}],
                "conflicts": []}
})))]
pub struct ImportProblem {
    /// URI identifying the problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short French summary.
    pub title: String,
    /// HTTP status code (422).
    pub status: u16,
    /// French explanation.
    pub detail: String,
    /// `import_rejected`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^import_rejected$"))]
    pub code: String,
    /// Every refused value: path `/rows/<row>/values/<item>` (or `/rows/<row>` for a refused row); for an
    /// XLSX import `/sheets/<sheet>/cells/<cell>`, the message starting with `Feuil "<sheet>" cellule <cell>`.
    pub errors: Vec<FieldError>,
    /// What the import would have done.
    pub summary: ImportSummary,
}

/// The 422 answers of an import: a refused import with its summary (`import_rejected`), or a refused
/// request (`idempotency_key_reused`, `validation_failed`). The two shapes are told apart by `code`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ImportUnprocessable {
    /// Values were refused: nothing written, the summary says what the import would have done.
    Rejected(Box<ImportProblem>),
    /// The request itself was refused.
    Request(ImportRequestProblem),
}

/// A refused import request (422): the same `Idempotency-Key` for another request, or an unknown or
/// missing source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRequestProblem {
    /// URI identifying the problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short French summary.
    pub title: String,
    /// HTTP status code (422).
    pub status: u16,
    /// French explanation.
    pub detail: String,
    /// `idempotency_key_reused` or `validation_failed`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(idempotency_key_reused|validation_failed)$")
    )]
    pub code: String,
    /// The refused fields (`validation_failed`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// State of an import job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Accepted, not started.
    Queued,
    /// Running: `processed` grows batch by batch.
    Running,
    /// Finished: `result_status` and `summary` tell the outcome.
    Done,
    /// Stopped by an error (nothing of the failing batch was written).
    Failed,
    /// The process running it stopped: every committed batch is whole; send the import again (values
    /// already written count as `unchanged`).
    Interrupted,
}

impl JobState {
    /// Every state.
    pub const ALL: [JobState; 5] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
        JobState::Interrupted,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Interrupted => "interrupted",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == code)
    }
}

/// A large import running in the background.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "imp-5f0c1a2b3c4d5e6f", "campaign": 2024, "source": "cnsa_errd", "state": "running",
    "dry_run": false, "partial": false, "processed": 120000, "total": 2200000,
    "created_at": "2024-05-12T08:30:00Z", "updated_at": "2024-05-12T08:30:04Z"
})))]
pub struct ImportJob {
    /// Job id (also the batch id of its values).
    pub id: String,
    /// Campaign.
    pub campaign: i32,
    /// Source of the values.
    pub source: String,
    /// State.
    pub state: JobState,
    /// Computed without writing.
    pub dry_run: bool,
    /// Only fully valid rows are written.
    pub partial: bool,
    /// Values processed: committed (or checked, for a dry run or the check before writing).
    pub processed: u64,
    /// Values in the import.
    pub total: u64,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// Last progress (RFC 3339, UTC).
    pub updated_at: String,
    /// Once done: 200 (applied or dry run) or 422 (refused: nothing written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_status: Option<u16>,
    /// Once done: the summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ImportSummary>,
    /// Once failed or interrupted: why (French).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
