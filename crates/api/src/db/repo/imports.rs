//! Set-based reads and writes of the import engine: the structures, forms and values of a batch of
//! structures in a few statements; multi-row upserts of forms; values and audit entries in multi-row
//! statements on SQLite, through `COPY` on PostgreSQL ([`super::copy`]).

use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::auth::principal::StructureScope;
use crate::db::DbConnection;
use crate::db::repo::audit::NewAuditEntry;
use crate::db::repo::forms::{FormColumns, FormRow, StructureContext};
use crate::db::repo::import_rows::{AuditInsert, ValueInsert};
use crate::db::repo::scope::visible_structures;
use crate::db::repo::values::ValueRow;
use crate::db::schema::{audit_log, form_values, forms, justifications, structures};

/// A form row to insert, borrowed: its key, then [`FormColumns`].
#[derive(Insertable)]
#[diesel(table_name = forms, treat_none_as_default_value = false)]
struct FormInsert<'a> {
    campaign_year: i32,
    structure_finess: &'a str,
    #[diesel(embed)]
    columns: FormColumns<'a>,
}

impl<'a> From<&'a FormRow> for FormInsert<'a> {
    fn from(row: &'a FormRow) -> Self {
        Self {
            campaign_year: row.campaign_year,
            structure_finess: &row.structure_finess,
            columns: FormColumns::from(row),
        }
    }
}

/// Rows per multi-row statement (at most 13 bound values each, under SQLite's limit of 32,766).
const CHUNK_ROWS: usize = 2000;

/// Appends audit entries, in order (see [`append_audit_rows`]).
pub fn append_audit(conn: &mut DbConnection, entries: &[NewAuditEntry]) -> QueryResult<()> {
    let entries: Vec<AuditInsert<'_>> = entries.iter().map(AuditInsert::from).collect();
    append_audit_rows(conn, &entries)
}

/// Appends borrowed audit entries, in order: `COPY` on PostgreSQL, multi-row statements on SQLite.
pub fn append_audit_rows(conn: &mut DbConnection, entries: &[AuditInsert<'_>]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => {
            super::copy::append_audit(c, entries)?;
        }
        DbConnection::Sqlite(c) => {
            for chunk in entries.chunks(CHUNK_ROWS) {
                diesel::insert_into(audit_log::table).values(chunk).execute(c)?;
            }
        }
    }
    Ok(())
}

/// Form rows per multi-row statement (16 bound values each, under SQLite's limit of 32,766).
const FORM_ROWS: usize = 2000;

/// PostgreSQL: plans every statement of this session for its parameters. Without it, a prepared
/// statement cached while the import's tables were small keeps a sequential-scan plan as they grow
/// (the imported values' reads then go quadratic). No-op on SQLite.
pub fn prefer_custom_plans(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => {
            diesel::connection::SimpleConnection::batch_execute(c, "SET plan_cache_mode = force_custom_plan")
        }
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// PostgreSQL: back to the default plan cache mode until the end of the transaction, for its writes.
/// Under [`prefer_custom_plans`], the foreign-key check of every written value (a cached plan of the
/// trigger) was planned again for each row, which made writing a value three times as slow as in a
/// plain `COPY`. No-op on SQLite.
pub fn generic_plans_for_writes(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => {
            diesel::connection::SimpleConnection::batch_execute(c, "SET LOCAL plan_cache_mode TO DEFAULT")
        }
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// The structures among `finess` that `scope` sees.
pub fn visible_among(
    conn: &mut DbConnection,
    scope: &StructureScope,
    finess: &[&str],
) -> QueryResult<Vec<StructureContext>> {
    structures::table
        .filter(structures::finess.eq_any(finess))
        .filter(visible_structures(scope))
        .select((
            structures::finess,
            structures::category,
            structures::competence,
            structures::region_code,
        ))
        .load(conn)
}

/// Takes the write locks of the stored forms of `finess` (a no-op UPDATE, first statement of a write
/// transaction: see [`crate::db::repo::forms::lock`]).
pub fn lock_forms(conn: &mut DbConnection, year: i32, finess: &[&str]) -> QueryResult<usize> {
    diesel::update(
        forms::table
            .filter(forms::campaign_year.eq(year))
            .filter(forms::structure_finess.eq_any(finess)),
    )
    .set(forms::version.eq(forms::version))
    .execute(conn)
}

/// The stored forms of `finess` for `year`.
pub fn forms_of(conn: &mut DbConnection, year: i32, finess: &[&str]) -> QueryResult<Vec<FormRow>> {
    forms::table
        .filter(forms::campaign_year.eq(year))
        .filter(forms::structure_finess.eq_any(finess))
        .select(FormRow::as_select())
        .load(conn)
}

/// Every stored value of the forms of `finess` for `year`.
pub fn values_of(conn: &mut DbConnection, year: i32, finess: &[&str]) -> QueryResult<Vec<ValueRow>> {
    form_values::table
        .filter(form_values::campaign_year.eq(year))
        .filter(form_values::structure_finess.eq_any(finess))
        .select(ValueRow::as_select())
        .load(conn)
}

/// `(finess, item, value JSON)` of the forms of `finess` for `year` (the previous campaign).
pub fn value_json_of(
    conn: &mut DbConnection,
    year: i32,
    finess: &[&str],
) -> QueryResult<Vec<(String, String, String)>> {
    form_values::table
        .filter(form_values::campaign_year.eq(year))
        .filter(form_values::structure_finess.eq_any(finess))
        .select((
            form_values::structure_finess,
            form_values::item_code,
            form_values::value_json,
        ))
        .load(conn)
}

/// The FINESS among `finess` that have a stored form for `year`.
pub fn with_form(conn: &mut DbConnection, year: i32, finess: &[&str]) -> QueryResult<Vec<String>> {
    forms::table
        .filter(forms::campaign_year.eq(year))
        .filter(forms::structure_finess.eq_any(finess))
        .select(forms::structure_finess)
        .load(conn)
}

/// `(finess, control key)` of the justifications of the forms of `finess` for `year`.
pub fn justified_of(
    conn: &mut DbConnection,
    year: i32,
    finess: &[&str],
) -> QueryResult<Vec<(String, String)>> {
    justifications::table
        .filter(justifications::campaign_year.eq(year))
        .filter(justifications::structure_finess.eq_any(finess))
        .select((justifications::structure_finess, justifications::control_key))
        .load(conn)
}

/// Writes the recomputed forms of a batch in multi-row upserts: a new form is inserted, a stored one is
/// rewritten (every column but the key). Each was read under lock and gets version + 1; on PostgreSQL a
/// stored form is rewritten only while its stored version is below the new one, so fewer rows written
/// than `rows` means another writer created or changed one meanwhile. (SQLite holds the database's
/// single write lock from the first statement of the transaction, and its multi-row upserts take no
/// `WHERE` in diesel.) Returns how many were written.
pub fn save_forms(conn: &mut DbConnection, rows: &[FormRow]) -> QueryResult<usize> {
    // The `WHERE` of the upsert (`QueryDsl::filter` is for selects).
    use diesel::query_dsl::methods::FilterDsl as _;
    let mut written = 0;
    for chunk in rows.chunks(FORM_ROWS) {
        let chunk: Vec<FormInsert<'_>> = chunk.iter().map(FormInsert::from).collect();
        let upsert = diesel::insert_into(forms::table)
            .values(&chunk)
            .on_conflict((forms::campaign_year, forms::structure_finess))
            .do_update()
            .set((
                forms::state.eq(excluded(forms::state)),
                forms::version.eq(excluded(forms::version)),
                forms::completion_rate.eq(excluded(forms::completion_rate)),
                forms::filled.eq(excluded(forms::filled)),
                forms::required.eq(excluded(forms::required)),
                forms::can_submit.eq(excluded(forms::can_submit)),
                forms::alert_count.eq(excluded(forms::alert_count)),
                forms::submitted_at.eq(excluded(forms::submitted_at)),
                forms::submitted_by.eq(excluded(forms::submitted_by)),
                forms::ars_validated_at.eq(excluded(forms::ars_validated_at)),
                forms::ars_validated_by.eq(excluded(forms::ars_validated_by)),
                forms::cd_validated_at.eq(excluded(forms::cd_validated_at)),
                forms::cd_validated_by.eq(excluded(forms::cd_validated_by)),
                forms::updated_at.eq(excluded(forms::updated_at)),
            ));
        written += match conn {
            DbConnection::Postgres(c) => upsert
                .filter(forms::version.lt(excluded(forms::version)))
                .execute(c)?,
            DbConnection::Sqlite(c) => upsert.execute(c)?,
        };
    }
    Ok(written)
}

/// Writes value rows under the locks of their forms: `new` rows have no stored row (plain inserts:
/// `COPY` on PostgreSQL, cached multi-row INSERTs on SQLite), `replacing` rows replace a stored one
/// (every column but the key rewritten: `COPY` into a stage and one merge statement on PostgreSQL,
/// cached multi-row upserts on SQLite). A row stored meanwhile by another writer would fail the batch
/// on the primary key, never be overwritten silently.
pub fn write_values<'a>(
    conn: &mut DbConnection,
    new: impl Iterator<Item = &'a ValueRow>,
    replacing: impl Iterator<Item = &'a ValueRow>,
) -> QueryResult<()> {
    let new: Vec<ValueInsert<'_>> = new.map(ValueInsert::from).collect();
    let replacing: Vec<ValueInsert<'_>> = replacing.map(ValueInsert::from).collect();
    let c = match conn {
        DbConnection::Postgres(c) => {
            if !new.is_empty() {
                super::copy::insert_values(c, &new)?;
            }
            return super::copy::upsert_values(c, &replacing);
        }
        DbConnection::Sqlite(c) => c,
    };
    for chunk in new.chunks(CHUNK_ROWS) {
        diesel::insert_into(form_values::table).values(chunk).execute(c)?;
    }
    for chunk in replacing.chunks(CHUNK_ROWS) {
        diesel::insert_into(form_values::table)
            .values(chunk)
            .on_conflict((
                form_values::campaign_year,
                form_values::structure_finess,
                form_values::item_code,
            ))
            .do_update()
            .set((
                form_values::value_json.eq(excluded(form_values::value_json)),
                form_values::source.eq(excluded(form_values::source)),
                form_values::batch_id.eq(excluded(form_values::batch_id)),
                form_values::locked.eq(excluded(form_values::locked)),
                form_values::prefill_value_json.eq(excluded(form_values::prefill_value_json)),
                form_values::prefill_source.eq(excluded(form_values::prefill_source)),
                form_values::override_reason.eq(excluded(form_values::override_reason)),
                form_values::author.eq(excluded(form_values::author)),
                form_values::updated_at.eq(excluded(form_values::updated_at)),
                form_values::version.eq(excluded(form_values::version)),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Inserts value rows in plain multi-row statements (the raw baseline of the import benchmark).
pub fn insert_values(conn: &mut DbConnection, rows: &[ValueRow]) -> QueryResult<()> {
    let rows: Vec<ValueInsert<'_>> = rows.iter().map(ValueInsert::from).collect();
    for chunk in rows.chunks(CHUNK_ROWS) {
        crate::on_backend!(conn, c => diesel::insert_into(form_values::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Inserts value rows with `COPY` (PostgreSQL; the `COPY` baseline of the import benchmark). `None`
/// on SQLite, which has no `COPY`.
pub fn copy_values(conn: &mut DbConnection, rows: &[ValueRow]) -> Option<QueryResult<usize>> {
    match conn {
        DbConnection::Postgres(c) => {
            let rows: Vec<ValueInsert<'_>> = rows.iter().map(ValueInsert::from).collect();
            Some(super::copy::insert_values(c, &rows))
        }
        DbConnection::Sqlite(_) => None,
    }
}
