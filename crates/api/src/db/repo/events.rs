//! The event log of the change feed: appended by the services inside the transaction of the change
//! they describe (so a rolled-back change leaves no event), read by the feed in `(tx, id)` order.
//!
//! **The cursor never skips an event.** A sequence hands out ids in the order transactions *ask*, not
//! in the order they *commit*: on PostgreSQL a reader may see id 105 while 104 is still uncommitted.
//! Each row therefore records its writing transaction (`tx`, `pg_current_xact_id()` by default) and
//! the feed (a) returns only rows with `tx` below the reader's snapshot xmin — every transaction below
//! it has finished, so no row with such a `tx` can appear later — and (b) orders and pages by
//! `(tx, id)`, not by id alone (a transaction with a smaller `tx` may have taken a larger id). The set
//! of rows below any watermark is final and the watermark only grows, so a cursor `(tx, id)` has seen
//! every row before it for good. On SQLite one writer at a time assigns ids in commit order; `tx` is 0.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::auth::principal::StructureScope;
use crate::db::DbConnection;
use crate::db::repo::scope::visible_structures;
use crate::db::schema::{events, structures};

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct NewEvent {
    /// Stable type (`form.values_changed`…).
    pub event_type: String,
    /// Campaign.
    pub campaign_year: Option<i32>,
    /// Structure (`None`: campaign-wide).
    pub structure_finess: Option<String>,
    /// Who (email, client id or `system`).
    pub actor: String,
    /// The actor's role, or `system`.
    pub actor_role: String,
    /// When.
    pub at: NaiveDateTime,
    /// Payload (a JSON object, serialised).
    pub payload: String,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    /// Sequence.
    pub id: i64,
    /// Writing transaction (PostgreSQL) or 0 (SQLite).
    pub tx: i64,
    /// Type.
    pub event_type: String,
    /// Campaign.
    pub campaign_year: Option<i32>,
    /// Structure.
    pub structure_finess: Option<String>,
    /// Who.
    pub actor: String,
    /// The actor's role.
    pub actor_role: String,
    /// When.
    pub at: NaiveDateTime,
    /// Payload (JSON).
    pub payload: String,
}

/// Rows per multi-row INSERT (7 bound values each, under SQLite's limit of 32 766).
const BATCH: usize = 1000;

/// Appends events, in order, in the caller's transaction.
pub fn append(conn: &mut DbConnection, new: &[NewEvent]) -> QueryResult<()> {
    // One row (a form's write of one value, the common case): a single-row INSERT, whose statement
    // PostgreSQL keeps prepared (`None` binds NULL, the columns' default); a batch's text depends on
    // its size, so it is parsed and planned each time.
    if let [row] = new {
        return crate::on_backend!(conn, c => diesel::insert_into(events::table).values(row).execute(c))
            .map(drop);
    }
    for chunk in new.chunks(BATCH) {
        crate::on_backend!(conn, c => diesel::insert_into(events::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// A position in the feed: the `(tx, id)` of the last event read (`(0, 0)`: the start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// Writing transaction.
    pub tx: i64,
    /// Sequence.
    pub id: i64,
}

/// Up to `limit` events after `after`, in feed order, of the `types` given (all when empty), about a
/// structure `scope` may see or about no structure (campaign-wide). PostgreSQL: only events of
/// transactions below the snapshot's xmin (see the module); run it in one snapshot
/// ([`crate::db::read_snapshot`]) so the watermark and the rows read agree.
pub fn after(
    conn: &mut DbConnection,
    scope: &StructureScope,
    after: Position,
    types: &[String],
    limit: i64,
) -> QueryResult<Vec<EventRow>> {
    let mut query = events::table
        // `(tx, id) > (after.tx, after.id)`, with `tx >= after.tx` first so the index is a range scan.
        .filter(events::tx.ge(after.tx))
        .filter(
            events::tx
                .gt(after.tx)
                .or(events::tx.eq(after.tx).and(events::id.gt(after.id))),
        )
        .into_boxed();
    if let DbConnection::Postgres(_) = conn {
        query = query.filter(events::tx.lt(sql::<BigInt>(
            "((pg_snapshot_xmin(pg_current_snapshot())::text)::bigint)",
        )));
    }
    if !types.is_empty() {
        query = query.filter(events::event_type.eq_any(types.to_vec()));
    }
    match scope {
        StructureScope::All => {}
        scope => {
            // The FINESS of the caller's scope first (at most a region's few thousand), then the events:
            // a correlated subquery cannot take the boxed scope filter on the run-time backend.
            let visible: Vec<String> = structures::table
                .filter(visible_structures(scope))
                .select(structures::finess)
                .load(conn)?;
            query = query.filter(
                events::structure_finess
                    .is_null()
                    .or(events::structure_finess.eq_any(visible)),
            );
        }
    }
    query
        .order((events::tx, events::id))
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)
}

/// The position of the last event of the feed (below the watermark on PostgreSQL; run it in one
/// snapshot): a new follower starting there receives every event committed from now on.
pub fn head(conn: &mut DbConnection) -> QueryResult<Position> {
    let mut query = events::table.into_boxed();
    if let DbConnection::Postgres(_) = conn {
        query = query.filter(events::tx.lt(sql::<BigInt>(
            "((pg_snapshot_xmin(pg_current_snapshot())::text)::bigint)",
        )));
    }
    let last: Option<(i64, i64)> = query
        .order((events::tx.desc(), events::id.desc()))
        .select((events::tx, events::id))
        .first(conn)
        .optional()?;
    Ok(last.map_or_else(Position::default, |(tx, id)| Position { tx, id }))
}
