-- Sessions of people (refresh-token families), in the database so that any replica refreshes any
-- session. A login starts a family; each refresh spends the family's current token (`used_at`) and
-- issues the next one. Presenting a spent token again revokes the whole family (theft detection).
-- Tokens are stored as the SHA-256 (hex) of their random value, never in clear.
CREATE TABLE session_families (
    family_id TEXT PRIMARY KEY NOT NULL,
    user_email TEXT NOT NULL REFERENCES users (email) ON DELETE CASCADE,
    started_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX session_families_user ON session_families (user_email);
CREATE INDEX session_families_started ON session_families (started_at);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    family_id TEXT NOT NULL REFERENCES session_families (family_id) ON DELETE CASCADE,
    issued_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
