//! The change feed: events partners and people follow instead of polling every form (docs/events.md).

use serde::{Deserialize, Serialize};

/// Every event type, in the order of docs/events.md. Stable: a type is never renamed or reused.
pub const EVENT_TYPES: [&str; 14] = [
    "form.values_changed",
    "form.submitted",
    "form.correction_requested",
    "form.validated",
    "form.reopened",
    "form.closed",
    "form.correction_message",
    "campaign.phase_changed",
    "benchmarks.frozen",
    "import.finished",
    "cpom.contract_state_changed",
    "import.failed",
    "cpom.contract_created",
    "cpom.amendment_signed",
];

/// One event of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 1042, "type": "form.values_changed", "campaign": 2024, "structure": "590000011",
    "actor": "direction@esms.test", "actor_role": "esms", "at": "2024-05-12T08:30:00Z",
    "payload": {"channel": "form", "items": ["places_installees_hp"], "version": 3}
})))]
pub struct Event {
    /// Sequence number: unique, but **not** the feed's order on PostgreSQL (use the cursor).
    pub id: i64,
    /// Stable type, e.g. `form.values_changed` (list in docs/events.md).
    #[serde(rename = "type")]
    pub event_type: String,
    /// Campaign year concerned.
    pub campaign: Option<i32>,
    /// FINESS ET of the structure concerned; `null` for a campaign-wide event.
    pub structure: Option<String>,
    /// Who acted (e-mail or client id, `system`); `null` for partner callers, who see the role only.
    pub actor: Option<String>,
    /// The actor's role (`esms`, `og`, `ars`, `cd`, `national`, `partner`) or `system`.
    pub actor_role: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// What changed (per type, docs/events.md).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// A page of the change feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [], "next_cursor": "0.0"})))]
pub struct EventFeed {
    /// Events after the cursor, in feed order (at most `limit`).
    pub items: Vec<Event>,
    /// The cursor to send as `after` next time: after the last item, or the one sent when there is none.
    /// Opaque.
    pub next_cursor: String,
}
