//! Repositories: every SQL query of tdb, one module per aggregate.

pub mod audit;
pub mod corrections;
pub mod forms;
pub mod health;
pub mod justifications;
pub mod reference;
pub mod scope;
pub mod values;
