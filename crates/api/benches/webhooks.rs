//! Events and webhooks: `cargo bench -p tdb-api --bench webhooks` (`just bench`).
//!
//! On a temporary SQLite file: appends `BENCH_EVENTS` events (100,000 by default) and reads the whole
//! change feed through the service, pages of 1,000, as national (target < 1 s); then delivers
//! `BENCH_DELIVERIES` events (20,000) to a local receiver (actix-web on 127.0.0.1, answering 204) with
//! one replica's dispatcher: one subscription on one thread (its events go out one after the other),
//! then four subscriptions on four threads (target ≥ 2,000 events/s per replica).

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark's output"
)]

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::{App, HttpResponse, HttpServer, web};
use chrono::Utc;
use diesel::Connection;
use serde_json::json;
use tdb_api::auth::principal::{Principal, StructureScope};
use tdb_api::config::WebhookConfig;
use tdb_api::db::DbPool;
use tdb_api::db::repo::events::{self as log, NewEvent};
use tdb_api::db::repo::webhooks::{self as subs, NewSubscription};
use tdb_api::services::events::{FeedQuery, feed};
use tdb_api::services::webhooks::dispatcher::Dispatcher;
use tdb_api::services::webhooks::signature;
use tdb_domain::contract::Role;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn append(pool: &DbPool, n: usize) {
    let now = Utc::now().naive_utc();
    let events: Vec<NewEvent> = (0..n)
        .map(|i| NewEvent {
            event_type: "form.values_changed".to_owned(),
            campaign_year: Some(2024),
            structure_finess: Some(format!("59{:07}", i % 22_000)),
            actor: "cli:bench".to_owned(),
            actor_role: "cli".to_owned(),
            at: now,
            payload: json!({"channel": "import", "items": ["places_installees_hp"], "version": 2})
                .to_string(),
        })
        .collect();
    let mut conn = pool.get().unwrap();
    conn.transaction(|conn| log::append(conn, &events)).unwrap();
}

/// A receiver answering 204 to everything; its address.
fn receiver() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            HttpServer::new(|| {
                App::new().default_service(web::to(|| async { HttpResponse::NoContent().finish() }))
            })
            .workers(2)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run()
            .await
        })
    });
    addr
}

fn subscribe(pool: &DbPool, url: &str) {
    let now = Utc::now().naive_utc();
    let head = {
        let mut conn = pool.get().unwrap();
        tdb_api::db::read_snapshot(&mut conn, log::head).unwrap()
    };
    let mut conn = pool.get().unwrap();
    subs::insert(
        &mut conn,
        &NewSubscription {
            owner: "bench".to_owned(),
            owner_role: "partner".to_owned(),
            url: url.to_owned(),
            event_types: String::new(),
            state: "active".to_owned(),
            cursor_tx: head.tx,
            cursor_id: head.id,
            next_attempt_at: now,
            created_at: now,
            updated_at: now,
        },
        &signature::new_secret().unwrap(),
    )
    .unwrap();
}

/// Delivers `events` new events to `subscriptions` subscriptions with as many threads; events/s.
fn deliveries(pool: &DbPool, addr: std::net::SocketAddr, subscriptions: usize, events: usize) -> f64 {
    {
        let mut conn = pool.get().unwrap();
        for old in subs::list(&mut conn, None).unwrap() {
            subs::delete(&mut conn, old.id).unwrap();
        }
    }
    for n in 0..subscriptions {
        subscribe(pool, &format!("http://{addr}/s{n}"));
    }
    append(pool, events);
    let config = WebhookConfig {
        allow: "127.0.0.1".to_owned(),
        ..WebhookConfig::default()
    };
    let dispatcher = Arc::new(Dispatcher::new(pool.clone(), &config, "http://bench").unwrap());
    let started = Instant::now();
    let threads: Vec<_> = (0..subscriptions)
        .map(|_| {
            let dispatcher = Arc::clone(&dispatcher);
            std::thread::spawn(move || dispatcher.deliver_due().unwrap())
        })
        .collect();
    let attempts: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(attempts, subscriptions * events, "every event delivered once");
    attempts as f64 / seconds
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let pool = tdb_api::db::connect(&format!(
        "sqlite://{}",
        dir.path().join("bench.sqlite3").display()
    ))
    .unwrap();
    let n = env_usize("BENCH_EVENTS", 100_000);
    append(&pool, n);
    let national = Principal {
        subject: "bench@national".to_owned(),
        role: Role::National,
        scope: StructureScope::All,
        scopes: Vec::new(),
        source: None,
    };
    let started = Instant::now();
    let mut read = 0;
    let mut after = None;
    loop {
        let query = FeedQuery::parse(after.as_deref(), None, Some(1000)).unwrap();
        let mut conn = pool.get().unwrap();
        let page = feed(&mut conn, &national, &query).unwrap();
        if page.items.is_empty() {
            break;
        }
        read += page.items.len();
        after = Some(page.next_cursor);
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(read, n);
    println!(
        "feed read    sqlite  {n} events in {seconds:.3} s ({:.0} events/s; target < 1 s)",
        n as f64 / seconds
    );

    let addr = receiver();
    let events = env_usize("BENCH_DELIVERIES", 20_000);
    let one = deliveries(&pool, addr, 1, events);
    println!("deliveries   sqlite  1 subscription, 1 thread: {one:.0} events/s (in order, one at a time)");
    let four = deliveries(&pool, addr, 4, events / 4);
    println!(
        "deliveries   sqlite  4 subscriptions, 4 threads: {four:.0} events/s per replica (target ≥ 2,000)"
    );
}
