//! Reading contracts: the list the caller sees, and one contract with all its parts.

use tdb_domain::contract::{Amendment, Contract, ContractDetail};

use super::wire::{committee_wire, perimeter_entry, sheet_wire, to_wire};
use super::{Access, load_visible, prefill};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow};
use crate::error::ApiError;

/// The contracts the caller sees, newest first.
pub fn list(conn: &mut DbConnection, principal: &Principal) -> Result<Vec<Contract>, ApiError> {
    let mut out = Vec::new();
    for row in repo::all(conn)? {
        let members: Vec<String> = repo::perimeter(conn, row.id)?
            .into_iter()
            .map(|m| m.finess)
            .collect();
        if Access::of(principal, &row, &members).is_some() {
            out.push(to_wire(conn, &row)?);
        }
    }
    Ok(out)
}

/// A contract with all its parts.
pub fn detail(conn: &mut DbConnection, principal: &Principal, id: i64) -> Result<ContractDetail, ApiError> {
    let (row, _, _) = load_visible(conn, principal, id)?;
    assemble(conn, &row)
}

/// The parts of a contract.
pub fn assemble(conn: &mut DbConnection, row: &ContractRow) -> Result<ContractDetail, ApiError> {
    let contract = to_wire(conn, row)?;
    let perimeter = repo::perimeter(conn, row.id)?
        .into_iter()
        .map(perimeter_entry)
        .collect();
    let amendments = repo::amendments(conn, row.id)?
        .into_iter()
        .map(|a| Amendment {
            id: a.id,
            signed_on: a.signed_on,
            object: a.object,
            created_by: a.created_by,
        })
        .collect();
    let objectives = repo::objectives(conn, row.id)?;
    let action_sheets = repo::action_sheets(conn, row.id)?
        .into_iter()
        .map(|sheet| sheet_wire(sheet, &objectives))
        .collect::<Result<_, ApiError>>()?;
    let committees = repo::committees(conn, row.id)?
        .into_iter()
        .map(committee_wire)
        .collect();
    let members: Vec<String> = repo::perimeter(conn, row.id)?
        .into_iter()
        .map(|m| m.finess)
        .collect();
    let alerts = prefill::mismatches(conn, &members)?;
    Ok(ContractDetail {
        contract,
        perimeter,
        amendments,
        action_sheets,
        committees,
        alerts,
    })
}
