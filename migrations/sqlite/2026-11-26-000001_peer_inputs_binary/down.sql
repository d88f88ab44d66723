DROP TABLE peer_inputs;
CREATE TABLE peer_inputs (
    campaign_year INTEGER NOT NULL,
    structure_finess TEXT NOT NULL,
    form_version BIGINT NOT NULL,
    structure_version BIGINT NOT NULL,
    reached BOOLEAN NOT NULL,
    values_json TEXT NOT NULL,
    PRIMARY KEY (campaign_year, structure_finess)
);
