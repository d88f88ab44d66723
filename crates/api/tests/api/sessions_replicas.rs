//! Sessions live in the database, not in a process: two real `tdb serve` replicas on one database (a
//! SQLite file, a fresh PostgreSQL schema), with the same key and public URL. A session started on A is
//! refreshed on B, B's rotated cookie is refreshed on A, and A's first cookie, presented again, is a
//! reuse that revokes the session everywhere.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Child;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::TestDb;
use crate::support::fixtures::insert_user;
use crate::support::serve;

const PUBLIC_URL: &str = "https://tdb.example.fr";
const EMAIL: &str = "direction@replicas.fr";
const PASSWORD: &str = "Un mot de passe solide 2024 !";

/// A replica; killed when dropped.
struct Replica {
    child: Child,
    addr: SocketAddr,
}

impl Replica {
    fn start(db: &TestDb) -> Self {
        let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let child = serve::configure(&mut serve::tdb_serve(), db, addr)
            .env("TDB_PUBLIC_URL", PUBLIC_URL)
            .spawn()
            .unwrap();
        serve::wait_until_listening(addr);
        Self { child, addr }
    }

    /// `POST path` with `headers` and `body`: the status, the `tdb_refresh` cookie set (if any), the body.
    fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Option<String>, Value) {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        write!(stream, "{request}\r\n{body}").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let cookie = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            let value = value.trim();
            (name.eq_ignore_ascii_case("set-cookie") && value.starts_with("tdb_refresh="))
                .then(|| value.to_owned())
        });
        (status, cookie, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    fn refresh(&self, token: &str) -> (u16, Option<String>, Value) {
        let cookie = format!("tdb_refresh={token}");
        self.post(
            "/api/v1/auth/refresh",
            &[("Cookie", &cookie), ("Origin", PUBLIC_URL)],
            "",
        )
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token of a `Set-Cookie: tdb_refresh=…` header.
fn token(cookie: Option<&String>) -> String {
    let cookie = cookie.expect("a tdb_refresh cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("; Secure"),
        "{cookie}"
    );
    let value = cookie.strip_prefix("tdb_refresh=").unwrap();
    value.split(';').next().unwrap().to_owned()
}

fn a_session_moves_between_replicas(db: TestDb) {
    let state = crate::support::state(&db);
    insert_user(&state, EMAIL, PASSWORD, "national", &[]);
    drop(state);
    let a = Replica::start(&db);
    let b = Replica::start(&db);

    let login = json!({"email": EMAIL, "password": PASSWORD}).to_string();
    let (status, cookie, body) = a.post("/api/v1/auth/login", &[], &login);
    assert_eq!(status, 200, "{body}");
    let on_a = token(cookie.as_ref());

    let (status, cookie, body) = b.refresh(&on_a);
    assert_eq!(status, 200, "B refreshes A's session: {body}");
    assert_eq!(body["user"]["email"], EMAIL);
    let on_b = token(cookie.as_ref());
    assert_ne!(on_b, on_a);

    let (status, cookie, body) = a.refresh(&on_b);
    assert_eq!(status, 200, "A refreshes B's rotated cookie: {body}");
    let latest = token(cookie.as_ref());

    let (status, cookie, body) = a.refresh(&on_a);
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["code"], "refresh_token_reused");
    assert!(cookie.is_some_and(|c| c.contains("Max-Age=0")), "cleared");
    let (status, _, body) = b.refresh(&latest);
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("session_expired")),
        "the reuse revoked the session on every replica"
    );
}

#[test]
fn a_session_moves_between_replicas_on_sqlite() {
    a_session_moves_between_replicas(TestDb::sqlite());
}

#[test]
fn a_session_moves_between_replicas_on_postgres() {
    if let Some(db) = TestDb::postgres() {
        a_session_moves_between_replicas(db);
    }
}
