//! Notification mails of the workflow and the campaigns, queued in the mail outbox in the transaction
//! of the change they tell (like its event): a rolled-back change queues nothing.
//!
//! Essential mails (a correction requested, a reopened form: the structure must act) go to every
//! person concerned; the others (a submission for the authorities, a validation, a phase opening, the
//! collecte reminders of [`reminders`]) skip the people who turned them off ([`preferences`]).
//! docs/events.md lists who receives what.

pub mod preferences;
pub mod reminders;

use chrono::NaiveDateTime;
use tdb_domain::contract::{Authority, CampaignPhase};

use crate::db::DbConnection;
use crate::db::repo::notifications::{self, Reach, Recipient, StructureInfo};
use crate::db::repo::outbox::{self, NewMail};
use crate::error::ApiError;
use crate::services::mail::messages::{self, Message};
use crate::services::passwords::LinkBase;

/// A change of a form's workflow state, as the mails tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormChange<'a> {
    /// The structure submitted: the reviewing authorities are told (non-essential).
    Submitted,
    /// An authority asked corrections on `items` items (essential).
    CorrectionRequested {
        /// Items to correct.
        items: usize,
        /// The authority's comment.
        comment: Option<&'a str>,
    },
    /// An authority validated; `awaiting` is the other authority still expected (non-essential).
    Validated {
        /// Who validated.
        by: Authority,
        /// Who must still validate.
        awaiting: Option<Authority>,
    },
    /// An authority reopened the form, with its reason (essential).
    Reopened {
        /// Why.
        comment: &'a str,
    },
}

/// The form page of a structure in the web app.
pub fn form_link(base: &LinkBase, year: i32, finess: &str) -> String {
    base.page(&format!("/formulaire/{year}/{finess}"))
}

/// Queues the mails of a workflow change of the form of `finess` for `year`, in the caller's
/// transaction.
pub fn form_changed(
    conn: &mut DbConnection,
    base: &LinkBase,
    (year, finess): (i32, &str),
    change: FormChange<'_>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let Some(structure) = notifications::structure(conn, finess)? else {
        return Ok(());
    };
    let link = form_link(base, year, finess);
    let about = (year, structure.name.as_str(), finess);
    let (recipients, mail) = match change {
        FormChange::Submitted => (reviewers(conn, &structure)?, messages::submitted(about, &link)),
        FormChange::CorrectionRequested { items, comment } => (
            notifications::structure_people(conn, &structure, Reach::Everyone)?,
            messages::correction_requested(about, items, comment, &link),
        ),
        FormChange::Validated { by, awaiting } => (
            notifications::structure_people(conn, &structure, Reach::NotOptedOut)?,
            messages::validated(about, subject_of(by), awaiting.map(of_authority), &link),
        ),
        FormChange::Reopened { comment } => (
            notifications::structure_people(conn, &structure, Reach::Everyone)?,
            messages::reopened(about, comment, &link),
        ),
    };
    queue(conn, &recipients, &mail, now)
}

/// The officers of the authorities that validate the structure (its competence: ARS, CD or both).
fn reviewers(conn: &mut DbConnection, structure: &StructureInfo) -> Result<Vec<Recipient>, ApiError> {
    let required = crate::services::forms::rules::required_authorities(&structure.competence);
    let wanted = (
        required.contains(&Authority::Ars),
        required.contains(&Authority::Cd),
    );
    Ok(notifications::authorities(
        conn,
        structure,
        wanted,
        Reach::NotOptedOut,
    )?)
}

/// « l'ARS », « le conseil départemental ».
fn subject_of(authority: Authority) -> &'static str {
    match authority {
        Authority::Ars => "l'ARS",
        Authority::Cd => "le conseil départemental",
    }
}

/// « de l'ARS », « du conseil départemental ».
fn of_authority(authority: Authority) -> &'static str {
    match authority {
        Authority::Ars => "de l'ARS",
        Authority::Cd => "du conseil départemental",
    }
}

/// Queues the mail telling every structure's people that `phase` of campaign `year` opened (none for
/// the archiving), in the caller's transaction; `ends_on` is the end date of the phase
/// (`YYYY-MM-DD`) when known.
pub fn phase_opened(
    conn: &mut DbConnection,
    base: &LinkBase,
    (year, phase): (i32, CampaignPhase),
    ends_on: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let (name, what) = match phase {
        CampaignPhase::Preparation | CampaignPhase::Archivee => return Ok(()),
        CampaignPhase::Collecte => (
            "collecte",
            "Vous pouvez saisir les données de vos structures et soumettre leurs formulaires.",
        ),
        CampaignPhase::Fiabilisation => (
            "fiabilisation",
            "Les autorités de contrôle vérifient et valident les formulaires ; répondez à leurs \
             demandes de correction.",
        ),
        CampaignPhase::Restitution => (
            "restitution",
            "Les résultats de la campagne sont publiés : consultez la restitution de vos structures.",
        ),
    };
    let ends_on = ends_on.map(french_date);
    let mail = messages::phase_opened(year, name, what, ends_on.as_deref(), &base.page("/"));
    let recipients = notifications::every_structure_people(conn, Reach::NotOptedOut)?;
    queue(conn, &recipients, &mail, now)
}

/// « 30/06/2026 » from `2026-06-30` (the text itself when it is not a date).
pub fn french_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map_or_else(|_| iso.to_owned(), |d| d.format("%d/%m/%Y").to_string())
}

/// Queues `mail` once for each recipient.
fn queue(
    conn: &mut DbConnection,
    recipients: &[Recipient],
    mail: &Message,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let mails: Vec<NewMail> = recipients
        .iter()
        .map(|r| NewMail {
            created_at: now,
            recipient: r.email.clone(),
            subject: mail.subject.clone(),
            text_body: mail.text.clone(),
            html_body: mail.html.clone(),
            next_attempt_at: now,
        })
        .collect();
    Ok(outbox::enqueue_all(conn, &mails)?)
}
