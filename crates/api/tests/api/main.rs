//! API integration tests: one binary, each test run on SQLite and on PostgreSQL (see `support`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

mod support;

mod accounts;
mod auth;
mod authz_matrix;
mod benchmarks;
mod campaigns;
mod catalogue;
mod compression;
mod config_env;
mod contract_check;
mod cpom;
mod cpom_coverage;
mod cpom_form_alerts;
mod cpom_updates;
mod evaluate;
mod events;
mod exports;
mod forms_cache;
mod forms_concurrency;
mod forms_fixtures;
mod forms_scopes;
mod forms_values;
mod forms_weight;
mod forms_workflow;
mod hardening;
mod health;
mod if_match;
mod imports_bombs;
mod imports_crash;
mod imports_fixtures;
mod imports_limits;
mod imports_numbers;
mod imports_scopes;
mod imports_values;
mod indicator_table;
mod mail_smtp;
mod migrations;
mod notifications;
mod openapi_sync;
mod peer_outliers;
mod problems;
mod progress;
mod referential;
mod regions;
mod reminders_replicas;
mod routes_contract;
mod seed;
mod sessions;
mod sessions_replicas;
mod simulate;
mod spa;
mod structures;
mod webhooks;
mod webhooks_replicas;
