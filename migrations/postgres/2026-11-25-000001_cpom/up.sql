-- CPOM (contrats pluriannuels d'objectifs et de moyens): contracts between a managing body and its
-- ARS and/or CD, their perimeter, amendments, action sheets, objectives tied to dashboard indicators,
-- manual values of free indicators, and follow-up committees. Dates are ISO `YYYY-MM-DD` text.

CREATE TABLE cpom_contracts (
    id BIGSERIAL PRIMARY KEY,
    organisation_finess TEXT NOT NULL REFERENCES organisations (finess),
    title TEXT NOT NULL,
    signatory_ars BOOLEAN NOT NULL,
    signatory_cd BOOLEAN NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    department_code TEXT REFERENCES departments (code),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    state TEXT NOT NULL,
    signed_on TEXT,
    terminated_on TEXT,
    termination_reason TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX cpom_contracts_organisation ON cpom_contracts (organisation_finess);

CREATE TABLE cpom_amendments (
    id BIGSERIAL PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES cpom_contracts (id),
    signed_on TEXT NOT NULL,
    object TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX cpom_amendments_contract ON cpom_amendments (contract_id);

CREATE TABLE cpom_perimeter (
    contract_id BIGINT NOT NULL REFERENCES cpom_contracts (id),
    structure_finess TEXT NOT NULL REFERENCES structures (finess),
    joined_on TEXT NOT NULL,
    left_on TEXT,
    amendment_id BIGINT REFERENCES cpom_amendments (id),
    PRIMARY KEY (contract_id, structure_finess)
);
CREATE INDEX cpom_perimeter_structure ON cpom_perimeter (structure_finess);

CREATE TABLE cpom_action_sheets (
    id BIGSERIAL PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES cpom_contracts (id),
    theme TEXT NOT NULL,
    theme_label TEXT,
    title TEXT NOT NULL,
    actions TEXT,
    owner TEXT,
    deadline TEXT
);
CREATE INDEX cpom_action_sheets_contract ON cpom_action_sheets (contract_id);

CREATE TABLE cpom_objectives (
    id BIGSERIAL PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES cpom_contracts (id),
    action_sheet_id BIGINT NOT NULL REFERENCES cpom_action_sheets (id),
    label TEXT NOT NULL,
    indicator_code TEXT,
    structure_finess TEXT REFERENCES structures (finess),
    free_indicator_label TEXT,
    baseline_year INTEGER,
    baseline_value DOUBLE PRECISION,
    target_value DOUBLE PRECISION NOT NULL,
    target_year INTEGER NOT NULL,
    sense TEXT NOT NULL
);
CREATE INDEX cpom_objectives_contract ON cpom_objectives (contract_id);

CREATE TABLE cpom_objective_values (
    objective_id BIGINT NOT NULL REFERENCES cpom_objectives (id),
    year INTEGER NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    comment TEXT,
    author TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (objective_id, year)
);

CREATE TABLE cpom_committees (
    id BIGSERIAL PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES cpom_contracts (id),
    kind TEXT NOT NULL,
    contract_year INTEGER NOT NULL,
    scheduled_on TEXT NOT NULL,
    held_on TEXT,
    minutes TEXT,
    decisions TEXT,
    report_json TEXT
);
CREATE INDEX cpom_committees_contract ON cpom_committees (contract_id);
