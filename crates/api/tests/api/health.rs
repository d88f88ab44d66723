//! `GET /api/v1/health`.

use actix_web::test;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{TestDb, app, state};

async fn reports_ok_with_backend_and_version(db: TestDb) {
    let app = app(state(&db)).await;
    let response =
        test::call_service(&app, test::TestRequest::get().uri("/api/v1/health").to_request()).await;
    assert_eq!(response.status(), 200);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(
        body,
        json!({"status": "ok", "database": db.backend_name(), "version": env!("CARGO_PKG_VERSION")})
    );
}

on_both_backends!(reports_ok_with_backend_and_version);

/// The bundled SQLite is built as `.cargo/config.toml` asks (`LIBSQLITE3_FLAGS`): no global allocation
/// statistics, no page cache shared by every connection — two process-wide mutexes that made the
/// concurrent reads of `tdb serve` wake each other (the national form GET went from about 5,500 to
/// 11,000 requests/s in `scripts/bench-api.sh`) —, and with the query planner stability guarantee on,
/// so that a statement with a bound `LIMIT ?` is not prepared again at each execution (a form's stamp
/// has eight).
#[actix_web::test]
async fn sqlite_is_built_without_its_global_mutexes_nor_plans_on_bound_values() {
    use diesel::sql_types::Text;
    use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = Text)]
        compile_options: String,
    }
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
        .load::<CompileOption>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|o| o.compile_options)
        .collect();
    assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{options:?}"
    );
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
}

/// SQLite: the pooled connections checkpoint at commit only past 10,000 pages of log (a writer pays for
/// it rarely, and the log stays bounded); the pool's own thread checkpoints, and keeps doing so.
#[actix_web::test]
async fn sqlite_checkpoints_run_in_a_thread_of_their_own() {
    use diesel::sql_types::Integer;
    use diesel::{QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct AutoCheckpoint {
        #[diesel(sql_type = Integer)]
        wal_autocheckpoint: i32,
    }
    let db = TestDb::sqlite();
    let pool = tdb_api::db::connect(db.url()).unwrap();
    let setting = diesel::sql_query("PRAGMA wal_autocheckpoint")
        .get_result::<AutoCheckpoint>(&mut pool.get().unwrap())
        .unwrap();
    assert_eq!(setting.wal_autocheckpoint, 10_000);
    let started = pool.checkpoints().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pool.checkpoints().unwrap() < started + 2 {
        assert!(std::time::Instant::now() < deadline, "no checkpoint in 10 s");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
