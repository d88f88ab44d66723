//! The forms of the structures: reading with evaluation, validated writes, justifications, workflow
//! (submit, review, reopen, close), correction threads and history.
//!
//! Every use case resolves the form through the caller's scope first (404 outside it), then checks the
//! role (403), then runs one transaction whose first statement takes the form's write lock and checks
//! the expected version (412). Values, audit entries, the version bump and the cached evaluation
//! summary are written together or not at all.

mod access;
mod cache;
mod close;
mod corrections;
mod history;
mod journal;
mod justifications;
mod patch;
mod previous;
pub mod rules;
mod stored;
mod summaries;
mod view;
mod workflow;

pub use cache::{FormBody, FormCache};
pub use close::close_forms;
pub use corrections::post_message;
pub use history::history;
pub use justifications::{JustificationChange, change_justification};
pub use patch::{Patched, patch};
pub use view::Parts;
pub use workflow::{reopen, review, submit};

pub use summaries::{previous_values, refresh_after_freeze};
pub use view::refresh_cache;

use crate::auth::Principal;
use crate::db::repo::forms::{self, FormStamp};
use crate::db::{DbConnection, read_snapshot};
use crate::error::ApiError;

/// `GET …/form`: the form of `finess` for campaign `year` as `principal` may see it (a structure with
/// no stored form reads as `non_commence`, or `cloture` once the campaign is past `fiabilisation`),
/// serialised.
///
/// One statement when `cache` holds the document under the form's current stamp; otherwise the form
/// is read and evaluated in one snapshot, and cached.
pub fn get(
    conn: &mut DbConnection,
    cache: &FormCache,
    principal: &Principal,
    year: i32,
    finess: &str,
) -> Result<FormBody, ApiError> {
    if let Some(stamp) = forms::stamp(conn, &principal.scope, year, finess)?
        && let Some(body) = cache.get(year, &stamp)
    {
        return Ok(body);
    }
    let (stamp, document) = read_snapshot(conn, |conn| {
        let target = access::locate(conn, principal, year, finess)?;
        let row = forms::find(conn, year, finess)?;
        let document = view::document(conn, &target, row.as_ref())?;
        Ok::<_, ApiError>((target.stamp, document))
    })?;
    let body = FormBody::of(&document)?;
    cache.put(year, stamp, body.clone());
    Ok(body)
}

/// The form document of `finess` for campaign `year` as `principal` may see it, read and evaluated
/// in one snapshot (no cache: for the fiche de synthèse).
pub fn document(
    conn: &mut DbConnection,
    principal: &Principal,
    year: i32,
    finess: &str,
) -> Result<tdb_domain::contract::FormDocument, ApiError> {
    read_snapshot(conn, |conn| {
        let target = access::locate(conn, principal, year, finess)?;
        let row = forms::find(conn, year, finess)?;
        view::document(conn, &target, row.as_ref())
    })
}

/// The document of `finess` for campaign `year` with the explanations of its indicators, read and
/// evaluated in one snapshot (not cached: `?explain=true` is for the occasional reader).
pub fn explained(
    conn: &mut DbConnection,
    principal: &Principal,
    year: i32,
    finess: &str,
) -> Result<FormBody, ApiError> {
    let document = read_snapshot(conn, |conn| {
        let target = access::locate(conn, principal, year, finess)?;
        let row = forms::find(conn, year, finess)?;
        view::explained_document(conn, &target, row.as_ref())
    })?;
    FormBody::of(&document)
}

/// Builds and serialises the document a patch answers and caches it, with the form's values, under
/// the form's new stamp.
pub fn publish(cache: &FormCache, year: i32, patched: Patched) -> Result<FormBody, ApiError> {
    let body = FormBody::of(&patched.parts.document())?;
    let values = std::sync::Arc::clone(cache::Unbuilt::values(&patched.parts));
    cache.put_written(year, patched.stamp, body.clone(), values);
    Ok(body)
}

/// Caches the parts of the document a patch answered with its summary, with the form's values, under
/// the form's new stamp: built and serialised by the first read that wants it (see
/// [`FormCache::keep_written`]).
pub fn keep(cache: &FormCache, year: i32, patched: Patched) -> Result<(), ApiError> {
    cache.keep_written(year, patched.stamp, patched.parts)
}

/// The stamp of a form located with `stamp` once it is at `version` (`None`: no row).
fn restamp(stamp: &FormStamp, version: Option<i64>) -> FormStamp {
    FormStamp {
        version,
        ..stamp.clone()
    }
}
