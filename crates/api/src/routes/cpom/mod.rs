//! `/api/v1/cpom`: CPOM contracts, their perimeter, amendments, action sheets, objectives, follow-up,
//! committees and coverage (docs/cpom.md). Rights: see [`crate::services::cpom`].
//!
//! One module per resource; this one only registers their handlers.

pub mod action_sheets;
pub mod amendments;
pub mod committees;
pub mod contracts;
pub mod coverage;
pub mod follow_up;
pub mod objectives;
mod version;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the CPOM routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(contracts::list_contracts)
        .service(contracts::create_contract)
        .service(coverage::coverage_report)
        .service(contracts::get_contract)
        .service(contracts::update_contract)
        .service(contracts::transition_contract)
        .service(amendments::create_amendment)
        .service(action_sheets::create_action_sheet)
        .service(action_sheets::update_action_sheet)
        .service(action_sheets::delete_action_sheet)
        .service(objectives::create_objective)
        .service(objectives::update_objective)
        .service(objectives::delete_objective)
        .service(follow_up::put_objective_value)
        .service(follow_up::get_follow_up)
        .service(committees::create_committee)
        .service(committees::get_committee_report)
        .service(committees::get_committee_report_pdf)
        .service(committees::record_committee);
}
