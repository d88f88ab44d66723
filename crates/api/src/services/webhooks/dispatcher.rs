//! Delivers the events to the webhook subscriptions, shared by every replica of `tdb serve`.
//!
//! Each delivery thread claims one due subscription by lease in the database
//! ([`crate::db::repo::webhooks::claim`]), reads the events after its cursor (the feed's order and
//! watermark, so none is skipped), posts them one after the other — the next only after the previous
//! one was accepted (2xx), so a subscription receives its events in order — and records the attempts,
//! the new cursor and the retry state in one transaction, only while it still holds the lease. A batch
//! stops well before its lease ends (the lease must exceed the timeout), so two replicas never deliver
//! one subscription at once; the lease of a replica that died expires and another resumes from the
//! recorded cursor: the events it had delivered but not recorded go out again (at least once).
//!
//! A failed attempt (no 2xx answer, a redirect, a timeout, a refused address) stops the batch; the
//! same event is retried after an exponential delay with jitter ([`retry_delay`]); a subscription still
//! failing past `TDB_WEBHOOK_RETRY_HORIZON_SECONDS` is disabled and its owner told.

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::Connection;
use rand::Rng;
use reqwest::Url;
use reqwest::blocking::Client;
use reqwest::redirect::Policy;

use crate::auth::principal::StructureScope;
use crate::config::WebhookConfig;
use crate::db::repo::events::{self as log, EventRow, Position};
use crate::db::repo::outbox;
use crate::db::repo::webhooks::{self as repo, NewDelivery, Outcome, Secrets, SubscriptionRow};
use crate::db::{DbPool, read_snapshot};
use crate::error::ApiError;
use crate::services::mail::messages;
use crate::services::webhooks::guard::{self, AllowList, GuardedResolver};
use crate::services::webhooks::signature;

/// Events read per batch.
const BATCH: i64 = 500;
/// Longest retry delay.
const MAX_RETRY_MS: u64 = 3_600_000;

/// The delay before the retry that follows `failures` failed attempts in a row: `base × 2^(failures-1)`,
/// at most an hour, times a random factor between 0.5 and 1 (jitter, so receivers coming back are not
/// hit by every sender at once).
pub fn retry_delay(base_ms: u64, failures: i32) -> Duration {
    let doublings = u32::try_from(failures.saturating_sub(1).max(0))
        .unwrap_or(0)
        .min(30);
    let full = base_ms.saturating_mul(1_u64 << doublings).min(MAX_RETRY_MS);
    let factor: f64 = rand::thread_rng().gen_range(0.5..=1.0);
    let ms = (full as f64 * factor) as i64;
    Duration::milliseconds(ms.max(1))
}

/// Delivers the webhooks of one database.
pub struct Dispatcher {
    pool: DbPool,
    client: Client,
    allow: Arc<AllowList>,
    config: WebhookConfig,
    /// Origin of the server's public URL, for the links of the mails.
    site: String,
    /// This dispatcher's name in the leases (unique per process).
    owner: String,
}

/// The result of one attempt.
struct Attempt {
    status: Option<u16>,
    error: Option<String>,
}

impl Dispatcher {
    /// A dispatcher with its HTTP client: no redirects, no proxy, the configured timeout, every host
    /// name resolved through the SSRF guard. `site`: the origin people reach the server at (mail links).
    pub fn new(pool: DbPool, config: &WebhookConfig, site: &str) -> Result<Self, String> {
        let allow = Arc::new(AllowList::parse(&config.allow)?);
        let client = Client::builder()
            .redirect(Policy::none())
            .no_proxy()
            .timeout(StdDuration::from_millis(config.timeout_ms))
            .user_agent("tdb-webhooks")
            .dns_resolver(Arc::new(GuardedResolver::new(Arc::clone(&allow))))
            .build()
            .map_err(|e| format!("webhook HTTP client: {e}"))?;
        let owner = format!(
            "{}-{}",
            std::process::id(),
            crate::auth::refresh::new_family_id().map_err(|e| e.to_string())?
        );
        Ok(Self {
            pool,
            client,
            allow,
            config: config.clone(),
            site: site.to_owned(),
            owner,
        })
    }

    /// Delivers due subscriptions until none is left; the attempts made.
    pub fn deliver_due(&self) -> Result<usize, ApiError> {
        let mut total = 0;
        loop {
            match self.run_once()? {
                0 => return Ok(total),
                n => total += n,
            }
        }
    }

    /// Claims one due subscription and delivers a batch of its events; the attempts made (0: nothing
    /// was due or nothing to deliver).
    pub fn run_once(&self) -> Result<usize, ApiError> {
        let started = Instant::now();
        let now = Utc::now().naive_utc();
        let lease_ms = self.config.lease_seconds.saturating_mul(1000);
        let lease_until = now + Duration::milliseconds(i64::try_from(lease_ms).unwrap_or(i64::MAX / 2));
        let claimed = {
            let mut conn = self.pool.get()?;
            let _turn = self.pool.write_turn();
            repo::claim(&mut conn, &self.owner, now, lease_until)?
        };
        let Some(sub) = claimed else {
            return Ok(0);
        };
        // Stop sending while a last attempt can still finish before the lease ends.
        let budget = StdDuration::from_millis(
            lease_ms
                .saturating_sub(self.config.timeout_ms)
                .saturating_sub(lease_ms / 5),
        );
        let events = {
            let mut conn = self.pool.get()?;
            let types = sub.types();
            read_snapshot(&mut conn, |conn| {
                log::after(conn, &StructureScope::All, sub.cursor(), &types, BATCH)
            })?
        };
        if events.is_empty() {
            let mut conn = self.pool.get()?;
            let _turn = self.pool.write_turn();
            repo::release(&mut conn, sub.id, &self.owner)?;
            return Ok(0);
        }
        let secrets = {
            let mut conn = self.pool.get()?;
            signing_secrets(repo::secrets(&mut conn, sub.id)?, now)
        };
        let mut attempts = Vec::new();
        let mut cursor = sub.cursor();
        let mut failures = sub.failures;
        let mut failing_since = sub.failing_since;
        let mut last_error = None;
        for event in events {
            if !attempts.is_empty() && started.elapsed() > budget {
                break;
            }
            let at = Utc::now().naive_utc();
            let sent = Instant::now();
            let attempt = self.post(&sub, &secrets, &event);
            let latency = i64::try_from(sent.elapsed().as_millis()).unwrap_or(i64::MAX);
            let succeeded = attempt.error.is_none();
            attempts.push(NewDelivery {
                subscription_id: sub.id,
                event_id: event.id,
                attempt: failures + 1,
                at,
                status_code: attempt.status.map(i32::from),
                latency_ms: latency,
                succeeded,
                error: attempt.error.clone(),
            });
            if succeeded {
                cursor = Position {
                    tx: event.tx,
                    id: event.id,
                };
                failures = 0;
                failing_since = None;
            } else {
                failures += 1;
                failing_since = failing_since.or(Some(at));
                last_error = attempt.error;
                break;
            }
        }
        let now = Utc::now().naive_utc();
        let horizon =
            Duration::seconds(i64::try_from(self.config.retry_horizon_seconds).unwrap_or(i64::MAX / 4_000));
        let disable = match (&last_error, failing_since) {
            (Some(error), Some(since)) if now - since >= horizon => Some(format!(
                "échecs depuis plus de {} s ; dernier : {error}",
                self.config.retry_horizon_seconds
            )),
            _ => None,
        };
        let outcome = Outcome {
            cursor,
            failures,
            failing_since,
            next_attempt_at: if last_error.is_some() {
                now + retry_delay(self.config.retry_base_ms, failures)
            } else {
                now
            },
            disable,
        };
        let made = attempts.len();
        let mut conn = self.pool.get()?;
        let _turn = self.pool.write_turn();
        let recorded = conn.transaction(|conn| -> Result<bool, ApiError> {
            let recorded = repo::finish(conn, sub.id, &self.owner, &attempts, &outcome, now)?;
            if recorded && let Some(reason) = &outcome.disable {
                tell_owner(conn, &sub, reason, &self.site, now)?;
            }
            Ok(recorded)
        })?;
        if !recorded {
            tracing::warn!(
                subscription = sub.id,
                "webhook lease lost before the batch was recorded"
            );
        } else if let Some(reason) = &outcome.disable {
            tracing::warn!(subscription = sub.id, %reason, "webhook subscription disabled");
        }
        Ok(made)
    }

    /// Posts one event, signed.
    fn post(&self, sub: &SubscriptionRow, secrets: &[String], event: &EventRow) -> Attempt {
        let failed = |error: String| Attempt {
            status: None,
            error: Some(error),
        };
        let url = match Url::parse(&sub.url) {
            Ok(url) => url,
            Err(e) => return failed(format!("URL illisible : {e}")),
        };
        if let Err(refusal) = guard::check_before_sending(&url, &self.allow) {
            return failed(refusal.to_string());
        }
        let wire = crate::services::events::wire(event.clone(), sub.owner_role == "partner");
        let body = match serde_json::to_vec(&wire) {
            Ok(body) => body,
            Err(e) => return failed(e.to_string()),
        };
        let id = format!("evt_{}", event.id);
        let timestamp = Utc::now().timestamp();
        let keys: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let answer = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                signature::header(&keys, &id, timestamp, &body),
            )
            .body(body)
            .send();
        match answer {
            Ok(response) => {
                let status = response.status().as_u16();
                // Read the (small) answer so the connection can be reused.
                let _ = response.bytes();
                Attempt {
                    status: Some(status),
                    error: (!(200..300).contains(&status)).then(|| {
                        if (300..400).contains(&status) {
                            format!("HTTP {status} : redirection non suivie")
                        } else {
                            format!("HTTP {status}")
                        }
                    }),
                }
            }
            Err(e) => failed(describe(&e)),
        }
    }

    /// Runs `workers` delivery threads forever, each looking for work every `poll` when idle.
    pub fn spawn(self, workers: usize, poll: StdDuration) -> std::io::Result<()> {
        let shared = Arc::new(self);
        for n in 0..workers {
            let dispatcher = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("tdb-webhooks-{n}"))
                .spawn(move || {
                    loop {
                        match dispatcher.run_once() {
                            Ok(0) => std::thread::sleep(poll),
                            Ok(_) => {}
                            Err(error) => {
                                tracing::warn!(%error, "webhook dispatcher");
                                std::thread::sleep(poll);
                            }
                        }
                    }
                })?;
        }
        Ok(())
    }
}

/// The secrets signing now: the current one, and the previous one during a rotation's overlap.
fn signing_secrets(stored: Secrets, now: NaiveDateTime) -> Vec<String> {
    let mut secrets = vec![stored.secret];
    if let (Some(previous), Some(until)) = (stored.previous_secret, stored.previous_secret_until)
        && until > now
    {
        secrets.push(previous);
    }
    secrets
}

/// A transport error and its causes, on one line.
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "délai de réponse dépassé".to_owned();
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(" : ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Queues the mail telling a national owner (a person) that its subscription was disabled; a partner
/// client has no address: the state and reason are in the API (`GET /webhooks/{id}`).
fn tell_owner(
    conn: &mut crate::db::DbConnection,
    sub: &SubscriptionRow,
    reason: &str,
    site: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    if sub.owner_role != "national" || !sub.owner.contains('@') {
        return Ok(());
    }
    let mail = messages::webhook_disabled(
        &sub.url,
        reason,
        &format!("{site}/api/v1/webhooks/{}/deliveries", sub.id),
    );
    outbox::enqueue(
        conn,
        &outbox::NewMail {
            created_at: now,
            recipient: sub.owner.clone(),
            subject: mail.subject,
            text_body: mail.text,
            html_body: mail.html,
            next_attempt_at: now,
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::retry_delay;

    #[test]
    fn retries_back_off_with_jitter_to_an_hour() {
        for _ in 0..50 {
            let first = retry_delay(5_000, 1).num_milliseconds();
            assert!((2_500..=5_000).contains(&first), "{first}");
            let third = retry_delay(5_000, 3).num_milliseconds();
            assert!((10_000..=20_000).contains(&third), "{third}");
            let late = retry_delay(5_000, 40).num_milliseconds();
            assert!((1_800_000..=3_600_000).contains(&late), "{late}");
        }
    }
}
