ALTER TABLE api_clients DROP COLUMN last_used_at;
ALTER TABLE api_clients DROP COLUMN previous_secret_expires_at;
ALTER TABLE api_clients DROP COLUMN previous_secret_hash;
DROP TABLE mail_outbox;
DROP TABLE one_time_links;
