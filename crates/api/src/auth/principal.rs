//! The caller of a request: role and scope, from a verified bearer token.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::token::{Claims, TokenError};
use crate::error::{ApiError, ProblemCode};
use crate::state::AppState;

pub use tdb_domain::contract::Role;

/// Which structures a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StructureScope {
    /// These structures (FINESS ET).
    Structures(Vec<String>),
    /// Every structure of this managing body.
    Organisation(String),
    /// Structures of this region whose competence includes the ARS.
    ArsRegion(String),
    /// Structures of this department whose competence includes the CD.
    CdDepartment(String),
    /// Every structure.
    All,
    /// None (a partner without the `read` scope).
    Nothing,
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Email of a user, or id of a partner client.
    pub subject: String,
    /// Role.
    pub role: Role,
    /// What the caller may see.
    pub scope: StructureScope,
    /// Scopes of a partner client.
    pub scopes: Vec<String>,
    /// Prefill source bound to a partner client.
    pub source: Option<String>,
}

impl Principal {
    /// Resolves the caller from verified claims.
    pub fn from_claims(claims: Claims) -> Self {
        let scope = match claims.role {
            Role::Esms => StructureScope::Structures(claims.structures),
            Role::Og => claims
                .organisation
                .map_or(StructureScope::Nothing, StructureScope::Organisation),
            Role::Ars => claims
                .region
                .map_or(StructureScope::Nothing, StructureScope::ArsRegion),
            Role::Cd => claims
                .department
                .map_or(StructureScope::Nothing, StructureScope::CdDepartment),
            Role::National => StructureScope::All,
            Role::Partner if claims.scopes.iter().any(|s| s == "read") => StructureScope::All,
            Role::Partner => StructureScope::Nothing,
        };
        Self {
            subject: claims.sub,
            role: claims.role,
            scope,
            scopes: claims.scopes,
            source: claims.source,
        }
    }

    /// Refuses (403) unless the caller's role is one of `roles`.
    pub fn require_role(&self, roles: &[Role], action: &str) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "Votre rôle ne permet pas de {action}."
            )))
        }
    }

    /// The audit channel of the caller's requests.
    pub fn channel(&self) -> &'static str {
        if self.role == Role::Partner { "api" } else { "web" }
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("application state missing".to_owned()))?;
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthenticated {
            code: ProblemCode::Unauthenticated,
            detail: "Authentification requise.".to_owned(),
        })?;
    let token = header
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::Unauthenticated {
            code: ProblemCode::InvalidToken,
            detail: "L'en-tête Authorization doit être « Bearer <jeton> ».".to_owned(),
        })?;
    match state.tokens.verify(token.trim()) {
        Ok(claims) => Ok(Principal::from_claims(claims)),
        Err(TokenError::Expired) => Err(ApiError::Unauthenticated {
            code: ProblemCode::TokenExpired,
            detail: "Votre session a expiré : reconnectez-vous.".to_owned(),
        }),
        Err(TokenError::Invalid(_)) => Err(ApiError::Unauthenticated {
            code: ProblemCode::InvalidToken,
            detail: "Le jeton d'accès est invalide.".to_owned(),
        }),
    }
}
