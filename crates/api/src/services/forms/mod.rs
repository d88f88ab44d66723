//! The forms of the structures: reading with evaluation, validated writes, justifications, workflow
//! (submit, review, reopen, close), correction threads and history.
//!
//! Every use case resolves the form through the caller's scope first (404 outside it), then checks the
//! role (403), then runs one transaction whose first statement takes the form's write lock and checks
//! the expected version (412). Values, audit entries, the version bump and the cached evaluation
//! summary are written together or not at all.

mod access;
mod close;
mod corrections;
mod history;
mod journal;
mod justifications;
mod patch;
pub mod rules;
mod view;
mod workflow;

pub use close::close_forms;
pub use corrections::post_message;
pub use history::history;
pub use justifications::{JustificationChange, change_justification};
pub use patch::patch;
pub use workflow::{reopen, review, submit};

pub use access::Target;
pub use access::rfc3339;
pub use patch::SAISIE;
pub use view::{parse_json, refresh_cache};

use tdb_domain::contract::FormDocument;

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::ApiError;

/// `GET …/form`: the form of `finess` for campaign `year` as `principal` may see it (a structure with
/// no stored form reads as `non_commence`, or `cloture` once the campaign is past `fiabilisation`).
pub fn get(
    conn: &mut DbConnection,
    principal: &Principal,
    year: i32,
    finess: &str,
) -> Result<FormDocument, ApiError> {
    let target = access::locate(conn, principal, year, finess)?;
    let row = crate::db::repo::forms::find(conn, year, finess)?;
    view::document(conn, &target, row.as_ref())
}
