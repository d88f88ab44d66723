//! API integration tests: one binary, each test run on SQLite and on PostgreSQL (see `support`).

mod support;

mod config_env;
mod health;
mod migrations;
mod openapi_sync;
mod problems;
mod regions;
mod spa;
