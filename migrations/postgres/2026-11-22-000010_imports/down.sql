DROP TABLE idempotency_keys;
DROP TABLE import_jobs;
