//! Issue 16 (HTTP, data integrity, authentication): each defect found by the hardening review, as a test
//! that failed before its fix.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Barrier};

use serde_json::json;

use crate::on_both_backends;
use crate::support::fixtures::{insert_campaign, insert_user, small_world};
use crate::support::{TestDb, auth, state};

/// One raw HTTP/1.1 exchange: the status, the header block (lower-cased) and the body.
pub fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_lowercase(), body.to_owned())
}

/// A real server on a free port (stopped by the returned handle).
pub fn serve(state: &tdb_api::state::AppState) -> (SocketAddr, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tdb_api::server::serve(state.clone(), listener).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

/// Many writers at once outside the form PATCH path (structure replacement, campaign phase, failed
/// logins, managing-body creation): none answers 5xx (SQLite answered 500 "database is locked").
async fn concurrent_writes_never_answer_5xx(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    insert_campaign(&state, 2024, "preparation");
    insert_user(&state, "agent@ars.test", "correct horse battery", "ars", &["32"]);
    let national = auth::national(&state);
    let (addr, handle) = serve(&state);
    const WRITERS: usize = 16;
    const ROUNDS: usize = 6;
    let barrier = Arc::new(Barrier::new(WRITERS));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (barrier, national) = (barrier.clone(), national.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut statuses = Vec::new();
                for round in 0..ROUNDS {
                    let auth = [("Authorization", national.as_str()), ("If-Match", "*")];
                    let answer = match (w + round) % 4 {
                        0 => raw(
                            addr,
                            "PUT",
                            "/api/v1/structures/590000021",
                            &auth,
                            &json!({"name": format!("IME {w}-{round}"), "category": "ime",
                                    "organisation_finess": "590000001", "department_code": "59",
                                    "city": "Lille", "active": true})
                            .to_string(),
                        ),
                        1 => raw(
                            addr,
                            "POST",
                            "/api/v1/campaigns/2024/phase",
                            &auth,
                            &json!({"phase": "collecte"}).to_string(),
                        ),
                        2 => raw(
                            addr,
                            "POST",
                            "/api/v1/auth/login",
                            &[],
                            &json!({"email": format!("x{w}@ars.test"), "password": "wrong"}).to_string(),
                        ),
                        _ => raw(
                            addr,
                            "POST",
                            "/api/v1/organisations",
                            &auth,
                            &json!({"finess": format!("5900{w:02}{round:03}"), "name": "OG",
                                    "legal_status": "public"})
                            .to_string(),
                        ),
                    };
                    statuses.push((answer.0, answer.2));
                }
                statuses
            })
        })
        .collect();
    let statuses = actix_web::rt::task::spawn_blocking(move || {
        writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    handle.stop(true).await;
    let failed: Vec<_> = statuses.iter().filter(|(s, _)| *s >= 500).collect();
    assert!(
        failed.is_empty(),
        "{} of {} writes failed: {:?}",
        failed.len(),
        statuses.len(),
        failed.first()
    );
}

on_both_backends!(concurrent_writes_never_answer_5xx);
