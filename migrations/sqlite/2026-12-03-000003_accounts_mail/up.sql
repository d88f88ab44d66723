-- Accounts by invitation, one-time links, the mail outbox, partner secrets with a rotation grace.

-- One-time links (invitation: 7 days, reset: 1 hour), by the SHA-256 (hex) of their random token,
-- single use (used_at). A new link of an account cancels its older unused links.
CREATE TABLE one_time_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_email TEXT NOT NULL REFERENCES users (email) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX one_time_links_user ON one_time_links (user_email);

-- Transactional outbox of mails: written in the transaction of what they tell, sent by a worker that
-- claims rows by lease (any number of replicas; each mail leaves once in the normal case).
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TIMESTAMP NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

-- Partner secrets: the previous secret keeps working until previous_secret_expires_at after a rotation.
ALTER TABLE api_clients ADD COLUMN previous_secret_hash TEXT;
ALTER TABLE api_clients ADD COLUMN previous_secret_expires_at TIMESTAMP;
ALTER TABLE api_clients ADD COLUMN last_used_at TIMESTAMP;
