//! Whether a structure is under a CPOM on a day: the one rule behind the fiche de synthèse (« CPOM en
//! cours, échéance … »), the coverage page (« EHPAD sans CPOM au-delà de l'échéance légale ») and the
//! prefill of the form's CPOM items, so they cannot contradict one another.
//!
//! A contract is **in force on day D** when its state says it has run (`en_cours` or `echu`, or
//! `resilie` with a termination after D: `en_negociation` and `signe` never are) and D falls between
//! its start and end dates, both included. A structure is **under CPOM on D** when it is a member of
//! the perimeter of a contract in force on D (joined on or before D, not left on or before D). When
//! several contracts qualify, the one starting last is *the* contract of the structure on D. Dates
//! are ISO `YYYY-MM-DD` strings, compared as text.

use crate::contract::ContractState;

/// The dates and state of a contract, as the rule needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractSpan<'a> {
    /// State.
    pub state: ContractState,
    /// First day.
    pub start_date: &'a str,
    /// Last day.
    pub end_date: &'a str,
    /// Termination day of a `resilie` contract.
    pub terminated_on: Option<&'a str>,
}

/// One membership of a structure in a contract's perimeter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership<'a> {
    /// Day the structure joined.
    pub joined_on: &'a str,
    /// Day it left (no longer a member from that day on).
    pub left_on: Option<&'a str>,
}

/// Whether the contract is in force on `day`.
pub fn contract_in_force_on(contract: &ContractSpan<'_>, day: &str) -> bool {
    let running = match contract.state {
        ContractState::EnCours | ContractState::Echu => true,
        ContractState::Resilie => contract.terminated_on.is_some_and(|t| t > day),
        ContractState::EnNegociation | ContractState::Signe => false,
    };
    running && contract.start_date <= day && day <= contract.end_date
}

/// Whether the membership covers `day`.
pub fn member_on(membership: &Membership<'_>, day: &str) -> bool {
    membership.joined_on <= day && membership.left_on.is_none_or(|left| left > day)
}

/// The contract a structure is under on `day`, among `contracts` (each with the structure's own
/// memberships in its perimeter): the index of the one starting last among those in force on `day`
/// whose perimeter holds the structure that day, or `None` (not under CPOM).
pub fn contract_of_structure_on<'a>(
    contracts: impl IntoIterator<Item = (ContractSpan<'a>, &'a [Membership<'a>])>,
    day: &str,
) -> Option<usize> {
    let mut best: Option<(usize, &str)> = None;
    for (i, (contract, memberships)) in contracts.into_iter().enumerate() {
        if contract_in_force_on(&contract, day)
            && memberships.iter().any(|m| member_on(m, day))
            && best.is_none_or(|(_, start)| start < contract.start_date)
        {
            best = Some((i, contract.start_date));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(state: ContractState, start: &'static str, end: &'static str) -> ContractSpan<'static> {
        ContractSpan {
            state,
            start_date: start,
            end_date: end,
            terminated_on: None,
        }
    }

    #[test]
    fn a_contract_is_in_force_between_its_dates_when_it_has_run() {
        let running = span(ContractState::EnCours, "2022-01-01", "2026-12-31");
        assert!(contract_in_force_on(&running, "2022-01-01"));
        assert!(contract_in_force_on(&running, "2026-12-31"));
        assert!(!contract_in_force_on(&running, "2021-12-31"));
        // Past its end date, even before anyone records the end.
        assert!(!contract_in_force_on(&running, "2027-01-01"));
        // Signed or negotiated contracts do not bind yet.
        for state in [ContractState::Signe, ContractState::EnNegociation] {
            assert!(!contract_in_force_on(
                &span(state, "2022-01-01", "2026-12-31"),
                "2024-06-01"
            ));
        }
        // An ended contract was in force during its term.
        assert!(contract_in_force_on(
            &span(ContractState::Echu, "2017-01-01", "2021-12-31"),
            "2021-12-31"
        ));
        // A terminated one until its termination.
        let terminated = ContractSpan {
            terminated_on: Some("2024-03-01"),
            ..span(ContractState::Resilie, "2022-01-01", "2026-12-31")
        };
        assert!(contract_in_force_on(&terminated, "2024-02-29"));
        assert!(!contract_in_force_on(&terminated, "2024-03-01"));
    }

    #[test]
    fn the_structure_is_under_the_latest_contract_in_force_of_which_it_is_a_member() {
        let old = [Membership {
            joined_on: "2017-01-01",
            left_on: None,
        }];
        let left = [Membership {
            joined_on: "2022-01-01",
            left_on: Some("2024-01-01"),
        }];
        let contracts = [
            (span(ContractState::Echu, "2017-01-01", "2021-12-31"), &old[..]),
            (
                span(ContractState::EnCours, "2022-01-01", "2026-12-31"),
                &left[..],
            ),
            (span(ContractState::EnCours, "2023-01-01", "2027-12-31"), &old[..]),
        ];
        assert_eq!(contract_of_structure_on(contracts, "2020-06-30"), Some(0));
        assert_eq!(contract_of_structure_on(contracts, "2022-06-30"), Some(1));
        assert_eq!(contract_of_structure_on(contracts, "2023-06-30"), Some(2));
        assert_eq!(
            contract_of_structure_on(contracts[..2].iter().copied(), "2024-06-30"),
            None
        );
        assert_eq!(contract_of_structure_on(contracts, "2028-01-01"), None);
    }
}
