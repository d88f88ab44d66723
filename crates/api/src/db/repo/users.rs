//! People who log in, their structures, and partner clients (written by the seeds; read by login).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{api_clients, user_structures, users};

/// A user to insert.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct NewUser {
    /// Login (lower-case email).
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
    /// May log in.
    pub active: bool,
    /// Creation time.
    pub created_at: NaiveDateTime,
}

/// A partner client to insert.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = api_clients, treat_none_as_default_value = false)]
pub struct NewApiClient {
    /// Client identifier.
    pub client_id: String,
    /// argon2id PHC string of the secret.
    pub secret_hash: String,
    /// Name shown.
    pub name: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// Prefill source bound to the client.
    pub source: Option<String>,
    /// May get tokens.
    pub active: bool,
    /// Creation time.
    pub created_at: NaiveDateTime,
}

/// Whether a user with this email exists.
pub fn exists(conn: &mut DbConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.find(email.to_owned()))).get_result(conn)
}

/// Inserts a user.
pub fn insert(conn: &mut DbConnection, user: &NewUser) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map(drop)
}

/// Gives an `esms` user a structure.
pub fn add_structure(conn: &mut DbConnection, email: &str, finess: &str) -> QueryResult<()> {
    diesel::insert_into(user_structures::table)
        .values((
            user_structures::user_email.eq(email.to_owned()),
            user_structures::structure_finess.eq(finess.to_owned()),
        ))
        .execute(conn)
        .map(drop)
}

/// Inserts a partner client.
pub fn insert_client(conn: &mut DbConnection, client: &NewApiClient) -> QueryResult<()> {
    diesel::insert_into(api_clients::table)
        .values(client)
        .execute(conn)
        .map(drop)
}

/// Sets whether the user may log in; `false` when no user has this email.
pub fn set_active(conn: &mut DbConnection, email: &str, active: bool) -> QueryResult<bool> {
    diesel::update(users::table.find(email.to_owned()))
        .set(users::active.eq(active))
        .execute(conn)
        .map(|n| n == 1)
}
