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

    async fn start_with(demo: bool) -> Result<Self, HarnessError> {
        let web_dist = std::env::var_os("TDB_WEB_DIST")
            .map_or_else(|| workspace_root().join("crates/web-ui/dist"), PathBuf::from);
        if !web_dist.join("index.html").is_file() {
            return Err(HarnessError(format!(
                "the web app is not built in {}: run `just web` first",
                web_dist.display()
            )));
        }
        let data = tempfile::tempdir().map_err(|e| err("temporary directory")(&e))?;
        let config = Config {
            database_url: format!("sqlite://{}", data.path().join("e2e.sqlite3").display()),
            bind: "127.0.0.1:0".parse().map_err(|e| err("bind address")(&e))?,
            jwt_secret: Some(Secret::new("e2e-secret-e2e-secret-e2e-secret-0123456")),
            web_dist,
            log: "warn".to_owned(),
            form_cache_mb: 16,
            import_batch_values: tdb_api::config::DEFAULT_IMPORT_BATCH_VALUES,
            hsts_seconds: 0,
            fiche_batch_ttl_hours: 24,
            trusted_proxies: tdb_api::config::TrustedProxies::default(),
        };
        let state = tdb_api::server::build_state(config).map_err(|e| err("database")(&e))?;
        if demo {
            let mut conn = state.pool.get().map_err(|e| err("database connection")(&e))?;
            tdb_api::seed::demo::run(&mut conn).map_err(|e| err("demo data")(&e))?;
        }
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| err("bind")(&e))?;
        let base_url = format!(
            "http://{}",
            listener.local_addr().map_err(|e| err("local address")(&e))?
        );
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

    /// Closes the browser, stops the server and chromedriver.
    pub async fn stop(mut self) {
        let _ = self.browser.clone().close().await;
        self.server.stop(true).await;
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
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
