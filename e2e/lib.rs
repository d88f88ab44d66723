//! Harness of the browser tests: starts the real `tdb` server on a free port with a temporary SQLite
//! database and the built web app, starts chromedriver, and opens headless Chromium on it.
//!
//! Requirements (installed by `just setup`): `/usr/bin/chromium`, `/usr/bin/chromedriver`, and the web app
//! built into `crates/web-ui/dist` (`just web`, or `TDB_WEB_DIST`). Screenshots go to `target/e2e/` of
//! the workspace's target directory (`CARGO_TARGET_DIR` when set). [`ui`] holds the page helpers.

pub mod ui;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use tdb_api::config::{Config, Secret};

/// Everything a browser test needs; stops the server and chromedriver when dropped.
pub struct Harness {
    /// Base URL of the server, e.g. `http://127.0.0.1:41234`.
    pub base_url: String,
    /// The browser session.
    pub browser: Client,
    /// Where the server writes its mails as `.eml` files (no SMTP server in the browser tests).
    pub mail_dir: PathBuf,
    server: ServerHandle,
    chromedriver: Child,
    _data: tempfile::TempDir,
}

/// Errors setting up the harness, with what to do about them.
#[derive(Debug)]
pub struct HarnessError(pub String);

impl std::fmt::Display for HarnessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(context: &str) -> impl Fn(&dyn std::fmt::Display) -> HarnessError + '_ {
    move |e| HarnessError(format!("{context}: {e}"))
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Where screenshots are written: `e2e/` in the target directory.
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("e2e")
}

impl Harness {
    /// Starts the server on an empty database, chromedriver and a headless Chromium session.
    pub async fn start() -> Result<Self, HarnessError> {
        Self::start_with(false).await
    }

    /// The same on the demo data of `tdb seed --demo` (logins of the README).
    pub async fn start_with_demo() -> Result<Self, HarnessError> {
        Self::start_with(true).await
    }

    /// On the demo data, with access tokens living `access_token_seconds` (`TDB_ACCESS_TOKEN_SECONDS`):
    /// for the tests of silent refresh and expiry.
    pub async fn start_with_demo_and_token_lifetime(access_token_seconds: u32) -> Result<Self, HarnessError> {
        Self::start_configured(true, Some(access_token_seconds)).await
    }

    async fn start_with(demo: bool) -> Result<Self, HarnessError> {
        Self::start_configured(demo, None).await
    }

    async fn start_configured(demo: bool, access_token_seconds: Option<u32>) -> Result<Self, HarnessError> {
        let web_dist = std::env::var_os("TDB_WEB_DIST")
            .map_or_else(|| workspace_root().join("crates/web-ui/dist"), PathBuf::from);
        if !web_dist.join("index.html").is_file() {
            return Err(HarnessError(format!(
                "the web app is not built in {}: run `just web` first",
                web_dist.display()
            )));
        }
        let data = tempfile::tempdir().map_err(|e| err("temporary directory")(&e))?;
        // Bound first: the public URL (the `Origin` that refresh and logout accept) is the real address.
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| err("bind")(&e))?;
        let bound = listener.local_addr().map_err(|e| err("local address")(&e))?;
        let base_url = format!("http://{bound}");
        let config = Config {
            database_url: format!("sqlite://{}", data.path().join("e2e.sqlite3").display()),
            bind: bound,
            jwt_secret: Some(Secret::new("e2e-secret-e2e-secret-e2e-secret-0123456")),
            web_dist,
            log: "warn".to_owned(),
            form_cache_mb: 16,
            import_batch_values: tdb_api::config::DEFAULT_IMPORT_BATCH_VALUES,
            public_url: None,
            access_token_seconds: access_token_seconds
                .unwrap_or(tdb_api::config::DEFAULT_ACCESS_TOKEN_SECONDS),
            session_idle_seconds: tdb_api::config::DEFAULT_SESSION_IDLE_SECONDS,
            session_absolute_seconds: tdb_api::config::DEFAULT_SESSION_ABSOLUTE_SECONDS,
            heavy_requests: tdb_api::config::DEFAULT_HEAVY_REQUESTS,
            heavy_per_caller: tdb_api::config::DEFAULT_HEAVY_PER_CALLER,
            hsts_seconds: 0,
            fiche_batch_ttl_hours: 24,
            trusted_proxies: tdb_api::config::TrustedProxies::default(),
            client_secret_grace_seconds: tdb_api::config::DEFAULT_CLIENT_SECRET_GRACE_SECONDS,
            mail: tdb_api::config::MailConfig {
                mail_dir: data.path().join("mail"),
                ..tdb_api::config::MailConfig::default()
            },
            webhooks: tdb_api::config::WebhookConfig::default(),
        };
        let mail_dir = config.mail.mail_dir.clone();
        let state = tdb_api::server::build_state(config).map_err(|e| err("database")(&e))?;
        if demo {
            let mut conn = state.pool.get().map_err(|e| err("database connection")(&e))?;
            tdb_api::seed::demo::run(&mut conn, tdb_api::seed::Calendar::reference())
                .map_err(|e| err("demo data")(&e))?;
        }

        // The mail dispatcher `tdb serve` runs, writing `.eml` files.
        tdb_api::services::mail::dispatcher::Dispatcher::new(
            state.pool.clone(),
            None,
            mail_dir.clone(),
            tdb_api::config::DEFAULT_MAIL_FROM,
        )
        .map_err(|e| err("mail")(&e))?
        .spawn(Duration::from_millis(100))
        .map_err(|e| err("mail thread")(&e))?;
        let server = tdb_api::server::serve(state, listener).map_err(|e| err("server")(&e))?;
        let handle = server.handle();
        actix_web::rt::spawn(server);

        let port = free_port()?;
        let chromedriver = Command::new(chromedriver_path())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| err("chromedriver (install it with `just setup`)")(&e))?;
        wait_for_port(port, Duration::from_secs(20))?;

        let browser = ClientBuilder::new(HttpConnector::new())
            .capabilities(chrome_capabilities(data.path()))
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| err("browser session")(&e))?;
        Ok(Self {
            base_url,
            browser,
            mail_dir,
            server: handle,
            chromedriver,
            _data: data,
        })
    }

    /// Saves a PNG screenshot of the current page as `target/e2e/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, HarnessError> {
        let png = self
            .browser
            .screenshot()
            .await
            .map_err(|e| err("screenshot")(&e))?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).map_err(|e| err("screenshot directory")(&e))?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| err("screenshot file")(&e))?;
        Ok(path)
    }

    /// The text bodies of the mails written so far to `recipient`, waiting up to 20 seconds for the
    /// first one.
    pub fn mails_to(&self, recipient: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mails: Vec<String> = std::fs::read_dir(&self.mail_dir)
                .into_iter()
                .flatten()
                .filter_map(|entry| std::fs::read(entry.ok()?.path()).ok())
                .filter_map(|raw| {
                    let message = mail_parser::MessageParser::default().parse(&raw)?;
                    let to = message.to()?.first()?.address()?.to_owned();
                    (to == recipient).then(|| message.body_text(0).map(|t| t.into_owned()))?
                })
                .collect();
            if !mails.is_empty() || Instant::now() > deadline {
                return mails;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Closes the browser, stops the server and chromedriver.
    pub async fn stop(mut self) {
        let _ = self.browser.clone().close().await;
        self.server.stop(true).await;
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}

/// Every cookie of the browser, whatever its path (WebDriver's cookie command only returns those of
/// the current page's path; `tdb_refresh` lives under `/api/v1/auth`): Chrome DevTools'
/// `Network.getAllCookies` through chromedriver. Each cookie as DevTools describes it (`name`, `value`,
/// `path`, `httpOnly`, `sameSite`…).
pub async fn all_cookies(browser: &Client) -> Result<Vec<serde_json::Value>, HarnessError> {
    let answer = devtools(browser, "Network.getAllCookies", serde_json::json!({})).await?;
    Ok(answer["cookies"].as_array().cloned().unwrap_or_default())
}

/// Sends the Chrome DevTools command `cmd` with `params` through chromedriver; answers its result
/// (e.g. `Network.emulateNetworkConditions` to load the app as on a slow line).
pub async fn devtools(
    browser: &Client,
    cmd: &'static str,
    params: serde_json::Value,
) -> Result<serde_json::Value, HarnessError> {
    browser
        .issue_cmd(Cdp { cmd, params })
        .await
        .map_err(|e| err(cmd)(&e))
}

/// A Chrome DevTools command, sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The answer of [`http`].
#[derive(Debug)]
pub struct HttpAnswer {
    /// Status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as JSON (`null` when it is not JSON).
    pub body: serde_json::Value,
}

/// A plain HTTP/1.1 request from the test process (not the browser). `headers` are sent as given
/// (`Origin`, `Cookie`, `Authorization`…); the body, when any, as JSON.
pub fn http(
    base_url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> Result<HttpAnswer, HarnessError> {
    use std::io::{Read, Write};
    let authority = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).map_err(|e| err("HTTP connection")(&e))?;
    let body = body.map(ToString::to_string).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream
        .write_all(request.as_bytes())
        .map_err(|e| err("HTTP request")(&e))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| err("HTTP answer")(&e))?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| HarnessError(format!("not an HTTP answer: {text}")))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HarnessError(format!("no status: {head}")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(rest) } else { rest.to_owned() };
    Ok(HttpAnswer {
        status,
        headers,
        body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    })
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

fn chromedriver_path() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned())
}

fn chrome_capabilities(profile_parent: &std::path::Path) -> serde_json::Map<String, serde_json::Value> {
    let profile = profile_parent.join("chromium-profile");
    let options = serde_json::json!({
        "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()),
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=fr-FR",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".to_owned(), "chrome".into());
    caps.insert("goog:chromeOptions".to_owned(), options);
    caps
}

fn free_port() -> Result<u16, HarnessError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| err("free port")(&e))?;
    let port = listener.local_addr().map_err(|e| err("free port")(&e))?.port();
    Ok(port)
}

/// Polls until something accepts connections on `port` (chromedriver takes a moment to start).
fn wait_for_port(port: u16, limit: Duration) -> Result<(), HarnessError> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::yield_now();
        std::thread::park_timeout(Duration::from_millis(20));
    }
    Err(HarnessError(format!(
        "chromedriver did not listen on port {port} within {limit:?}"
    )))
}
