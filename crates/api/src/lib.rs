//! tdb-api: the tdb server.
//!
//! HTTP (actix-web) → handlers (thin: parse, authorise, call, map) → services → repositories (diesel, one
//! code path for SQLite and PostgreSQL). The domain rules live in `tdb-domain`. Imports point one way
//! (`routes → services → db → auth, config, error → tdb-domain`, `state` the composition root):
//! `docs/architecture.md`, checked by `tests/architecture.rs`.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod openapi;
pub mod routes;
pub mod seed;
pub mod server;
pub mod services;
pub mod spa;
pub mod state;
