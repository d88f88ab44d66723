//! Connections and the pool: backend detection, per-connection settings, r2d2 manager.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use parking_lot::{Mutex, MutexGuard};

use super::checkpoint::Checkpointer;
use super::watch::ChangeWatch;
use crate::error::ApiError;

/// A connection to either supported database.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// Embedded SQLite.
    Sqlite(SqliteConnection),
    /// PostgreSQL.
    Postgres(PgConnection),
}

/// `CAST(… AS int4)` in statements run on either backend: SQLite reads `int4` as an INTEGER type name,
/// PostgreSQL as its 4-byte integer.
impl diesel::expression::KnownCastSqlTypeName<MultiBackend> for diesel::sql_types::Integer {
    const SQL_TYPE_NAME: &'static str = "int4";
}

/// The database engine behind a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://PATH`.
    Sqlite,
    /// `postgres://…` or `postgresql://…`.
    Postgres,
}

impl Backend {
    /// Detects the backend from the URL scheme.
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        if url.starts_with("sqlite://") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(DbError::UnsupportedUrl(redact(url)))
        }
    }
}

impl From<Backend> for tdb_domain::contract::DatabaseBackend {
    fn from(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::Sqlite,
            Backend::Postgres => Self::Postgres,
        }
    }
}

/// Errors opening or migrating the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL has no supported scheme.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The SQLite file's directory could not be created.
    #[error("cannot create the directory of the SQLite database: {0}")]
    Directory(#[source] std::io::Error),
    /// The pool could not open connections.
    #[error("cannot connect to the database: {0}")]
    Pool(#[from] r2d2::PoolError),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// The thread checkpointing SQLite's write-ahead log could not start.
    #[error("cannot start the WAL checkpoint thread: {0}")]
    Checkpoint(#[source] std::io::Error),
}

/// Pool of database connections, aware of its backend.
#[derive(Clone)]
pub struct DbPool {
    pool: r2d2::Pool<Manager>,
    backend: Backend,
    /// SQLite only: the writers of this process take turns here rather than in SQLite's busy handler.
    write_gate: WriteGate,
    /// SQLite only: tells whether anything was committed since a given moment.
    watch: ChangeWatch,
    /// SQLite only: the thread that checkpoints the write-ahead log (the connections do not).
    checkpointer: Option<Arc<Checkpointer>>,
    /// How many connections the pool failed to open (each logged; r2d2 tries again).
    failures: Arc<AtomicU64>,
}

/// A connection checked out of the pool.
pub type PooledConnection = r2d2::PooledConnection<Manager>;

impl DbPool {
    /// The backend of this pool.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs blocking database work on actix's thread pool with a pooled connection.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }

    /// Like [`run`](Self::run), for work that writes: on SQLite it first waits for the process's write
    /// turn (see [`write_turn`](Self::write_turn)), held until the work is done.
    pub async fn run_write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.clone();
        actix_web::web::block(move || {
            let _turn = pool.write_turn();
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }

    /// How many WAL checkpoints the pool's thread ran (SQLite; `None` on PostgreSQL).
    pub fn checkpoints(&self) -> Option<u64> {
        self.checkpointer.as_ref().map(|c| c.count())
    }

    /// How many times the pool failed to open a connection since it was built (it tries again).
    pub fn connection_failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Checks a connection out of the pool (blocking: call from `web::block`).
    pub fn get(&self) -> Result<PooledConnection, r2d2::PoolError> {
        self.pool.get()
    }

    /// Waits for this process's turn to write (SQLite; `None` on PostgreSQL, whose row locks suffice).
    ///
    /// SQLite has one writer at a time, and a writer that finds the database locked polls with sleeps
    /// of up to 100 ms (`busy_timeout`), which makes the slowest writes of a busy server wait far longer
    /// than the writes before them took. Queued on a mutex handed over in arrival order, the writers of
    /// a process wake as soon as the previous one is done; `busy_timeout` still arbitrates with other
    /// processes.
    pub fn write_turn(&self) -> Option<WriteTurn<'_>> {
        self.write_gate.turn()
    }

    /// The gate of [`write_turn`](Self::write_turn), for work that takes its turn only around its
    /// transaction (reading and serialising outside it).
    pub fn write_gate(&self) -> WriteGate {
        self.write_gate.clone()
    }

    /// The database's change counter (SQLite; `None` on PostgreSQL): equal answers mean nothing was
    /// committed in between, by this process or another ([`ChangeWatch`]).
    pub fn data_version(&self) -> Option<i64> {
        self.watch.data_version()
    }
}

/// Where the writers of a SQLite database take turns (a fair mutex); open on PostgreSQL.
#[derive(Clone, Default)]
pub struct WriteGate(Option<Arc<Mutex<()>>>);

impl WriteGate {
    /// Waits for the turn to write (`None`: no turn to take, PostgreSQL).
    pub fn turn(&self) -> Option<WriteTurn<'_>> {
        self.0.as_ref().map(|turn| WriteTurn(Some(turn.lock())))
    }
}

/// This process's turn to write on SQLite, handed to the next waiter in arrival order when dropped.
pub struct WriteTurn<'a>(Option<MutexGuard<'a, ()>>);

impl Drop for WriteTurn<'_> {
    fn drop(&mut self) {
        if let Some(guard) = self.0.take() {
            MutexGuard::unlock_fair(guard);
        }
    }
}

/// Opens the database at `url`, runs pending migrations and returns a pool.
pub fn connect(url: &str) -> Result<DbPool, DbError> {
    let backend = Backend::from_url(url)?;
    let target = match backend {
        Backend::Sqlite => {
            let path = url.trim_start_matches("sqlite://");
            if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(DbError::Directory)?;
            }
            path.to_owned()
        }
        Backend::Postgres => postgres_target(url, std::env::var("PGSSLMODE").ok().as_deref()),
    };
    let watch = match backend {
        Backend::Sqlite => ChangeWatch::sqlite(&target),
        Backend::Postgres => ChangeWatch::default(),
    };
    let manager = Manager {
        backend,
        target: target.clone(),
        opening: Mutex::new(()),
    };
    // SQLite allows one writer at a time; a small pool avoids lock contention, WAL keeps readers going.
    let max_size = match backend {
        Backend::Sqlite => 8,
        Backend::Postgres => 16,
    };
    // No test query at each checkout: it costs a statement (a round trip on PostgreSQL) per request. A
    // connection that broke is dropped after its failing query (`has_broken`), and r2d2 replaces idle
    // connections after `idle_timeout` (10 min) anyway.
    let failures = Arc::new(AtomicU64::new(0));
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .test_on_check_out(false)
        .error_handler(Box::new(ConnectFailures(Arc::clone(&failures))))
        .build(manager)?;
    let mut conn = pool.get()?;
    super::run_pending(&mut conn).map_err(|e| DbError::Migration(e.to_string()))?;
    let write_gate = WriteGate((backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))));
    let checkpointer = match backend {
        Backend::Sqlite => Some(Arc::new(
            Checkpointer::start(&target).map_err(DbError::Checkpoint)?,
        )),
        Backend::Postgres => None,
    };
    Ok(DbPool {
        pool,
        backend,
        write_gate,
        watch,
        checkpointer,
        failures,
    })
}

/// Counts and logs the connections the pool failed to open.
#[derive(Debug)]
struct ConnectFailures(Arc<AtomicU64>);

impl r2d2::HandleError<r2d2::Error> for ConnectFailures {
    fn handle_error(&self, error: r2d2::Error) {
        self.0.fetch_add(1, Ordering::Relaxed);
        tracing::error!(%error, "a database connection failed to open");
    }
}

/// The connection string of the PostgreSQL database at `url`: `url` itself, except that a server on
/// the loopback (`localhost`, `127.0.0.1`, `::1`) is reached without TLS (`sslmode=disable`) unless the
/// URL or `PGSSLMODE` (`env_sslmode`) chooses a mode. Encryption over the loopback hides nothing from
/// anyone able to read it (they are on the host already), and libpq's default (`prefer`: TLS whenever the
/// server offers it) cost a tenth of the CPU of a form write (docs/deploy.md). A remote server keeps
/// libpq's default.
fn postgres_target(url: &str, env_sslmode: Option<&str>) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_owned();
    };
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    let chosen = env_sslmode.is_some() || parsed.query_pairs().any(|(key, _)| key == "sslmode");
    if !loopback || chosen {
        return url.to_owned();
    }
    parsed.query_pairs_mut().append_pair("sslmode", "disable");
    parsed.into()
}

/// Runs `work` in one read-only transaction that sees a single snapshot of the database: every
/// statement of it reads the same committed state. PostgreSQL needs `REPEATABLE READ` for that (its
/// default reads each statement's own snapshot); a SQLite transaction in WAL mode already does.
pub fn read_snapshot<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if let DbConnection::Postgres(pg) = conn {
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        work(conn)
    })
}

/// Builds connections of the configured backend for r2d2.
#[derive(Debug)]
pub struct Manager {
    backend: Backend,
    target: String,
    /// SQLite: connections are set up one at a time. r2d2 opens the pool's connections together, and on
    /// a new file each one switching the journal to WAL found the file locked by another doing the same
    /// (« database is locked », a failed connection at startup).
    opening: Mutex<()>,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Sqlite => {
                let _one_at_a_time = self.opening.lock();
                let mut conn =
                    SqliteConnection::establish(&self.target).map_err(r2d2::Error::ConnectionError)?;
                // WAL: readers never wait for the writer. 16 MiB of page cache per connection and the
                // first 64 MiB of the file read through a memory map (its hot pages: the schema, the
                // upper B-tree levels); the rest comes from the OS's file cache. Both bounds keep the
                // server's resident memory (heap + mapped pages) under 512 MiB whatever the database's
                // size: a 1 GiB map of a national database counted 1.2 GiB of mapped pages in `VmHWM`
                // (docs/imports.md, « Memory »). Checkpoints: mostly in the pool's thread, a writer's
                // own only past 10,000 pages (`db::checkpoint`).
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -16384; PRAGMA mmap_size = 67108864; PRAGMA wal_autocheckpoint = 10000;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres => PgConnection::establish(&self.target)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// Hides the password of a URL before it is shown in an error.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_comes_from_the_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://data/x.sqlite3").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
    }

    #[test]
    fn a_postgres_server_on_the_loopback_is_reached_without_tls_unless_a_mode_is_chosen() {
        let target = |url| postgres_target(url, None);
        assert_eq!(
            target("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
        );
        assert_eq!(
            target("postgres://u:p@localhost/db?application_name=tdb"),
            "postgres://u:p@localhost/db?application_name=tdb&sslmode=disable"
        );
        assert_eq!(
            target("postgresql://u@[::1]:5433/db"),
            "postgresql://u@[::1]:5433/db?sslmode=disable"
        );
        // A remote server, a mode chosen in the URL or in PGSSLMODE: as given.
        assert_eq!(
            target("postgres://u@db.example.fr/db"),
            "postgres://u@db.example.fr/db"
        );
        assert_eq!(target("postgres://u@10.0.0.5/db"), "postgres://u@10.0.0.5/db");
        assert_eq!(
            target("postgres://u@127.0.0.1/db?sslmode=require"),
            "postgres://u@127.0.0.1/db?sslmode=require"
        );
        assert_eq!(
            postgres_target("postgres://u@127.0.0.1/db", Some("verify-full")),
            "postgres://u@127.0.0.1/db"
        );
        assert!(Backend::from_url("data/x.sqlite3").is_err());
        assert!(Backend::from_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn a_new_sqlite_database_opens_every_connection_at_the_first_attempt() {
        // The pool opens its connections all at once: on a new file, each used to switch the journal to
        // WAL and some found the file locked by another doing it (« database is locked » at startup).
        use diesel::RunQueryDsl;
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("new.sqlite3").display());
            let pool = connect(&url).unwrap();
            assert_eq!(pool.connection_failures(), 0, "{url}");
            let mut conn = pool.get().unwrap();
            let mode: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
                "journal_mode FROM pragma_journal_mode",
            ))
            .get_result(&mut *conn)
            .unwrap_or_default();
            assert_eq!(mode, "wal");
        }
    }

    #[test]
    fn passwords_are_redacted_in_errors() {
        let message = Backend::from_url("mysql://alice:hunter2@h/db")
            .err()
            .map(|e| e.to_string());
        let message = message.unwrap_or_default();
        assert!(message.contains("alice:***@h/db"), "{message}");
        assert!(!message.contains("hunter2"));
    }
}
