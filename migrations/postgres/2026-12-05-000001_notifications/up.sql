-- Mail notifications (docs/events.md, "Notifications par e-mail").
--
-- A person who turned off the non-essential mails (phase openings, collecte reminders, information
-- on submissions and validations) has a row here; essential mails (accounts, passwords, a disabled
-- webhook, corrections requested, a reopened form) are always sent. Keyed by the login (accounts are
-- deactivated, never deleted).
CREATE TABLE notification_opt_outs (
    user_email TEXT PRIMARY KEY,
    updated_at TIMESTAMP NOT NULL
);

-- The collecte reminders already queued: one row per campaign, structure and reminder (days before
-- the collecte closes). The primary key makes "once per structure per reminder" hold with any number
-- of replicas: a replica inserts the row (ON CONFLICT DO NOTHING) in the transaction that queues the
-- mails, and queues them only when its insert took.
CREATE TABLE reminders_sent (
    campaign_year INTEGER NOT NULL,
    structure_finess TEXT NOT NULL,
    days INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_year, structure_finess, days)
);
