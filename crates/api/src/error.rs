//! API errors and their one representation: RFC 7807 `application/problem+json`.
//!
//! Every failure a handler can meet is an [`ApiError`]; its `code` is stable (clients branch on it), its
//! title and detail are French. Internal causes are logged, never sent to the client.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use tdb_domain::contract::{FieldError, Problem};
use tdb_domain::display::wait_duration;

mod code;

pub use code::ProblemCode;

/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error answered to an API client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The resource does not exist (or is not visible to the caller).
    #[error("not found ({code}): {detail}")]
    NotFound {
        /// Stable code (`not_found`, `campaign_not_covered`, `unknown_category`…).
        code: ProblemCode,
        /// French explanation.
        detail: String,
    },
    /// No valid credentials.
    #[error("unauthenticated ({code}): {detail}")]
    Unauthenticated {
        /// `unauthenticated`, `invalid_token`, `token_expired`, `invalid_credentials`.
        code: ProblemCode,
        /// French explanation.
        detail: String,
    },
    /// The caller may see the resource but not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A 403 with its own code (`origin_refused`).
    #[error("forbidden ({code}): {detail}")]
    ForbiddenWith {
        /// Stable code.
        code: ProblemCode,
        /// French explanation.
        detail: String,
    },
    /// The action conflicts with the resource's state (locked, wrong phase or workflow state).
    #[error("conflict ({code}): {detail}")]
    Conflict {
        /// Stable code.
        code: ProblemCode,
        /// French explanation.
        detail: String,
    },
    /// The action conflicts with the resource's state for the reasons listed in `errors`.
    #[error("conflict ({code}): {detail}")]
    ConflictWithReasons {
        /// Stable code (`cannot_submit`…).
        code: ProblemCode,
        /// French explanation.
        detail: String,
        /// One entry per reason, with a JSON pointer to what causes it.
        reasons: Vec<FieldError>,
    },
    /// `If-Match` does not match the current version.
    #[error("precondition failed")]
    PreconditionFailed,
    /// `If-Match` is required and missing.
    #[error("precondition required")]
    PreconditionRequired,
    /// Too many attempts; retry later.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds before a retry may succeed.
        retry_after: u64,
    },
    /// The request is too large to process (413 with its own code: `import_too_large`).
    #[error("too large ({code}): {detail}")]
    TooLarge {
        /// Stable code.
        code: ProblemCode,
        /// French explanation.
        detail: String,
    },
    /// Too many large imports or exports run at once on the server (503 `server_busy`).
    #[error("server busy")]
    Busy {
        /// Seconds before a retry may succeed.
        retry_after: u64,
    },
    /// The request is malformed (body, query or path cannot be read).
    #[error("bad request ({code}): {detail}")]
    BadRequest {
        /// Stable code.
        code: ProblemCode,
        /// French explanation.
        detail: String,
    },
    /// The body is larger than accepted (413).
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// The method is not served on this path (405); the methods that are.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    /// Another error status answered without a problem body by the framework (400, 415, 431…).
    #[error("status {status} ({code}): {detail}")]
    Status {
        /// HTTP status.
        status: u16,
        /// Stable code.
        code: ProblemCode,
        /// French explanation.
        detail: String,
    },
    /// Some fields are invalid; each is listed.
    #[error("validation failed on {} field(s)", .0.len())]
    Validation(Vec<FieldError>),
    /// The request is well formed but cannot be processed (422 with its own code).
    #[error("unprocessable ({code}): {detail}")]
    Unprocessable {
        /// Stable code (`idempotency_key_reused`…).
        code: ProblemCode,
        /// French explanation.
        detail: String,
    },
    /// The database cannot be reached.
    #[error("database unavailable: {0}")]
    DatabaseUnavailable(String),
    /// An unexpected failure; the cause is logged.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A plain `not_found` error.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound {
            code: ProblemCode::NotFound,
            detail: detail.into(),
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> ProblemCode {
        match self {
            Self::NotFound { code, .. }
            | Self::BadRequest { code, .. }
            | Self::Unauthenticated { code, .. }
            | Self::ForbiddenWith { code, .. }
            | Self::Conflict { code, .. } => *code,
            Self::ConflictWithReasons { code, .. } => *code,
            Self::Unprocessable { code, .. } | Self::TooLarge { code, .. } => *code,
            Self::Busy { .. } => ProblemCode::ServerBusy,
            Self::Status { code, .. } => *code,
            Self::PayloadTooLarge(_) => ProblemCode::PayloadTooLarge,
            Self::MethodNotAllowed(_) => ProblemCode::MethodNotAllowed,
            Self::Forbidden(_) => ProblemCode::Forbidden,
            Self::PreconditionFailed => ProblemCode::StaleVersion,
            Self::PreconditionRequired => ProblemCode::IfMatchRequired,
            Self::TooManyRequests { .. } => ProblemCode::TooManyRequests,
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::DatabaseUnavailable(_) => ProblemCode::DatabaseUnavailable,
            Self::Internal(_) => ProblemCode::InternalError,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "Ressource introuvable",
            Self::Unauthenticated { .. } => "Authentification requise",
            Self::Forbidden(_) | Self::ForbiddenWith { .. } => "Action interdite",
            Self::Conflict { .. } => "Action impossible dans l'état actuel",
            Self::ConflictWithReasons { .. } => "Action impossible dans l'état actuel",
            Self::PreconditionFailed => "Version périmée",
            Self::PreconditionRequired => "En-tête If-Match requis",
            Self::TooManyRequests { .. } => "Trop de tentatives",
            Self::BadRequest { .. } => "Requête invalide",
            Self::Validation(_) => "Données invalides",
            Self::Unprocessable { .. } => "Requête impossible à traiter",
            Self::TooLarge { .. } => "Fichier trop volumineux",
            Self::Busy { .. } => "Serveur occupé",
            Self::PayloadTooLarge(_) => "Requête trop volumineuse",
            Self::MethodNotAllowed(_) => "Méthode non autorisée",
            Self::Status { status: 410, .. } => "Lien plus valable",
            Self::Status { .. } => "Requête invalide",
            Self::DatabaseUnavailable(_) => "Base de données indisponible",
            Self::Internal(_) => "Erreur interne",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::NotFound { detail, .. }
            | Self::BadRequest { detail, .. }
            | Self::Unauthenticated { detail, .. }
            | Self::ForbiddenWith { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::Forbidden(detail) => detail.clone(),
            Self::ConflictWithReasons { detail, .. } => detail.clone(),
            Self::Unprocessable { detail, .. } | Self::TooLarge { detail, .. } => detail.clone(),
            Self::Busy { retry_after } => format!(
                "Trop d'imports ou d'exports volumineux sont en cours sur le serveur : réessayez dans {}.",
                wait_duration(*retry_after)
            ),
            Self::Status { detail, .. } | Self::PayloadTooLarge(detail) => detail.clone(),
            Self::MethodNotAllowed(allowed) => format!(
                "Cette méthode n'est pas acceptée à cette adresse ; méthodes acceptées : {}.",
                allowed.join(", ")
            ),
            Self::PreconditionFailed => {
                "Les données ont été modifiées entre-temps : rechargez-les avant d'enregistrer.".to_owned()
            }
            Self::PreconditionRequired => {
                "Envoyez l'en-tête If-Match avec l'ETag de la version que vous modifiez.".to_owned()
            }
            Self::TooManyRequests { retry_after } => {
                format!(
                    "Trop de tentatives : réessayez dans {}.",
                    wait_duration(*retry_after)
                )
            }
            Self::Validation(errors) => {
                format!("{} champ(s) invalide(s) : rien n'a été enregistré.", errors.len())
            }
            Self::DatabaseUnavailable(_) => {
                "La base de données ne répond pas. Réessayez plus tard.".to_owned()
            }
            Self::Internal(_) => "Une erreur inattendue s'est produite ; elle a été journalisée.".to_owned(),
        }
    }

    /// The problem body of this error.
    pub fn to_problem(&self) -> Problem {
        Problem {
            type_uri: self.code().type_uri(),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: self.code().as_str().to_owned(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                Self::ConflictWithReasons { reasons, .. } => reasons.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::ForbiddenWith { .. } => StatusCode::FORBIDDEN,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::ConflictWithReasons { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Status { status, .. } => StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
            Self::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::Unauthenticated { .. } => {
                response.insert_header(("WWW-Authenticate", "Bearer realm=\"tdb\""));
            }
            Self::TooManyRequests { retry_after } | Self::Busy { retry_after } => {
                response.insert_header(("Retry-After", retry_after.to_string()));
            }
            Self::DatabaseUnavailable(_) => {
                response.insert_header(("Retry-After", "1"));
            }
            Self::MethodNotAllowed(allowed) => {
                response.insert_header(("Allow", allowed.join(", ")));
            }
            _ => {}
        }
        response.content_type(PROBLEM_JSON).json(self.to_problem())
    }
}

impl From<tdb_domain::CatalogueError> for ApiError {
    /// A campaign without a catalogue is a 404 (`campaign_not_covered`); any other failure is internal.
    fn from(error: tdb_domain::CatalogueError) -> Self {
        match error {
            tdb_domain::CatalogueError::CampaignNotCovered {
                campaign,
                first,
                last,
            } => Self::NotFound {
                code: ProblemCode::CampaignNotCovered,
                detail: format!(
                    "Aucun catalogue ne couvre la campagne {campaign} (campagnes couvertes : {first} à {last})."
                ),
            },
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    /// SQLite's "database is locked" / "database table is locked" (another process held the write lock
    /// longer than `busy_timeout`) is a busy database, answered 503 with `Retry-After`, never a 500.
    fn from(error: diesel::result::Error) -> Self {
        let message = error.to_string();
        if is_busy(&message) {
            return Self::DatabaseUnavailable(message);
        }
        Self::Internal(message)
    }
}

/// Whether a database error message is SQLite's busy answer.
pub fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database table is locked")
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Self::DatabaseUnavailable(error.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::Internal(error.to_string())
    }
}
