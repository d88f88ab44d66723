//! Partner clients as national manages them: list, scopes, secret rotation with a grace, revocation.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::api_clients;

/// A partner client as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ClientRow {
    /// Client id.
    pub client_id: String,
    /// Name shown.
    pub name: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// Prefill source.
    pub source: Option<String>,
    /// May get tokens.
    pub active: bool,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last token issued.
    pub last_used_at: Option<NaiveDateTime>,
    /// End of the previous secret's grace.
    pub previous_secret_expires_at: Option<NaiveDateTime>,
}

type ClientColumns = (
    api_clients::client_id,
    api_clients::name,
    api_clients::scopes,
    api_clients::source,
    api_clients::active,
    api_clients::created_at,
    api_clients::last_used_at,
    api_clients::previous_secret_expires_at,
);

const COLUMNS: ClientColumns = (
    api_clients::client_id,
    api_clients::name,
    api_clients::scopes,
    api_clients::source,
    api_clients::active,
    api_clients::created_at,
    api_clients::last_used_at,
    api_clients::previous_secret_expires_at,
);

/// Every client, by id.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<ClientRow>> {
    api_clients::table
        .order(api_clients::client_id)
        .select(COLUMNS)
        .load(conn)
}

/// The client with this id.
pub fn find(conn: &mut DbConnection, client_id: &str) -> QueryResult<Option<ClientRow>> {
    api_clients::table
        .find(client_id)
        .select(COLUMNS)
        .first(conn)
        .optional()
}

/// Writes name, scopes and whether the client may get tokens.
pub fn update(
    conn: &mut DbConnection,
    client_id: &str,
    name: &str,
    scopes: &str,
    active: bool,
) -> QueryResult<()> {
    diesel::update(api_clients::table.find(client_id))
        .set((
            api_clients::name.eq(name),
            api_clients::scopes.eq(scopes),
            api_clients::active.eq(active),
        ))
        .execute(conn)
        .map(drop)
}

/// Rotates the secret: the current hash becomes the previous one, valid until `grace_until`.
pub fn rotate(
    conn: &mut DbConnection,
    client_id: &str,
    new_hash: &str,
    grace_until: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(api_clients::table.find(client_id))
        .set((
            api_clients::previous_secret_hash.eq(api_clients::secret_hash.nullable()),
            api_clients::previous_secret_expires_at.eq(grace_until),
            api_clients::secret_hash.eq(new_hash),
        ))
        .execute(conn)
        .map(drop)
}

/// The previous secret's hash of a client while its grace lasts.
pub fn previous_secret(
    conn: &mut DbConnection,
    client_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    api_clients::table
        .find(client_id)
        .filter(api_clients::previous_secret_expires_at.gt(now))
        .select(api_clients::previous_secret_hash)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Notes that a token was issued to the client.
pub fn touch(conn: &mut DbConnection, client_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(api_clients::table.find(client_id))
        .set(api_clients::last_used_at.eq(now))
        .execute(conn)
        .map(drop)
}
