//! Services: one transaction per use case, between the handlers and the repositories.

pub mod campaign_close;
pub mod campaigns;
pub mod progress;
pub mod structures;
