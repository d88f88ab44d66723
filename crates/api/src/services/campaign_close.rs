//! Closing the forms of a campaign when it leaves `fiabilisation`.
//!
//! Stand-in until the forms service provides its own `close_forms`: one UPDATE of the states, and one
//! `transition` audit entry per closed form (`{"from": <old state>, "to": "cloture"}`). The caller runs
//! it inside the transaction of the phase change.

use diesel::QueryResult;

use crate::db::DbConnection;
use crate::db::repo::campaigns::{self, AuditEntry};

/// Closes every form of campaign `year` that is not closed yet; returns how many were closed.
pub fn close_forms(conn: &mut DbConnection, year: i32, actor: &str) -> QueryResult<usize> {
    let open = campaigns::open_forms(conn, year)?;
    let at = chrono::Utc::now().naive_utc();
    let closed = campaigns::close_all_forms(conn, year, at)?;
    let entries: Vec<AuditEntry> = open
        .into_iter()
        .map(|(structure, from)| AuditEntry {
            at,
            actor: actor.to_owned(),
            channel: "system".to_owned(),
            action: "transition".to_owned(),
            campaign_year: Some(year),
            structure_finess: Some(structure),
            detail: Some(serde_json::json!({"from": from, "to": "cloture"}).to_string()),
        })
        .collect();
    campaigns::append_audit(conn, &entries)?;
    Ok(closed)
}
