//! Campaigns: reads, creation, versioned phase changes, and the closing of a campaign's forms.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{audit_log, campaigns, forms};

/// A stored campaign.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    /// Year N.
    pub year: i32,
    /// Catalogue version.
    pub catalogue_version: String,
    /// Phase code.
    pub phase: String,
    /// Opening of the collection.
    pub collecte_opens_on: Option<String>,
    /// End of the collection.
    pub collecte_closes_on: Option<String>,
    /// End of the review.
    pub fiabilisation_closes_on: Option<String>,
    /// Publication.
    pub restitution_opens_on: Option<String>,
    /// Version.
    pub version: i64,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// One row of the audit log, as inserted.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct AuditEntry {
    /// When.
    pub at: NaiveDateTime,
    /// Who.
    pub actor: String,
    /// `web`, `api`, `import` or `system`.
    pub channel: String,
    /// What.
    pub action: String,
    /// Campaign.
    pub campaign_year: Option<i32>,
    /// Structure.
    pub structure_finess: Option<String>,
    /// Detail (JSON).
    pub detail: Option<String>,
}

/// Rows per multi-row INSERT of audit entries (7 bound values each).
const AUDIT_BATCH: usize = 500;

/// Every campaign, by year, with the total count.
pub fn list(conn: &mut DbConnection, offset: i64, limit: i64) -> QueryResult<(Vec<CampaignRow>, i64)> {
    let total = campaigns::table.count().get_result(conn)?;
    let rows = campaigns::table
        .select(CampaignRow::as_select())
        .order(campaigns::year)
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// The last campaign before `year` whose phase publishes frozen figures (`restitution`, `archivee`).
pub fn last_published_before(conn: &mut DbConnection, year: i32) -> QueryResult<Option<i32>> {
    campaigns::table
        .filter(campaigns::year.lt(year))
        .filter(campaigns::phase.eq_any(["restitution", "archivee"]))
        .order(campaigns::year.desc())
        .select(campaigns::year)
        .first(conn)
        .optional()
}

/// The years of the campaigns after `year`, oldest first.
pub fn years_after(conn: &mut DbConnection, year: i32) -> QueryResult<Vec<i32>> {
    campaigns::table
        .filter(campaigns::year.gt(year))
        .order(campaigns::year)
        .select(campaigns::year)
        .load(conn)
}

/// The campaign of `year`.
pub fn find(conn: &mut DbConnection, year: i32) -> QueryResult<Option<CampaignRow>> {
    campaigns::table
        .find(year)
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a campaign.
pub fn insert(conn: &mut DbConnection, row: &CampaignRow) -> QueryResult<()> {
    diesel::insert_into(campaigns::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Stores the new phase and dates if the stored version is `row.version - 1`; false when stale.
pub fn update_phase(conn: &mut DbConnection, row: &CampaignRow) -> QueryResult<bool> {
    let changed = diesel::update(
        campaigns::table
            .filter(campaigns::year.eq(row.year))
            .filter(campaigns::version.eq(row.version - 1)),
    )
    .set((
        campaigns::phase.eq(row.phase.clone()),
        campaigns::collecte_opens_on.eq(row.collecte_opens_on.clone()),
        campaigns::collecte_closes_on.eq(row.collecte_closes_on.clone()),
        campaigns::fiabilisation_closes_on.eq(row.fiabilisation_closes_on.clone()),
        campaigns::restitution_opens_on.eq(row.restitution_opens_on.clone()),
        campaigns::version.eq(row.version),
        campaigns::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Appends entries to the audit log, in multi-row INSERTs.
pub fn append_audit(conn: &mut DbConnection, entries: &[AuditEntry]) -> QueryResult<()> {
    for batch in entries.chunks(AUDIT_BATCH) {
        crate::on_backend!(&mut *conn, c => diesel::insert_into(audit_log::table).values(batch).execute(c))?;
    }
    Ok(())
}

/// Forms of campaign `year` not yet closed: `(structure, state)`, by structure.
pub fn open_forms(conn: &mut DbConnection, year: i32) -> QueryResult<Vec<(String, String)>> {
    forms::table
        .filter(forms::campaign_year.eq(year))
        .filter(forms::state.ne("cloture"))
        .select((forms::structure_finess, forms::state))
        .order(forms::structure_finess)
        .load(conn)
}

/// Moves every form of campaign `year` that is not closed to `cloture` (new version, `at`).
pub fn close_all_forms(conn: &mut DbConnection, year: i32, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        forms::table
            .filter(forms::campaign_year.eq(year))
            .filter(forms::state.ne("cloture")),
    )
    .set((
        forms::state.eq("cloture"),
        forms::version.eq(forms::version + 1),
        forms::updated_at.eq(at),
    ))
    .execute(conn)
}
