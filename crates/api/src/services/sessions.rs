//! People's sessions: refresh tokens rotated at each use, grouped in families (one per login).
//!
//! * [`start`]: at login, a new family and its first token.
//! * [`refresh`]: spends the presented token and issues the next one with a new access token; the
//!   person is re-read from the database. A token spent before (already rotated) revokes its whole
//!   family and is audited: one of two holders of the same token is a thief, and which one cannot be
//!   told, so both are signed out.
//! * [`end`] and [`end_all`]: logout of one session or of every session of a person.
//! * [`deactivate`] and [`activate`]: an account that may not log in has no live session.
//!
//! Everything lives in the database (no per-process state), so any replica serves any session.

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use tdb_domain::contract::LoginResponse;

use crate::auth::TokenService;
use crate::auth::refresh::{self, MAX_TOKEN_LEN};
use crate::config::SessionLifetimes;
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::{accounts, sessions, users};
use crate::error::{ApiError, ProblemCode};

use super::auth::session_response;

/// Ended families are deleted (with their tokens) this long after their absolute lifetime, so that a
/// late token still answers `session_expired` for a while rather than `invalid_refresh_token`.
const KEEP_ENDED: Duration = Duration::days(1);

/// A refresh token to set in the cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedRefresh {
    /// The token's value (the cookie's value).
    pub value: String,
    /// Seconds left of the session's absolute lifetime (the cookie's `Max-Age`).
    pub max_age: i64,
}

/// What a successful refresh gives: the new access token and the next refresh token.
#[derive(Debug, Clone)]
pub struct Refreshed {
    /// Same shape as a login's answer.
    pub response: LoginResponse,
    /// The rotated refresh token.
    pub refresh: IssuedRefresh,
}

fn random_failed(error: refresh::RandomError) -> ApiError {
    ApiError::Internal(error.to_string())
}

/// Starts a session for `email` (after a successful login): a new family and its first token. Families
/// that ended long ago are deleted on the way.
pub fn start(
    conn: &mut DbConnection,
    email: &str,
    lifetimes: SessionLifetimes,
    now: NaiveDateTime,
) -> Result<IssuedRefresh, ApiError> {
    let family = refresh::new_family_id().map_err(random_failed)?;
    let token = refresh::generate().map_err(random_failed)?;
    conn.transaction(|conn| {
        sessions::forget_started_before(conn, now - lifetimes.absolute - KEEP_ENDED)?;
        sessions::insert_family(conn, &family, email, now)?;
        sessions::insert_token(conn, &token.hash, &family, now)
    })?;
    Ok(IssuedRefresh {
        value: token.value,
        max_age: lifetimes.absolute.num_seconds(),
    })
}

/// Why a refresh is refused.
enum Refusal {
    /// No such token.
    Unknown,
    /// Expired, revoked, or the account may no longer log in.
    Expired,
    /// The token was already spent: its family is to be revoked.
    Reused { family_id: String, email: String },
}

/// Ends the rotation transaction: refusals roll it back like failures.
enum Stop {
    Refused(Refusal),
    Failed(ApiError),
}

impl From<diesel::result::Error> for Stop {
    fn from(error: diesel::result::Error) -> Self {
        Self::Failed(error.into())
    }
}

impl From<ApiError> for Stop {
    fn from(error: ApiError) -> Self {
        Self::Failed(error)
    }
}

fn unauthenticated(code: ProblemCode, detail: &str) -> ApiError {
    ApiError::Unauthenticated {
        code,
        detail: detail.to_owned(),
    }
}

fn invalid_refresh_token() -> ApiError {
    unauthenticated(
        ProblemCode::InvalidRefreshToken,
        "Aucune session valide n'est associée à cette demande : reconnectez-vous.",
    )
}

fn session_expired() -> ApiError {
    unauthenticated(
        ProblemCode::SessionExpired,
        "La session a expiré ou a été fermée : reconnectez-vous.",
    )
}

fn refresh_token_reused() -> ApiError {
    unauthenticated(
        ProblemCode::RefreshTokenReused,
        "Ce jeton de session a déjà servi : par sécurité, la session est fermée sur tous les appareils \
         qui la partageaient. Reconnectez-vous.",
    )
}

/// Spends `presented` and issues the next token with a new access token.
///
/// Refusals (all 401): no or unknown token → `invalid_refresh_token`; idle timeout or absolute lifetime
/// passed, family revoked, account inactive or gone → `session_expired`; token already spent →
/// `refresh_token_reused`, after revoking the family and writing an audit entry.
///
/// The token is spent by the first statement (a guarded update): on SQLite that takes the write lock
/// before anything is read, on PostgreSQL it locks the row, so of two concurrent uses one spends the
/// token and the other finds it spent (reuse).
pub fn refresh(
    conn: &mut DbConnection,
    tokens: &TokenService,
    presented: Option<&str>,
    lifetimes: SessionLifetimes,
    now: NaiveDateTime,
) -> Result<Refreshed, ApiError> {
    let Some(value) = presented.filter(|v| !v.is_empty() && v.len() <= MAX_TOKEN_LEN) else {
        return Err(invalid_refresh_token());
    };
    let hash = refresh::hash(value);
    match conn.transaction(|conn| rotate(conn, tokens, &hash, lifetimes, now)) {
        Ok(refreshed) => Ok(refreshed),
        Err(Stop::Failed(error)) => Err(error),
        Err(Stop::Refused(Refusal::Unknown)) => Err(invalid_refresh_token()),
        Err(Stop::Refused(Refusal::Expired)) => Err(session_expired()),
        Err(Stop::Refused(Refusal::Reused { family_id, email })) => {
            conn.transaction(|conn| {
                sessions::revoke_family(conn, &family_id, now, "reuse")?;
                let detail = serde_json::json!({ "family": family_id }).to_string();
                audit::append(
                    conn,
                    &[NewAuditEntry {
                        at: now,
                        actor: email.clone(),
                        channel: "web".to_owned(),
                        action: "refresh_token_reused".to_owned(),
                        campaign_year: None,
                        structure_finess: None,
                        item_code: None,
                        old_value: None,
                        new_value: None,
                        detail: Some(detail),
                    }],
                )
            })?;
            tracing::warn!(user = %email, "a rotated refresh token was reused: session revoked");
            Err(refresh_token_reused())
        }
    }
}

fn rotate(
    conn: &mut DbConnection,
    tokens: &TokenService,
    hash: &str,
    lifetimes: SessionLifetimes,
    now: NaiveDateTime,
) -> Result<Refreshed, Stop> {
    let spent = sessions::spend(conn, hash, now)?;
    let Some(row) = sessions::find_token(conn, hash)? else {
        return Err(Stop::Refused(Refusal::Unknown));
    };
    if !spent {
        return Err(Stop::Refused(Refusal::Reused {
            family_id: row.family_id,
            email: row.user_email,
        }));
    }
    let ends = row.started_at + lifetimes.absolute;
    if row.revoked_at.is_some() || now - row.issued_at > lifetimes.idle || now >= ends {
        return Err(Stop::Refused(Refusal::Expired));
    }
    let Some(user) = accounts::find_user(conn, &row.user_email)?.filter(|u| u.active) else {
        return Err(Stop::Refused(Refusal::Expired));
    };
    let next = refresh::generate().map_err(random_failed)?;
    sessions::insert_token(conn, &next.hash, &row.family_id, now)?;
    let response = session_response(conn, tokens, user)?;
    Ok(Refreshed {
        response,
        refresh: IssuedRefresh {
            value: next.value,
            max_age: (ends - now).num_seconds().max(1),
        },
    })
}

/// Logout: revokes the family of `presented`, if it names one (otherwise nothing to do).
pub fn end(conn: &mut DbConnection, presented: Option<&str>, now: NaiveDateTime) -> Result<(), ApiError> {
    let Some(value) = presented.filter(|v| !v.is_empty() && v.len() <= MAX_TOKEN_LEN) else {
        return Ok(());
    };
    if let Some(row) = sessions::find_token(conn, &refresh::hash(value))? {
        sessions::revoke_family(conn, &row.family_id, now, "logout")?;
    }
    Ok(())
}

/// Logout everywhere: revokes every session of `email`; how many were live.
pub fn end_all(conn: &mut DbConnection, email: &str, now: NaiveDateTime) -> Result<usize, ApiError> {
    Ok(sessions::revoke_user(conn, email, now, "logout_all")?)
}

/// Deactivates an account and revokes its sessions, in one transaction, audited as done by `actor`;
/// how many sessions were live. An unknown email is `not_found`.
pub fn deactivate(
    conn: &mut DbConnection,
    email: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    let email = email.trim().to_lowercase();
    conn.transaction(|conn| {
        if !users::set_active(conn, &email, false)? {
            return Err(ApiError::not_found(format!("Aucun compte « {email} ».")));
        }
        let revoked = sessions::revoke_user(conn, &email, now, "deactivated")?;
        audit::append(conn, &[account_entry(&email, actor, "account_deactivated", now)])?;
        Ok(revoked)
    })
}

/// Reactivates an account (it logs in again; its old sessions stay revoked). Unknown: `not_found`.
pub fn activate(
    conn: &mut DbConnection,
    email: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let email = email.trim().to_lowercase();
    conn.transaction(|conn| {
        if !users::set_active(conn, &email, true)? {
            return Err(ApiError::not_found(format!("Aucun compte « {email} ».")));
        }
        audit::append(conn, &[account_entry(&email, actor, "account_activated", now)])?;
        Ok(())
    })
}

fn account_entry(email: &str, actor: &str, action: &str, now: NaiveDateTime) -> NewAuditEntry {
    NewAuditEntry::about_account(
        now,
        actor,
        "system",
        action,
        &serde_json::json!({ "account": email }),
    )
}
