//! `GET` / `PUT /me/notifications`: whether the signed-in person receives the non-essential mails.

use chrono::NaiveDateTime;
use tdb_domain::contract::{NotificationPreferences, Role};

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::notifications;
use crate::error::ApiError;

/// People receive mails; partner clients have no address (403).
fn person(principal: &Principal) -> Result<(), ApiError> {
    principal.require_role(
        &[Role::Esms, Role::Og, Role::Ars, Role::Cd, Role::National],
        "choisir ses notifications",
    )
}

/// The preferences of the signed-in person.
pub fn read(conn: &mut DbConnection, principal: &Principal) -> Result<NotificationPreferences, ApiError> {
    person(principal)?;
    Ok(NotificationPreferences {
        non_essential_mails: !notifications::opted_out(conn, &principal.subject)?,
    })
}

/// Sets the preferences of the signed-in person (audited `notification_preferences`).
pub fn write(
    conn: &mut DbConnection,
    principal: &Principal,
    wanted: NotificationPreferences,
    now: NaiveDateTime,
) -> Result<NotificationPreferences, ApiError> {
    person(principal)?;
    diesel::Connection::transaction(conn, |conn| {
        notifications::set_opted_out(conn, &principal.subject, !wanted.non_essential_mails, now)?;
        audit::append(
            conn,
            &[NewAuditEntry::about_account(
                now,
                &principal.subject,
                principal.channel(),
                "notification_preferences",
                &serde_json::json!({"non_essential_mails": wanted.non_essential_mails}),
            )],
        )?;
        Ok(wanted)
    })
}
