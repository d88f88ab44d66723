//! `GET …/form/history`: the audit entries of a form, newest first.

use std::collections::HashMap;

use tdb_domain::contract::{AuditEntry, Role};

use super::access;
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::accounts;
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
    let mut entries: Vec<AuditEntry> = rows.into_iter().map(entry).collect();
    if principal.role == Role::Partner {
        hide_people(conn, &mut entries)?;
    }
    Ok((entries, total))
}

/// A partner system sees who acted by role (« ARS », « structure »…), never a person's e-mail address.
fn hide_people(conn: &mut DbConnection, entries: &mut [AuditEntry]) -> Result<(), ApiError> {
    let mut actors: Vec<String> = entries.iter().map(|e| e.actor.clone()).collect();
    actors.sort_unstable();
    actors.dedup();
    let roles: HashMap<String, String> = accounts::roles_of(conn, &actors)?.into_iter().collect();
    let clients = accounts::clients_among(conn, &actors)?;
    for entry in entries {
        entry.actor = match roles.get(&entry.actor).and_then(|r| Role::parse(r)) {
            Some(role) => role_label(role).to_owned(),
            None if clients.contains(&entry.actor) => "partenaire".to_owned(),
            None if entry.channel == "system" => "système".to_owned(),
            None if entry.channel == "api" => "partenaire".to_owned(),
            None => "utilisateur".to_owned(),
        };
    }
    Ok(())
}

/// The label shown instead of a person.
fn role_label(role: Role) -> &'static str {
    match role {
        Role::Esms => "structure",
        Role::Og => "organisme gestionnaire",
        Role::Ars => "ARS",
        Role::Cd => "conseil départemental",
        Role::National => "national",
        Role::Partner => "partenaire",
    }
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
