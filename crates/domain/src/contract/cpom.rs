//! CPOM (contrats pluriannuels d'objectifs et de moyens): contracts, perimeter, amendments, action
//! sheets, objectives, follow-up, committees and coverage (docs/cpom.md).

use serde::{Deserialize, Serialize};

pub use crate::cpom::{CommitteeKind, ObjectiveStatus, Sense};

/// State of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractState {
    /// Being negotiated (proposed by the managing body or drafted by the authority).
    EnNegociation,
    /// Signed, not started yet.
    Signe,
    /// In force.
    EnCours,
    /// Ended at its term.
    Echu,
    /// Terminated before its term.
    Resilie,
}

impl ContractState {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::EnNegociation => "en_negociation",
            Self::Signe => "signe",
            Self::EnCours => "en_cours",
            Self::Echu => "echu",
            Self::Resilie => "resilie",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::EnNegociation,
            Self::Signe,
            Self::EnCours,
            Self::Echu,
            Self::Resilie,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// A contract, without its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 1, "organisation_finess": "590000001", "organisation_name": "Association Les Jardins du Nord",
    "title": "CPOM 2024-2028", "signatory_ars": true, "signatory_cd": true, "region_code": "32",
    "department_code": "59", "start_date": "2024-01-01", "end_date": "2028-12-31", "state": "en_cours",
    "signed_on": "2023-12-15", "terminated_on": null, "termination_reason": null, "structures": 2,
    "version": 3
})))]
pub struct Contract {
    /// Identifier.
    pub id: i64,
    /// FINESS EJ of the managing body.
    pub organisation_finess: String,
    /// Name of the managing body.
    pub organisation_name: String,
    /// Title.
    pub title: String,
    /// The ARS signs.
    pub signatory_ars: bool,
    /// The conseil départemental signs.
    pub signatory_cd: bool,
    /// Region of the signing ARS.
    pub region_code: String,
    /// Department of the signing CD.
    pub department_code: Option<String>,
    /// Start `YYYY-MM-DD`.
    pub start_date: String,
    /// End `YYYY-MM-DD` (start + 5 years − 1 day unless stated).
    pub end_date: String,
    /// State.
    pub state: ContractState,
    /// Signature date.
    pub signed_on: Option<String>,
    /// Termination date (`resilie`).
    pub terminated_on: Option<String>,
    /// Why it was terminated.
    pub termination_reason: Option<String>,
    /// Structures currently in the perimeter.
    pub structures: i64,
    /// Version (bumped by every change).
    pub version: i64,
}

/// Body of `POST /api/v1/cpom/contracts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "organisation_finess": "590000001", "title": "CPOM 2024-2028", "signatory_ars": true,
    "signatory_cd": true, "start_date": "2024-01-01", "structures": ["590000011", "590000012"]
})))]
pub struct ContractCreate {
    /// FINESS EJ of the managing body.
    pub organisation_finess: String,
    /// Title (not blank).
    pub title: String,
    /// The ARS signs.
    pub signatory_ars: bool,
    /// The CD signs.
    pub signatory_cd: bool,
    /// Start `YYYY-MM-DD`.
    pub start_date: String,
    /// End `YYYY-MM-DD`; default: start + 5 years − 1 day.
    #[serde(default)]
    pub end_date: Option<String>,
    /// Initial perimeter: structures of the managing body (at least one; they join at the start).
    pub structures: Vec<String>,
}

/// Body of `PUT /api/v1/cpom/contracts/{id}` (a contract `en_negociation`; after signature, changes go
/// through amendments). The perimeter is not changed here; its initial structures join on the new
/// start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "title": "CPOM 2025-2029", "signatory_ars": true, "signatory_cd": true, "start_date": "2025-01-01"
})))]
pub struct ContractUpdate {
    /// Title (not blank).
    pub title: String,
    /// The ARS signs.
    pub signatory_ars: bool,
    /// The CD signs.
    pub signatory_cd: bool,
    /// Start `YYYY-MM-DD`.
    pub start_date: String,
    /// End `YYYY-MM-DD`; default: start + 5 years − 1 day.
    #[serde(default)]
    pub end_date: Option<String>,
}

/// A structure of the perimeter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PerimeterEntry {
    /// FINESS ET.
    pub finess: String,
    /// Name.
    pub name: String,
    /// Category code.
    pub category: String,
    /// Department.
    pub department_code: String,
    /// Joined on `YYYY-MM-DD`.
    pub joined_on: String,
    /// Left on `YYYY-MM-DD`.
    pub left_on: Option<String>,
    /// Amendment that added it, if any.
    pub amendment_id: Option<i64>,
}

/// An amendment (avenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amendment {
    /// Identifier.
    pub id: i64,
    /// Signature date.
    pub signed_on: String,
    /// Object.
    pub object: String,
    /// Author.
    pub created_by: String,
}

/// Body of `POST /api/v1/cpom/contracts/{id}/amendments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "signed_on": "2026-03-01", "object": "Intégration du SSIAD des Dunes",
    "add_structures": ["590000013"], "remove_structures": []
})))]
pub struct AmendmentCreate {
    /// Signature date `YYYY-MM-DD`: structures join or leave on that date.
    pub signed_on: String,
    /// Object (not blank).
    pub object: String,
    /// Structures of the managing body joining the perimeter.
    #[serde(default)]
    pub add_structures: Vec<String>,
    /// Structures leaving the perimeter.
    #[serde(default)]
    pub remove_structures: Vec<String>,
}

/// A state transition of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractAction {
    /// `en_negociation` → `signe`.
    Sign,
    /// `signe` → `en_cours`.
    Start,
    /// `en_cours` → `echu`.
    Expire,
    /// `signe` or `en_cours` → `resilie` (a reason is required).
    Terminate,
}

/// Body of `POST /api/v1/cpom/contracts/{id}/transitions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"action": "sign", "date": "2023-12-15"})))]
pub struct ContractTransition {
    /// What to do.
    pub action: ContractAction,
    /// Date of the event `YYYY-MM-DD` (signature or termination); default today.
    #[serde(default)]
    pub date: Option<String>,
    /// Reason (required to terminate, 10 characters at least).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Theme of an action sheet (the CPOM model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionTheme {
    /// Gouvernance interne.
    GouvernanceInterne,
    /// GPEC, absentéisme, risques professionnels.
    GpecAbsenteismeRisques,
    /// Patrimoine.
    Patrimoine,
    /// Qualité et bientraitance.
    QualiteBientraitance,
    /// Place des usagers.
    PlaceUsagers,
    /// Parcours de santé.
    ParcoursSante,
    /// Inclusion scolaire.
    InclusionScolaire,
    /// Insertion professionnelle.
    InsertionProfessionnelle,
    /// Réponse accompagnée pour tous.
    ReponseAccompagnee,
    /// Parcours territorialisés.
    ParcoursTerritorialises,
    /// Système d'information.
    SystemeInformation,
    /// Another theme, named by `theme_label`.
    Autre,
}

impl ActionTheme {
    /// Every theme.
    pub const ALL: [Self; 12] = [
        Self::GouvernanceInterne,
        Self::GpecAbsenteismeRisques,
        Self::Patrimoine,
        Self::QualiteBientraitance,
        Self::PlaceUsagers,
        Self::ParcoursSante,
        Self::InclusionScolaire,
        Self::InsertionProfessionnelle,
        Self::ReponseAccompagnee,
        Self::ParcoursTerritorialises,
        Self::SystemeInformation,
        Self::Autre,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::GouvernanceInterne => "gouvernance_interne",
            Self::GpecAbsenteismeRisques => "gpec_absenteisme_risques",
            Self::Patrimoine => "patrimoine",
            Self::QualiteBientraitance => "qualite_bientraitance",
            Self::PlaceUsagers => "place_usagers",
            Self::ParcoursSante => "parcours_sante",
            Self::InclusionScolaire => "inclusion_scolaire",
            Self::InsertionProfessionnelle => "insertion_professionnelle",
            Self::ReponseAccompagnee => "reponse_accompagnee",
            Self::ParcoursTerritorialises => "parcours_territorialises",
            Self::SystemeInformation => "systeme_information",
            Self::Autre => "autre",
        }
    }

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::GouvernanceInterne => "Gouvernance interne",
            Self::GpecAbsenteismeRisques => "GPEC, absentéisme, risques professionnels",
            Self::Patrimoine => "Patrimoine",
            Self::QualiteBientraitance => "Qualité et bientraitance",
            Self::PlaceUsagers => "Place des usagers",
            Self::ParcoursSante => "Parcours de santé",
            Self::InclusionScolaire => "Inclusion scolaire",
            Self::InsertionProfessionnelle => "Insertion professionnelle",
            Self::ReponseAccompagnee => "Réponse accompagnée pour tous",
            Self::ParcoursTerritorialises => "Parcours territorialisés",
            Self::SystemeInformation => "Système d'information",
            Self::Autre => "Autre",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Body of `POST /api/v1/cpom/contracts/{id}/action-sheets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "theme": "systeme_information", "title": "Informatiser le dossier de l'usager",
    "actions": "Déployer le DUI dans les deux EHPAD", "owner": "Directeur des systèmes d'information",
    "deadline": "2026-12-31"
})))]
pub struct ActionSheetCreate {
    /// Theme.
    pub theme: ActionTheme,
    /// Label of an `autre` theme (required then).
    #[serde(default)]
    pub theme_label: Option<String>,
    /// Title (the objective of the sheet, not blank).
    pub title: String,
    /// Actions planned.
    #[serde(default)]
    pub actions: Option<String>,
    /// Owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// Deadline `YYYY-MM-DD`.
    #[serde(default)]
    pub deadline: Option<String>,
}

/// An action sheet with its objectives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionSheet {
    /// Identifier.
    pub id: i64,
    /// Theme.
    pub theme: ActionTheme,
    /// French label of the theme (`theme_label` for `autre`).
    pub theme_label: String,
    /// Title.
    pub title: String,
    /// Actions planned.
    pub actions: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Deadline.
    pub deadline: Option<String>,
    /// Objectives.
    pub objectives: Vec<Objective>,
}

/// Body of `POST /api/v1/cpom/contracts/{id}/objectives`: either `indicator_code` (a catalogue
/// indicator, for `structure_finess` or aggregated over the perimeter when absent) or
/// `free_indicator_label` (manual values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "action_sheet_id": 1, "label": "80 % des dossiers administratifs informatisés",
    "indicator_code": "taux_dossiers_administratifs_informatises", "target_value": 0.8,
    "target_year": 2028
})))]
pub struct ObjectiveCreate {
    /// Action sheet of the same contract.
    pub action_sheet_id: i64,
    /// Label (not blank).
    pub label: String,
    /// Catalogue indicator followed.
    #[serde(default)]
    pub indicator_code: Option<String>,
    /// One structure of the perimeter; absent: aggregated over the perimeter.
    #[serde(default)]
    pub structure_finess: Option<String>,
    /// Free indicator (manual values), instead of `indicator_code`.
    #[serde(default)]
    pub free_indicator_label: Option<String>,
    /// Baseline campaign; default: the campaign before the start year (filled from the dashboard).
    #[serde(default)]
    pub baseline_year: Option<i32>,
    /// Baseline value; default: computed from the dashboard (free indicators: given or none).
    #[serde(default)]
    pub baseline_value: Option<f64>,
    /// Target value (ratios as fractions: 0.8 = 80 %).
    pub target_value: f64,
    /// Target year, within the contract.
    pub target_year: i32,
    /// Comparison sense; default: the indicator's direction (required for neutral and free ones).
    #[serde(default)]
    pub sense: Option<Sense>,
}

/// An objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Objective {
    /// Identifier.
    pub id: i64,
    /// Action sheet.
    pub action_sheet_id: i64,
    /// Label.
    pub label: String,
    /// Catalogue indicator followed.
    pub indicator_code: Option<String>,
    /// French label of the indicator (catalogue or free).
    pub indicator_label: String,
    /// Unit of a catalogue indicator (`ratio`, `jours`…); none for a free one.
    pub unit: Option<String>,
    /// One structure, or none: the perimeter.
    pub structure_finess: Option<String>,
    /// Baseline campaign.
    pub baseline_year: Option<i32>,
    /// Baseline value.
    pub baseline_value: Option<f64>,
    /// Target value.
    pub target_value: f64,
    /// Target year.
    pub target_year: i32,
    /// Comparison sense.
    pub sense: Sense,
}

/// Body of `PUT /api/v1/cpom/objectives/{id}/values/{year}`: a value of a free indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"value": 12.0, "comment": "Bilan annuel"})))]
pub struct ObjectiveValueInput {
    /// Value.
    pub value: f64,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// The follow-up of one objective in one campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpPoint {
    /// Campaign (year).
    pub year: i32,
    /// Actual value.
    pub actual: Option<f64>,
    /// Computed from forms not all validated yet.
    pub provisoire: bool,
    /// Expected value on the trajectory from the baseline to the target.
    pub expected: Option<f64>,
    /// `actual − target`.
    pub gap: Option<f64>,
    /// Status.
    pub status: ObjectiveStatus,
    /// Why it is `non_mesurable` (French).
    pub reason: Option<String>,
}

/// The follow-up of one objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectiveFollowUp {
    /// The objective.
    pub objective: Objective,
    /// One point per campaign of the contract, oldest first.
    pub points: Vec<FollowUpPoint>,
    /// The status of the latest campaign with a value (or of the last campaign).
    pub status: ObjectiveStatus,
}

/// `GET /api/v1/cpom/contracts/{id}/follow-up`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    /// Contract.
    pub contract_id: i64,
    /// Campaigns of the contract known to the system.
    pub years: Vec<i32>,
    /// One entry per objective.
    pub objectives: Vec<ObjectiveFollowUp>,
}

/// A follow-up committee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Committee {
    /// Identifier.
    pub id: i64,
    /// Contract.
    pub contract_id: i64,
    /// Kind.
    pub kind: CommitteeKind,
    /// Year of the contract (3 = mid-term, 5 = final).
    pub contract_year: i32,
    /// Planned date.
    pub scheduled_on: String,
    /// Held on.
    pub held_on: Option<String>,
    /// Whether the committee is late: planned before today and never recorded as held.
    pub late: bool,
    /// Minutes.
    pub minutes: Option<String>,
    /// Decisions.
    pub decisions: Vec<String>,
}

/// Body of `POST /api/v1/cpom/contracts/{id}/committees`: an extra committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"scheduled_on": "2027-06-15"})))]
pub struct CommitteeCreate {
    /// Planned date `YYYY-MM-DD`, within the contract.
    pub scheduled_on: String,
}

/// Body of `PUT /api/v1/cpom/committees/{id}`: the meeting was held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "held_on": "2026-06-20", "minutes": "Trajectoire conforme sur le SI, retard sur l'absentéisme.",
    "decisions": ["Plan d'action absentéisme à présenter sous 6 mois"]
})))]
pub struct CommitteeRecord {
    /// Held on `YYYY-MM-DD`.
    pub held_on: String,
    /// Minutes.
    pub minutes: String,
    /// Decisions.
    #[serde(default)]
    pub decisions: Vec<String>,
}

/// The report of a committee: the follow-up up to the committee's year. Frozen when the committee is
/// recorded as held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitteeReport {
    /// The committee.
    pub committee: Committee,
    /// The contract.
    pub contract: Contract,
    /// Perimeter at the committee's date.
    pub perimeter: Vec<PerimeterEntry>,
    /// Follow-up of every objective, campaigns up to the committee's year.
    pub follow_up: Vec<ObjectiveFollowUp>,
    /// Objectives per status (`atteint`, `en_bonne_voie`, `en_retard`, `non_mesurable`).
    pub counts: StatusCounts,
    /// Frozen (the committee was held) or computed now.
    pub frozen: bool,
}

/// Objectives per status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    /// `atteint`.
    pub atteint: u32,
    /// `en_bonne_voie`.
    pub en_bonne_voie: u32,
    /// `en_retard`.
    pub en_retard: u32,
    /// `non_mesurable`.
    pub non_mesurable: u32,
}

/// A contract with all its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractDetail {
    /// The contract.
    pub contract: Contract,
    /// Perimeter (current and past members).
    pub perimeter: Vec<PerimeterEntry>,
    /// Amendments.
    pub amendments: Vec<Amendment>,
    /// Action sheets with their objectives.
    pub action_sheets: Vec<ActionSheet>,
    /// Committees.
    pub committees: Vec<Committee>,
    /// CPOM items of the open campaigns' forms that disagree with the contracts.
    pub alerts: Vec<CpomMismatch>,
}

/// Coverage of one territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TerritoryCoverage {
    /// INSEE code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Managing bodies with at least one structure in the territory.
    pub organisations: i64,
    /// Of which under a CPOM in force covering one of those structures.
    pub organisations_under_cpom: i64,
    /// `organisations_under_cpom / organisations`.
    pub organisation_share: Option<f64>,
    /// Active structures in the territory.
    pub structures: i64,
    /// Of which in the perimeter of a CPOM in force.
    pub structures_under_cpom: i64,
    /// `structures_under_cpom / structures`.
    pub structure_share: Option<f64>,
}

/// Mean, minimum and maximum of a share over the territories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareSummary {
    /// Share over the whole scope (pooled: total under CPOM ÷ total).
    pub mean: Option<f64>,
    /// Lowest territory share.
    pub min: Option<f64>,
    /// Highest territory share.
    pub max: Option<f64>,
}

/// A structure that must be under CPOM and is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingCpom {
    /// FINESS ET.
    pub finess: String,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// Department.
    pub department_code: String,
    /// FINESS EJ of its managing body.
    pub organisation_finess: String,
    /// The legal deadline `YYYY-MM-DD`.
    pub deadline: String,
}

/// `GET /api/v1/cpom/coverage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    /// `department` or `region`.
    pub by: String,
    /// Date at which contracts are counted (today).
    pub on: String,
    /// One entry per territory of the caller's scope.
    pub territories: Vec<TerritoryCoverage>,
    /// Managing bodies: pooled mean, territory min and max.
    pub organisation_share: ShareSummary,
    /// Structures: pooled mean, territory min and max.
    pub structure_share: ShareSummary,
    /// Structures that must be under CPOM by a legal date passed and are not.
    pub missing: Vec<MissingCpom>,
}

/// A CPOM item of a form that disagrees with the contracts (an alert): the structure typed or kept a
/// value the contracts contradict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CpomMismatch {
    /// Campaign.
    pub year: i32,
    /// Structure.
    pub finess: String,
    /// `cpom_en_cours`, `date_debut_cpom` or `date_fin_cpom`.
    pub item: String,
    /// Value in the form.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub form_value: serde_json::Value,
    /// Value from the contracts.
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub contract_value: serde_json::Value,
    /// Source of the form's value (`saisie`…).
    pub source: String,
    /// The contract in force on 31/12 of the campaign year the value comes from; absent when none is
    /// (then `cpom_en_cours` is `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_id: Option<i64>,
    /// Title of that contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_title: Option<String>,
}
