DROP TABLE refresh_tokens;
DROP TABLE session_families;
