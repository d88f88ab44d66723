//! Wire types shared by the API and the web app: request and response bodies, error body.
//!
//! They carry no behaviour. With the `openapi` feature they derive `utoipa::ToSchema`, so the contract
//! in `openapi/openapi.json` is generated from these very types.

mod accounts;
mod auth;
mod benchmarks;
mod campaigns;
mod catalogue;
mod cpom;
mod evaluate;
mod events;
mod forms;
mod health;
mod imports;
mod peer;
mod problem;
mod progress;
mod reference;
mod referential;
mod simulate;
mod stored;
mod structures;
mod webhooks;

pub use accounts::{
    AccountStatus, ApiClient, ApiClientCreate, ApiClientSecret, ApiClientUpdate, InvitationRejection,
    InvitationReport, LinkInfo, LinkPurpose, LinkToken, NotificationPreferences, PasswordChange,
    PasswordForgot, PasswordSet, UserAccount, UserInvite, UserUpdate,
};
pub use auth::{ClientCredentialsRequest, LoginRequest, LoginResponse, Me, Role, SessionUser, TokenResponse};
pub use benchmarks::{
    Fiche, FicheBatch, FicheCampaign, FicheCapacity, FicheControl, FicheIdentity, FicheIndicator, FichePoint,
    GroupBenchmark, IndicatorBenchmark, IndicatorColumn, IndicatorRow, IndicatorTable, LevelBenchmark,
    StructureBenchmark, Trend,
};
pub use campaigns::{Campaign, CampaignCreate, CampaignDates, CampaignPhase, PhaseChange, PhaseChangeResult};
pub use catalogue::{
    Basis, CatalogueDocument, CategoryDef, CategoryKind, CompletionRule, ControlDef, Direction, Funder,
    IndicatorDef, IndicatorUnit, ItemDef, ItemType, Level, PeerOutlierRule, PrefillSource, Public, ScopeDef,
    Severity,
};
pub use cpom::{
    ActionSheet, ActionSheetCreate, ActionTheme, Amendment, AmendmentCreate, Committee, CommitteeCreate,
    CommitteeKind, CommitteeRecord, CommitteeReport, Contract, ContractAction, ContractCreate,
    ContractDetail, ContractState, ContractTransition, ContractUpdate, Coverage, CpomMismatch, FollowUp,
    FollowUpPoint, MissingCpom, Objective, ObjectiveCreate, ObjectiveFollowUp, ObjectiveStatus,
    ObjectiveValueInput, PerimeterEntry, Sense, ShareSummary, StatusCounts, TerritoryCoverage,
};
pub use evaluate::{
    AxisCompletion, CompletionResult, ConditionState, ControlResult, ControlStatus, EvaluateRequest,
    EvaluationResult, Explanation, ExplanationInput, IndicatorResult, IndicatorStatus, InvalidValue,
    ItemState, SubmissionResult, ValueErrorCode,
};
pub use events::{EVENT_TYPES, Event, EventFeed};
pub use forms::{
    AuditEntry, Authority, CorrectionItem, CorrectionMessage, CorrectionMessageBody, CorrectionStatus,
    FormCorrection, FormDocument, FormJustification, FormPatch, FormPatchSummary, FormState, FormValidation,
    FormValueEntry, JustificationBody, ReopenRequest, ReviewRequest, ValidationStamp,
};
pub use health::{DatabaseBackend, Health, HealthStatus};
pub use imports::{
    ImportConflict, ImportCounts, ImportJob, ImportProblem, ImportRejection, ImportRequest,
    ImportRequestProblem, ImportRequestRow, ImportSummary, ImportUnprocessable, JobState,
};
pub use peer::{
    GroupSpread, IndicatorReference, PeerReference, PeerStats, Position, Summary, WithheldReason,
};
pub use problem::{FieldError, Problem};
pub use progress::{CampaignProgress, CategoryCount, StateCounts, TerritoryLevel, TerritoryProgress};
pub use reference::{Department, Page, PageMeta, Region};
pub use referential::{FinessJob, FinessRejection, FinessReport};
pub use simulate::{SimulateRequest, SimulatedIndicator, SimulatedLevel, SimulatedObjective, Simulation};
pub use stored::UnknownCode;
pub use structures::{
    LegalStatus, Organisation, OrganisationCreate, Structure, StructureCreate, StructureForm, StructureUpdate,
};
pub use webhooks::{
    WebhookCreate, WebhookDelivery, WebhookReplay, WebhookSecret, WebhookSubscription, WebhookUpdate,
};
