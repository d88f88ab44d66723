//! Batches of fiches: one row per batch, its progress, and the zip once built.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use strum::{EnumString, IntoStaticStr};
use tdb_domain::contract::UnknownCode;

use crate::db::DbConnection;
use crate::db::repo::scope::StructureFilter;
use crate::db::schema::{fiche_batches, structures};

/// State of a batch, as stored and sent (`FicheBatch::state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum BatchState {
    /// Recorded, not started.
    Queued,
    /// Fiches being built.
    Running,
    /// The zip is ready.
    Done,
    /// Stopped by an error.
    Failed,
}

impl BatchState {
    /// The stored code (`running`…).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl TryFrom<String> for BatchState {
    type Error = UnknownCode;

    fn try_from(code: String) -> Result<Self, UnknownCode> {
        code.parse().map_err(|_| UnknownCode {
            kind: "fiche batch state",
            code,
        })
    }
}

impl From<BatchState> for String {
    fn from(state: BatchState) -> String {
        state.as_str().to_owned()
    }
}

/// A stored batch, without its archive.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = fiche_batches)]
pub struct BatchRow {
    /// Id.
    pub id: String,
    /// Campaign.
    pub campaign_year: i32,
    /// Territory.
    pub territory: String,
    /// Who asked for it.
    pub actor: String,
    /// State.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: BatchState,
    /// Fiches to produce.
    pub total: i64,
    /// Fiches produced.
    pub processed: i64,
    /// Error message.
    pub error: Option<String>,
    /// Creation.
    pub created_at: NaiveDateTime,
    /// End.
    pub finished_at: Option<NaiveDateTime>,
}

/// Inserts a batch.
pub fn insert(conn: &mut DbConnection, row: &BatchRow) -> QueryResult<()> {
    diesel::insert_into(fiche_batches::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// The batch `id` started by `actor`.
pub fn find(conn: &mut DbConnection, id: &str, actor: &str) -> QueryResult<Option<BatchRow>> {
    fiche_batches::table
        .filter(fiche_batches::id.eq(id))
        .filter(fiche_batches::actor.eq(actor))
        .select(BatchRow::as_select())
        .first(conn)
        .optional()
}

/// The zip (base64) of the batch `id` started by `actor`, once built.
pub fn archive(conn: &mut DbConnection, id: &str, actor: &str) -> QueryResult<Option<String>> {
    fiche_batches::table
        .filter(fiche_batches::id.eq(id))
        .filter(fiche_batches::actor.eq(actor))
        .select(fiche_batches::archive_base64)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Unfinished (queued or running) batches created after `since`: `(of actor, of everyone)`.
pub fn unfinished(conn: &mut DbConnection, actor: &str, since: NaiveDateTime) -> QueryResult<(i64, i64)> {
    let open = || {
        fiche_batches::table
            .filter(fiche_batches::finished_at.is_null())
            .filter(fiche_batches::created_at.gt(since))
            .into_boxed()
    };
    let all = open().count().get_result(conn)?;
    let mine = open()
        .filter(fiche_batches::actor.eq(actor))
        .count()
        .get_result(conn)?;
    Ok((mine, all))
}

/// Deletes the batches (and their zips) finished before `before`, or created before it and never
/// finished (their process died).
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        fiche_batches::table.filter(
            fiche_batches::finished_at
                .lt(before)
                .or(fiche_batches::finished_at
                    .is_null()
                    .and(fiche_batches::created_at.lt(before))),
        ),
    )
    .execute(conn)
}

/// Records progress.
pub fn progress(conn: &mut DbConnection, id: &str, state: BatchState, processed: i64) -> QueryResult<()> {
    diesel::update(fiche_batches::table.find(id))
        .set((
            fiche_batches::state.eq(state.as_str()),
            fiche_batches::processed.eq(processed),
        ))
        .execute(conn)
        .map(drop)
}

/// Records the end: the archive when done, the error when failed.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    state: BatchState,
    archive_base64: Option<String>,
    error: Option<String>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(fiche_batches::table.find(id))
        .set((
            fiche_batches::state.eq(state.as_str()),
            fiche_batches::archive_base64.eq(archive_base64),
            fiche_batches::error.eq(error),
            fiche_batches::finished_at.eq(Some(at)),
        ))
        .execute(conn)
        .map(drop)
}

/// FINESS of the structures visible under `visible` in a department or a region, by FINESS.
pub fn structures_in(
    conn: &mut DbConnection,
    visible: StructureFilter,
    department: Option<&str>,
    region: Option<&str>,
) -> QueryResult<Vec<String>> {
    let mut query = structures::table
        .filter(visible)
        .select(structures::finess)
        .order(structures::finess)
        .into_boxed();
    if let Some(department) = department {
        query = query.filter(structures::department_code.eq(department.to_owned()));
    }
    if let Some(region) = region {
        query = query.filter(structures::region_code.eq(region.to_owned()));
    }
    query.load(conn)
}

#[cfg(test)]
mod tests {
    use super::BatchState;

    #[test]
    fn states_are_stored_in_snake_case_and_unknown_codes_are_errors() {
        for state in [
            BatchState::Queued,
            BatchState::Running,
            BatchState::Done,
            BatchState::Failed,
        ] {
            assert_eq!(BatchState::try_from(String::from(state)), Ok(state));
        }
        assert_eq!(BatchState::Done.as_str(), "done");
        assert!(BatchState::try_from("interrupted".to_owned()).is_err());
    }
}
