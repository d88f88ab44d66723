//! Webhook subscriptions and their delivery log.
//!
//! A subscription follows the event log from its own cursor `(cursor_tx, cursor_id)` (the feed's
//! position, see [`crate::db::repo::events`]). A dispatcher claims a due subscription by writing its
//! name and a lease end on it — on PostgreSQL under `FOR UPDATE SKIP LOCKED`, so replicas claim
//! different subscriptions; on SQLite the single writer does the same — delivers the events after the
//! cursor in order, and records the outcome with [`finish`], which only applies while it still holds
//! the lease. A subscription is delivered by one dispatcher at a time, so its events go out in order;
//! the lease of a dispatcher that died expires and another takes the subscription up.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::repo::events::Position;
use crate::db::schema::{webhook_deliveries, webhook_secrets, webhook_subscriptions};

/// A subscription to create.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct NewSubscription {
    /// Client id or e-mail.
    pub owner: String,
    /// `partner` or `national`.
    pub owner_role: String,
    /// Destination.
    pub url: String,
    /// Types, comma-separated.
    pub event_types: String,
    /// `active`.
    pub state: String,
    /// Start cursor.
    pub cursor_tx: i64,
    /// Start cursor.
    pub cursor_id: i64,
    /// Due from.
    pub next_attempt_at: NaiveDateTime,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionRow {
    /// Id.
    pub id: i64,
    /// Client id or e-mail.
    pub owner: String,
    /// `partner` or `national`.
    pub owner_role: String,
    /// Destination.
    pub url: String,
    /// Types, comma-separated (empty: all).
    pub event_types: String,
    /// `active` or `disabled`.
    pub state: String,
    /// Why disabled.
    pub disabled_reason: Option<String>,
    /// Cursor.
    pub cursor_tx: i64,
    /// Cursor.
    pub cursor_id: i64,
    /// Failed attempts in a row.
    pub failures: i32,
    /// Start of the failures.
    pub failing_since: Option<NaiveDateTime>,
    /// Not before.
    pub next_attempt_at: NaiveDateTime,
    /// Lease holder.
    pub lease_owner: Option<String>,
    /// Lease end.
    pub lease_until: Option<NaiveDateTime>,
    /// Creation.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// The signing secrets of a subscription.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_secrets)]
pub struct Secrets {
    /// Subscription.
    pub subscription_id: i64,
    /// Current secret.
    pub secret: String,
    /// The secret before the last rotation.
    pub previous_secret: Option<String>,
    /// Until when the previous one still signs.
    pub previous_secret_until: Option<NaiveDateTime>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("subscription_id", &self.subscription_id)
            .field("previous_secret_until", &self.previous_secret_until)
            .finish_non_exhaustive()
    }
}

impl SubscriptionRow {
    /// The feed position of the last event delivered.
    pub fn cursor(&self) -> Position {
        Position {
            tx: self.cursor_tx,
            id: self.cursor_id,
        }
    }

    /// The event types delivered (empty: every type).
    pub fn types(&self) -> Vec<String> {
        self.event_types
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// One attempt of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct NewDelivery {
    /// Subscription.
    pub subscription_id: i64,
    /// Event.
    pub event_id: i64,
    /// Attempt number for the event.
    pub attempt: i32,
    /// Start.
    pub at: NaiveDateTime,
    /// Status answered.
    pub status_code: Option<i32>,
    /// Milliseconds.
    pub latency_ms: i64,
    /// 2xx.
    pub succeeded: bool,
    /// What went wrong.
    pub error: Option<String>,
}

/// A stored attempt.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    /// Id.
    pub id: i64,
    /// Event.
    pub event_id: i64,
    /// Attempt number.
    pub attempt: i32,
    /// Start.
    pub at: NaiveDateTime,
    /// Status.
    pub status_code: Option<i32>,
    /// Milliseconds.
    pub latency_ms: i64,
    /// 2xx.
    pub succeeded: bool,
    /// Error.
    pub error: Option<String>,
}

/// Creates a subscription with its secret; its id.
pub fn insert(conn: &mut DbConnection, new: &NewSubscription, secret: &str) -> QueryResult<i64> {
    conn.transaction(|conn| {
        let id: i64 = crate::on_backend!(conn, c => diesel::insert_into(webhook_subscriptions::table)
            .values(new)
            .returning(webhook_subscriptions::id)
            .get_result(c))?;
        diesel::insert_into(webhook_secrets::table)
            .values(&Secrets {
                subscription_id: id,
                secret: secret.to_owned(),
                previous_secret: None,
                previous_secret_until: None,
            })
            .execute(conn)?;
        Ok(id)
    })
}

/// The secrets of subscription `id`.
pub fn secrets(conn: &mut DbConnection, id: i64) -> QueryResult<Secrets> {
    webhook_secrets::table
        .find(id)
        .select(Secrets::as_select())
        .first(conn)
}

/// Replaces the secret of subscription `id`: the current one becomes the previous one until `until`.
pub fn rotate(conn: &mut DbConnection, id: i64, secret: &str, until: NaiveDateTime) -> QueryResult<()> {
    conn.transaction(|conn| {
        let current = secrets(conn, id)?;
        diesel::update(webhook_secrets::table.find(id))
            .set((
                webhook_secrets::secret.eq(secret),
                webhook_secrets::previous_secret.eq(Some(current.secret)),
                webhook_secrets::previous_secret_until.eq(Some(until)),
            ))
            .execute(conn)
            .map(drop)
    })
}

/// Until when the previous secret of each of `ids` signs (absent: no rotation).
pub fn overlaps(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    let rows: Vec<(i64, Option<NaiveDateTime>)> = webhook_secrets::table
        .filter(webhook_secrets::subscription_id.eq_any(ids))
        .select((
            webhook_secrets::subscription_id,
            webhook_secrets::previous_secret_until,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, until)| Some((id, until?)))
        .collect())
}

/// One subscription.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<SubscriptionRow>> {
    webhook_subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()
}

/// The subscriptions of `owner` (every one when `None`), by id.
pub fn list(conn: &mut DbConnection, owner: Option<&str>) -> QueryResult<Vec<SubscriptionRow>> {
    let mut query = webhook_subscriptions::table.into_boxed();
    if let Some(owner) = owner {
        query = query.filter(webhook_subscriptions::owner.eq(owner.to_owned()));
    }
    query
        .order(webhook_subscriptions::id)
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// The changes of an update (`None`: unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionChange {
    /// Destination.
    pub url: Option<String>,
    /// Types.
    pub event_types: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Why disabled.
    pub disabled_reason: Option<Option<String>>,
    /// Failures (reset on enabling).
    pub failures: Option<i32>,
    /// Start of failures.
    pub failing_since: Option<Option<NaiveDateTime>>,
    /// Not before.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// Cursor (replay).
    pub cursor_tx: Option<i64>,
    /// Cursor (replay).
    pub cursor_id: Option<i64>,
    /// Lease holder (cleared by a replay or a new cursor, so a running batch does not record).
    pub lease_owner: Option<Option<String>>,
    /// Lease end.
    pub lease_until: Option<Option<NaiveDateTime>>,
    /// Now.
    pub updated_at: Option<NaiveDateTime>,
}

/// Applies `change` to subscription `id`.
pub fn update(conn: &mut DbConnection, id: i64, change: &SubscriptionChange) -> QueryResult<usize> {
    diesel::update(webhook_subscriptions::table.find(id))
        .set(change)
        .execute(conn)
}

/// Deletes subscription `id` and its delivery log.
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    conn.transaction(|conn| {
        diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(id)))
            .execute(conn)?;
        diesel::delete(webhook_secrets::table.find(id)).execute(conn)?;
        diesel::delete(webhook_subscriptions::table.find(id)).execute(conn)
    })
}

/// Claims one due active subscription (the longest due first) for `owner` until `lease_until`.
pub fn claim(
    conn: &mut DbConnection,
    owner: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<SubscriptionRow>> {
    conn.transaction(|conn| {
        let due = webhook_subscriptions::table
            .filter(webhook_subscriptions::state.eq("active"))
            .filter(webhook_subscriptions::next_attempt_at.le(now))
            .filter(
                webhook_subscriptions::lease_until
                    .is_null()
                    .or(webhook_subscriptions::lease_until.le(now)),
            )
            .order((webhook_subscriptions::next_attempt_at, webhook_subscriptions::id))
            .limit(1)
            .select(webhook_subscriptions::id);
        let ids: Vec<i64> = match conn {
            DbConnection::Postgres(pg) => due.for_update().skip_locked().load(pg)?,
            DbConnection::Sqlite(lite) => due.load(lite)?,
        };
        let Some(id) = ids.first().copied() else {
            return Ok(None);
        };
        diesel::update(webhook_subscriptions::table.find(id))
            .set((
                webhook_subscriptions::lease_owner.eq(owner),
                webhook_subscriptions::lease_until.eq(lease_until),
            ))
            .execute(conn)?;
        find(conn, id)
    })
}

/// What a dispatcher records after a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The cursor after the last event delivered.
    pub cursor: Position,
    /// Failed attempts in a row on the next event.
    pub failures: i32,
    /// Start of those failures.
    pub failing_since: Option<NaiveDateTime>,
    /// When the subscription is due again.
    pub next_attempt_at: NaiveDateTime,
    /// Disable it (past the retry horizon), with this reason.
    pub disable: Option<String>,
}

/// Records a batch of `owner` on subscription `id` — its attempts, new cursor and retry state — and
/// releases the lease, only while `owner` still holds it (else nothing is written: `false`).
pub fn finish(
    conn: &mut DbConnection,
    id: i64,
    owner: &str,
    attempts: &[NewDelivery],
    outcome: &Outcome,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let mut change = SubscriptionChange {
            cursor_tx: Some(outcome.cursor.tx),
            cursor_id: Some(outcome.cursor.id),
            failures: Some(outcome.failures),
            failing_since: Some(outcome.failing_since),
            next_attempt_at: Some(outcome.next_attempt_at),
            lease_owner: Some(None),
            lease_until: Some(None),
            ..SubscriptionChange::default()
        };
        if let Some(reason) = &outcome.disable {
            change.state = Some("disabled".to_owned());
            change.disabled_reason = Some(Some(reason.clone()));
            change.updated_at = Some(now);
        }
        let held = diesel::update(
            webhook_subscriptions::table
                .find(id)
                .filter(webhook_subscriptions::lease_owner.eq(owner)),
        )
        .set(&change)
        .execute(conn)?;
        if held == 0 {
            return Ok(false);
        }
        for chunk in attempts.chunks(1000) {
            crate::on_backend!(conn, c => diesel::insert_into(webhook_deliveries::table)
                .values(chunk)
                .execute(c))?;
        }
        Ok(true)
    })
}

/// Releases the lease of `owner` on `id` without recording anything (nothing to deliver).
pub fn release(conn: &mut DbConnection, id: i64, owner: &str) -> QueryResult<()> {
    diesel::update(
        webhook_subscriptions::table
            .find(id)
            .filter(webhook_subscriptions::lease_owner.eq(owner)),
    )
    .set((
        webhook_subscriptions::lease_owner.eq(None::<String>),
        webhook_subscriptions::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(drop)
}

/// The latest `limit` attempts of subscription `id`, newest first.
pub fn deliveries(conn: &mut DbConnection, id: i64, limit: i64) -> QueryResult<Vec<DeliveryRow>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
}
