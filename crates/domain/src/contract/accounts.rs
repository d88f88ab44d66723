//! Bodies of the account endpoints: people's accounts (invited, managed by scope), one-time links
//! (invitation, password reset), password change, and partner clients.

use serde::{Deserialize, Serialize};

use super::auth::Role;

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Invited, has not set a password yet.
    Invited,
    /// May sign in.
    Active,
    /// May not sign in (its sessions were revoked).
    Deactivated,
}

/// A person's account (`GET /api/v1/users`, `GET /api/v1/users/{email}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserAccount {
    /// Email (login, lower case).
    pub email: String,
    /// Name shown.
    pub display_name: String,
    /// Role (never `partner`: partners are clients).
    pub role: Role,
    /// Managing body of an `og` account.
    pub organisation_finess: Option<String>,
    /// Region of an `ars` account.
    pub region_code: Option<String>,
    /// Department of a `cd` account.
    pub department_code: Option<String>,
    /// Structures of an `esms` account (FINESS ET), sorted.
    pub structures: Vec<String>,
    /// Where the account stands.
    pub status: AccountStatus,
    /// Creation time (UTC, RFC 3339).
    pub created_at: String,
    /// Expiry of the pending invitation (UTC, RFC 3339), when the account is invited.
    pub invitation_expires_at: Option<String>,
}

/// `POST /api/v1/users`: invite a person. The account is created without a password and a mail with a
/// one-time link (valid 7 days) is queued in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "direction@ehpad-les-tilleuls.fr",
    "display_name": "Direction EHPAD Les Tilleuls", "role": "esms", "structures": ["590000021"]})))]
pub struct UserInvite {
    /// Email of the person (case-insensitive, stored lower case).
    pub email: String,
    /// Name shown (by default the part of the email before `@`).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Role: `esms`, `og`, `ars`, `cd` or `national`.
    pub role: Role,
    /// Managing body, required for `og`.
    #[serde(default)]
    pub organisation_finess: Option<String>,
    /// Region, required for `ars`.
    #[serde(default)]
    pub region_code: Option<String>,
    /// Department, required for `cd`.
    #[serde(default)]
    pub department_code: Option<String>,
    /// Structures, at least one for `esms`.
    #[serde(default)]
    pub structures: Vec<String>,
}

/// `PATCH /api/v1/users/{email}`: the fields to change (absent: unchanged). Role and scope are checked
/// against the caller's own scope; nobody changes their own role or scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// Name shown.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Role; with it, the scope fields of the new role.
    #[serde(default)]
    pub role: Option<Role>,
    /// Managing body (`og`).
    #[serde(default)]
    pub organisation_finess: Option<String>,
    /// Region (`ars`).
    #[serde(default)]
    pub region_code: Option<String>,
    /// Department (`cd`).
    #[serde(default)]
    pub department_code: Option<String>,
    /// Structures (`esms`), replacing the current list.
    #[serde(default)]
    pub structures: Option<Vec<String>>,
    /// `false` deactivates (and revokes every session), `true` reactivates.
    #[serde(default)]
    pub active: Option<bool>,
}

/// One line of a bulk invitation that was not invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationRejection {
    /// Line number in the file (the header is line 1 when there is one).
    pub line: u64,
    /// Email read on the line, if any.
    pub email: Option<String>,
    /// Stable code: `invalid_email`, `unknown_structure`, `out_of_scope`, `role_not_allowed`,
    /// `already_exists`, `duplicate_line`, `malformed_line`.
    pub code: String,
    /// The reason, in French.
    pub detail: String,
}

/// Answer of `POST /api/v1/users/invitations` (CSV `email;finess[;role]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationReport {
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Lines read (header excluded).
    pub lines: u64,
    /// Accounts invited (or that would be, in a dry run).
    pub invited: u64,
    /// Lines refused, with their line number.
    pub rejected: Vec<InvitationRejection>,
}

/// `POST /api/v1/auth/password/forgot`: the answer is the same whether the address exists or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordForgot {
    /// Email of the account.
    pub email: String,
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    /// First password of an invited person (valid 7 days).
    Invitation,
    /// New password after « Mot de passe oublié » (valid 1 hour).
    Reset,
}

/// `POST /api/v1/auth/password/link`: what a one-time link is, before using it (for the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkToken {
    /// The token of the link (the part after `#jeton=`).
    pub token: String,
}

/// Answer of `POST /api/v1/auth/password/link`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkInfo {
    /// The account the link sets the password of.
    pub email: String,
    /// Invitation or reset.
    pub purpose: LinkPurpose,
    /// Expiry (UTC, RFC 3339).
    pub expires_at: String,
}

/// `POST /api/v1/auth/password/set`: uses a one-time link. Its `Debug` output hides both secrets.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordSet {
    /// The token of the link.
    pub token: String,
    /// The new password (at least 12 characters, not a common or guessable one).
    pub password: String,
}

impl std::fmt::Debug for PasswordSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordSet").finish_non_exhaustive()
    }
}

/// `POST /api/v1/auth/password`: change one's password. Ends every other session of the person.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new password.
    pub new_password: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChange").finish_non_exhaustive()
    }
}

/// A partner client (`GET /api/v1/clients`). Its secret is never shown again after creation or rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClient {
    /// Client identifier (`client_id` of the client-credentials grant).
    pub client_id: String,
    /// Name shown.
    pub name: String,
    /// Scopes: `read`, `prefill:write`, `events:read` (the change feed only).
    pub scopes: Vec<String>,
    /// Prefill source bound to the client (`cnsa`, …), if any.
    pub source: Option<String>,
    /// Whether the client may get tokens (`false`: revoked).
    pub active: bool,
    /// Creation time (UTC, RFC 3339).
    pub created_at: String,
    /// Last token issued (UTC, RFC 3339).
    pub last_used_at: Option<String>,
    /// Until when the previous secret still works after a rotation (UTC, RFC 3339).
    pub previous_secret_expires_at: Option<String>,
}

/// `POST /api/v1/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Caisse nationale", "scopes": ["read", "prefill:write"], "source": "cnsa"})))]
pub struct ApiClientCreate {
    /// Name shown.
    pub name: String,
    /// Scopes: `read`, `prefill:write`, `events:read` (the change feed only).
    pub scopes: Vec<String>,
    /// Prefill source bound to the client (required with `prefill:write`).
    #[serde(default)]
    pub source: Option<String>,
}

/// `PATCH /api/v1/clients/{client_id}`: the fields to change; `active: false` revokes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiClientUpdate {
    /// Name shown.
    #[serde(default)]
    pub name: Option<String>,
    /// Scopes.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// `false` revokes the client (its tokens stop being issued), `true` restores it.
    #[serde(default)]
    pub active: Option<bool>,
}

/// Answer of a client creation or secret rotation: the secret, shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClientSecret {
    /// The client.
    pub client: ApiClient,
    /// The new secret (never shown again; stored hashed).
    pub client_secret: String,
}

impl std::fmt::Debug for ApiClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClientSecret")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// `GET` / `PUT /api/v1/me/notifications`: which mails the signed-in person receives. The essential
/// ones (account and password links, a disabled webhook, corrections requested on a form, a reopened
/// form) are always sent; the others can be turned off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"non_essential_mails": false})))]
pub struct NotificationPreferences {
    /// Receive the non-essential mails: a campaign phase opening, the collecte reminders, a form
    /// submitted (authorities) or validated (structures).
    pub non_essential_mails: bool,
}
