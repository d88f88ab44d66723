//! Contract calendar: the year of a contract and its scheduled follow-up committees (§9: year 3,
//! mid-term review; year 5, final review). Dates are handled by the caller; here only years.

use serde::{Deserialize, Serialize};

/// Kind of a follow-up committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommitteeKind {
    /// Year 3: trajectory of the objectives.
    MiParcours,
    /// Year 5: final review, preparation of the next contract.
    BilanFinal,
    /// Any other meeting (e.g. a year-4 dialogue).
    Supplementaire,
}

impl CommitteeKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::MiParcours => "mi_parcours",
            Self::BilanFinal => "bilan_final",
            Self::Supplementaire => "supplementaire",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "mi_parcours" => Some(Self::MiParcours),
            "bilan_final" => Some(Self::BilanFinal),
            "supplementaire" => Some(Self::Supplementaire),
            _ => None,
        }
    }
}

/// A committee planned at signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledCommittee {
    /// Kind.
    pub kind: CommitteeKind,
    /// Year of the contract (1 = the start year).
    pub contract_year: i32,
    /// Calendar year.
    pub year: i32,
}

/// Year `year` of a contract starting in `start_year` (1 for the start year).
pub fn contract_year(start_year: i32, year: i32) -> i32 {
    year - start_year + 1
}

/// The end year of a contract of 5 years starting in `start_year`, when none is stated.
pub fn default_end(start_year: i32) -> i32 {
    start_year + 4
}

/// The committees scheduled at signature: year 3 and year 5 of the contract.
pub fn scheduled_committees(start_year: i32) -> [ScheduledCommittee; 2] {
    [
        ScheduledCommittee {
            kind: CommitteeKind::MiParcours,
            contract_year: 3,
            year: start_year + 2,
        },
        ScheduledCommittee {
            kind: CommitteeKind::BilanFinal,
            contract_year: 5,
            year: start_year + 4,
        },
    ]
}

/// Whether a committee is late on `today`: planned before that day and not recorded as held.
/// (A committee planned today is not late yet.) Dates are ISO `YYYY-MM-DD`.
pub fn committee_is_late(scheduled_on: &str, held_on: Option<&str>, today: &str) -> bool {
    held_on.is_none() && scheduled_on < today
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committees_fall_in_years_three_and_five() {
        let [mid, last] = scheduled_committees(2024);
        assert_eq!(
            (mid.kind, mid.year, contract_year(2024, mid.year)),
            (CommitteeKind::MiParcours, 2026, 3)
        );
        assert_eq!(
            (last.kind, last.year, contract_year(2024, last.year)),
            (CommitteeKind::BilanFinal, 2028, 5)
        );
        assert_eq!(default_end(2024), 2028);
    }

    #[test]
    fn a_committee_due_and_never_recorded_is_late() {
        // Due months ago, never recorded.
        assert!(committee_is_late("2026-06-15", None, "2026-12-04"));
        assert!(committee_is_late("2026-12-03", None, "2026-12-04"));
        // Held (even late), or not due yet: not late.
        assert!(!committee_is_late("2026-06-15", Some("2026-07-01"), "2026-12-04"));
        assert!(!committee_is_late("2026-12-04", None, "2026-12-04"));
        assert!(!committee_is_late("2027-06-15", None, "2026-12-04"));
    }
}
