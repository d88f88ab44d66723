//! A server killed (SIGKILL) in the middle of a large import leaves every structure with all of its
//! values (its batch committed) or none; at restart the job reads `interrupted`, and sending the same
//! import again completes it. Runs the real `tdb serve` binary on a temporary SQLite database and on a
//! fresh PostgreSQL schema (whose value and audit writes go through `COPY`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::{audit_log, form_values};

use crate::forms_fixtures::{complete_ehpad, world};
use crate::imports_fixtures::many_structures;
use crate::support::serve;
use crate::support::{TestDb, auth};

const STRUCTURES: usize = 300;
const VALUES: usize = 60;

/// One HTTP/1.1 request; the status and the body.
fn http(addr: SocketAddr, method: &str, path: &str, token: &str, body: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

fn start_server(db: &TestDb, addr: SocketAddr) -> Child {
    let child = serve::configure(&mut serve::tdb_serve(), db, addr)
        .env("TDB_IMPORT_BATCH_VALUES", "300")
        .spawn()
        .unwrap();
    serve::wait_until_listening(addr);
    child
}

fn job(addr: SocketAddr, location: &str, token: &str) -> Value {
    let (status, _, body) = http(addr, "GET", location, token, "");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Values stored per structure.
fn counts(db: &TestDb, finess: &[String]) -> Vec<i64> {
    let state = crate::support::state(db);
    let mut conn = state.pool.get().unwrap();
    finess
        .iter()
        .map(|f| {
            form_values::table
                .filter(form_values::campaign_year.eq(2024))
                .filter(form_values::structure_finess.eq(f))
                .count()
                .get_result(&mut conn)
                .unwrap()
        })
        .collect()
}

/// Audit entries of imported values per structure.
fn audited(db: &TestDb, finess: &[String]) -> Vec<i64> {
    let state = crate::support::state(db);
    let mut conn = state.pool.get().unwrap();
    finess
        .iter()
        .map(|f| {
            audit_log::table
                .filter(audit_log::channel.eq("import"))
                .filter(audit_log::structure_finess.eq(f))
                .count()
                .get_result(&mut conn)
                .unwrap()
        })
        .collect()
}

#[test]
fn a_killed_server_leaves_whole_batches_and_the_job_interrupted_on_sqlite() {
    killed_server(TestDb::sqlite());
}

#[test]
fn a_killed_server_leaves_whole_batches_and_the_job_interrupted_on_postgres() {
    if let Some(db) = TestDb::postgres() {
        killed_server(db);
    }
}

fn killed_server(db: TestDb) {
    let state = world(&db, "collecte");
    let finess = many_structures(&state, STRUCTURES);
    let token = auth::og(&state, "990000001");
    drop(state);
    let values: serde_json::Map<String, Value> = complete_ehpad().into_iter().take(VALUES).collect();
    let rows: Vec<Value> = finess
        .iter()
        .map(|f| json!({"finess": f, "values": values}))
        .collect();
    let body = json!({"rows": rows}).to_string();
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();

    let mut server = start_server(&db, addr);
    let (status, head, answer) = http(addr, "POST", "/api/v1/campaigns/2024/imports", &token, &body);
    assert_eq!(status, 202, "{answer}");
    let location = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap()
        .trim()
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    let processed = loop {
        let processed = job(addr, &location, &token)["processed"].as_u64().unwrap();
        if processed > 0 {
            break processed;
        }
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(2));
    };
    server.kill().unwrap();
    server.wait().unwrap();
    let total = (STRUCTURES * VALUES) as u64;
    assert!(
        processed < total,
        "the job finished before the kill: make batches smaller"
    );

    let after_kill = counts(&db, &finess);
    for (f, n) in finess.iter().zip(&after_kill) {
        assert!(
            *n == 0 || *n == VALUES as i64,
            "{f}: {n} values, a half-written batch"
        );
    }
    assert_eq!(
        audited(&db, &finess),
        after_kill,
        "each committed structure has the audit entries of its values, the others none"
    );
    let whole = after_kill.iter().filter(|n| **n > 0).count() as u64;
    assert!(
        whole * VALUES as u64 >= processed,
        "every reported batch is committed"
    );
    assert!(whole < STRUCTURES as u64, "the kill came before the end");

    let mut server = start_server(&db, addr);
    let interrupted = job(addr, &location, &token);
    assert_eq!(interrupted["state"], "interrupted", "{interrupted}");
    assert!(interrupted["error"].as_str().unwrap().contains("Renvoyez"));

    let (status, head, answer) = http(addr, "POST", "/api/v1/campaigns/2024/imports", &token, &body);
    assert_eq!(status, 202, "{answer}");
    let location = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap()
        .trim()
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(120);
    let done = loop {
        let current = job(addr, &location, &token);
        if current["state"] != "running" && current["state"] != "queued" {
            break current;
        }
        assert!(Instant::now() < deadline, "the re-run did not finish");
        std::thread::sleep(Duration::from_millis(50));
    };
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(done["state"], "done", "{done}");
    let counted = &done["summary"]["values"];
    assert_eq!(
        counted["unchanged"].as_u64(),
        Some(whole * VALUES as u64),
        "already written: unchanged"
    );
    assert_eq!(counted["created"].as_u64(), Some(total - whole * VALUES as u64));
    assert!(counts(&db, &finess).iter().all(|n| *n == VALUES as i64));
    assert!(
        audited(&db, &finess).iter().all(|n| *n == VALUES as i64),
        "values already written are not audited again"
    );
}
