-- Peer statistics: the per-form cache of indicator values (rebuilt when a form or its structure
-- changes version) and the frozen snapshots of the campaigns in `restitution`.

CREATE TABLE peer_inputs (
    campaign_year INTEGER NOT NULL,
    structure_finess TEXT NOT NULL,
    form_version BIGINT NOT NULL,
    structure_version BIGINT NOT NULL,
    reached BOOLEAN NOT NULL,
    values_json TEXT NOT NULL,
    PRIMARY KEY (campaign_year, structure_finess)
);

CREATE TABLE benchmark_snapshots (
    campaign_year INTEGER PRIMARY KEY NOT NULL,
    frozen_at TIMESTAMP NOT NULL,
    structures INTEGER NOT NULL
);

CREATE TABLE benchmark_snapshot_inputs (
    campaign_year INTEGER NOT NULL,
    structure_finess TEXT NOT NULL,
    category TEXT NOT NULL,
    region_code TEXT NOT NULL,
    department_code TEXT NOT NULL,
    reached BOOLEAN NOT NULL,
    values_json TEXT NOT NULL,
    PRIMARY KEY (campaign_year, structure_finess)
);

CREATE TABLE fiche_batches (
    id TEXT PRIMARY KEY NOT NULL,
    campaign_year INTEGER NOT NULL,
    territory TEXT NOT NULL,
    actor TEXT NOT NULL,
    state TEXT NOT NULL,
    total BIGINT NOT NULL,
    processed BIGINT NOT NULL,
    error TEXT,
    archive_base64 TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
