-- The event log (docs/events.md): one row per change partners may follow, written in the transaction of
-- the change itself. SQLite has one writer at a time, so ids are assigned in commit order and `tx` is
-- always 0: the feed's order (tx, id) is the id order.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tx BIGINT NOT NULL DEFAULT 0,
    event_type TEXT NOT NULL,
    campaign_year INTEGER,
    structure_finess TEXT,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX events_position ON events (tx, id);
CREATE INDEX events_structure ON events (structure_finess, tx, id);
