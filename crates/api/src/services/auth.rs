//! Logging in (users) and issuing tokens (partner clients), with attempt limits held in the database.

use chrono::{Duration, Utc};
use tdb_domain::contract::{
    ClientCredentialsRequest, LoginRequest, LoginResponse, Role, SessionUser, TokenResponse,
};

use crate::auth::{Claims, TokenService, password};
use crate::db::DbConnection;
use crate::db::repo::accounts::UserAccount;
use crate::db::repo::{accounts, clients, login_attempts};
use crate::error::{ApiError, ProblemCode};

/// Failures of an account (or client) before each attempt must wait an increasing delay
/// (`login_attempts::delay_seconds`: 30 s, doubling, at most 5 minutes).
pub const ACCOUNT_LIMIT: i32 = 5;
/// The same for a client IP.
pub const IP_LIMIT: i32 = 20;
/// Failures are counted while each comes within this time of the previous one.
pub const WINDOW_MINUTES: i64 = 15;

fn window() -> Duration {
    Duration::minutes(WINDOW_MINUTES)
}

fn invalid(code: ProblemCode, detail: &str) -> ApiError {
    ApiError::Unauthenticated {
        code,
        detail: detail.to_owned(),
    }
}

/// Refuses with 429 when any of `keys` (with its limit) is over its limit.
pub fn check_limits(conn: &mut DbConnection, keys: &[(&str, i32)]) -> Result<(), ApiError> {
    let now = Utc::now().naive_utc();
    for (key, limit) in keys {
        if let Some(retry_after) = login_attempts::blocked_for(conn, key, *limit, window(), now)? {
            return Err(ApiError::TooManyRequests { retry_after });
        }
    }
    Ok(())
}

/// Counts one failure (or one request, for limits on requests) for each of `keys`.
pub fn record_failures(conn: &mut DbConnection, keys: &[(&str, i32)]) -> Result<(), ApiError> {
    let now = Utc::now().naive_utc();
    for (key, _) in keys {
        login_attempts::record_failure(conn, key, window(), now)?;
    }
    Ok(())
}

/// Checks an email and password and returns an access token for the user.
///
/// An unknown account, a wrong password and a disabled account get the same answer, after the same
/// work (a dummy hash is verified), so nothing tells which accounts exist.
pub fn login(
    conn: &mut DbConnection,
    tokens: &TokenService,
    request: &LoginRequest,
    client_ip: &str,
) -> Result<LoginResponse, ApiError> {
    let email = request.email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let ip_key = format!("ip:{client_ip}");
    let keys = [(account_key.as_str(), ACCOUNT_LIMIT), (ip_key.as_str(), IP_LIMIT)];
    check_limits(conn, &keys)?;

    let user = accounts::find_user(conn, &email)?;
    let hash = user
        .as_ref()
        .map_or(password::dummy_hash(), |u| u.password_hash.as_str());
    let password_ok = password::verify(hash, &request.password);
    let user = match user {
        Some(user) if password_ok && user.active => user,
        _ => {
            record_failures(conn, &keys)?;
            return Err(invalid(
                ProblemCode::InvalidCredentials,
                "Adresse électronique ou mot de passe incorrect.",
            ));
        }
    };
    login_attempts::reset(conn, &account_key)?;
    session_response(conn, tokens, user)
}

/// A new access token for `user` and who they are, read from the database now (so a change of role or
/// scope applies at the next login or refresh).
pub fn session_response(
    conn: &mut DbConnection,
    tokens: &TokenService,
    user: UserAccount,
) -> Result<LoginResponse, ApiError> {
    let email = user.email;
    let role =
        Role::parse(&user.role).ok_or_else(|| ApiError::Internal(format!("unknown role {}", user.role)))?;
    let structures = if role == Role::Esms {
        accounts::user_structures(conn, &email)?
    } else {
        Vec::new()
    };
    let mut claims: Claims = tokens.claims(&email, role);
    claims.structures = structures.clone();
    claims.organisation = user.organisation_finess.clone();
    claims.region = user.region_code.clone();
    claims.department = user.department_code.clone();
    let access_token = tokens
        .sign(&claims)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(LoginResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: tokens.lifetime_seconds(),
        user: SessionUser {
            email,
            display_name: user.display_name,
            role,
            structures,
            organisation: user.organisation_finess,
            region: user.region_code,
            department: user.department_code,
        },
    })
}

/// OAuth 2.0 client credentials: checks the client and returns a token with the scopes asked for.
pub fn client_token(
    conn: &mut DbConnection,
    tokens: &TokenService,
    request: &ClientCredentialsRequest,
    client_ip: &str,
) -> Result<TokenResponse, ApiError> {
    if request.grant_type != "client_credentials" {
        return Err(ApiError::BadRequest {
            code: ProblemCode::UnsupportedGrantType,
            detail: "Seul grant_type=client_credentials est accepté.".to_owned(),
        });
    }
    let client_key = format!("client:{}", request.client_id);
    let ip_key = format!("ip:{client_ip}");
    let keys = [(client_key.as_str(), ACCOUNT_LIMIT), (ip_key.as_str(), IP_LIMIT)];
    check_limits(conn, &keys)?;

    let client = accounts::find_client(conn, &request.client_id)?;
    let hash = client
        .as_ref()
        .map_or(password::dummy_hash(), |c| c.secret_hash.as_str());
    let now = Utc::now().naive_utc();
    // During a rotation's grace, the previous secret works too.
    let secret_ok = password::verify(hash, &request.client_secret)
        || (client.is_some()
            && clients::previous_secret(conn, &request.client_id, now)?
                .is_some_and(|previous| password::verify(&previous, &request.client_secret)));
    let client = match client {
        Some(client) if secret_ok && client.active => client,
        _ => {
            record_failures(conn, &keys)?;
            return Err(invalid(
                ProblemCode::InvalidClient,
                "Identifiant ou secret client incorrect.",
            ));
        }
    };
    login_attempts::reset(conn, &client_key)?;
    clients::touch(conn, &client.client_id, now)?;

    let granted: Vec<&str> = client.scopes.split_whitespace().collect();
    let scopes: Vec<String> = match &request.scope {
        Some(asked) => {
            let asked: Vec<&str> = asked.split_whitespace().collect();
            if let Some(extra) = asked.iter().find(|s| !granted.contains(s)) {
                return Err(ApiError::BadRequest {
                    code: ProblemCode::InvalidScope,
                    detail: format!("La portée « {extra} » n'est pas accordée à ce client."),
                });
            }
            asked.into_iter().map(str::to_owned).collect()
        }
        None => granted.into_iter().map(str::to_owned).collect(),
    };
    let mut claims = tokens.claims(&client.client_id, Role::Partner);
    claims.scopes = scopes.clone();
    claims.source = client.source;
    let access_token = tokens
        .sign(&claims)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: tokens.lifetime_seconds(),
        scope: scopes.join(" "),
    })
}
