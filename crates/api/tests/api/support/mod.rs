//! Test support: a fresh database per test (SQLite temp file, or a PostgreSQL schema), the in-process
//! application, and the macro running one test body on both backends.

#![allow(
    dead_code,
    reason = "each test module uses a different part of the support code"
)]

pub mod auth;
pub mod bombs;
pub mod contract;
pub mod db;
pub mod fixtures;
pub mod matrix;
pub mod receiver;
pub mod serve;

use std::path::PathBuf;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test};
use tdb_api::config::{Config, Secret};
use tdb_api::state::AppState;

pub use db::TestDb;

/// The configuration of a test server on `db`, serving the web app from `web_dist`.
pub fn config(db: &TestDb, web_dist: PathBuf) -> Config {
    Config {
        database_url: db.url().to_owned(),
        bind: "127.0.0.1:0".parse().unwrap(),
        jwt_secret: Some(Secret::new("test-secret-test-secret-test-secret-0123")),
        web_dist,
        log: "warn".to_owned(),
        form_cache_mb: 16,
        import_batch_values: tdb_api::config::DEFAULT_IMPORT_BATCH_VALUES,
        public_url: None,
        access_token_seconds: tdb_api::config::DEFAULT_ACCESS_TOKEN_SECONDS,
        session_idle_seconds: tdb_api::config::DEFAULT_SESSION_IDLE_SECONDS,
        session_absolute_seconds: tdb_api::config::DEFAULT_SESSION_ABSOLUTE_SECONDS,
        heavy_requests: tdb_api::config::DEFAULT_HEAVY_REQUESTS,
        heavy_per_caller: tdb_api::config::DEFAULT_HEAVY_PER_CALLER,
        hsts_seconds: 0,
        fiche_batch_ttl_hours: 24,
        trusted_proxies: tdb_api::config::TrustedProxies::default(),
        client_secret_grace_seconds: tdb_api::config::DEFAULT_CLIENT_SECRET_GRACE_SECONDS,
        mail: tdb_api::config::MailConfig::default(),
        webhooks: tdb_api::config::WebhookConfig::default(),
    }
}

/// Opens (and migrates) the database and builds the state, with no web app built.
pub fn state(db: &TestDb) -> AppState {
    tdb_api::server::build_state(config(db, PathBuf::from("/nonexistent-web-dist"))).unwrap()
}

/// The whole application, in process, every answer checked against the contract
/// ([`contract::check_answer`]).
pub async fn app(
    state: AppState,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .wrap(actix_web::middleware::from_fn(contract::check_answer))
            .configure(tdb_api::server::configure(state)),
    )
    .await
}

/// Runs a test body (an `async fn(TestDb)` of the calling module) on SQLite and on PostgreSQL.
///
/// The PostgreSQL variant runs when `TDB_TEST_POSTGRES_URL` is set; otherwise it says it skipped, unless
/// `TDB_TEST_REQUIRE_POSTGRES=1`, where a missing server fails the test.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::support::TestDb::sqlite()).await;
            }

            #[actix_web::test]
            async fn postgres() {
                if let Some(db) = $crate::support::TestDb::postgres() {
                    super::$name(db).await;
                }
            }
        }
    )+};
}
