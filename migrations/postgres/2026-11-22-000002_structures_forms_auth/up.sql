-- Structures, campaigns, forms and their values, audit log, corrections, users and API clients.

CREATE TABLE organisations (
    finess TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    legal_status TEXT NOT NULL
);

CREATE TABLE structures (
    finess TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    organisation_finess TEXT NOT NULL REFERENCES organisations (finess),
    department_code TEXT NOT NULL REFERENCES departments (code),
    region_code TEXT NOT NULL REFERENCES regions (code),
    city TEXT NOT NULL,
    competence TEXT NOT NULL,
    opening_date TEXT,
    active BOOLEAN NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX structures_organisation ON structures (organisation_finess);
CREATE INDEX structures_department ON structures (department_code, competence);
CREATE INDEX structures_region ON structures (region_code, competence);
CREATE INDEX structures_category ON structures (category);

CREATE TABLE campaigns (
    year INTEGER PRIMARY KEY NOT NULL,
    catalogue_version TEXT NOT NULL,
    phase TEXT NOT NULL,
    collecte_opens_on TEXT,
    collecte_closes_on TEXT,
    fiabilisation_closes_on TEXT,
    restitution_opens_on TEXT,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE forms (
    campaign_year INTEGER NOT NULL REFERENCES campaigns (year),
    structure_finess TEXT NOT NULL REFERENCES structures (finess),
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    completion_rate DOUBLE PRECISION NOT NULL,
    filled INTEGER NOT NULL,
    required INTEGER NOT NULL,
    can_submit BOOLEAN NOT NULL,
    alert_count INTEGER NOT NULL,
    submitted_at TIMESTAMP,
    submitted_by TEXT,
    ars_validated_at TIMESTAMP,
    ars_validated_by TEXT,
    cd_validated_at TIMESTAMP,
    cd_validated_by TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_year, structure_finess)
);
CREATE INDEX forms_structure ON forms (structure_finess);
CREATE INDEX forms_state ON forms (campaign_year, state);

CREATE TABLE form_values (
    campaign_year INTEGER NOT NULL,
    structure_finess TEXT NOT NULL,
    item_code TEXT NOT NULL,
    value_json TEXT NOT NULL,
    source TEXT NOT NULL,
    batch_id TEXT,
    locked BOOLEAN NOT NULL,
    prefill_value_json TEXT,
    prefill_source TEXT,
    override_reason TEXT,
    author TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (campaign_year, structure_finess, item_code),
    FOREIGN KEY (campaign_year, structure_finess) REFERENCES forms (campaign_year, structure_finess)
);

CREATE TABLE justifications (
    campaign_year INTEGER NOT NULL,
    structure_finess TEXT NOT NULL,
    control_key TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_year, structure_finess, control_key),
    FOREIGN KEY (campaign_year, structure_finess) REFERENCES forms (campaign_year, structure_finess)
);

CREATE TABLE users (
    email TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    organisation_finess TEXT REFERENCES organisations (finess),
    region_code TEXT REFERENCES regions (code),
    department_code TEXT REFERENCES departments (code),
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE user_structures (
    user_email TEXT NOT NULL REFERENCES users (email),
    structure_finess TEXT NOT NULL REFERENCES structures (finess),
    PRIMARY KEY (user_email, structure_finess)
);

CREATE TABLE api_clients (
    client_id TEXT PRIMARY KEY NOT NULL,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    source TEXT,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE login_attempts (
    attempt_key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL
);

-- Append-only: rows are only ever inserted (no UPDATE or DELETE in the code).
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    channel TEXT NOT NULL,
    action TEXT NOT NULL,
    campaign_year INTEGER,
    structure_finess TEXT,
    item_code TEXT,
    old_value TEXT,
    new_value TEXT,
    detail TEXT
);
CREATE INDEX audit_log_form_item ON audit_log (campaign_year, structure_finess, item_code);

CREATE TABLE correction_requests (
    id BIGSERIAL PRIMARY KEY,
    campaign_year INTEGER NOT NULL,
    structure_finess TEXT NOT NULL,
    item_code TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    FOREIGN KEY (campaign_year, structure_finess) REFERENCES forms (campaign_year, structure_finess)
);
CREATE INDEX correction_requests_form ON correction_requests (campaign_year, structure_finess);

CREATE TABLE correction_messages (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES correction_requests (id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
