-- The event log (docs/events.md): one row per change partners may follow, written in the transaction of
-- the change itself. `tx` is the writing transaction's id (pg_current_xact_id(), the top-level
-- transaction even inside a savepoint): the feed orders by (tx, id) and returns only rows whose `tx` is
-- below the reader's snapshot xmin, i.e. rows of transactions that are all finished, so a cursor never
-- moves past a row that becomes visible later.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    tx BIGINT NOT NULL DEFAULT ((pg_current_xact_id()::text)::bigint),
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
