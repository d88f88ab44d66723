//! Finding a form for a caller (campaign, visible structure, in one statement) and taking its write
//! lock.

use chrono::NaiveDateTime;
use tdb_domain::contract::FormState;
use tdb_domain::{Catalogue, catalogue_for};

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::forms::{self, FormFacts, FormRow, FormStamp, StructureContext};
use crate::error::{ApiError, ProblemCode};
use crate::services::if_match::IfMatch;

/// A form the caller may see: campaign, phase and structure.
#[derive(Debug, Clone)]
pub struct Target {
    /// Campaign year N.
    pub year: i32,
    /// Phase of the campaign.
    pub phase: String,
    /// The structure.
    pub structure: StructureContext,
    /// The catalogue of the campaign.
    pub catalogue: &'static Catalogue,
    /// The form's stamp, read with the scope check (before any row of the form).
    pub stamp: FormStamp,
    /// What a write may skip reading, read with the stamp ([`locate_for_write`]; `None` for reads).
    pub facts: Option<FormFacts>,
}

impl Target {
    /// FINESS of the structure.
    pub fn finess(&self) -> &str {
        &self.structure.finess
    }
}

/// The form of `finess` for `year` as `principal` sees it: 404 when the campaign does not exist or
/// the structure is outside the caller's scope (no existence leak). One statement when found.
pub fn locate(
    conn: &mut DbConnection,
    principal: &Principal,
    year: i32,
    finess: &str,
) -> Result<Target, ApiError> {
    let found = forms::stamp(conn, &principal.scope, year, finess)?;
    target(conn, year, finess, found.map(|stamp| (stamp, None)))
}

/// [`locate`] for a write of values: the same statement also reads the form's [`FormFacts`].
pub fn locate_for_write(
    conn: &mut DbConnection,
    principal: &Principal,
    year: i32,
    finess: &str,
) -> Result<Target, ApiError> {
    let found = forms::stamp_for_write(conn, &principal.scope, year, finess)?;
    target(
        conn,
        year,
        finess,
        found.map(|(stamp, facts)| (stamp, Some(facts))),
    )
}

/// The target of a stamp `found` (with its facts), or the 404 telling which of the campaign or the
/// structure is missing.
fn target(
    conn: &mut DbConnection,
    year: i32,
    finess: &str,
    found: Option<(FormStamp, Option<FormFacts>)>,
) -> Result<Target, ApiError> {
    let campaign_not_found = || ApiError::NotFound {
        code: ProblemCode::CampaignNotFound,
        detail: format!("La campagne {year} n'existe pas."),
    };
    let Some((stamp, facts)) = found else {
        if forms::campaign_phase(conn, year)?.is_none() {
            return Err(campaign_not_found());
        }
        return Err(ApiError::NotFound {
            code: ProblemCode::StructureNotFound,
            detail: format!("Aucune structure {finess} n'est accessible."),
        });
    };
    let phase = stamp.phase.clone().ok_or_else(campaign_not_found)?;
    let catalogue = catalogue_for(year)?;
    Ok(Target {
        year,
        phase,
        structure: stamp.structure.clone(),
        catalogue,
        stamp,
        facts,
    })
}

/// Takes the write lock of the form (first statement of the transaction), then checks `if_match`
/// against its version. Returns the row, or `None` when the form has no row yet (version 0). A
/// condition that the version does not meet answers 412.
pub fn lock(
    conn: &mut DbConnection,
    target: &Target,
    if_match: &IfMatch,
) -> Result<Option<FormRow>, ApiError> {
    let row = forms::lock_row(conn, target.year, target.finess())?;
    if_match.check(row.as_ref().map_or(0, |r| r.version))?;
    Ok(row)
}

/// The row of a form that is written for the first time (state `non_commence`, version 0), inserted
/// now; 412 when a concurrent request created it first.
pub fn create(conn: &mut DbConnection, target: &Target, now: NaiveDateTime) -> Result<FormRow, ApiError> {
    let row = FormRow {
        campaign_year: target.year,
        structure_finess: target.finess().to_owned(),
        state: FormState::NonCommence,
        version: 0,
        completion_rate: 0.0,
        filled: 0,
        required: 0,
        can_submit: false,
        alert_count: 0,
        submitted_at: None,
        submitted_by: None,
        ars_validated_at: None,
        ars_validated_by: None,
        cd_validated_at: None,
        cd_validated_by: None,
        updated_at: now,
    };
    if forms::create(conn, &row)? {
        Ok(row)
    } else {
        Err(ApiError::PreconditionFailed)
    }
}

/// The state of a form: `non_commence` before its row exists.
pub fn state_of(row: Option<&FormRow>) -> FormState {
    row.map_or(FormState::NonCommence, |row| row.state)
}

/// Writes `row` as the next version of the form locked at `previous`; 412 if it moved meanwhile.
pub fn save(
    conn: &mut DbConnection,
    row: &mut FormRow,
    previous: i64,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    row.version = previous + 1;
    row.updated_at = now;
    if forms::save(conn, row, previous)? {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed)
    }
}

/// The current time, as stored.
pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
