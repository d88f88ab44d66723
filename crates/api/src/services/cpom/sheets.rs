//! A contract's action sheets: adding and deleting one (replacing one is in `updates`).

use diesel::Connection;
use serde_json::json;
use tdb_domain::contract::{ActionSheet, ActionSheetCreate};

use super::access::check_editable;
use super::{journal, load_visible, validate};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom as repo;
use crate::error::ApiError;

/// Adds an action sheet.
pub fn add_action_sheet(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    input: &ActionSheetCreate,
) -> Result<ActionSheet, ApiError> {
    conn.transaction(|conn| {
        let (row, _, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        validate::action_sheet(input)?;
        let sheet = repo::insert_action_sheet(conn, id, input)?;
        repo::touch(conn, id)?;
        journal(
            conn,
            principal,
            "action_sheet_created",
            id,
            json!({"action_sheet_id": sheet, "input": input}),
        )?;
        Ok(ActionSheet {
            id: sheet,
            theme: input.theme,
            theme_label: input
                .theme_label
                .clone()
                .unwrap_or_else(|| input.theme.label().to_owned()),
            title: input.title.clone(),
            actions: input.actions.clone(),
            owner: input.owner.clone(),
            deadline: input.deadline.clone(),
            objectives: Vec::new(),
        })
    })
}

/// Deletes an action sheet and its objectives.
pub fn delete_action_sheet(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    sheet: i64,
) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let (row, _, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        if repo::delete_action_sheet(conn, id, sheet)? == 0 {
            return Err(ApiError::not_found(format!(
                "Le contrat n'a pas de fiche action {sheet}."
            )));
        }
        repo::touch(conn, id)?;
        journal(
            conn,
            principal,
            "action_sheet_deleted",
            id,
            json!({"action_sheet_id": sheet}),
        )
    })
}
