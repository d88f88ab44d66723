//! Audit entries of a form: value changes, justifications, transitions, messages.

use chrono::NaiveDateTime;
use serde_json::json;
use tdb_domain::contract::FormState;

use super::access::Target;
use crate::auth::Principal;
use crate::db::repo::audit::NewAuditEntry;
use crate::db::repo::events::NewEvent;
use crate::services::events;

/// An entry about the form of `target` by `principal`, with no item, values or detail yet.
pub fn entry(target: &Target, principal: &Principal, action: &str, at: NaiveDateTime) -> NewAuditEntry {
    NewAuditEntry {
        at,
        actor: principal.subject.clone(),
        channel: principal.channel().to_owned(),
        action: action.to_owned(),
        campaign_year: Some(target.year),
        structure_finess: Some(target.finess().to_owned()),
        item_code: None,
        old_value: None,
        new_value: None,
        detail: None,
    }
}

/// A `transition` entry, detail `{from, to, comment?}` plus `extra` fields.
pub fn transition(
    target: &Target,
    principal: &Principal,
    (from, to): (FormState, FormState),
    comment: Option<&str>,
    extra: serde_json::Value,
    at: NaiveDateTime,
) -> NewAuditEntry {
    let mut detail = json!({"from": from.as_str(), "to": to.as_str()});
    if let Some(comment) = comment {
        detail["comment"] = comment.into();
    }
    if let (Some(detail), serde_json::Value::Object(extra)) = (detail.as_object_mut(), extra) {
        detail.extend(extra);
    }
    NewAuditEntry {
        detail: Some(detail.to_string()),
        ..entry(target, principal, "transition", at)
    }
}

/// An event of type `event_type` about the form of `target` by `principal`.
pub fn event(
    target: &Target,
    principal: &Principal,
    event_type: &str,
    payload: serde_json::Value,
    at: NaiveDateTime,
) -> NewEvent {
    events::by(
        principal,
        event_type,
        (Some(target.year), Some(target.finess())),
        &payload,
        at,
    )
}

/// The event `event_type` of a form moving `from` → `to`, payload `{from, to, comment?}` plus `extra`.
pub fn transition_event(
    target: &Target,
    principal: &Principal,
    (event_type, from, to): (&str, FormState, FormState),
    comment: Option<&str>,
    extra: serde_json::Value,
    at: NaiveDateTime,
) -> NewEvent {
    let mut payload = json!({"from": from.as_str(), "to": to.as_str()});
    if let Some(comment) = comment {
        payload["comment"] = comment.into();
    }
    if let (Some(payload), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        payload.extend(extra);
    }
    event(target, principal, event_type, payload, at)
}
