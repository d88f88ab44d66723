//! Webhook subscriptions (docs/events.md): partner clients with `events:read` (or `read`) manage their
//! own, `national` users manage every one; the other roles are refused (their feed is scoped to their
//! structures, a webhook is not). Deliveries: [`dispatcher`]; signatures: [`signature`]; the SSRF
//! guard: [`guard`].

pub mod dispatcher;
pub mod guard;
pub mod signature;

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use tdb_domain::contract::{
    EVENT_TYPES, FieldError, Role, WebhookCreate, WebhookDelivery, WebhookReplay, WebhookSecret,
    WebhookSubscription, WebhookUpdate,
};

use crate::auth::principal::Principal;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::events::{self as log, Position};
use crate::db::repo::webhooks::{
    self as repo, DeliveryRow, NewSubscription, SubscriptionChange, SubscriptionRow,
};
use crate::db::{DbConnection, read_snapshot};
use crate::error::ApiError;
use crate::services::events::{EVENTS_READ, cursor, parse_cursor};
use crate::services::values::rfc3339;
use guard::AllowList;

/// How long deliveries are also signed with the previous secret after a rotation (24 hours).
pub const ROTATION_OVERLAP_HOURS: i64 = 24;
/// Most attempts of the delivery log returned at once.
pub const MAX_DELIVERIES: u32 = 1000;

/// Whose subscriptions `principal` manages: `Some(owner)` (a partner: its own), `None` (national:
/// every one); others: 403.
fn reach(principal: &Principal) -> Result<Option<&str>, ApiError> {
    match principal.role {
        Role::National => Ok(None),
        Role::Partner if principal.scopes.iter().any(|s| s == "read" || s == EVENTS_READ) => {
            Ok(Some(&principal.subject))
        }
        Role::Partner => Err(ApiError::Forbidden(
            "Les webhooks demandent la portée « events:read » (ou « read »).".to_owned(),
        )),
        _ => Err(ApiError::Forbidden(
            "Les webhooks sont réservés aux clients partenaires et au niveau national.".to_owned(),
        )),
    }
}

/// Subscription `id` if `principal` manages it (else 404, so other owners' ids are not revealed).
fn owned(conn: &mut DbConnection, principal: &Principal, id: i64) -> Result<SubscriptionRow, ApiError> {
    let reach = reach(principal)?;
    repo::find(conn, id)?
        .filter(|row| reach.is_none_or(|owner| row.owner == owner))
        .ok_or_else(|| ApiError::not_found("Aucun abonnement webhook ne porte ce numéro."))
}

fn field(path: &str, code: &str, message: String) -> FieldError {
    FieldError {
        path: path.to_owned(),
        code: code.to_owned(),
        message,
    }
}

/// Checks a destination (`/url`) with the SSRF guard.
fn check_url(url: &str, allow: &AllowList, errors: &mut Vec<FieldError>) -> String {
    match guard::check_url(url, allow) {
        Ok(parsed) => parsed.to_string(),
        Err(refusal) => {
            errors.push(field("/url", refusal.code, refusal.message));
            String::new()
        }
    }
}

/// Checks event types (`/types/<i>`): known, deduplicated, stored comma-separated.
fn check_types(types: &[String], errors: &mut Vec<FieldError>) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for (i, name) in types.iter().enumerate() {
        match EVENT_TYPES.iter().find(|t| **t == name.trim()) {
            Some(known) => kept.push(known),
            None => errors.push(field(
                &format!("/types/{i}"),
                "unknown_event_type",
                format!("Type d'événement inconnu : « {name} »."),
            )),
        }
    }
    kept.sort_unstable();
    kept.dedup();
    kept.join(",")
}

/// The wire form of a subscription (`overlap`: until when its previous secret signs).
pub fn wire(
    row: &SubscriptionRow,
    overlap: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> WebhookSubscription {
    WebhookSubscription {
        id: row.id,
        url: row.url.clone(),
        types: row.types(),
        owner: row.owner.clone(),
        state: row.state.clone(),
        disabled_reason: row.disabled_reason.clone(),
        cursor: cursor(row.cursor()),
        failures: row.failures,
        next_attempt_at: (row.failures > 0 && row.state == "active").then(|| rfc3339(row.next_attempt_at)),
        previous_secret_expires_at: overlap.filter(|until| *until > now).map(rfc3339),
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    }
}

/// `GET /webhooks`: the caller's subscriptions (national: every one).
pub fn list(
    conn: &mut DbConnection,
    principal: &Principal,
    now: NaiveDateTime,
) -> Result<Vec<WebhookSubscription>, ApiError> {
    let reach = reach(principal)?;
    let rows = repo::list(conn, reach)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let overlaps: std::collections::HashMap<i64, NaiveDateTime> =
        repo::overlaps(conn, &ids)?.into_iter().collect();
    Ok(rows
        .iter()
        .map(|r| wire(r, overlaps.get(&r.id).copied(), now))
        .collect())
}

/// The wire form of subscription `row`, read with its rotation overlap.
fn shown(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    now: NaiveDateTime,
) -> Result<WebhookSubscription, ApiError> {
    let overlap = repo::overlaps(conn, &[row.id])?.first().map(|(_, until)| *until);
    Ok(wire(row, overlap, now))
}

/// `GET /webhooks/{id}`.
pub fn get(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
) -> Result<WebhookSubscription, ApiError> {
    let row = owned(conn, principal, id)?;
    shown(conn, &row, now)
}

/// `POST /webhooks`: a subscription starting at the head of the feed (it receives the events committed
/// from now on; a replay reaches older ones), with a new secret shown this once.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    body: &WebhookCreate,
    allow: &AllowList,
    now: NaiveDateTime,
) -> Result<WebhookSecret, ApiError> {
    reach(principal)?;
    let mut errors = Vec::new();
    let url = check_url(&body.url, allow, &mut errors);
    let event_types = check_types(&body.types, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let head = read_snapshot(conn, log::head)?;
    let secret = signature::new_secret()?;
    let id = conn.transaction(|conn| {
        let detail = serde_json::json!({"url": url, "types": event_types});
        let id = repo::insert(
            conn,
            &NewSubscription {
                owner: principal.subject.clone(),
                owner_role: principal.role.as_str().to_owned(),
                url,
                event_types,
                state: "active".to_owned(),
                cursor_tx: head.tx,
                cursor_id: head.id,
                next_attempt_at: now,
                created_at: now,
                updated_at: now,
            },
            &secret,
        )?;
        audited(conn, principal, ("webhook_created", id), detail, now)?;
        Ok::<_, ApiError>(id)
    })?;
    let row = owned(conn, principal, id)?;
    Ok(WebhookSecret {
        subscription: wire(&row, None, now),
        secret,
    })
}

/// `PATCH /webhooks/{id}`: a new destination, new types, or disabling / enabling again (enabling starts
/// the retries over, from the event that failed).
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    body: &WebhookUpdate,
    allow: &AllowList,
    now: NaiveDateTime,
) -> Result<WebhookSubscription, ApiError> {
    let row = owned(conn, principal, id)?;
    let mut errors = Vec::new();
    let mut change = SubscriptionChange {
        updated_at: Some(now),
        ..SubscriptionChange::default()
    };
    if let Some(url) = &body.url {
        change.url = Some(check_url(url, allow, &mut errors));
    }
    if let Some(types) = &body.types {
        change.event_types = Some(check_types(types, &mut errors));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut action = "webhook_updated";
    match body.enabled {
        Some(false) => {
            change.state = Some("disabled".to_owned());
            change.disabled_reason = Some(Some("désactivé par son propriétaire".to_owned()));
        }
        Some(true) if row.state != "active" => {
            change.state = Some("active".to_owned());
            change.disabled_reason = Some(None);
            change.failures = Some(0);
            change.failing_since = Some(None);
            change.next_attempt_at = Some(now);
            action = "webhook_reenabled";
        }
        _ => {}
    }
    let detail = serde_json::json!({"url": change.url, "types": change.event_types,
        "enabled": body.enabled});
    conn.transaction(|conn| {
        repo::update(conn, id, &change)?;
        audited(conn, principal, (action, id), detail, now)
    })?;
    let row = owned(conn, principal, id)?;
    shown(conn, &row, now)
}

/// `DELETE /webhooks/{id}`: the subscription and its delivery log.
pub fn delete(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let row = owned(conn, principal, id)?;
    conn.transaction(|conn| {
        repo::delete(conn, id)?;
        let detail = serde_json::json!({"url": row.url});
        audited(conn, principal, ("webhook_deleted", id), detail, now)
    })
}

/// `POST /webhooks/{id}/secret`: a new secret, shown this once; the previous one keeps signing (a
/// second signature in `webhook-signature`) for [`ROTATION_OVERLAP_HOURS`].
pub fn rotate(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    now: NaiveDateTime,
) -> Result<WebhookSecret, ApiError> {
    owned(conn, principal, id)?;
    let secret = signature::new_secret()?;
    conn.transaction(|conn| {
        repo::rotate(conn, id, &secret, now + Duration::hours(ROTATION_OVERLAP_HOURS))?;
        repo::update(
            conn,
            id,
            &SubscriptionChange {
                updated_at: Some(now),
                ..SubscriptionChange::default()
            },
        )?;
        let detail = serde_json::json!({"overlap_hours": ROTATION_OVERLAP_HOURS});
        audited(conn, principal, ("webhook_secret_rotated", id), detail, now)
    })?;
    let row = owned(conn, principal, id)?;
    Ok(WebhookSecret {
        subscription: shown(conn, &row, now)?,
        secret,
    })
}

/// `POST /webhooks/{id}/replay`: deliver again every event after `after` (absent: every event), in
/// order, from the next round of the dispatcher. A batch running at that moment records nothing (its
/// lease is taken back), so the new cursor holds.
pub fn replay(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    body: &WebhookReplay,
    now: NaiveDateTime,
) -> Result<WebhookSubscription, ApiError> {
    owned(conn, principal, id)?;
    let position = match body.after.as_deref() {
        None => Position::default(),
        Some(text) => parse_cursor(text).ok_or_else(|| {
            ApiError::Validation(vec![field(
                "/after",
                "invalid_cursor",
                "Ce curseur n'a pas été donné par le flux (`next_cursor`).".to_owned(),
            )])
        })?,
    };
    conn.transaction(|conn| {
        repo::update(
            conn,
            id,
            &SubscriptionChange {
                cursor_tx: Some(position.tx),
                cursor_id: Some(position.id),
                failures: Some(0),
                failing_since: Some(None),
                next_attempt_at: Some(now),
                lease_owner: Some(None),
                lease_until: Some(None),
                updated_at: Some(now),
                ..SubscriptionChange::default()
            },
        )?;
        let detail = serde_json::json!({"after": cursor(position)});
        audited(conn, principal, ("webhook_replayed", id), detail, now)
    })?;
    let row = owned(conn, principal, id)?;
    shown(conn, &row, now)
}

/// Appends the audit entry of a change to subscription `id` (never its secret), in the caller's
/// transaction.
fn audited(
    conn: &mut DbConnection,
    principal: &Principal,
    (action, id): (&str, i64),
    mut detail: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    detail["subscription"] = serde_json::Value::from(id);
    audit::append(
        conn,
        &[NewAuditEntry::about_account(
            now,
            &principal.subject,
            principal.channel(),
            action,
            &detail,
        )],
    )?;
    Ok(())
}

/// `GET /webhooks/{id}/deliveries`: the latest attempts, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    limit: u32,
) -> Result<Vec<WebhookDelivery>, ApiError> {
    if limit == 0 || limit > MAX_DELIVERIES {
        return Err(ApiError::Validation(vec![field(
            "/query/limit",
            "out_of_range",
            format!("Le nombre d'envois doit être compris entre 1 et {MAX_DELIVERIES}."),
        )]));
    }
    owned(conn, principal, id)?;
    Ok(repo::deliveries(conn, id, i64::from(limit))?
        .into_iter()
        .map(|d: DeliveryRow| WebhookDelivery {
            id: d.id,
            event_id: d.event_id,
            attempt: d.attempt,
            at: rfc3339(d.at),
            status_code: d.status_code,
            latency_ms: d.latency_ms,
            succeeded: d.succeeded,
            error: d.error,
        })
        .collect())
}
