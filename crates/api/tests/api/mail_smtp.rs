//! Mail through a real SMTP server (Python's `aiosmtpd` from PyPI, in a venv under the target
//! directory, storing what it receives in a Maildir): invitation and reset links followed from the
//! received mails, one send per mail with two dispatchers, and a mail that waits in the outbox while
//! the server is down and leaves when it is back.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::json;
use tdb_api::config::DEFAULT_MAIL_FROM;
use tdb_api::db::schema::mail_outbox;
use tdb_api::services::mail::dispatcher::Dispatcher;

use crate::accounts::token_in;
use crate::forms_fixtures::send;
use crate::on_both_backends;
use crate::support::fixtures::small_world;
use crate::support::{TestDb, app, auth};

const AIOSMTPD: &str = "aiosmtpd==1.4.6";
const STRONG: &str = "cheval agrafe lanterne pivoine";

/// One install of the venv at a time (the tests of this module run in parallel).
static VENV: Mutex<()> = Mutex::new(());

/// The venv's Python with aiosmtpd installed (once per target directory).
fn python() -> PathBuf {
    let _once = VENV.lock().unwrap();
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aiosmtpd-venv");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        let _ = std::fs::remove_dir_all(&venv);
        let made = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .unwrap();
        assert!(made.success(), "python3 -m venv failed");
        let pip = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", AIOSMTPD])
            .status()
            .unwrap();
        assert!(pip.success(), "pip install {AIOSMTPD} failed");
    }
    python
}

/// A running aiosmtpd writing into a Maildir (also used by `reminders_replicas`).
pub struct SmtpServer {
    child: Option<Child>,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self {
            child: None,
            port,
            maildir: tempfile::tempdir().unwrap(),
        };
        server.resume();
        server
    }

    /// Starts (again) on the same port and Maildir.
    fn resume(&mut self) {
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port)])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::yield_now();
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail received: `(recipient, subject, text body)`.
    pub fn received(&self) -> Vec<(String, String, String)> {
        let new = self.maildir.path().join("box/new");
        let Ok(entries) = std::fs::read_dir(new) else {
            return Vec::new();
        };
        entries
            .map(|e| {
                let raw = std::fs::read(e.unwrap().path()).unwrap();
                let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
                let to = message
                    .to()
                    .unwrap()
                    .first()
                    .unwrap()
                    .address()
                    .unwrap()
                    .to_owned();
                let subject = message.subject().unwrap().to_owned();
                let text = message.body_text(0).unwrap().into_owned();
                (to, subject, text)
            })
            .collect()
    }

    /// The text of the one mail received by `email`.
    fn only_mail_to(&self, email: &str) -> String {
        let mut mails: Vec<_> = self
            .received()
            .into_iter()
            .filter(|(to, _, _)| to == email)
            .collect();
        assert_eq!(mails.len(), 1, "one mail to {email}: {mails:?}");
        mails.remove(0).2
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn dispatcher(state: &tdb_api::state::AppState, smtp: &SmtpServer) -> Dispatcher {
    Dispatcher::new(
        state.pool.clone(),
        Some(&smtp.url()),
        PathBuf::from("/nonexistent"),
        DEFAULT_MAIL_FROM,
    )
    .unwrap()
}

async fn mails_leave_through_a_real_smtp_server(db: TestDb) {
    let mut smtp = SmtpServer::start();
    let state = crate::support::state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let invite = |email: String| {
        let (app, national) = (&app, national.clone());
        async move {
            let answer = send(
                app,
                Method::POST,
                "/api/v1/users",
                Some(&national),
                None,
                Some(json!({"email": email, "role": "esms", "structures": ["590000011"]})),
            )
            .await;
            assert_eq!(answer.status, 201, "{}", answer.body);
        }
    };
    let login = |email: &'static str, password: &'static str| {
        let app = &app;
        async move {
            send(
                app,
                Method::POST,
                "/api/v1/auth/login",
                None,
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await
            .status
        }
    };
    let set = |token: String| {
        let app = &app;
        async move {
            send(
                app,
                Method::POST,
                "/api/v1/auth/password/set",
                None,
                None,
                Some(json!({"token": token, "password": STRONG})),
            )
            .await
            .status
        }
    };

    // Invitation: the mail arrives with the link, the link sets the password once.
    invite("direction@tilleuls.fr".to_owned()).await;
    assert_eq!(dispatcher(&state, &smtp).deliver_due().unwrap(), 1);
    let text = smtp.only_mail_to("direction@tilleuls.fr");
    assert!(text.contains("Bonjour"), "{text}");
    let token = token_in(&text);
    assert_eq!(set(token.clone()).await, 204);
    assert_eq!(login("direction@tilleuls.fr", STRONG).await, 200);
    assert_eq!(set(token).await, 410);

    // Reset: the same way.
    send(
        &app,
        Method::POST,
        "/api/v1/auth/password/forgot",
        None,
        None,
        Some(json!({"email": "direction@tilleuls.fr"})),
    )
    .await;
    assert_eq!(dispatcher(&state, &smtp).deliver_due().unwrap(), 1);
    let resets: Vec<_> = smtp
        .received()
        .into_iter()
        .filter(|(_, subject, _)| subject.contains("Réinitialisation"))
        .collect();
    assert_eq!(resets.len(), 1);
    let token = token_in(&resets[0].2);
    let answer = send(
        &app,
        Method::POST,
        "/api/v1/auth/password/set",
        None,
        None,
        Some(json!({"token": token, "password": "une toute autre phrase secrète"})),
    )
    .await;
    assert_eq!(answer.status, 204);
    assert_eq!(login("direction@tilleuls.fr", STRONG).await, 401);
    assert_eq!(
        login("direction@tilleuls.fr", "une toute autre phrase secrète").await,
        200
    );

    // Two dispatchers (two replicas) on 30 mails: each mail is sent once.
    for i in 0..30 {
        invite(format!("personne{i}@ehpad.fr")).await;
    }
    let (one, two) = (dispatcher(&state, &smtp), dispatcher(&state, &smtp));
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| one.deliver_due().unwrap());
        let b = s.spawn(|| two.deliver_due().unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a + b, 30, "{a} + {b}");
    for i in 0..30 {
        smtp.only_mail_to(&format!("personne{i}@ehpad.fr"));
    }

    // The server is down: the mail waits in the outbox with its error, and leaves when it is back.
    smtp.stop();
    invite("attente@ehpad.fr".to_owned()).await;
    assert_eq!(dispatcher(&state, &smtp).deliver_due().unwrap(), 0);
    let mut conn = state.pool.get().unwrap();
    let (attempts, error): (i32, Option<String>) = mail_outbox::table
        .filter(mail_outbox::recipient.eq("attente@ehpad.fr"))
        .select((mail_outbox::attempts, mail_outbox::last_error))
        .first(&mut conn)
        .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    // Not before its retry time (30 s later)…
    smtp.resume();
    assert_eq!(dispatcher(&state, &smtp).deliver_due().unwrap(), 0);
    // …then it leaves.
    diesel::update(mail_outbox::table.filter(mail_outbox::recipient.eq("attente@ehpad.fr")))
        .set(mail_outbox::next_attempt_at.eq(chrono::Utc::now().naive_utc()))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(dispatcher(&state, &smtp).deliver_due().unwrap(), 1);
    smtp.only_mail_to("attente@ehpad.fr");
    assert_eq!(tdb_api::db::repo::outbox::pending(&mut conn).unwrap(), 0);
}

on_both_backends!(mails_leave_through_a_real_smtp_server);
