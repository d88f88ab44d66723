//! Webhooks delivered by two real `tdb serve` replicas sharing one PostgreSQL (must-show 3 of issue 20):
//! 10,000 events to 3 subscribers, every event delivered, in order per subscriber, duplicates only
//! after a failed attempt; one replica is killed (`SIGKILL`) while it holds a subscription's lease and
//! the other completes its deliveries.

use std::collections::HashSet;
use std::net::{SocketAddr, TcpListener};
use std::process::Child;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;
use tdb_api::db::repo::events::{self as log, NewEvent};
use tdb_api::db::repo::webhooks::{self as subs, NewSubscription};
use tdb_api::services::webhooks::signature;

use crate::support::receiver::{Hit, Receiver, Reply, verifies};
use crate::support::{TestDb, serve, state};

const EVENTS: usize = 10_000;
const SUBSCRIBERS: [&str; 3] = ["/s1", "/s2", "/s3"];

/// A replica with its webhook dispatcher; killed when dropped.
struct Replica {
    child: Child,
}

impl Replica {
    fn start(db: &TestDb) -> Self {
        let addr: SocketAddr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let child = serve::configure(&mut serve::tdb_serve(), db, addr)
            .env("TDB_WEBHOOK_ALLOW", "127.0.0.1")
            .env("TDB_WEBHOOK_LEASE_SECONDS", "2")
            .env("TDB_WEBHOOK_TIMEOUT_MS", "500")
            .env("TDB_WEBHOOK_RETRY_BASE_MS", "10")
            .env("TDB_WEBHOOK_WORKERS", "3")
            .env("TDB_WEBHOOK_POLL_MS", "20")
            .spawn()
            .unwrap();
        serve::wait_until_listening(addr);
        Self { child }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Checks what `path` received: every event, first deliveries in order, and each duplicate explained
/// by a failed attempt — an answer other than 2xx to that very event, or the kill (at most the
/// unrecorded batch of the killed replica, after the kill).
fn check_subscriber(path: &str, hits: &[Hit], secret: &str, expected: &[i64], killed_at: usize) {
    let mut seen = HashSet::new();
    let mut first = Vec::new();
    let mut failed = HashSet::new();
    let mut unexplained_before_kill = Vec::new();
    let mut after_kill = 0;
    for (n, hit) in hits.iter().enumerate() {
        assert!(verifies(secret, hit), "{path}: signature of {}", hit.id);
        let id = hit.event_id();
        if seen.insert(id) {
            first.push(id);
        } else if !failed.contains(&id) {
            if n < killed_at {
                unexplained_before_kill.push(id);
            } else {
                after_kill += 1;
            }
        }
        if !hit.accepted() {
            failed.insert(id);
        }
    }
    assert_eq!(first.len(), expected.len(), "{path}: every event delivered");
    assert!(first == expected, "{path}: first deliveries in event order");
    assert!(
        unexplained_before_kill.is_empty(),
        "{path}: duplicates without a failed attempt: {unexplained_before_kill:?}"
    );
    // The killed replica's batch (at most 500 events) may be sent again by the survivor.
    assert!(
        after_kill <= 500,
        "{path}: {after_kill} duplicates after the kill"
    );
}

#[test]
fn two_replicas_deliver_every_event_in_order_and_survive_a_kill() {
    let Some(db) = TestDb::postgres() else {
        return;
    };
    let started = Instant::now();
    let setup = state(&db);
    let receiver = Receiver::start();
    let now = Utc::now().naive_utc();
    let mut secrets = Vec::new();
    {
        let mut conn = setup.pool.get().unwrap();
        let events: Vec<NewEvent> = (0..EVENTS)
            .map(|n| NewEvent {
                event_type: if n % 2 == 0 {
                    "form.values_changed"
                } else {
                    "form.submitted"
                }
                .to_owned(),
                campaign_year: Some(2024),
                structure_finess: Some(format!("59{:07}", n % 500)),
                actor: "cli:bench".to_owned(),
                actor_role: "cli".to_owned(),
                at: now,
                payload: json!({"n": n}).to_string(),
            })
            .collect();
        conn.transaction(|conn| log::append(conn, &events)).unwrap();
        for path in SUBSCRIBERS {
            let secret = signature::new_secret().unwrap();
            subs::insert(
                &mut conn,
                &NewSubscription {
                    owner: "client-replicas".to_owned(),
                    owner_role: "partner".to_owned(),
                    url: receiver.url(path),
                    event_types: String::new(),
                    state: "active".to_owned(),
                    cursor_tx: 0,
                    cursor_id: 0,
                    next_attempt_at: now,
                    created_at: now,
                    updated_at: now,
                },
                &secret,
            )
            .unwrap();
            secrets.push(secret);
        }
    }
    let expected: Vec<i64> = {
        use tdb_api::db::schema::events;
        let mut conn = setup.pool.get().unwrap();
        events::table
            .select(events::id)
            .order(events::id)
            .load(&mut conn)
            .unwrap()
    };
    // Two failed answers per subscriber, early on: each is retried (a duplicate after a failed attempt).
    for path in SUBSCRIBERS {
        receiver.script(
            path,
            &[
                Reply::Status(200),
                Reply::Status(500),
                Reply::Status(200),
                Reply::Status(503),
            ],
        );
    }
    let mut a = Replica::start(&db);
    let pid_a = a.child.id();
    let _b = Replica::start(&db);
    let total = || SUBSCRIBERS.iter().map(|p| receiver.count(p)).sum::<usize>();

    // Kill A once a third of the work is done and A holds a lease.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "no progress: {} hits", total());
        let a_leases: i64 = {
            use tdb_api::db::schema::webhook_subscriptions as s;
            let mut conn = setup.pool.get().unwrap();
            s::table
                .filter(s::lease_owner.like(format!("{pid_a}-%")))
                .count()
                .get_result(&mut conn)
                .unwrap()
        };
        if total() >= EVENTS && a_leases > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    a.child.kill().unwrap(); // SIGKILL
    a.child.wait().unwrap();
    let killed_at: Vec<usize> = SUBSCRIBERS.iter().map(|p| receiver.count(p)).collect();
    let killed_after = started.elapsed();

    // B completes every subscriber.
    let done = |path: &str| {
        receiver
            .hits(path)
            .iter()
            .filter(|h| h.accepted())
            .map(Hit::event_id)
            .collect::<HashSet<_>>()
            .len()
            == EVENTS
    };
    while !SUBSCRIBERS.iter().all(|p| done(p)) {
        assert!(Instant::now() < deadline, "B did not complete: {} hits", total());
        std::thread::sleep(Duration::from_millis(50));
    }
    let finished_after = started.elapsed();
    for ((path, secret), killed_at) in SUBSCRIBERS.iter().zip(&secrets).zip(killed_at) {
        check_subscriber(path, &receiver.hits(path), secret, &expected, killed_at);
    }
    // The cursors reach the last event.
    {
        use tdb_api::db::schema::webhook_subscriptions as s;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut conn = setup.pool.get().unwrap();
            let cursors: Vec<i64> = s::table.select(s::cursor_id).load(&mut conn).unwrap();
            if cursors.iter().all(|c| c == expected.last().unwrap()) {
                break;
            }
            assert!(Instant::now() < deadline, "cursors {cursors:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    eprintln!(
        "two replicas: {} deliveries of {EVENTS} events to 3 subscribers; A killed after {killed_after:?}, \
         all delivered after {finished_after:?}",
        total()
    );
}
