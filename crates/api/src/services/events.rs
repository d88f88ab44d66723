//! The event log (written by the other services in their transactions) and the change feed
//! `GET /events` (docs/events.md).

use chrono::NaiveDateTime;
use tdb_domain::contract::{EVENT_TYPES, Event, EventFeed, FieldError, Role};

use crate::auth::principal::{Principal, StructureScope};
use crate::db::repo::events::{self, EventRow, NewEvent, Position};
use crate::db::{DbConnection, read_snapshot};
use crate::error::ApiError;
use crate::services::values::{parse_json, rfc3339};

/// Values of a form changed (payload `{channel, items, version, …}`).
pub const VALUES_CHANGED: &str = "form.values_changed";
/// A form was submitted.
pub const FORM_SUBMITTED: &str = "form.submitted";
/// An authority sent a submitted form back with correction requests.
pub const FORM_CORRECTION_REQUESTED: &str = "form.correction_requested";
/// An authority validated a form (for itself; `complete` when no authority is awaited any more).
pub const FORM_VALIDATED: &str = "form.validated";
/// An authority reopened a submitted or validated form.
pub const FORM_REOPENED: &str = "form.reopened";
/// A form was closed with its campaign's `fiabilisation`.
pub const FORM_CLOSED: &str = "form.closed";
/// A message was added to a correction request of a form.
pub const FORM_CORRECTION_MESSAGE: &str = "form.correction_message";
/// A campaign moved to its next phase.
pub const CAMPAIGN_PHASE_CHANGED: &str = "campaign.phase_changed";
/// A campaign's peer statistics were frozen (entering `restitution`).
pub const BENCHMARKS_FROZEN: &str = "benchmarks.frozen";
/// An import (one request, or a background job) finished writing.
pub const IMPORT_FINISHED: &str = "import.finished";

/// A CPOM contract changed state (one event per structure of its perimeter).
pub const CPOM_CONTRACT_STATE_CHANGED: &str = "cpom.contract_state_changed";
/// An import job of a prefill source failed or was interrupted (a restart, a dead replica).
pub const IMPORT_FAILED: &str = "import.failed";
/// A CPOM contract was created (one event per structure of its initial perimeter).
pub const CPOM_CONTRACT_CREATED: &str = "cpom.contract_created";
/// An amendment of a CPOM contract was signed (one event per structure of the perimeter, joining ones
/// included).
pub const CPOM_AMENDMENT_SIGNED: &str = "cpom.amendment_signed";

/// Default number of events of a page of the feed.
pub const DEFAULT_LIMIT: u32 = 100;
/// Largest page of the feed.
pub const MAX_LIMIT: u32 = 1000;
/// The partner scope that opens the feed (besides `read`).
pub const EVENTS_READ: &str = "events:read";
/// Actor and role of changes no person made (forms closed with their campaign…).
pub const SYSTEM: &str = "system";

/// An event of `principal` (its subject and role as actor).
pub fn by(
    principal: &Principal,
    event_type: &str,
    (year, finess): (Option<i32>, Option<&str>),
    payload: &serde_json::Value,
    at: NaiveDateTime,
) -> NewEvent {
    of(
        (&principal.subject, principal.role.as_str()),
        event_type,
        (year, finess),
        payload,
        at,
    )
}

/// An event of `actor` acting as `actor_role` (imports, the CLI, the system).
pub fn of(
    (actor, actor_role): (&str, &str),
    event_type: &str,
    (year, finess): (Option<i32>, Option<&str>),
    payload: &serde_json::Value,
    at: NaiveDateTime,
) -> NewEvent {
    NewEvent {
        event_type: event_type.to_owned(),
        campaign_year: year,
        structure_finess: finess.map(str::to_owned),
        actor: actor.to_owned(),
        actor_role: actor_role.to_owned(),
        at,
        payload: payload.to_string(),
    }
}

/// Appends events in the caller's transaction.
pub fn append(conn: &mut DbConnection, new: &[NewEvent]) -> Result<(), ApiError> {
    Ok(events::append(conn, new)?)
}

/// The checked parameters of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedQuery {
    /// Read after this position.
    pub after: Position,
    /// Only these types (all when empty).
    pub types: Vec<String>,
    /// At most this many events.
    pub limit: u32,
}

impl FeedQuery {
    /// Checks `after` (a cursor of the feed), `types` (comma-separated known types) and `limit`
    /// (1 to [`MAX_LIMIT`]), listing every bad parameter (422).
    pub fn parse(after: Option<&str>, types: Option<&str>, limit: Option<u32>) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let position = match after.map(parse_cursor) {
            None => Position::default(),
            Some(Some(position)) => position,
            Some(None) => {
                errors.push(FieldError {
                    path: "/query/after".to_owned(),
                    code: "invalid_cursor".to_owned(),
                    message: "Ce curseur n'a pas été donné par le flux (`next_cursor`).".to_owned(),
                });
                Position::default()
            }
        };
        let mut wanted = Vec::new();
        for name in types
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if EVENT_TYPES.contains(&name) {
                wanted.push(name.to_owned());
            } else {
                errors.push(FieldError {
                    path: "/query/types".to_owned(),
                    code: "unknown_event_type".to_owned(),
                    message: format!("Type d'événement inconnu : « {name} »."),
                });
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            errors.push(FieldError {
                path: "/query/limit".to_owned(),
                code: "out_of_range".to_owned(),
                message: format!("Le nombre d'événements doit être compris entre 1 et {MAX_LIMIT}."),
            });
        }
        if errors.is_empty() {
            Ok(Self {
                after: position,
                types: wanted,
                limit,
            })
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// The cursor of a position: `<tx>.<id>`.
pub fn cursor(position: Position) -> String {
    format!("{}.{}", position.tx, position.id)
}

/// The position of a cursor of the feed (`None`: not one the feed gives).
pub fn parse_cursor(text: &str) -> Option<Position> {
    let (tx, id) = text.split_once('.')?;
    let tx: i64 = tx.parse().ok()?;
    let id: i64 = id.parse().ok()?;
    (tx >= 0 && id >= 0).then_some(Position { tx, id })
}

/// `GET /events`: the events after the cursor that `principal` may see: those of the structures of its
/// scope and the campaign-wide ones. Partners need the `read` or `events:read` scope (else 403) and
/// see every structure's events, with the actor's role but not its e-mail or id.
pub fn feed(
    conn: &mut DbConnection,
    principal: &Principal,
    query: &FeedQuery,
) -> Result<EventFeed, ApiError> {
    let scope = match principal.role {
        Role::Partner if principal.scopes.iter().any(|s| s == "read" || s == EVENTS_READ) => {
            StructureScope::All
        }
        Role::Partner => {
            return Err(ApiError::Forbidden(
                "Le flux d'événements demande la portée « events:read » (ou « read »).".to_owned(),
            ));
        }
        _ => principal.scope.clone(),
    };
    let rows = read_snapshot(conn, |conn| {
        events::after(conn, &scope, query.after, &query.types, i64::from(query.limit))
    })?;
    let next = rows
        .last()
        .map_or(query.after, |r| Position { tx: r.tx, id: r.id });
    let hide_actor = principal.role == Role::Partner;
    Ok(EventFeed {
        items: rows.into_iter().map(|r| wire(r, hide_actor)).collect(),
        next_cursor: cursor(next),
    })
}

/// The wire form of an event (`hide_actor`: for partners, the role only).
pub fn wire(row: EventRow, hide_actor: bool) -> Event {
    Event {
        id: row.id,
        event_type: row.event_type,
        campaign: row.campaign_year,
        structure: row.structure_finess,
        actor: (!hide_actor).then_some(row.actor),
        actor_role: row.actor_role,
        at: rfc3339(row.at),
        payload: parse_json(&row.payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let position = Position {
            tx: 7_000_123,
            id: 42,
        };
        assert_eq!(parse_cursor(&cursor(position)), Some(position));
        for bad in ["", "1", "a.b", "-1.2", "1.-2", "1.2.3"] {
            assert_eq!(parse_cursor(bad), None, "{bad}");
        }
        assert!(FeedQuery::parse(Some("x"), Some("form.submitted,nope"), Some(0)).is_err());
        let ok = FeedQuery::parse(None, Some("form.submitted, form.submitted"), None);
        assert_eq!(
            ok.map(|q| (q.types, q.limit)).ok(),
            Some((vec!["form.submitted".to_owned()], 100))
        );
    }
}
