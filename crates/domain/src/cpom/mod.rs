//! CPOM follow-up (domain.md §9): the pure rules behind the objectives of a contract.
//!
//! * [`aggregate`]: how an indicator is computed over a perimeter of several structures, derived from
//!   its catalogue formula and unit (ratios recomputed from summed raw items, never averaged);
//! * [`status`]: the status of an objective for one year (`atteint`, `en_bonne_voie`, `en_retard`,
//!   `non_mesurable` with its reason) and the gap to the target;
//! * [`calendar`]: contract dates (default end, contract year, scheduled committees, late committees);
//! * [`in_force`]: whether a structure is under a CPOM on a day (fiche, coverage and prefill alike).

pub mod aggregate;
pub mod calendar;
pub mod in_force;
pub mod status;

pub use aggregate::{AggregateError, Aggregation, Linear, aggregation_for};
pub use calendar::{
    CommitteeKind, ScheduledCommittee, committee_is_late, contract_year, default_end, scheduled_committees,
};
pub use in_force::{ContractSpan, Membership, contract_in_force_on, contract_of_structure_on, member_on};
pub use status::{Assessment, ObjectiveStatus, Sense, assess};
