//! Structures (ESMS, by FINESS ET) and their managing bodies (organismes gestionnaires, by FINESS EJ).

use serde::{Deserialize, Serialize};

use super::catalogue::Funder;
use super::forms::FormState;

/// A structure as the API shows it, with the names of its managing body and territories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "finess": "590000011", "name": "EHPAD Les Tilleuls", "category": "ehpad",
    "organisation_finess": "590000001", "organisation_name": "Association Les Jardins du Nord",
    "department_code": "59", "department_name": "Nord", "region_code": "32",
    "region_name": "Hauts-de-France", "city": "Lille", "competence": "ARS_CD",
    "opening_date": "1998-09-01", "active": true, "version": 1
})))]
pub struct Structure {
    /// FINESS ET (9 characters).
    pub finess: String,
    /// Name.
    pub name: String,
    /// Catalogue category code (aliases resolved), e.g. `ehpad`.
    pub category: String,
    /// FINESS EJ of the managing body.
    pub organisation_finess: String,
    /// Name of the managing body.
    pub organisation_name: String,
    /// INSEE department code.
    pub department_code: String,
    /// Department name.
    pub department_name: String,
    /// INSEE region code (derived from the department).
    pub region_code: String,
    /// Region name.
    pub region_name: String,
    /// City.
    pub city: String,
    /// Which authorities are competent, derived from the category's funder: `ARS`, `CD` or `ARS_CD`.
    pub competence: Funder,
    /// Opening date `YYYY-MM-DD`, when known.
    pub opening_date: Option<String>,
    /// Whether the structure is active.
    pub active: bool,
    /// The day the structure left the FINESS referential (`YYYY-MM-DD`): it is closed, its data kept.
    #[serde(default)]
    pub closed_on: Option<String>,
    /// Version for optimistic concurrency (the `ETag` is this number in quotes).
    pub version: i64,
    /// In a list filtered by `form_state` or `awaiting`, or sorted by `alerts`: the structure's form of
    /// that campaign, when it has a row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<StructureForm>,
}

/// What a structure list filtered by `form_state` tells of each structure's form of the campaign: the
/// cached figures of the form's row, so a review queue needs no read of each form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "state": "soumis", "completion_rate": 0.92, "alert_count": 3, "submitted_at": "2025-04-30T09:15:00Z"
})))]
pub struct StructureForm {
    /// Workflow state.
    pub state: FormState,
    /// Completion rate, 0 to 1.
    pub completion_rate: f64,
    /// Number of failing alert controls.
    pub alert_count: u32,
    /// Last submission time (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
}

/// Body of `POST /api/v1/structures`: a new structure. The competence and the region are derived
/// (from the category and the department), never sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "finess": "590000011", "name": "EHPAD Les Tilleuls", "category": "500",
    "organisation_finess": "590000001", "department_code": "59", "city": "Lille",
    "opening_date": "1998-09-01"
})))]
pub struct StructureCreate {
    /// FINESS ET: 9 characters, digits, except `2A` or `2B` as the first two for Corsica.
    pub finess: String,
    /// Name (not blank).
    pub name: String,
    /// Category: catalogue code (`ehpad`), FINESS category code (`500`) or accepted alias (`437`).
    pub category: String,
    /// FINESS EJ of an existing managing body.
    pub organisation_finess: String,
    /// INSEE code of an existing department.
    pub department_code: String,
    /// City (not blank).
    pub city: String,
    /// Opening date `YYYY-MM-DD`.
    #[serde(default)]
    pub opening_date: Option<String>,
    /// Whether the structure is active (default true).
    #[serde(default)]
    pub active: Option<bool>,
}

/// Body of `PUT /api/v1/structures/{finess}`: the new state of the structure (the FINESS is the path's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "EHPAD Les Tilleuls", "category": "ehpad", "organisation_finess": "590000001",
    "department_code": "59", "city": "Roubaix", "opening_date": "1998-09-01", "active": true
})))]
pub struct StructureUpdate {
    /// Name (not blank).
    pub name: String,
    /// Category: catalogue code, FINESS category code or accepted alias.
    pub category: String,
    /// FINESS EJ of an existing managing body.
    pub organisation_finess: String,
    /// INSEE code of an existing department.
    pub department_code: String,
    /// City (not blank).
    pub city: String,
    /// Opening date `YYYY-MM-DD`.
    #[serde(default)]
    pub opening_date: Option<String>,
    /// Whether the structure is active.
    pub active: bool,
}

/// Legal status of a managing body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LegalStatus {
    /// Public body.
    Public,
    /// Private non-profit (association, foundation…).
    PriveNonLucratif,
    /// Private for-profit company.
    PriveCommercial,
}

/// A managing body (organisme gestionnaire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "finess": "590000001", "name": "Association Les Jardins du Nord",
    "legal_status": "prive_non_lucratif", "structures": 2
})))]
pub struct Organisation {
    /// FINESS EJ (9 characters).
    pub finess: String,
    /// Name.
    pub name: String,
    /// Legal status.
    pub legal_status: LegalStatus,
    /// Number of its structures the caller can see.
    pub structures: u64,
}

/// Body of `POST /api/v1/organisations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "finess": "590000001", "name": "Association Les Jardins du Nord", "legal_status": "prive_non_lucratif"
})))]
pub struct OrganisationCreate {
    /// FINESS EJ: same syntax as a FINESS ET.
    pub finess: String,
    /// Name (not blank).
    pub name: String,
    /// Legal status.
    pub legal_status: LegalStatus,
}
