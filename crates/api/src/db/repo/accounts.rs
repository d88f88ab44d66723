//! Accounts that authenticate: users (email + password) and partner clients (client credentials).

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{api_clients, user_structures, users};

/// A user as needed to log in.
#[derive(Debug, Clone, Queryable)]
pub struct UserAccount {
    /// Email (login).
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Name shown.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// Scope of an `og` user.
    pub organisation_finess: Option<String>,
    /// Scope of an `ars` user.
    pub region_code: Option<String>,
    /// Scope of a `cd` user.
    pub department_code: Option<String>,
    /// Whether the account may log in.
    pub active: bool,
}

/// A partner client as needed to issue a token.
#[derive(Debug, Clone, Queryable)]
pub struct ClientAccount {
    /// Client id.
    pub client_id: String,
    /// argon2id PHC string of the secret.
    pub secret_hash: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// Prefill source bound to the client.
    pub source: Option<String>,
    /// Whether the client may get tokens.
    pub active: bool,
}

/// The user with this (lower-case) email.
pub fn find_user(conn: &mut DbConnection, email: &str) -> QueryResult<Option<UserAccount>> {
    users::table
        .find(email)
        .select((
            users::email,
            users::password_hash,
            users::display_name,
            users::role,
            users::organisation_finess,
            users::region_code,
            users::department_code,
            users::active,
        ))
        .first(conn)
        .optional()
}

/// The structures of an `esms` user, by FINESS.
pub fn user_structures(conn: &mut DbConnection, email: &str) -> QueryResult<Vec<String>> {
    user_structures::table
        .filter(user_structures::user_email.eq(email))
        .select(user_structures::structure_finess)
        .order(user_structures::structure_finess)
        .load(conn)
}

/// The partner client with this id.
pub fn find_client(conn: &mut DbConnection, client_id: &str) -> QueryResult<Option<ClientAccount>> {
    api_clients::table
        .find(client_id)
        .select((
            api_clients::client_id,
            api_clients::secret_hash,
            api_clients::scopes,
            api_clients::source,
            api_clients::active,
        ))
        .first(conn)
        .optional()
}

/// The role of each of `emails` that is a user account (`(email, role)`; the others are absent).
pub fn roles_of(conn: &mut DbConnection, emails: &[String]) -> QueryResult<Vec<(String, String)>> {
    users::table
        .filter(users::email.eq_any(emails))
        .select((users::email, users::role))
        .load(conn)
}

/// Which of `ids` are API client ids.
pub fn clients_among(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<String>> {
    api_clients::table
        .filter(api_clients::client_id.eq_any(ids))
        .select(api_clients::client_id)
        .load(conn)
}
