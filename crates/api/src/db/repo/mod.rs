//! Repositories: every SQL query of tdb, one module per aggregate.

pub mod accounts;
pub mod audit;
pub mod corrections;
pub mod forms;
pub mod health;
pub mod idempotency;
pub mod imports;
pub mod jobs;
pub mod justifications;
pub mod login_attempts;
pub mod reference;
pub mod scope;
pub mod values;
