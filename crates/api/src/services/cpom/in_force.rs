//! « Is this structure under a CPOM on day D? », answered from the recorded contracts by the domain's
//! one rule ([`tdb_domain::cpom::in_force`]) for every caller: the fiche de synthèse (today), the
//! coverage page (today) and the prefill of the form's CPOM items (31/12 of the campaign).

use tdb_domain::cpom::{ContractSpan, Membership, contract_of_structure_on};

use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow, PerimeterRow};
use crate::error::ApiError;

fn span(row: &ContractRow) -> ContractSpan<'_> {
    ContractSpan {
        state: row.state,
        start_date: &row.start_date,
        end_date: &row.end_date,
        terminated_on: row.terminated_on.as_deref(),
    }
}

fn membership(member: &PerimeterRow) -> [Membership<'_>; 1] {
    [Membership {
        joined_on: &member.joined_on,
        left_on: member.left_on.as_deref(),
    }]
}

/// The contract a structure is under on `day` (`YYYY-MM-DD`), among its `memberships` (each contract
/// whose perimeter holds or held the structure, with one membership of the structure in it): the one
/// starting last among those in force that day, or `None`.
pub fn contract_on<'a>(
    memberships: impl IntoIterator<Item = (&'a ContractRow, &'a PerimeterRow)>,
    day: &str,
) -> Option<&'a ContractRow> {
    let pairs: Vec<(&ContractRow, &PerimeterRow)> = memberships.into_iter().collect();
    let members: Vec<[Membership<'_>; 1]> = pairs.iter().map(|(_, m)| membership(m)).collect();
    let index = contract_of_structure_on(
        pairs
            .iter()
            .zip(&members)
            .map(|((row, _), member)| (span(row), &member[..])),
        day,
    )?;
    Some(pairs[index].0)
}

/// The contract `finess` is under on `day`, read from the database.
pub fn under_cpom_on(
    conn: &mut DbConnection,
    finess: &str,
    day: &str,
) -> Result<Option<ContractRow>, ApiError> {
    let memberships = repo::memberships(conn, finess)?;
    Ok(contract_on(memberships.iter().map(|(row, member)| (row, member)), day).cloned())
}

/// Today (UTC) as `YYYY-MM-DD`: the day the fiche and the coverage page ask about.
pub fn today() -> String {
    super::today().format("%Y-%m-%d").to_string()
}
