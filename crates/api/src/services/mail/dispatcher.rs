//! Sends the mail outbox: claims due mails by lease, sends each through the transport, marks it sent
//! or schedules a retry with exponential backoff.
//!
//! Any number of dispatchers (one per replica of `tdb serve`) share the outbox: a claim is a lease
//! written in the database, so each mail is handed to one dispatcher at a time, and the mail of a
//! dispatcher that died is taken up when its lease ends. A mail is sent at least once; a second send can
//! only follow a crash between the SMTP server's acceptance and the `sent_at` write.

use std::path::PathBuf;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::SmtpTransport;
use lettre::{FileTransport, Message, Transport};

use crate::db::DbPool;
use crate::db::repo::outbox::{self, ClaimedMail};
use crate::error::ApiError;

/// Mails claimed at once.
const BATCH: i64 = 20;
/// How long a claim lasts (a send that takes longer lets another dispatcher retry).
const LEASE_SECONDS: i64 = 120;
/// First retry delay; doubles with each failed attempt.
const FIRST_RETRY_SECONDS: i64 = 30;
/// Longest retry delay.
const MAX_RETRY_SECONDS: i64 = 3600;

/// Where mails go.
pub enum MailTransport {
    /// An SMTP relay (`TDB_SMTP_URL`).
    Smtp(Box<SmtpTransport>),
    /// `.eml` files in a directory (no SMTP configured: development and demos).
    Files(PathBuf),
}

/// Sends the outbox of one database.
pub struct Dispatcher {
    pool: DbPool,
    transport: MailTransport,
    from: Mailbox,
    /// This dispatcher's name in the leases (unique per process).
    owner: String,
}

/// The delay before the retry that follows `attempts` failed attempts.
pub fn retry_delay(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.max(0)).unwrap_or(0).min(16);
    Duration::seconds((FIRST_RETRY_SECONDS << doublings).min(MAX_RETRY_SECONDS))
}

impl Dispatcher {
    /// A dispatcher sending through `smtp_url` (`smtp://host:port`, `smtp://…?tls=required` for
    /// STARTTLS, `smtps://…` for TLS, `user:password@` for authentication), or into `.eml` files under
    /// `mail_dir` when there is none.
    pub fn new(pool: DbPool, smtp_url: Option<&str>, mail_dir: PathBuf, from: &str) -> Result<Self, String> {
        let transport = match smtp_url {
            Some(url) => MailTransport::Smtp(Box::new(
                SmtpTransport::from_url(url)
                    .map_err(|e| format!("TDB_SMTP_URL cannot be used: {e}"))?
                    .timeout(Some(StdDuration::from_secs(20)))
                    .build(),
            )),
            None => MailTransport::Files(mail_dir),
        };
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("TDB_MAIL_FROM is not an address: {e}"))?;
        let owner = format!(
            "{}-{}",
            std::process::id(),
            crate::auth::refresh::new_family_id().map_err(|e| e.to_string())?
        );
        Ok(Self {
            pool,
            transport,
            from,
            owner,
        })
    }

    /// Sends every due mail (in batches); how many left.
    pub fn deliver_due(&self) -> Result<usize, ApiError> {
        let mut sent = 0;
        loop {
            let now = Utc::now().naive_utc();
            let claimed = {
                let mut conn = self.pool.get()?;
                let _turn = self.pool.write_turn();
                outbox::claim(
                    &mut conn,
                    &self.owner,
                    now,
                    now + Duration::seconds(LEASE_SECONDS),
                    BATCH,
                )?
            };
            if claimed.is_empty() {
                return Ok(sent);
            }
            for mail in claimed {
                let outcome = self.send(&mail);
                let now = Utc::now().naive_utc();
                let mut conn = self.pool.get()?;
                let _turn = self.pool.write_turn();
                match outcome {
                    Ok(()) => {
                        outbox::mark_sent(&mut conn, mail.id, &self.owner, now)?;
                        sent += 1;
                    }
                    Err(error) => {
                        tracing::warn!(mail = mail.id, attempts = mail.attempts + 1, %error, "mail not sent, will retry");
                        let retry_at = now + retry_delay(mail.attempts);
                        outbox::mark_failed(&mut conn, mail.id, &self.owner, &error, retry_at)?;
                        // The relay is down: leave the other mails of the batch for the next round.
                        return Ok(sent);
                    }
                }
            }
        }
    }

    fn send(&self, mail: &ClaimedMail) -> Result<(), String> {
        let to = mail
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                mail.html_body.clone(),
            ))
            .map_err(|e| e.to_string())?;
        match &self.transport {
            MailTransport::Smtp(smtp) => smtp.send(&message).map(drop).map_err(|e| e.to_string()),
            MailTransport::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                let id = FileTransport::new(dir)
                    .send(&message)
                    .map_err(|e| e.to_string())?;
                let links: Vec<&str> = mail
                    .text_body
                    .lines()
                    .filter(|line| line.starts_with("http"))
                    .collect();
                tracing::info!(
                    file = %dir.join(format!("{id}.eml")).display(),
                    recipient = %mail.recipient,
                    subject = %mail.subject,
                    links = ?links,
                    "no SMTP server configured (TDB_SMTP_URL): mail written as a file"
                );
                Ok(())
            }
        }
    }

    /// Runs forever on its own thread, looking at the outbox every `poll`.
    pub fn spawn(self, poll: StdDuration) -> std::io::Result<std::thread::JoinHandle<()>> {
        std::thread::Builder::new()
            .name("tdb-mail".to_owned())
            .spawn(move || {
                loop {
                    if let Err(error) = self.deliver_due() {
                        tracing::warn!(%error, "mail dispatcher");
                    }
                    std::thread::sleep(poll);
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::retry_delay;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay(0).num_seconds(), 30);
        assert_eq!(retry_delay(1).num_seconds(), 60);
        assert_eq!(retry_delay(5).num_seconds(), 960);
        assert_eq!(retry_delay(7).num_seconds(), 3600);
        assert_eq!(retry_delay(100).num_seconds(), 3600);
    }
}
