//! PostgreSQL `COPY … FROM STDIN` for the bulk writes of imports (diesel's `copy_from`, binary format):
//! new value rows and audit entries go straight into their tables; value rows that replace stored ones
//! go into a session-local staging table, then into `form_values` in one
//! `INSERT … SELECT … ON CONFLICT DO UPDATE`. SQLite has no
//! `COPY`: its multi-row statements are in [`super::imports`], which calls these on PostgreSQL.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;

use super::import_rows::{AuditInsert, ValueInsert, import_values_stage};
use crate::db::schema::{audit_log, form_values};

/// Creates the staging table of this session if needed (no index: it is read once, in full).
const STAGE: &str = "CREATE TEMPORARY TABLE IF NOT EXISTS import_values_stage \
                     (LIKE form_values) ON COMMIT DELETE ROWS";

/// Moves the staged rows into `form_values` (every column but the key rewritten on conflict), then
/// empties the stage for the next call of the same transaction.
const MERGE: &str = "INSERT INTO form_values (campaign_year, structure_finess, item_code, value_json, \
                     source, batch_id, locked, prefill_value_json, prefill_source, override_reason, author, \
                     updated_at, version) \
                     SELECT campaign_year, structure_finess, item_code, value_json, source, batch_id, locked, \
                     prefill_value_json, prefill_source, override_reason, author, updated_at, version \
                     FROM import_values_stage \
                     ON CONFLICT (campaign_year, structure_finess, item_code) DO UPDATE SET \
                     value_json = excluded.value_json, source = excluded.source, \
                     batch_id = excluded.batch_id, locked = excluded.locked, \
                     prefill_value_json = excluded.prefill_value_json, \
                     prefill_source = excluded.prefill_source, override_reason = excluded.override_reason, \
                     author = excluded.author, updated_at = excluded.updated_at, version = excluded.version; \
                     TRUNCATE import_values_stage";

/// Inserts or rewrites value rows: `COPY` into the stage, then one merge statement. Runs in a
/// transaction (a savepoint inside the caller's), since the stage empties at each commit.
pub(crate) fn upsert_values(conn: &mut PgConnection, rows: &[ValueInsert<'_>]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    conn.transaction(|conn| {
        conn.batch_execute(STAGE)?;
        diesel::copy_from(import_values_stage::table)
            .from_insertable(rows)
            .execute(conn)?;
        conn.batch_execute(MERGE)
    })
}

/// Inserts value rows with one plain `COPY` (new values of an import; the `COPY` baseline of the import
/// benchmark).
pub(crate) fn insert_values(conn: &mut PgConnection, rows: &[ValueInsert<'_>]) -> QueryResult<usize> {
    diesel::copy_from(form_values::table)
        .from_insertable(rows)
        .execute(conn)
}

/// Appends audit entries with one `COPY` (ids from the sequence, in order).
pub(crate) fn append_audit(conn: &mut PgConnection, entries: &[AuditInsert<'_>]) -> QueryResult<usize> {
    if entries.is_empty() {
        return Ok(0);
    }
    diesel::copy_from(audit_log::table)
        .from_insertable(entries)
        .execute(conn)
}
