//! Application state shared by every request: the pool and the configuration. No globals.

use std::sync::Arc;

use crate::auth::TokenService;
use crate::config::Config;
use crate::db::{DbConnection, DbPool};
use crate::error::ApiError;
use crate::services::benchmarks::{PeerMemo, PeerSource};
use crate::services::forms::FormCache;
use crate::services::heavy::HeavyLimits;

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
    /// Large imports and exports running at once (per process and per caller).
    pub heavy: Arc<HeavyLimits>,
}

impl AppState {
    /// What the peer statistics services read: the pool and the memo of peer groups.
    pub fn peer_source(&self) -> PeerSource {
        PeerSource {
            pool: self.pool.clone(),
            memo: Arc::clone(&self.peers),
        }
    }

    /// Runs blocking database work with a pooled connection (see [`DbPool::run`]).
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.pool.run(work).await
    }

    /// Runs blocking database work that writes, in the process's write turn (see [`DbPool::run_write`]).
    pub async fn db_write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.pool.run_write(work).await
    }
}
