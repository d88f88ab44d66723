//! Passwords people choose, and the one-time links that let them choose one.
//!
//! * [`check_rules`]: at least 12 characters, and rated 3 or more out of 4 by `zxcvbn` (dictionaries of
//!   common passwords, names, keyboard patterns, and the person's own email).
//! * [`issue_link`]: a random token (256 bits) stored as its SHA-256, single use, 7 days for an
//!   invitation and 1 hour for a reset, with its mail queued in the same transaction (outbox).
//! * [`forgot`], [`link_info`], [`set_with_link`], [`change`]: the self-service flows.

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use tdb_domain::contract::{FieldError, LinkInfo, LinkPurpose};

use crate::auth::{password, refresh};
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::{links, outbox, sessions, users};
use crate::error::{ApiError, ProblemCode};
use crate::services::mail::messages;
use crate::services::values::rfc3339;

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted (argon2 hashes anything, but nobody types more).
pub const MAX_LENGTH: usize = 256;
/// Lowest `zxcvbn` score accepted (0 to 4).
pub const MIN_SCORE: u8 = 3;
/// Lifetime of an invitation link.
pub const INVITATION_DAYS: i64 = 7;
/// Lifetime of a reset link.
pub const RESET_HOURS: i64 = 1;

/// French words and AZERTY keyboard runs that `zxcvbn`'s English dictionaries and QWERTY/Dvorak
/// keyboard graphs miss: counted as guessable like the person's own words.
const FRENCH_GUESSABLE: [&str; 24] = [
    "azerty",
    "azertyuiop",
    "qsdfghjklm",
    "qsdf",
    "wxcvbn",
    "wxcvbnqsdf",
    "aqwzsx",
    "azeqsdwxc",
    "motdepasse",
    "mdp",
    "bonjour",
    "soleil",
    "doudou",
    "chouchou",
    "loulou",
    "marseille",
    "paris",
    "france",
    "ehpad",
    "etablissement",
    "direction",
    "medicosocial",
    "santé",
    "bienvenue",
];

/// Why a password is refused, in French; `None` when it is accepted.
pub fn weakness(candidate: &str, email: &str) -> Option<String> {
    let length = candidate.chars().count();
    if length < MIN_LENGTH {
        return Some(format!(
            "Le mot de passe doit compter au moins {MIN_LENGTH} caractères ({length} saisis)."
        ));
    }
    if length > MAX_LENGTH {
        return Some(format!(
            "Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
        ));
    }
    // The person's own words (the parts of the email: name, organisation, domain) count as guessable.
    let mut own: Vec<&str> = email
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .collect();
    own.extend([email, "tdb", "tableau de bord", "medico-social", "esms"]);
    own.extend(FRENCH_GUESSABLE);
    let estimate = zxcvbn::zxcvbn(candidate, &own);
    (u8::from(estimate.score()) < MIN_SCORE).then(|| {
        "Ce mot de passe est trop courant ou trop facile à deviner : choisissez par exemple une phrase de \
         plusieurs mots sans lien entre eux."
            .to_owned()
    })
}

/// Refuses (422 `weak_password` at `path`) a password that breaks the rules.
pub fn check_rules(candidate: &str, email: &str, path: &str) -> Result<(), ApiError> {
    match weakness(candidate, email) {
        None => Ok(()),
        Some(message) => Err(ApiError::Validation(vec![FieldError {
            path: path.to_owned(),
            code: "weak_password".to_owned(),
            message,
        }])),
    }
}

fn purpose_code(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::Invitation => "invitation",
        LinkPurpose::Reset => "reset",
    }
}

/// Where links point and who the mails come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkBase {
    /// The public origin (`https://tdb.example.fr`).
    pub origin: String,
}

impl LinkBase {
    /// The page that sets a password with `token` (in the fragment: never sent to a server).
    pub fn link(&self, token: &str) -> String {
        format!("{}/definir-mot-de-passe#jeton={token}", self.origin)
    }

    /// The page of the web app at `path` (`/formulaire/2026/590000011`).
    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

/// Issues a link of `purpose` for `email` (cancelling its older links) and queues its mail, in the
/// caller's transaction. Returns the link's expiry and the link itself (for the CLI).
pub fn issue_link(
    conn: &mut DbConnection,
    base: &LinkBase,
    email: &str,
    display_name: &str,
    purpose: LinkPurpose,
    now: NaiveDateTime,
) -> Result<(NaiveDateTime, String), ApiError> {
    let token = refresh::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
    let expires_at = now
        + match purpose {
            LinkPurpose::Invitation => Duration::days(INVITATION_DAYS),
            LinkPurpose::Reset => Duration::hours(RESET_HOURS),
        };
    links::replace(conn, &token.hash, email, purpose_code(purpose), now, expires_at)?;
    let link = base.link(&token.value);
    let mail = match purpose {
        LinkPurpose::Invitation => messages::invitation(display_name, &link, expires_at),
        LinkPurpose::Reset => messages::reset(display_name, &link),
    };
    outbox::enqueue(
        conn,
        &outbox::NewMail {
            created_at: now,
            recipient: email.to_owned(),
            subject: mail.subject,
            text_body: mail.text,
            html_body: mail.html,
            next_attempt_at: now,
        },
    )?;
    Ok((expires_at, link))
}

/// Reset requests per address before each must wait (the same increasing delay as failed logins).
pub const FORGOT_LIMIT: i32 = 3;
/// Reset requests per client IP.
pub const FORGOT_IP_LIMIT: i32 = 20;

/// « Mot de passe oublié »: queues a reset link when an active account has this email; the caller
/// answers the same either way. Every request counts against the address and the client IP (whether
/// the account exists or not), so nobody floods a mailbox.
pub fn forgot(
    conn: &mut DbConnection,
    base: &LinkBase,
    email: &str,
    client_ip: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let email = email.trim().to_lowercase();
    let (address_key, ip_key) = (format!("reset:{email}"), format!("reset-ip:{client_ip}"));
    let keys = [
        (address_key.as_str(), FORGOT_LIMIT),
        (ip_key.as_str(), FORGOT_IP_LIMIT),
    ];
    crate::services::auth::check_limits(conn, &keys)?;
    crate::services::auth::record_failures(conn, &keys)?;
    if email.len() > 254 {
        return Ok(());
    }
    conn.transaction(|conn| {
        let Some(account) = users::find_account(conn, &email)? else {
            return Ok(());
        };
        if !account.active {
            return Ok(());
        }
        // An invited person who lost the invitation gets a new invitation rather than a reset.
        let purpose = if account.has_password {
            LinkPurpose::Reset
        } else {
            LinkPurpose::Invitation
        };
        issue_link(conn, base, &email, &account.display_name, purpose, now)?;
        audit::append(conn, &[entry(&email, &email, "password_reset_requested", now)])?;
        Ok(())
    })
}

fn link_invalid() -> ApiError {
    ApiError::Status {
        status: 410,
        code: ProblemCode::LinkInvalid,
        detail: "Ce lien n'est plus valable (déjà utilisé, remplacé par un plus récent ou expiré). \
                 Demandez un nouveau lien."
            .to_owned(),
    }
}

fn live_link(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> Result<links::LinkRow, ApiError> {
    if token.is_empty() || token.len() > refresh::MAX_TOKEN_LEN {
        return Err(link_invalid());
    }
    match links::find(conn, &refresh::hash(token))? {
        Some(row) if row.used_at.is_none() && row.expires_at > now => Ok(row),
        _ => Err(link_invalid()),
    }
}

/// What a link is for and whose password it sets (410 when it cannot be used).
pub fn link_info(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> Result<LinkInfo, ApiError> {
    let row = live_link(conn, token, now)?;
    Ok(LinkInfo {
        email: row.user_email,
        purpose: if row.purpose == "reset" {
            LinkPurpose::Reset
        } else {
            LinkPurpose::Invitation
        },
        expires_at: rfc3339(row.expires_at),
    })
}

/// Uses a link: checks the password, spends the link (once, even under concurrent uses), sets the
/// password and ends every session of the person (a reset means someone else may have known the old
/// password).
pub fn set_with_link(
    conn: &mut DbConnection,
    token: &str,
    new_password: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let row = live_link(conn, token, now)?;
    check_rules(new_password, &row.user_email, "/password")?;
    let hash = password::hash(new_password).map_err(|e| ApiError::Internal(e.to_string()))?;
    conn.transaction(|conn| {
        if !links::spend(conn, &refresh::hash(token), now)? {
            return Err(link_invalid());
        }
        users::set_password_hash(conn, &row.user_email, &hash)?;
        sessions::revoke_user(conn, &row.user_email, now, "password_set")?;
        let action = if row.purpose == "reset" {
            "password_reset"
        } else {
            "invitation_accepted"
        };
        audit::append(conn, &[entry(&row.user_email, &row.user_email, action, now)])?;
        Ok(())
    })
}

/// Changes the password of `email` (the current one must be right) and ends every other session
/// (`presented`: the refresh cookie of the session making the change, which stays).
pub fn change(
    conn: &mut DbConnection,
    email: &str,
    current: &str,
    new_password: &str,
    presented: Option<&str>,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    let keep_family = match presented.filter(|v| !v.is_empty() && v.len() <= refresh::MAX_TOKEN_LEN) {
        Some(value) => sessions::find_token(conn, &refresh::hash(value))?
            .filter(|row| row.user_email == email)
            .map(|row| row.family_id),
        None => None,
    };
    // A token whose person has no account (deleted since) has no password to match: the same answer
    // as a wrong one.
    let hash = crate::db::repo::accounts::find_user(conn, email)?.map(|account| account.password_hash);
    if !hash.is_some_and(|hash| password::verify(&hash, current)) {
        return Err(ApiError::Validation(vec![FieldError {
            path: "/current_password".to_owned(),
            code: "wrong_password".to_owned(),
            message: "Le mot de passe actuel est incorrect.".to_owned(),
        }]));
    }
    check_rules(new_password, email, "/new_password")?;
    if current == new_password {
        return Err(ApiError::Validation(vec![FieldError {
            path: "/new_password".to_owned(),
            code: "unchanged".to_owned(),
            message: "Le nouveau mot de passe doit différer de l'actuel.".to_owned(),
        }]));
    }
    let hash = password::hash(new_password).map_err(|e| ApiError::Internal(e.to_string()))?;
    conn.transaction(|conn| {
        users::set_password_hash(conn, email, &hash)?;
        let ended =
            sessions::revoke_user_except(conn, email, keep_family.as_deref(), now, "password_changed")?;
        audit::append(conn, &[entry(email, email, "password_changed", now)])?;
        Ok(ended)
    })
}

/// An audit entry about the account `email`, done by `actor` on the web.
pub fn entry(email: &str, actor: &str, action: &str, now: NaiveDateTime) -> NewAuditEntry {
    NewAuditEntry::about_account(
        now,
        actor,
        "web",
        action,
        &serde_json::json!({ "account": email }),
    )
}

#[cfg(test)]
mod tests {
    use super::weakness;

    #[test]
    fn short_common_and_personal_passwords_are_refused() {
        assert!(
            weakness("Tilleuls59!", "direction@tilleuls.fr")
                .unwrap()
                .contains("12")
        );
        assert!(weakness("motdepasse123", "a@b.fr").is_some());
        assert!(weakness("azertyuiopqsdf", "a@b.fr").is_some());
        assert!(weakness("Motdepasse2026!", "a@b.fr").is_some());
        assert!(weakness("direction@tilleuls.fr", "direction@tilleuls.fr").is_some());
        assert!(weakness("tilleuls2026", "direction@tilleuls.fr").is_some());
        assert!(weakness("password1234", "a@b.fr").is_some());
    }

    #[test]
    fn a_phrase_of_unrelated_words_is_accepted() {
        assert_eq!(weakness("cheval agrafe lanterne pivoine", "a@b.fr"), None);
        assert_eq!(weakness("correct horse battery staple", "a@b.fr"), None);
    }
}
