-- FINESS imports of large files run as background jobs: their state, visible from every replica.
-- The import itself is one transaction (a malformed file writes nothing); the lines read so far are
-- kept in the memory of the process running it (see services/finess_jobs.rs).
CREATE TABLE referential_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    actor TEXT NOT NULL,
    owner TEXT NOT NULL,
    state TEXT NOT NULL,
    dry_run BOOLEAN NOT NULL,
    total_lines BIGINT NOT NULL,
    processed_lines BIGINT NOT NULL DEFAULT 0,
    report TEXT,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
