//! Disposable test databases.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use tempfile::TempDir;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test.
pub enum TestDb {
    /// A SQLite file in a temporary directory.
    Sqlite { url: String, _dir: TempDir },
    /// A PostgreSQL schema, dropped at the end.
    Postgres {
        url: String,
        base_url: String,
        schema: String,
    },
}

impl TestDb {
    /// A fresh SQLite database.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("tdb.sqlite3").display());
        Self::Sqlite { url, _dir: dir }
    }

    /// A fresh PostgreSQL schema, or `None` (after saying so) when no server is configured.
    pub fn postgres() -> Option<Self> {
        let Ok(base_url) = std::env::var("TDB_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("TDB_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "TDB_TEST_REQUIRE_POSTGRES=1 but TDB_TEST_POSTGRES_URL is not set"
            );
            eprintln!("SKIPPED on PostgreSQL: TDB_TEST_POSTGRES_URL is not set");
            return None;
        };
        let schema = format!(
            "tdb_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut conn = PgConnection::establish(&base_url).unwrap();
        conn.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
        let separator = if base_url.contains('?') { '&' } else { '?' };
        let url = format!("{base_url}{separator}options=-csearch_path%3D{schema}");
        Some(Self::Postgres {
            url,
            base_url,
            schema,
        })
    }

    /// Another fresh database on the same backend.
    pub fn sibling(&self) -> Self {
        match self {
            Self::Sqlite { .. } => Self::sqlite(),
            Self::Postgres { .. } => Self::postgres().unwrap(),
        }
    }

    /// The URL the server is configured with.
    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// `"sqlite"` or `"postgres"`, as the health endpoint names it.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Self::Postgres { base_url, schema, .. } = self
            && let Ok(mut conn) = PgConnection::establish(base_url)
        {
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}
