//! Partner clients, managed by national: create (the secret shown once), rotate the secret (the previous
//! one keeps working for a grace period), change scopes, revoke and restore. Every change is audited.

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use tdb_domain::contract::{ApiClient, ApiClientCreate, ApiClientSecret, ApiClientUpdate, FieldError, Role};

use crate::auth::principal::Principal;
use crate::auth::{password, refresh};
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::clients::{self, ClientRow};
use crate::db::repo::users::{self, NewApiClient};
use crate::error::ApiError;
use crate::services::values::rfc3339;

/// Scopes a client may hold.
pub const SCOPES: [&str; 3] = ["read", "prefill:write", "events:read"];

fn wire(row: ClientRow, now: NaiveDateTime) -> ApiClient {
    ApiClient {
        client_id: row.client_id,
        name: row.name,
        scopes: row.scopes.split_whitespace().map(str::to_owned).collect(),
        source: row.source,
        active: row.active,
        created_at: rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(rfc3339),
        previous_secret_expires_at: row.previous_secret_expires_at.filter(|at| *at > now).map(rfc3339),
    }
}

fn national(principal: &Principal) -> Result<(), ApiError> {
    principal.require_role(&[Role::National], "gérer les clients API")
}

fn check_scopes(scopes: &[String], errors: &mut Vec<FieldError>) -> String {
    for (i, scope) in scopes.iter().enumerate() {
        if !SCOPES.contains(&scope.as_str()) {
            errors.push(FieldError {
                path: format!("/scopes/{i}"),
                code: "unknown_scope".to_owned(),
                message: format!("Portée inconnue « {scope} » (read, prefill:write, events:read)."),
            });
        }
    }
    let mut kept: Vec<&str> = SCOPES
        .into_iter()
        .filter(|s| scopes.iter().any(|x| x == s))
        .collect();
    kept.dedup();
    kept.join(" ")
}

fn entry(
    principal: &Principal,
    action: &str,
    client_id: &str,
    detail: serde_json::Value,
    now: NaiveDateTime,
) -> NewAuditEntry {
    let mut detail = detail;
    detail["client_id"] = serde_json::Value::from(client_id);
    NewAuditEntry::about_account(now, &principal.subject, principal.channel(), action, &detail)
}

fn not_found(client_id: &str) -> ApiError {
    ApiError::not_found(format!("Aucun client API « {client_id} »."))
}

/// Every client.
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    now: NaiveDateTime,
) -> Result<Vec<ApiClient>, ApiError> {
    national(principal)?;
    Ok(clients::all(conn)?
        .into_iter()
        .map(|row| wire(row, now))
        .collect())
}

fn new_secret() -> Result<(String, String), ApiError> {
    let secret = refresh::generate()
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .value;
    let hash = password::hash(&secret).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((secret, hash))
}

/// Creates a client; its secret is in the answer, and nowhere else ever.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    body: &ApiClientCreate,
    now: NaiveDateTime,
) -> Result<ApiClientSecret, ApiError> {
    national(principal)?;
    let mut errors = Vec::new();
    crate::services::text::check_line("/name", &body.name, 200, &mut errors);
    if body.name.trim().is_empty() {
        errors.push(FieldError {
            path: "/name".to_owned(),
            code: "required".to_owned(),
            message: "Indiquez le nom du client.".to_owned(),
        });
    }
    let scopes = check_scopes(&body.scopes, &mut errors);
    let source = body.source.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if scopes.contains("prefill:write") && source.is_none() {
        errors.push(FieldError {
            path: "/source".to_owned(),
            code: "required".to_owned(),
            message: "Un client qui préremplit doit avoir une source (cnsa, …).".to_owned(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let client_id = format!(
        "client-{}",
        refresh::new_family_id()
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .to_lowercase()
            .replace(['-', '_'], "")
    );
    let (secret, hash) = new_secret()?;
    conn.transaction(|conn| {
        users::insert_client(
            conn,
            &NewApiClient {
                client_id: client_id.clone(),
                secret_hash: hash,
                name: body.name.trim().to_owned(),
                scopes: scopes.clone(),
                source: source.map(str::to_owned),
                active: true,
                created_at: now,
            },
        )?;
        audit::append(
            conn,
            &[entry(
                principal,
                "client_created",
                &client_id,
                serde_json::json!({"scopes": scopes, "source": source}),
                now,
            )],
        )?;
        Ok::<_, ApiError>(())
    })?;
    let row = clients::find(conn, &client_id)?.ok_or_else(|| not_found(&client_id))?;
    Ok(ApiClientSecret {
        client: wire(row, now),
        client_secret: secret,
    })
}

/// Draws a new secret; the previous one keeps working `grace` longer.
pub fn rotate(
    conn: &mut DbConnection,
    principal: &Principal,
    client_id: &str,
    grace: Duration,
    now: NaiveDateTime,
) -> Result<ApiClientSecret, ApiError> {
    national(principal)?;
    let (secret, hash) = new_secret()?;
    conn.transaction(|conn| {
        clients::find(conn, client_id)?.ok_or_else(|| not_found(client_id))?;
        clients::rotate(conn, client_id, &hash, now + grace)?;
        audit::append(
            conn,
            &[entry(
                principal,
                "client_secret_rotated",
                client_id,
                serde_json::json!({"grace_seconds": grace.num_seconds()}),
                now,
            )],
        )?;
        Ok::<_, ApiError>(())
    })?;
    let row = clients::find(conn, client_id)?.ok_or_else(|| not_found(client_id))?;
    Ok(ApiClientSecret {
        client: wire(row, now),
        client_secret: secret,
    })
}

/// Changes the name, scopes or status (`active: false` revokes: no token is issued any more).
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    client_id: &str,
    change: &ApiClientUpdate,
    now: NaiveDateTime,
) -> Result<ApiClient, ApiError> {
    national(principal)?;
    let row = clients::find(conn, client_id)?.ok_or_else(|| not_found(client_id))?;
    let mut errors = Vec::new();
    let name = change
        .name
        .as_deref()
        .map_or(row.name.clone(), |n| n.trim().to_owned());
    crate::services::text::check_line("/name", &name, 200, &mut errors);
    let scopes = match &change.scopes {
        Some(scopes) => check_scopes(scopes, &mut errors),
        None => row.scopes.clone(),
    };
    if scopes.contains("prefill:write") && row.source.is_none() {
        errors.push(FieldError {
            path: "/scopes".to_owned(),
            code: "source_required".to_owned(),
            message: "Ce client n'a pas de source de préremplissage : il ne peut pas recevoir prefill:write."
                .to_owned(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let active = change.active.unwrap_or(row.active);
    conn.transaction(|conn| {
        clients::update(conn, client_id, &name, &scopes, active)?;
        let action = match (row.active, active) {
            (true, false) => "client_revoked",
            (false, true) => "client_restored",
            _ => "client_changed",
        };
        audit::append(
            conn,
            &[entry(
                principal,
                action,
                client_id,
                serde_json::json!({"before": {"name": row.name, "scopes": row.scopes},
                "after": {"name": name, "scopes": scopes}}),
                now,
            )],
        )?;
        Ok::<_, ApiError>(())
    })?;
    let row = clients::find(conn, client_id)?.ok_or_else(|| not_found(client_id))?;
    Ok(wire(row, now))
}
