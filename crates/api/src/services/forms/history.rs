//! `GET …/form/history`: the audit entries of a form, newest first.

use tdb_domain::contract::AuditEntry;

use super::access;
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::audit::{self, AuditRow};
use crate::error::ApiError;
use crate::services::values::{parse_json, rfc3339};

/// One page of the audit entries of a form (of one item when `item` is given), with the total count.
pub fn history(
    conn: &mut DbConnection,
    principal: &Principal,
    (year, finess): (i32, &str),
    item: Option<&str>,
    (offset, limit): (i64, i64),
) -> Result<(Vec<AuditEntry>, i64), ApiError> {
    access::locate(conn, principal, year, finess)?;
    let (rows, total) = audit::page_of_form(conn, year, finess, item, offset, limit)?;
    Ok((rows.into_iter().map(entry).collect(), total))
}

fn entry(row: AuditRow) -> AuditEntry {
    AuditEntry {
        id: row.id,
        at: rfc3339(row.at),
        actor: row.actor,
        channel: row.channel,
        action: row.action,
        item: row.item_code,
        old_value: row.old_value.as_deref().map(parse_json),
        new_value: row.new_value.as_deref().map(parse_json),
        detail: row.detail.as_deref().map(parse_json),
    }
}
