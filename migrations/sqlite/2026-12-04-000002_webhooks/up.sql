-- Webhook subscriptions (docs/events.md): each follows the event log from its own cursor (tx, id);
-- a dispatcher claims a due subscription by lease (lease_owner, lease_until) in a write transaction
-- (SQLite: one writer), delivers the events after the cursor in order, then moves the cursor. The secret is kept
-- as given in its own table (it keys the HMAC, so it cannot be hashed), never returned after creation
-- (docs/security.md).
CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    owner_role TEXT NOT NULL,
    url TEXT NOT NULL,
    event_types TEXT NOT NULL,
    state TEXT NOT NULL,
    disabled_reason TEXT,
    cursor_tx BIGINT NOT NULL,
    cursor_id BIGINT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    failing_since TIMESTAMP,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner);
CREATE INDEX webhook_subscriptions_due ON webhook_subscriptions (state, next_attempt_at);

-- The signing secret of each subscription, and the previous one during a rotation's overlap: apart
-- from the subscriptions, so no listing query ever reads them.
CREATE TABLE webhook_secrets (
    subscription_id BIGINT PRIMARY KEY REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TIMESTAMP
);

-- The delivery log: one row per attempt.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL,
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    status_code INTEGER,
    latency_ms BIGINT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    error TEXT
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);
