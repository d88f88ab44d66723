//! Repositories: every SQL query of tdb, one module per aggregate.

pub mod accounts;
pub mod audit;
pub mod campaigns;
pub mod copy;
pub mod corrections;
pub mod cpom;
pub mod exports;
pub mod fiche_batches;
pub mod forms;
pub mod health;
pub mod idempotency;
pub mod import_rows;
pub mod imports;
pub mod jobs;
pub mod justifications;
pub mod login_attempts;
pub mod organisations;
pub mod peers;
pub mod progress;
pub mod reference;
pub mod scope;
pub mod sessions;
pub mod stored;
pub mod structures;
pub mod users;
pub mod values;
