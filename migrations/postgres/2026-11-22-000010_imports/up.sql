-- Imports: background jobs (visible from every replica) and idempotency keys of the import endpoint.

CREATE TABLE import_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_year INTEGER NOT NULL,
    source TEXT NOT NULL,
    actor TEXT NOT NULL,
    owner TEXT NOT NULL,
    state TEXT NOT NULL,
    dry_run BOOLEAN NOT NULL,
    partial BOOLEAN NOT NULL,
    total BIGINT NOT NULL,
    processed BIGINT NOT NULL,
    result_status INTEGER,
    result TEXT,
    created_at TIMESTAMP NOT NULL,
    heartbeat_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX import_jobs_state ON import_jobs (state, owner);

CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    job_id TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
);
