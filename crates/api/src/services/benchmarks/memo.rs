//! The peer groups of each campaign, kept in the process while the campaign's data stamp holds.
//!
//! A frozen campaign's stamp is its freezing time (it never changes); a live campaign's is its
//! [`LiveStamp`], which any write to a form or a structure moves. A read compares the stamp the
//! database gives now with the one the groups were built under, so a replica never serves groups
//! older than a write another replica made, and nothing needs invalidating. On SQLite the live stamp
//! itself (sums over every form and structure) is read again only when the database's change counter
//! moved since it was read ([`crate::db::DbPool::data_version`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::NaiveDateTime;

use super::peers::CampaignPeers;
use crate::db::repo::peers::LiveStamp;

/// What the groups of a campaign were built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// Live data, in this state.
    Live(LiveStamp),
    /// The snapshot frozen at this time.
    Frozen(NaiveDateTime),
}

/// The memo (shared by every worker of the process).
#[derive(Debug, Default)]
pub struct PeerMemo {
    entries: Mutex<HashMap<i32, (Stamp, Arc<CampaignPeers>)>>,
    building: Mutex<()>,
    /// SQLite: the live stamp of each campaign with the database's change counter read before it
    /// ([`crate::db::DbPool::data_version`]); while the counter holds, so does the stamp.
    live: Mutex<HashMap<i32, (i64, LiveStamp)>>,
}

impl PeerMemo {
    /// The groups of campaign `year` built under `stamp`, if kept.
    pub fn get(&self, year: i32, stamp: &Stamp) -> Option<Arc<CampaignPeers>> {
        let entries = lock(&self.entries);
        let (kept, peers) = entries.get(&year)?;
        (kept == stamp).then(|| Arc::clone(peers))
    }

    /// Keeps the groups of campaign `year` built under `stamp`.
    pub fn put(&self, year: i32, stamp: Stamp, peers: Arc<CampaignPeers>) {
        lock(&self.entries).insert(year, (stamp, peers));
    }

    /// The live stamp of campaign `year` read when the change counter was `data_version`, if it
    /// was read at that counter.
    pub fn live_stamp_at(&self, year: i32, data_version: i64) -> Option<LiveStamp> {
        let live = lock(&self.live);
        let (counter, stamp) = live.get(&year)?;
        (*counter == data_version).then_some(*stamp)
    }

    /// Keeps the live stamp of campaign `year`, read after the change counter answered `data_version`.
    pub fn keep_live_stamp(&self, year: i32, data_version: i64, stamp: LiveStamp) {
        lock(&self.live).insert(year, (data_version, stamp));
    }

    /// Held while groups are built, so that concurrent misses build them once.
    pub fn building(&self) -> MutexGuard<'_, ()> {
        lock(&self.building)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The map stays consistent even if a holder panicked: every update is a single insert.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
