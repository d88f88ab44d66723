//! Closing the forms of a campaign when it leaves `fiabilisation`.

use diesel::prelude::*;
use serde_json::json;
use tdb_domain::contract::FormState;

use super::access;
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::events::{self as event_log, NewEvent};
use crate::db::repo::forms;
use crate::services::events;

/// Moves every form of campaign `year` that is not closed yet to `cloture` (version + 1) and appends
/// one `transition` audit entry per form (`{"from": <state>, "to": "cloture"}`, channel `system`,
/// actor `actor`) and one `form.closed` event per form. Returns how many forms were closed.
///
/// Runs in a transaction of its own, or in a savepoint of the caller's (the campaign's phase change),
/// so the phase and the forms change together. Structures without a form row have nothing to close:
/// their form reads as `cloture` once the campaign is past `fiabilisation`.
pub fn close_forms(conn: &mut DbConnection, year: i32, actor: &str) -> QueryResult<usize> {
    let closed = FormState::Cloture;
    conn.transaction(|conn| {
        let open = forms::not_in_state(conn, year, closed)?;
        let at = access::now();
        let n = forms::set_all_states(conn, year, closed, at)?;
        let closed_events: Vec<NewEvent> = open
            .iter()
            .map(|(finess, from)| {
                events::of(
                    (actor, events::SYSTEM),
                    events::FORM_CLOSED,
                    (Some(year), Some(finess.as_str())),
                    &json!({"from": from.as_str(), "to": closed.as_str()}),
                    at,
                )
            })
            .collect();
        let entries: Vec<NewAuditEntry> = open
            .into_iter()
            .map(|(finess, from)| NewAuditEntry {
                at,
                actor: actor.to_owned(),
                channel: "system".to_owned(),
                action: "transition".to_owned(),
                campaign_year: Some(year),
                structure_finess: Some(finess),
                item_code: None,
                old_value: None,
                new_value: None,
                detail: Some(json!({"from": from.as_str(), "to": closed.as_str()}).to_string()),
            })
            .collect();
        audit::append(conn, &entries)?;
        event_log::append(conn, &closed_events)?;
        Ok(n)
    })
}
