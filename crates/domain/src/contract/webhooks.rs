//! Webhook subscriptions: partners and national receive the change feed's events as signed HTTP
//! deliveries (Standard Webhooks), instead of polling `GET /events` (docs/events.md).

use serde::{Deserialize, Serialize};

/// A webhook subscription (`GET /api/v1/webhooks/{id}`). Its secret is never shown after creation or
/// rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 7, "url": "https://partenaire.example.fr/tdb/webhooks", "types": ["form.submitted"],
    "owner": "caisse-nationale", "state": "active", "disabled_reason": null, "cursor": "812.1042",
    "failures": 0, "next_attempt_at": null, "previous_secret_expires_at": null,
    "created_at": "2024-05-12T08:30:00Z", "updated_at": "2024-05-12T08:30:00Z"
})))]
pub struct WebhookSubscription {
    /// Identifier.
    pub id: i64,
    /// Where the events are posted (`https://`; `http://` only for a host of `TDB_WEBHOOK_ALLOW`).
    pub url: String,
    /// Event types delivered; empty: every type.
    pub types: Vec<String>,
    /// Who manages it: the partner client id or the national user's e-mail.
    pub owner: String,
    /// `active`, or `disabled` (by its owner, or after failing past the retry horizon).
    pub state: String,
    /// Why it was disabled (`null` while active).
    pub disabled_reason: Option<String>,
    /// Feed cursor of the last event delivered (an `after` of `GET /events`).
    pub cursor: String,
    /// Failed attempts in a row on the next event (0 when the last attempt succeeded).
    pub failures: i32,
    /// When the next retry is due, while failing (UTC, RFC 3339).
    pub next_attempt_at: Option<String>,
    /// Until when deliveries are also signed with the previous secret, after a rotation (UTC, RFC 3339).
    pub previous_secret_expires_at: Option<String>,
    /// Creation (UTC, RFC 3339).
    pub created_at: String,
    /// Last change (UTC, RFC 3339).
    pub updated_at: String,
}

/// `POST /api/v1/webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "url": "https://partenaire.example.fr/tdb/webhooks", "types": ["form.submitted", "form.validated"]
})))]
pub struct WebhookCreate {
    /// Destination: `https://`, a public address (see the SSRF guard in docs/events.md).
    pub url: String,
    /// Event types to deliver (docs/events.md); absent or empty: every type.
    #[serde(default)]
    pub types: Vec<String>,
}

/// `PATCH /api/v1/webhooks/{id}`: the fields to change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookUpdate {
    /// New destination.
    #[serde(default)]
    pub url: Option<String>,
    /// New event types (empty: every type).
    #[serde(default)]
    pub types: Option<Vec<String>>,
    /// `false` disables the subscription; `true` enables it again (retries start over).
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// Answer of a creation or a secret rotation: the secret, shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSecret {
    /// The subscription.
    pub subscription: WebhookSubscription,
    /// The signing secret, `whsec_<base64>` (Standard Webhooks); never shown again.
    pub secret: String,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSecret")
            .field("subscription", &self.subscription)
            .finish_non_exhaustive()
    }
}

/// `POST /api/v1/webhooks/{id}/replay`: deliver again every event after a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"after": "812.1042"})))]
pub struct WebhookReplay {
    /// A cursor of the feed (`next_cursor` of `GET /events`, `cursor` of a subscription); absent:
    /// from the first event.
    #[serde(default)]
    pub after: Option<String>,
}

/// One delivery attempt (`GET /api/v1/webhooks/{id}/deliveries`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// Identifier (newest first).
    pub id: i64,
    /// The event delivered (`id` of the event; `webhook-id` was `evt_<id>`).
    pub event_id: i64,
    /// Attempt number for this event (1 = first try).
    pub attempt: i32,
    /// When the attempt started (UTC, RFC 3339).
    pub at: String,
    /// HTTP status answered; `null` when none came (timeout, refused connection, refused address).
    pub status_code: Option<i32>,
    /// Time to the answer (or to the failure), in milliseconds.
    pub latency_ms: i64,
    /// Whether the receiver answered 2xx.
    pub succeeded: bool,
    /// What went wrong (`null` on success).
    pub error: Option<String>,
}
