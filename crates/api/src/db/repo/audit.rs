//! The append-only audit log: entries are inserted, never updated or deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::audit_log;

/// An audit entry to append.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct NewAuditEntry {
    /// When.
    pub at: NaiveDateTime,
    /// Who (email or client id).
    pub actor: String,
    /// `web`, `api`, `import` or `system`.
    pub channel: String,
    /// What happened.
    pub action: String,
    /// Campaign.
    pub campaign_year: Option<i32>,
    /// Structure.
    pub structure_finess: Option<String>,
    /// Item.
    pub item_code: Option<String>,
    /// Value before (JSON).
    pub old_value: Option<String>,
    /// Value after (JSON).
    pub new_value: Option<String>,
    /// Detail (JSON).
    pub detail: Option<String>,
}

impl NewAuditEntry {
    /// An entry about an account or a partner client (no campaign, structure or item): who, through
    /// which channel, what, and the detail (JSON).
    pub fn about_account(
        at: NaiveDateTime,
        actor: &str,
        channel: &str,
        action: &str,
        detail: &serde_json::Value,
    ) -> Self {
        Self {
            at,
            actor: actor.to_owned(),
            channel: channel.to_owned(),
            action: action.to_owned(),
            campaign_year: None,
            structure_finess: None,
            item_code: None,
            old_value: None,
            new_value: None,
            detail: Some(detail.to_string()),
        }
    }
}

/// A stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    /// Sequence.
    pub id: i64,
    /// When.
    pub at: NaiveDateTime,
    /// Who.
    pub actor: String,
    /// Channel.
    pub channel: String,
    /// Action.
    pub action: String,
    /// Item.
    pub item_code: Option<String>,
    /// Value before (JSON).
    pub old_value: Option<String>,
    /// Value after (JSON).
    pub new_value: Option<String>,
    /// Detail (JSON).
    pub detail: Option<String>,
}

/// Rows per multi-row INSERT (10 bound values each, under SQLite's limit of 32 766).
const BATCH: usize = 1000;

/// Appends entries, in order.
pub fn append(conn: &mut DbConnection, entries: &[NewAuditEntry]) -> QueryResult<()> {
    // One row (a form's write of one value, the common case): a single-row INSERT, whose statement
    // PostgreSQL keeps prepared (`None` binds NULL, the columns' default); a batch's text depends on
    // its size, so it is parsed and planned each time.
    if let [row] = entries {
        return crate::on_backend!(conn, c => diesel::insert_into(audit_log::table).values(row).execute(c))
            .map(drop);
    }
    for chunk in entries.chunks(BATCH) {
        crate::on_backend!(conn, c => diesel::insert_into(audit_log::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// One page of the entries of a form (optionally of one item), newest first, with the total count.
pub fn page_of_form(
    conn: &mut DbConnection,
    year: i32,
    finess: &str,
    item: Option<&str>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    let filtered = || {
        let query = audit_log::table
            .filter(audit_log::campaign_year.eq(year))
            .filter(audit_log::structure_finess.eq(finess.to_owned()))
            .into_boxed();
        match item {
            Some(code) => query.filter(audit_log::item_code.eq(code.to_owned())),
            None => query,
        }
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}
