-- The per-form cache of peer statistics inputs keeps its indicator values as packed little-endian
-- f64 (8 bytes per indicator in catalogue order, NaN when the indicator is not `ok`) instead of a JSON
-- array: a campaign's groups are rebuilt from 22,000 of these rows, and parsing JSON was most of it.
-- A cache: its rows are dropped and recomputed on the next read.
DROP TABLE peer_inputs;
CREATE TABLE peer_inputs (
    campaign_year INTEGER NOT NULL,
    structure_finess TEXT NOT NULL,
    form_version BIGINT NOT NULL,
    structure_version BIGINT NOT NULL,
    reached BOOLEAN NOT NULL,
    values_f64 BYTEA NOT NULL,
    PRIMARY KEY (campaign_year, structure_finess)
);
