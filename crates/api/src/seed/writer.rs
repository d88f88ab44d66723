//! Bulk writes of generated rows on the concrete backend: multi-row INSERTs in batches (`on_backend!`),
//! and PostgreSQL's binary `COPY` for the two big tables (forms and values).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::repo::organisations::OrganisationRow;
use crate::db::repo::structures::StructureRow;
use crate::db::schema::{form_values, forms, organisations, structures};

/// Rows per INSERT statement: at most 16 bound values per row, so at most 8,000 values per statement
/// (under SQLite's 32,766 and PostgreSQL's 65,535).
const BATCH: usize = 500;

/// A form row to insert.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = forms, treat_none_as_default_value = false)]
pub struct FormRow {
    /// Campaign.
    pub campaign_year: i32,
    /// Structure.
    pub structure_finess: String,
    /// Workflow state.
    pub state: String,
    /// Version.
    pub version: i64,
    /// Cached completion rate.
    pub completion_rate: f64,
    /// Cached filled count.
    pub filled: i32,
    /// Cached required count.
    pub required: i32,
    /// Cached submission readiness.
    pub can_submit: bool,
    /// Cached number of failing controls.
    pub alert_count: i32,
    /// Submission time.
    pub submitted_at: Option<NaiveDateTime>,
    /// Who submitted.
    pub submitted_by: Option<String>,
    /// ARS validation time.
    pub ars_validated_at: Option<NaiveDateTime>,
    /// Who validated for the ARS.
    pub ars_validated_by: Option<String>,
    /// CD validation time.
    pub cd_validated_at: Option<NaiveDateTime>,
    /// Who validated for the CD.
    pub cd_validated_by: Option<String>,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// A value row to insert.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = form_values, treat_none_as_default_value = false)]
pub struct ValueRow {
    /// Campaign.
    pub campaign_year: i32,
    /// Structure.
    pub structure_finess: String,
    /// Item.
    pub item_code: String,
    /// Value as JSON.
    pub value_json: String,
    /// `saisie` or the prefill source.
    pub source: String,
    /// Batch.
    pub batch_id: Option<String>,
    /// Locked (pushed by a locking source).
    pub locked: bool,
    /// Pushed value.
    pub prefill_value_json: Option<String>,
    /// Source of the pushed value.
    pub prefill_source: Option<String>,
    /// Override reason.
    pub override_reason: Option<String>,
    /// Author.
    pub author: String,
    /// When.
    pub updated_at: NaiveDateTime,
    /// Version.
    pub version: i64,
}

/// Inserts managing bodies.
pub fn organisations(conn: &mut DbConnection, rows: &[OrganisationRow]) -> QueryResult<()> {
    for batch in rows.chunks(BATCH) {
        crate::on_backend!(&mut *conn, c => diesel::insert_into(organisations::table).values(batch).execute(c))?;
    }
    Ok(())
}

/// Inserts structures.
pub fn structures(conn: &mut DbConnection, rows: &[StructureRow]) -> QueryResult<()> {
    for batch in rows.chunks(BATCH) {
        crate::on_backend!(&mut *conn, c => diesel::insert_into(structures::table).values(batch).execute(c))?;
    }
    Ok(())
}

/// Inserts forms.
pub fn forms(conn: &mut DbConnection, rows: &[FormRow]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => diesel::copy_from(forms::table)
            .from_insertable(rows)
            .execute(c)
            .map(drop),
        DbConnection::Sqlite(c) => rows.chunks(BATCH).try_for_each(|batch| {
            diesel::insert_into(forms::table)
                .values(batch)
                .execute(c)
                .map(drop)
        }),
    }
}

/// Inserts values.
pub fn values(conn: &mut DbConnection, rows: &[ValueRow]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => diesel::copy_from(form_values::table)
            .from_insertable(rows)
            .execute(c)
            .map(drop),
        DbConnection::Sqlite(c) => rows.chunks(BATCH).try_for_each(|batch| {
            diesel::insert_into(form_values::table)
                .values(batch)
                .execute(c)
                .map(drop)
        }),
    }
}
