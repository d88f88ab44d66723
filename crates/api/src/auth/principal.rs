//! The caller of a request: role and scope, from the claims of a verified bearer token (the extractor
//! that reads the token is [`crate::routes::principal`]).

use super::token::Claims;
use crate::error::ApiError;

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
