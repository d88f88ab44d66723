//! Repositories: every SQL query of tdb, one module per aggregate.

pub mod health;
pub mod reference;
pub mod scope;
