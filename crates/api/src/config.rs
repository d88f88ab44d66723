//! Typed configuration, read from the environment (or the equivalent command-line flags).
//!
//! Every variable the server reads is declared here, once, with its default; `.env.example` lists exactly
//! these variables (a test checks it against [`env_vars`]). The configuration is passed as application
//! state: there is no global.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, CommandFactory};

/// Values per committed batch of a large import (a job), by default.
pub const DEFAULT_IMPORT_BATCH_VALUES: usize = 5_000;

/// Large imports and exports at once in the process, by default.
pub const DEFAULT_HEAVY_REQUESTS: usize = 4;
/// Large imports and exports at once for one caller, by default.
pub const DEFAULT_HEAVY_PER_CALLER: usize = 2;

/// Settings of the server and of the commands that touch the database.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://PATH` (embedded, the default) or `postgres://…` (production).
    #[arg(long, env = "TDB_DATABASE_URL", default_value = "sqlite://data/tdb.sqlite3")]
    pub database_url: String,

    /// Address and port the HTTP server listens on.
    #[arg(long, env = "TDB_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Secret key signing the access tokens (HS256): at least 32 characters, about 100 bits of estimated
    /// entropy (`openssl rand -base64 32`; 36 × "a" is refused). When unset, a random one is generated at start and
    /// every token dies with the process.
    #[arg(long, env = "TDB_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// Directory of the built web app (served at `/`, with fallback to `index.html`).
    #[arg(long, env = "TDB_WEB_DIST", default_value = "crates/web-ui/dist")]
    pub web_dist: PathBuf,

    /// Log filter, in `tracing` syntax (`info`, `tdb_api=debug,actix_web=info`…).
    #[arg(long, env = "TDB_LOG", default_value = "info")]
    pub log: String,

    /// Memory of the per-process cache of serialised form documents, in MiB (0 disables it).
    #[arg(long, env = "TDB_FORM_CACHE_MB", default_value_t = 256)]
    pub form_cache_mb: usize,

    /// Values per committed batch of a large import (a job): each batch is one transaction.
    #[arg(long, env = "TDB_IMPORT_BATCH_VALUES", default_value_t = DEFAULT_IMPORT_BATCH_VALUES)]
    pub import_batch_values: usize,

    /// URL at which people reach the server (`https://tdb.example.fr`). Its origin is the only `Origin`
    /// accepted by refresh and logout (CSRF), and the refresh cookie is `Secure` unless it is plain-http
    /// localhost. Default: `http://<TDB_BIND>`.
    #[arg(long, env = "TDB_PUBLIC_URL")]
    pub public_url: Option<PublicUrl>,

    /// Lifetime of an access token (bearer JWT), in seconds.
    #[arg(long, env = "TDB_ACCESS_TOKEN_SECONDS", default_value_t = DEFAULT_ACCESS_TOKEN_SECONDS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub access_token_seconds: u32,

    /// A session (refresh token) unused for this many seconds expires (idle timeout).
    #[arg(long, env = "TDB_SESSION_IDLE_SECONDS", default_value_t = DEFAULT_SESSION_IDLE_SECONDS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub session_idle_seconds: u32,

    /// A session expires this many seconds after its login, however active (absolute lifetime).
    #[arg(long, env = "TDB_SESSION_ABSOLUTE_SECONDS", default_value_t = DEFAULT_SESSION_ABSOLUTE_SECONDS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub session_absolute_seconds: u32,

    /// Large imports and exports (a body over 256 KiB, a table export) running at once in the process;
    /// beyond, 503 `server_busy` with `Retry-After`.
    #[arg(long, env = "TDB_HEAVY_REQUESTS", default_value_t = DEFAULT_HEAVY_REQUESTS)]
    pub heavy_requests: usize,

    /// Large imports and exports running at once for one caller; beyond, 429 `too_many_requests` with
    /// `Retry-After`.
    #[arg(long, env = "TDB_HEAVY_PER_CALLER", default_value_t = DEFAULT_HEAVY_PER_CALLER)]
    pub heavy_per_caller: usize,

    /// `Strict-Transport-Security: max-age=N` on every answer (seconds; 0, the default, sends none). Set
    /// it only when every client reaches the server over HTTPS (behind a TLS proxy): browsers then refuse
    /// plain HTTP to this host for N seconds.
    #[arg(long, env = "TDB_HSTS_SECONDS", default_value_t = 0)]
    pub hsts_seconds: u64,

    /// Hours a batch of fiches (and its zip) is kept after it finished; older ones answer 404 and are
    /// purged when a new batch starts.
    #[arg(long, env = "TDB_FICHE_BATCH_TTL_HOURS", default_value_t = 24)]
    pub fiche_batch_ttl_hours: u64,

    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers are believed (comma-separated IPs
    /// or CIDR blocks: `10.0.0.0/8,::1`). Only when the peer is one of them is the client taken from
    /// those headers (the rightmost address that is not a trusted proxy); the per-address login limit
    /// counts that address. Empty (the default): the peer address, headers ignored.
    #[arg(long, env = "TDB_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,

    /// After a partner client's secret is rotated, the previous secret keeps working this many seconds.
    #[arg(long, env = "TDB_CLIENT_SECRET_GRACE_SECONDS", default_value_t = DEFAULT_CLIENT_SECRET_GRACE_SECONDS)]
    pub client_secret_grace_seconds: u32,

    /// Mail: SMTP relay, sender, and where mails go without a relay.
    #[command(flatten)]
    pub mail: MailConfig,

    /// Webhooks: the SSRF allow-list, timeouts, retries and the dispatcher of each replica.
    #[command(flatten)]
    pub webhooks: WebhookConfig,
}

/// Webhook delivery settings (docs/events.md).
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Destinations allowed although private, loopback or link-local, and allowed over plain
    /// `http://` (comma-separated host names, IPs or CIDR blocks: `127.0.0.1,hooks.internal,10.1.0.0/16`).
    /// Empty (the default): only `https://` to public addresses.
    #[arg(long, env = "TDB_WEBHOOK_ALLOW", default_value = "")]
    pub allow: String,

    /// Time allowed to a receiver to answer one delivery, in milliseconds.
    #[arg(long, env = "TDB_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,

    /// Delay before the first retry of a failed delivery, in milliseconds; it doubles with each failure
    /// (up to an hour), with jitter.
    #[arg(long, env = "TDB_WEBHOOK_RETRY_BASE_MS", default_value_t = 5_000,
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub retry_base_ms: u64,

    /// A subscription failing for longer than this many seconds is disabled and its owner told.
    #[arg(long, env = "TDB_WEBHOOK_RETRY_HORIZON_SECONDS", default_value_t = 3 * 24 * 3600)]
    pub retry_horizon_seconds: u64,

    /// Lease of a dispatcher on a subscription, in seconds: the work of a replica that died is taken
    /// up by another after this.
    #[arg(long, env = "TDB_WEBHOOK_LEASE_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub lease_seconds: u64,

    /// Delivery threads of each replica (0: no webhook dispatcher in this replica).
    #[arg(long, env = "TDB_WEBHOOK_WORKERS", default_value_t = 4)]
    pub workers: usize,

    /// How often an idle delivery thread looks for work, in milliseconds.
    #[arg(long, env = "TDB_WEBHOOK_POLL_MS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub poll_ms: u64,
}

impl Default for WebhookConfig {
    /// No allow-list, 10 s timeout, first retry after about 5 s, disabled after 3 days of failures,
    /// 60 s leases, 4 threads looking every 500 ms.
    fn default() -> Self {
        Self {
            allow: String::new(),
            timeout_ms: 10_000,
            retry_base_ms: 5_000,
            retry_horizon_seconds: 3 * 24 * 3600,
            lease_seconds: 60,
            workers: 4,
            poll_ms: 500,
        }
    }
}

/// How long the previous secret of a partner client works after a rotation by default (24 hours).
pub const DEFAULT_CLIENT_SECRET_GRACE_SECONDS: u32 = 24 * 3600;

/// Mail settings: the invitations and password resets leave through an SMTP relay, or are written as
/// `.eml` files when there is none (development, `just run`).
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// SMTP relay: `smtp://host:25` (no TLS), `smtp://host:587?tls=required` (STARTTLS),
    /// `smtps://host:465` (TLS), with `user:password@` for authentication. Unset: mails are written as
    /// `.eml` files under TDB_MAIL_DIR and their links logged.
    #[arg(long, env = "TDB_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SmtpUrl>,

    /// Sender of the mails (`Nom <adresse>`).
    #[arg(long, env = "TDB_MAIL_FROM", default_value = DEFAULT_MAIL_FROM)]
    pub mail_from: String,

    /// Directory of the `.eml` files written when no SMTP relay is configured.
    #[arg(long, env = "TDB_MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: PathBuf,

    /// How often the mail dispatcher looks at the outbox, in milliseconds.
    #[arg(long, env = "TDB_MAIL_POLL_MS", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(10..))]
    pub mail_poll_ms: u64,

    /// Collecte reminders: days before a campaign's collecte closes at which the people of every
    /// structure below the completion threshold get a reminder (comma-separated: `14,3`; empty: none).
    #[arg(long, env = "TDB_REMINDER_DAYS", default_value = "14,3")]
    pub reminder_days: ReminderDays,

    /// How often each replica looks for due collecte reminders, in seconds.
    #[arg(long, env = "TDB_REMINDER_POLL_SECONDS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub reminder_poll_seconds: u64,
}

/// The days before the end of the collecte at which reminders leave (`14,3`), sorted, without
/// duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReminderDays(pub Vec<u32>);

impl std::str::FromStr for ReminderDays {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let mut days = value
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| {
                d.parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 366)
                    .ok_or_else(|| format!("TDB_REMINDER_DAYS: « {d} » is not a number of days (0 to 366)"))
            })
            .collect::<Result<Vec<u32>, String>>()?;
        days.sort_unstable();
        days.dedup();
        Ok(Self(days))
    }
}

/// Sender of the mails by default.
pub const DEFAULT_MAIL_FROM: &str = "Tableau de bord médico-social <ne-pas-repondre@tdb.localhost>";

impl Default for MailConfig {
    /// No relay (files under `data/mail`), the default sender, a look every 2 seconds, reminders 14
    /// and 3 days before the collecte closes, looked for every hour.
    fn default() -> Self {
        Self {
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            mail_dir: PathBuf::from("data/mail"),
            mail_poll_ms: 2000,
            reminder_days: ReminderDays(vec![3, 14]),
            reminder_poll_seconds: 3600,
        }
    }
}

/// An SMTP URL, which may hold a password: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// The URL, for the transport.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpUrl(***)")
    }
}

impl std::str::FromStr for SmtpUrl {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.starts_with("smtp://") || value.starts_with("smtps://") {
            Ok(Self(value.to_owned()))
        } else {
            Err("TDB_SMTP_URL must start with smtp:// or smtps://".to_owned())
        }
    }
}

/// Lifetime of an access token by default (15 minutes).
pub const DEFAULT_ACCESS_TOKEN_SECONDS: u32 = 15 * 60;
/// Idle timeout of a session by default (2 hours).
pub const DEFAULT_SESSION_IDLE_SECONDS: u32 = 2 * 3600;
/// Absolute lifetime of a session by default (12 hours).
pub const DEFAULT_SESSION_ABSOLUTE_SECONDS: u32 = 12 * 3600;

/// How long sessions live: the idle timeout and the absolute lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLifetimes {
    /// A refresh token unused for longer is refused.
    pub idle: chrono::Duration,
    /// A session older than this (since login) is refused.
    pub absolute: chrono::Duration,
}

/// The public URL of the server, reduced to what sessions need: scheme, host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    scheme: String,
    host: String,
    port: Option<u16>,
    /// Derived from a loopback bind address (no `TDB_PUBLIC_URL`): the other loopback names of the same
    /// port are the same server (`http://localhost:8080` for a bind of `127.0.0.1:8080`).
    loopback_aliases: bool,
}

impl PublicUrl {
    /// `http://<addr>`, the default when `TDB_PUBLIC_URL` is unset.
    pub fn from_bind(addr: SocketAddr) -> Self {
        let host = match addr.ip() {
            std::net::IpAddr::V4(ip) => ip.to_string(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        };
        Self {
            scheme: "http".to_owned(),
            host,
            port: (addr.port() != 80).then_some(addr.port()),
            loopback_aliases: addr.ip().is_loopback(),
        }
    }

    /// Whether a request whose `Origin` is `sent` comes from this server's pages: the same origin, or
    /// (default public URL of a loopback bind only) the same port under another loopback name.
    pub fn accepts_origin(&self, sent: &Self) -> bool {
        sent.origin() == self.origin()
            || (self.loopback_aliases
                && sent.is_plain_http_localhost()
                && self.is_plain_http_localhost()
                && sent.port == self.port)
    }

    /// Whether no browser can send this origin (`http://0.0.0.0:8080`, a bind on every interface):
    /// `TDB_PUBLIC_URL` must then be set for sessions to refresh.
    pub fn is_unspecified_address(&self) -> bool {
        matches!(self.host.as_str(), "0.0.0.0" | "[::]")
    }

    /// The origin as a browser sends it in `Origin`: `scheme://host[:port]`, lower case, without the
    /// scheme's default port.
    pub fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// Whether this is plain-http localhost (`http://localhost`, `http://127.0.0.1`, `http://[::1]`,
    /// any port): the only case where the refresh cookie is sent without `Secure`.
    pub fn is_plain_http_localhost(&self) -> bool {
        self.scheme == "http" && matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "[::1]")
    }
}

impl std::str::FromStr for PublicUrl {
    type Err = String;

    /// Reads `scheme://host[:port][/path]` (`http` or `https`); the path is ignored.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let refuse = || format!("`{value}` is not an http(s) URL such as https://tdb.example.fr");
        let (scheme, rest) = value.trim().split_once("://").ok_or_else(refuse)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(refuse());
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() || authority.contains('@') {
            return Err(refuse());
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (inside, after) = v6.split_once(']').ok_or_else(refuse)?;
            (
                format!("[{}]", inside.to_ascii_lowercase()),
                after.strip_prefix(':'),
            )
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host.to_ascii_lowercase(), Some(port)),
                None => (authority.to_ascii_lowercase(), None),
            }
        };
        if host.is_empty() || host == "[]" {
            return Err(refuse());
        }
        let port = match port {
            Some(p) => Some(p.parse::<u16>().map_err(|_| refuse())?),
            None => None,
        };
        let default_port = if scheme == "https" { 443 } else { 80 };
        Ok(Self {
            port: port.filter(|p| *p != default_port),
            scheme,
            host,
            loopback_aliases: false,
        })
    }
}

/// IP networks of trusted reverse proxies (`TDB_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Whether `ip` belongs to one of the networks.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 @ IpAddr::V4(_) => v4,
        };
        self.0.iter().any(|(net, prefix)| match (net, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*prefix)).unwrap_or(0);
                u32::from(*net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*prefix)).unwrap_or(0);
                u128::from(*net) & mask == u128::from(ip) & mask
            }
            _ => false,
        })
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::str::FromStr for TrustedProxies {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let mut nets = Vec::new();
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (ip, prefix) = part.split_once('/').map_or((part, None), |(ip, p)| (ip, Some(p)));
            let ip: IpAddr = ip
                .parse()
                .map_err(|_| format!("TDB_TRUSTED_PROXIES: « {part} » is not an IP address or CIDR block"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => max,
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| format!("TDB_TRUSTED_PROXIES: bad prefix length in « {part} »"))?,
            };
            nets.push((ip, prefix));
        }
        Ok(Self(nets))
    }
}

/// A secret string whose `Debug` output is redacted, so it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret bytes, for the code that signs or verifies.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.len() < 32 {
            return Err("TDB_JWT_SECRET must be at least 32 characters long".to_owned());
        }
        let bits = estimated_entropy_bits(value);
        if bits < MIN_SECRET_BITS {
            return Err(format!(
                "TDB_JWT_SECRET is too predictable (about {bits:.0} bits of entropy, at least {MIN_SECRET_BITS:.0} \
                 needed): generate one with `openssl rand -base64 32`"
            ));
        }
        Ok(Self(value.to_owned()))
    }
}

/// Least estimated entropy of `TDB_JWT_SECRET`, in bits ([`estimated_entropy_bits`]).
pub const MIN_SECRET_BITS: f64 = 100.0;

/// The entropy of `value` estimated from its characters' frequencies (length × Shannon entropy per
/// character): 0 for 36 × `a`, about 190 for 32 random bytes in hexadecimal. A crude lower bar that
/// refuses repeated or near-constant secrets, not a proof of randomness.
pub fn estimated_entropy_bits(value: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in value.chars() {
        *counts.entry(c).or_insert(0_u32) += 1;
    }
    #[expect(clippy::cast_precision_loss, reason = "a secret's length is far below 2^52")]
    let n = value.chars().count() as f64;
    counts
        .values()
        .map(|&k| {
            let p = f64::from(k) / n;
            -p * p.log2()
        })
        .sum::<f64>()
        * n
}

impl Config {
    /// The public URL: `TDB_PUBLIC_URL`, or `http://<TDB_BIND>`.
    pub fn public_url(&self) -> PublicUrl {
        self.public_url
            .clone()
            .unwrap_or_else(|| PublicUrl::from_bind(self.bind))
    }

    /// The idle timeout and absolute lifetime of sessions.
    pub fn session_lifetimes(&self) -> SessionLifetimes {
        SessionLifetimes {
            idle: chrono::Duration::seconds(i64::from(self.session_idle_seconds)),
            absolute: chrono::Duration::seconds(i64::from(self.session_absolute_seconds)),
        }
    }

    /// The JWT secret, or a fresh random one (with a loud warning) when none is configured.
    pub fn jwt_secret_or_generate(&self) -> Secret {
        if let Some(secret) = &self.jwt_secret {
            return secret.clone();
        }
        tracing::warn!(
            "TDB_JWT_SECRET is not set: generated a random development secret. Tokens will not survive a \
             restart and replicas will not accept each other's tokens. Set TDB_JWT_SECRET in production."
        );
        let mut bytes = [0_u8; 32];
        if getrandom::fill(&mut bytes).is_err() {
            tracing::error!(
                "the operating system's random generator failed; falling back to a time-based secret"
            );
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Secret(format!(
            "dev-{}-{nanos}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ))
    }
}

/// Names of the environment variables the configuration reads, in declaration order.
pub fn env_vars() -> Vec<String> {
    #[derive(clap::Parser)]
    struct Probe {
        #[command(flatten)]
        config: Config,
    }
    Probe::command()
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|name| name.to_string_lossy().into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::PublicUrl;

    fn url(text: &str) -> PublicUrl {
        text.parse().unwrap()
    }

    #[test]
    fn reminder_days_are_sorted_deduplicated_and_checked() {
        use super::ReminderDays;
        assert_eq!("14, 3,14".parse::<ReminderDays>(), Ok(ReminderDays(vec![3, 14])));
        assert_eq!("".parse::<ReminderDays>(), Ok(ReminderDays(Vec::new())));
        assert!("3,x".parse::<ReminderDays>().is_err());
        assert!("400".parse::<ReminderDays>().is_err());
        assert!("-1".parse::<ReminderDays>().is_err());
    }

    #[test]
    fn the_origin_drops_paths_default_ports_and_case() {
        assert_eq!(
            url("https://TDB.example.fr/app/").origin(),
            "https://tdb.example.fr"
        );
        assert_eq!(
            url("https://tdb.example.fr:443").origin(),
            "https://tdb.example.fr"
        );
        assert_eq!(
            url("http://tdb.example.fr:8080").origin(),
            "http://tdb.example.fr:8080"
        );
        assert_eq!(url("http://[::1]:8080").origin(), "http://[::1]:8080");
        assert_eq!(
            PublicUrl::from_bind("127.0.0.1:8080".parse().unwrap()).origin(),
            "http://127.0.0.1:8080"
        );
        assert!("ftp://x".parse::<PublicUrl>().is_err());
        assert!("tdb.example.fr".parse::<PublicUrl>().is_err());
        assert!("http://:80".parse::<PublicUrl>().is_err());
    }

    #[test]
    fn a_loopback_bind_accepts_its_other_loopback_names_only_by_default() {
        let bound = PublicUrl::from_bind("127.0.0.1:8080".parse().unwrap());
        for same in [
            "http://localhost:8080",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
        ] {
            assert!(bound.accepts_origin(&url(same)), "{same}");
        }
        for other in [
            "http://localhost:8081",
            "https://localhost:8080",
            "http://evil.fr:8080",
        ] {
            assert!(!bound.accepts_origin(&url(other)), "{other}");
        }
        let configured = url("http://127.0.0.1:8080");
        assert!(configured.accepts_origin(&url("http://127.0.0.1:8080")));
        assert!(!configured.accepts_origin(&url("http://localhost:8080")));
        assert!(PublicUrl::from_bind("0.0.0.0:8080".parse().unwrap()).is_unspecified_address());
    }

    #[test]
    fn only_plain_http_localhost_is_not_secure() {
        for local in ["http://localhost:8080", "http://127.0.0.1", "http://[::1]:3000"] {
            assert!(url(local).is_plain_http_localhost(), "{local}");
        }
        for other in [
            "https://localhost:8080",
            "http://tdb.example.fr",
            "https://tdb.example.fr",
            "http://10.0.0.2:8080",
            "http://localhost.evil.fr",
        ] {
            assert!(!url(other).is_plain_http_localhost(), "{other}");
        }
    }
}
