//! Bodies of the authentication endpoints, and the roles.

use serde::{Deserialize, Serialize};

/// Role of a user or partner client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A structure's staff: its own structures.
    Esms,
    /// A managing body (organisme gestionnaire): all structures of its organisation.
    Og,
    /// An ARS officer: its region, structures whose competence is ARS or joint.
    Ars,
    /// A conseil départemental officer: its department, competence CD or joint.
    Cd,
    /// National administration: everything, and the campaigns.
    National,
    /// A partner system (client credentials) with scopes.
    Partner,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Self::Esms,
        Self::Og,
        Self::Ars,
        Self::Cd,
        Self::National,
        Self::Partner,
    ];

    /// The role's code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Esms => "esms",
            Self::Og => "og",
            Self::Ars => "ars",
            Self::Cd => "cd",
            Self::National => "national",
            Self::Partner => "partner",
        }
    }

    /// Parses a role code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == code)
    }
}

/// `POST /api/v1/auth/login` body. Its `Debug` output hides the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "direction@ehpad-les-tilleuls.fr", "password": "••••••••••••"})))]
pub struct LoginRequest {
    /// Email of the account (case-insensitive).
    pub email: String,
    /// Password.
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"***")
            .finish()
    }
}

/// The caller, as its access token describes it (`GET /api/v1/auth/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// Email of a user, or id of a partner client.
    pub subject: String,
    /// Role.
    pub role: Role,
    /// Structures of an `esms` user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub structures: Vec<String>,
    /// Managing body of an `og` user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Region of an `ars` user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Department of a `cd` user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Scopes of a partner client.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

/// Who is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionUser {
    /// Email.
    pub email: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Structures of an `esms` user (FINESS ET).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub structures: Vec<String>,
    /// Managing body of an `og` user (FINESS EJ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Region of an `ars` user (INSEE code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Department of a `cd` user (INSEE code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// `POST /api/v1/auth/login` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Bearer access token (JWT, HS256).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the token in seconds.
    pub expires_in: i64,
    /// The logged-in user.
    pub user: SessionUser,
}

/// `POST /api/v1/auth/token` form body (OAuth 2.0 client credentials, RFC 6749 §4.4). Its `Debug`
/// output hides the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientCredentialsRequest {
    /// Must be `client_credentials`.
    pub grant_type: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Space-separated scopes asked for (a subset of the client's); all of them when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl std::fmt::Debug for ClientCredentialsRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentialsRequest")
            .field("grant_type", &self.grant_type)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("scope", &self.scope)
            .finish()
    }
}

/// `POST /api/v1/auth/token` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"access_token": "eyJ…", "token_type": "Bearer", "expires_in": 900, "scope": "read prefill:write"})))]
pub struct TokenResponse {
    /// Bearer access token (JWT, HS256).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the token in seconds.
    pub expires_in: i64,
    /// Space-separated scopes granted.
    pub scope: String,
}
