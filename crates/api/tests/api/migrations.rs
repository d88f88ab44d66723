//! Both migration sets give the same tables and columns, and load the reference territories.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use tdb_api::db::DbConnection;

use crate::on_both_backends;
use crate::support::{TestDb, state};

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = BigInt)]
    nullable: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// (table, column, type family, nullable) of every application table.
type Shape = BTreeSet<(String, String, &'static str, bool)>;

fn type_family(declared: &str) -> &'static str {
    let declared = declared.to_ascii_lowercase();
    match declared.as_str() {
        "text" | "character varying" | "varchar" => "text",
        // SQLite has one 64-bit integer storage class (`INTEGER PRIMARY KEY` is the rowid).
        "integer" | "int" | "int4" | "bigint" | "int8" => "integer",
        "double precision" | "double" | "real" | "float8" => "double",
        "boolean" | "bool" => "boolean",
        t if t.starts_with("timestamp") => "timestamp",
        "date" => "date",
        "blob" | "bytea" => "binary",
        _ => "unknown",
    }
}

fn shape(conn: &mut DbConnection) -> Shape {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             CAST(CASE WHEN p.\"notnull\" = 0 AND p.pk = 0 THEN 1 ELSE 0 END AS BIGINT) AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"
        }
        DbConnection::Postgres(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
             CAST(CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS BIGINT) AS nullable \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations'"
        }
    };
    let rows: Vec<ColumnRow> = diesel::sql_query(sql).load(conn).unwrap();
    rows.into_iter()
        .map(|r| {
            (
                r.table_name,
                r.column_name,
                type_family(&r.data_type),
                r.nullable == 1,
            )
        })
        .collect()
}

#[test]
fn both_migration_sets_give_the_same_tables_and_columns() {
    let sqlite_db = TestDb::sqlite();
    let sqlite_shape = shape(&mut state(&sqlite_db).pool.get().unwrap());
    assert!(
        sqlite_shape.iter().all(|(_, _, family, _)| *family != "unknown"),
        "{sqlite_shape:?}"
    );
    assert!(sqlite_shape.contains(&("departments".into(), "region_code".into(), "text", false)));
    let Some(pg_db) = TestDb::postgres() else { return };
    let pg_shape = shape(&mut state(&pg_db).pool.get().unwrap());
    let only_sqlite: Vec<_> = sqlite_shape.difference(&pg_shape).collect();
    let only_pg: Vec<_> = pg_shape.difference(&sqlite_shape).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "migrations differ:\n  only in sqlite: {only_sqlite:?}\n  only in postgres: {only_pg:?}"
    );
}

#[test]
fn migration_directories_have_the_same_names() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let names = |dir: &str| -> BTreeSet<String> {
        std::fs::read_dir(format!("{root}{dir}"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let [sqlite, postgres] = tdb_api::db::MIGRATION_DIRS;
    assert!(!names(sqlite).is_empty());
    assert_eq!(names(sqlite), names(postgres));
}

async fn loads_18_regions_and_101_departments(db: TestDb) {
    let mut conn = state(&db).pool.get().unwrap();
    let count =
        |conn: &mut DbConnection, sql: &str| diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n;
    assert_eq!(
        count(&mut conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM regions"),
        18
    );
    assert_eq!(
        count(&mut conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM departments"),
        101
    );
    let orphans = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM departments d \
                   LEFT JOIN regions r ON r.code = d.region_code WHERE r.code IS NULL";
    assert_eq!(count(&mut conn, orphans), 0);
    let hdf = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM departments WHERE region_code = '32'";
    assert_eq!(count(&mut conn, hdf), 5, "Hauts-de-France has 5 departments");
}

async fn migrating_twice_is_harmless(db: TestDb) {
    drop(state(&db));
    let again = state(&db);
    assert_eq!(
        again.pool.backend(),
        tdb_api::db::Backend::from_url(db.url()).unwrap()
    );
}

on_both_backends!(loads_18_regions_and_101_departments, migrating_twice_is_harmless);
