//! Repositories: every SQL query of tdb, one module per aggregate.

pub mod campaigns;
pub mod health;
pub mod organisations;
pub mod progress;
pub mod reference;
pub mod scope;
pub mod structures;
pub mod users;
