//! Repositories: every SQL query of tdb, one module per aggregate.

pub mod accounts;
pub mod health;
pub mod login_attempts;
pub mod reference;
pub mod scope;
