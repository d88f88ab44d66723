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

/// A person's account as the account pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AccountRow {
    /// Login.
    pub email: String,
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
    /// Whether a password was set (an invited person has none yet).
    pub has_password: bool,
    /// Creation time.
    pub created_at: NaiveDateTime,
}

/// Every account, by email (the caller's reach is applied by the service; a region has a few
/// thousand people).
pub fn all_accounts(conn: &mut DbConnection) -> QueryResult<Vec<AccountRow>> {
    users::table
        .order(users::email)
        .select((
            users::email,
            users::display_name,
            users::role,
            users::organisation_finess,
            users::region_code,
            users::department_code,
            users::active,
            users::password_hash.ne(""),
            users::created_at,
        ))
        .load(conn)
}

/// The account with this email.
pub fn find_account(conn: &mut DbConnection, email: &str) -> QueryResult<Option<AccountRow>> {
    users::table
        .find(email)
        .select((
            users::email,
            users::display_name,
            users::role,
            users::organisation_finess,
            users::region_code,
            users::department_code,
            users::active,
            users::password_hash.ne(""),
            users::created_at,
        ))
        .first(conn)
        .optional()
}

/// `(email, structure)` pairs of every `esms` account.
pub fn all_structure_links(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    user_structures::table
        .select((user_structures::user_email, user_structures::structure_finess))
        .order((user_structures::user_email, user_structures::structure_finess))
        .load(conn)
}

/// Replaces the structures of an account.
pub fn replace_structures(conn: &mut DbConnection, email: &str, finess: &[String]) -> QueryResult<()> {
    diesel::delete(user_structures::table.filter(user_structures::user_email.eq(email))).execute(conn)?;
    for one in finess {
        add_structure(conn, email, one)?;
    }
    Ok(())
}

/// Writes the role, scope and name of an account.
pub fn update_profile(
    conn: &mut DbConnection,
    email: &str,
    display_name: &str,
    role: &str,
    organisation_finess: Option<&str>,
    region_code: Option<&str>,
    department_code: Option<&str>,
) -> QueryResult<()> {
    diesel::update(users::table.find(email))
        .set((
            users::display_name.eq(display_name),
            users::role.eq(role),
            users::organisation_finess.eq(organisation_finess),
            users::region_code.eq(region_code),
            users::department_code.eq(department_code),
        ))
        .execute(conn)
        .map(drop)
}

/// Sets the password hash of an account.
pub fn set_password_hash(conn: &mut DbConnection, email: &str, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(email))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .map(drop)
}
