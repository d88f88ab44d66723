//! Who sees a contract and what they may do with it.

use tdb_domain::contract::ContractState;

use crate::auth::principal::StructureScope;
use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::repo::cpom::{self as repo, ContractRow};
use crate::error::{ApiError, ProblemCode};

/// The caller's relation to a visible contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A signing authority in competence (ARS of the region, CD of the department).
    Authority,
    /// The managing body.
    Organisation,
    /// A structure of the perimeter.
    Structure,
    /// `national`: reads everything.
    Reader,
}

impl Access {
    /// The caller's relation to `contract` (whose perimeter ever held `members`), if it is visible.
    pub fn of(principal: &Principal, contract: &ContractRow, members: &[String]) -> Option<Self> {
        match (&principal.role, &principal.scope) {
            (Role::National, _) => Some(Self::Reader),
            (Role::Ars, StructureScope::ArsRegion(region)) => {
                (contract.signatory_ars && &contract.region_code == region).then_some(Self::Authority)
            }
            (Role::Cd, StructureScope::CdDepartment(department)) => (contract.signatory_cd
                && contract.department_code.as_ref() == Some(department))
            .then_some(Self::Authority),
            (Role::Og, StructureScope::Organisation(organisation)) => {
                (&contract.organisation_finess == organisation).then_some(Self::Organisation)
            }
            (Role::Esms, StructureScope::Structures(own)) => {
                members.iter().any(|m| own.contains(m)).then_some(Self::Structure)
            }
            _ => None,
        }
    }

    /// Refuses (403) unless the caller is a signing authority.
    pub fn require_authority(self, action: &str) -> Result<(), ApiError> {
        if self == Self::Authority {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "Seule une autorité signataire du contrat peut {action}."
            )))
        }
    }
}

/// The contract `id` with the FINESS of its perimeter (ever) and the caller's access; 404 when it
/// does not exist or is not visible.
pub fn load_visible(
    conn: &mut DbConnection,
    principal: &Principal,
    id: i64,
) -> Result<(ContractRow, Vec<String>, Access), ApiError> {
    let missing = || ApiError::not_found(format!("Aucun CPOM visible n'a l'identifiant {id}."));
    let contract = repo::find(conn, id)?.ok_or_else(missing)?;
    let members: Vec<String> = repo::perimeter(conn, id)?.into_iter().map(|m| m.finess).collect();
    let access = Access::of(principal, &contract, &members).ok_or_else(missing)?;
    Ok((contract, members, access))
}

/// Who may edit the action sheets and objectives: the authority unless the contract is closed, the
/// managing body while it is negotiated.
pub(super) fn check_editable(access: Access, row: &ContractRow) -> Result<(), ApiError> {
    let state = row.state;
    match access {
        Access::Authority if !matches!(state, ContractState::Echu | ContractState::Resilie) => Ok(()),
        Access::Organisation if state == ContractState::EnNegociation => Ok(()),
        Access::Authority | Access::Organisation => Err(ApiError::Conflict {
            code: ProblemCode::ContractNotEditable,
            detail: format!(
                "Le contrat est « {} » : ses fiches actions ne se modifient plus ici.",
                state.code()
            ),
        }),
        _ => Err(ApiError::Forbidden(
            "Votre rôle ne permet pas de modifier les fiches actions de ce contrat.".to_owned(),
        )),
    }
}
