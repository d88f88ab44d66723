//! A contract's objectives: adding and deleting one (replacing one is in `updates`), and the values
//! reported for free objectives.

use diesel::Connection;
use serde_json::json;
use tdb_domain::contract::{Objective, ObjectiveCreate, ObjectiveValueInput};

use super::access::check_editable;
use super::wire::{objective_wire, year_of};
use super::{Access, field, journal, load_visible, now, validate, validation};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom as repo;
use crate::error::ApiError;

/// Adds an objective; its baseline is filled from the dashboard when not given.
pub fn add_objective(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    input: &ObjectiveCreate,
) -> Result<Objective, ApiError> {
    conn.transaction(|conn| {
        let (row, members, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        let mut objective = validate::objective(conn, &row, &members, input)?;
        validate::fill_baseline(conn, &row, &mut objective)?;
        objective.id = repo::insert_objective(conn, &objective)?;
        repo::touch(conn, id)?;
        journal(
            conn,
            principal,
            "objective_created",
            id,
            json!({"objective_id": objective.id, "input": input}),
        )?;
        objective_wire(&objective)
    })
}

/// Deletes an objective.
pub fn delete_objective(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
    objective: i64,
) -> Result<(), ApiError> {
    conn.transaction(|conn| {
        let (row, _, access) = load_visible(conn, principal, id)?;
        check_editable(access, &row)?;
        if repo::delete_objective(conn, id, objective)? == 0 {
            return Err(ApiError::not_found(format!(
                "Le contrat n'a pas d'objectif {objective}."
            )));
        }
        repo::touch(conn, id)?;
        journal(
            conn,
            principal,
            "objective_deleted",
            id,
            json!({"objective_id": objective}),
        )
    })
}

/// Records the value of a free objective for a year (managing body or authority).
pub fn put_value(
    conn: &mut DbConnection,
    principal: &Principal,
    objective: i64,
    year: i32,
    input: &ObjectiveValueInput,
) -> Result<Objective, ApiError> {
    conn.transaction(|conn| {
        let missing =
            || ApiError::not_found(format!("Aucun objectif visible n'a l'identifiant {objective}."));
        let row = repo::objective(conn, objective)?.ok_or_else(missing)?;
        let (contract, _, access) = load_visible(conn, principal, row.contract_id).map_err(|_| missing())?;
        if !matches!(access, Access::Authority | Access::Organisation) {
            return Err(ApiError::Forbidden(
                "Seuls l'organisme gestionnaire et les autorités signataires renseignent les objectifs."
                    .to_owned(),
            ));
        }
        let mut errors = Vec::new();
        if row.indicator_code.is_some() {
            errors.push(field(
                "/value",
                "computed_objective",
                "Cet objectif suit un indicateur du tableau de bord : sa valeur vient des formulaires.",
            ));
        }
        let (start, end) = (year_of(&contract.start_date)?, year_of(&contract.end_date)?);
        if year < start - 1 || year > end {
            errors.push(field(
                "/year",
                "outside_contract",
                format!("L'année est comprise entre {} et {end}.", start - 1),
            ));
        }
        if !input.value.is_finite() {
            errors.push(field("/value", "invalid_number", "Valeur numérique attendue."));
        }
        validation(errors)?;
        repo::put_value(
            conn,
            objective,
            year,
            input.value,
            input.comment.as_deref(),
            &principal.subject,
            now(),
        )?;
        journal(
            conn,
            principal,
            "objective_value",
            row.contract_id,
            json!({"objective_id": objective, "year": year, "value": input.value}),
        )?;
        objective_wire(&row)
    })
}
