//! SQLite's WAL checkpoints, mostly in a thread of their own.
//!
//! By default the writer whose commit brings the write-ahead log past 1,000 pages copies it back into
//! the database before answering, holding the process's write turn: under eight concurrent `PATCH`es
//! those commits made the p95 of the national benchmark. This thread checkpoints every [`INTERVAL`]
//! instead, `PASSIVE` (it copies what no reader still needs and waits for nobody), on a connection of
//! its own. The pooled connections keep an automatic checkpoint, at 10,000 pages (40 MiB): only a
//! writer can restart the log from its beginning, and it does so after its own checkpoint, which finds
//! the pages already copied by this thread and is short. Without it the log grew without bound under a
//! steady load (1.2 GB in 30 s of the benchmark with `wal_autocheckpoint = 0`); with it, 40 MiB. The
//! thread stops when the last clone of the pool is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

/// Time between two checkpoints. A checkpoint holds up the commits made meanwhile, for as long as it
/// takes to copy what the log gathered since the last one: every 100 ms, one write in a hundred waited
/// 15–30 ms (p99 of one writer alone); every 25 ms, 5–10 ms (`wrk -c1`, docs/forms.md). An idle
/// database's checkpoint finds nothing to copy.
pub const INTERVAL: Duration = Duration::from_millis(25);

/// The checkpointing thread of one SQLite database; dropping it stops the thread.
#[derive(Debug)]
pub struct Checkpointer {
    /// Dropped with the checkpointer: the thread sees the channel closed and ends.
    _stop: Sender<()>,
    done: Arc<AtomicU64>,
}

impl Checkpointer {
    /// Starts checkpointing the SQLite database at `path`.
    pub fn start(path: &str) -> std::io::Result<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
        let done = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&done);
        let path = path.to_owned();
        std::thread::Builder::new()
            .name("tdb-wal-checkpoint".to_owned())
            .spawn(move || {
                let mut conn: Option<SqliteConnection> = None;
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    if conn.is_none() {
                        conn = SqliteConnection::establish(&path)
                            .inspect_err(
                                |e| tracing::warn!(error = %e, "WAL checkpoint: cannot open the database"),
                            )
                            .ok();
                    }
                    let Some(open) = conn.as_mut() else { continue };
                    match open.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                        Ok(()) => {
                            counter.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(error) => {
                            tracing::warn!(%error, "WAL checkpoint failed");
                            conn = None;
                        }
                    }
                }
            })?;
        Ok(Self { _stop: stop, done })
    }

    /// How many checkpoints ran so far.
    pub fn count(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }
}
