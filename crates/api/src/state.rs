//! Application state shared by every request: the pool and the configuration. No globals.

use std::sync::Arc;

use actix_web::web;

use crate::auth::TokenService;
use crate::config::Config;
use crate::db::{DbConnection, DbPool};
use crate::error::ApiError;
use crate::services::benchmarks::PeerMemo;
use crate::services::forms::FormCache;

/// State handed to every handler through `web::Data`.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub pool: DbPool,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Signs and verifies access tokens.
    pub tokens: TokenService,
    /// Serialised form documents, served while their stamp is current.
    pub forms: Arc<FormCache>,
    /// Peer groups of each campaign, kept while the campaign's data stamp holds.
    pub peers: Arc<PeerMemo>,
    /// Name of this process for the jobs it runs (`host:listening address`).
    pub instance: String,
}

impl AppState {
    /// Runs blocking database work on actix's thread pool with a pooled connection.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }

    /// Like [`db`](Self::db), for work that writes: on SQLite it first waits for the process's write
    /// turn (see [`DbPool::write_turn`]), held until the work is done.
    pub async fn db_write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let _turn = pool.write_turn();
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }
}
