//! Optimistic concurrency of `PATCH …/form`: no lost update, in sequence and truly concurrent.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Barrier};

use actix_web::http::Method;
use serde_json::json;

use crate::forms_fixtures::{EHPAD, form_url, send, snapshot, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

async fn the_second_of_two_writers_from_the_same_version_gets_412(db: TestDb) {
    let state = world(&db, "collecte");
    let alice = auth::esms(&state, &[EHPAD]);
    let bob = auth::og(&state, "590000001");
    let app = app(state.clone()).await;
    let url = form_url(EHPAD, "");
    let seen_by_alice = send(&app, Method::GET, &url, Some(&alice), None, None)
        .await
        .etag
        .unwrap();
    let seen_by_bob = send(&app, Method::GET, &url, Some(&bob), None, None)
        .await
        .etag
        .unwrap();
    assert_eq!(seen_by_alice, seen_by_bob);

    let first = send(
        &app,
        Method::PATCH,
        &url,
        Some(&alice),
        Some(&seen_by_alice),
        Some(json!({"values": {"places_financees_hp": 80}})),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let second = send(
        &app,
        Method::PATCH,
        &url,
        Some(&bob),
        Some(&seen_by_bob),
        Some(json!({"values": {"places_financees_hp": 75}})),
    )
    .await;
    assert_eq!(
        (second.status, second.body["code"].as_str()),
        (412, Some("stale_version"))
    );

    let rows = snapshot(&state, EHPAD);
    assert_eq!(
        rows.values,
        [("places_financees_hp".to_owned(), "80".to_owned(), 1)]
    );
    assert_eq!(rows.audit, 1);
    assert_eq!(rows.version, Some(1));
}

/// Sends one raw HTTP/1.1 request and returns the status code.
fn raw_patch(addr: SocketAddr, path: &str, token: &str, if_match: &str, body: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "PATCH {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {token}\r\nIf-Match: {if_match}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

async fn two_simultaneous_writers_on_a_real_server_one_wins(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::esms(&state, &[EHPAD]);
    // Start from an existing row (version 1) and from no row (version 0): both races must hold.
    for (round, tag) in [(0, "\"0\""), (1, "\"1\"")] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tdb_api::server::serve(state.clone(), listener).unwrap();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let barrier = Arc::new(Barrier::new(2));
        let path = form_url(EHPAD, "");
        let writers: Vec<_> = [70 + round, 90 + round]
            .into_iter()
            .map(|places| {
                let (barrier, path, token, tag) =
                    (barrier.clone(), path.clone(), token.clone(), tag.to_owned());
                std::thread::spawn(move || {
                    let body = json!({"values": {"places_financees_hp": places}}).to_string();
                    barrier.wait();
                    raw_patch(addr, &path, &token, &tag, &body)
                })
            })
            .collect();
        let statuses = actix_web::rt::task::spawn_blocking(move || {
            let mut s: Vec<u16> = writers.into_iter().map(|w| w.join().unwrap()).collect();
            s.sort_unstable();
            s
        })
        .await
        .unwrap();
        handle.stop(true).await;
        assert_eq!(statuses, [200, 412], "round {round}");
        let rows = snapshot(&state, EHPAD);
        assert_eq!(rows.version, Some(round + 1));
        assert_eq!(rows.audit, round + 1, "exactly one entry per won write");
    }
}

/// Writers with `If-Match: *` on different items of one form, all at once: each patch is planned
/// before the write turn on the version it read, and planned again when another landed meanwhile, so
/// every value and audit entry is kept and the cached completion is that of the final values.
async fn simultaneous_unconditional_writers_of_different_items_all_land(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::esms(&state, &[EHPAD]);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tdb_api::server::serve(state.clone(), listener).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    let items = [
        ("places_financees_hp", 80),
        ("journees_realisees_hp", 27_000),
        ("jours_ouverture_hp", 365),
        ("admissions", 12),
        ("gmp_valide", 710),
        ("resultat_comptable", 15_000),
    ];
    let barrier = Arc::new(Barrier::new(items.len()));
    let path = form_url(EHPAD, "");
    let writers: Vec<_> = items
        .into_iter()
        .map(|(item, value)| {
            let (barrier, path, token) = (barrier.clone(), path.clone(), token.clone());
            std::thread::spawn(move || {
                let body = json!({"values": {item: value}}).to_string();
                barrier.wait();
                raw_patch(addr, &path, &token, "*", &body)
            })
        })
        .collect();
    let statuses = actix_web::rt::task::spawn_blocking(move || {
        writers
            .into_iter()
            .map(|w| w.join().unwrap())
            .collect::<Vec<u16>>()
    })
    .await
    .unwrap();
    handle.stop(true).await;
    assert_eq!(statuses, [200; 6]);

    let rows = snapshot(&state, EHPAD);
    let mut stored: Vec<&str> = rows.values.iter().map(|(item, _, _)| item.as_str()).collect();
    stored.sort_unstable();
    let mut expected: Vec<&str> = items.iter().map(|(item, _)| *item).collect();
    expected.sort_unstable();
    assert_eq!(stored, expected, "no write lost");
    assert_eq!(rows.version, Some(6));
    assert_eq!(rows.audit, 6);
    let app = app(state.clone()).await;
    let form = send(&app, Method::GET, &path, Some(&token), None, None).await;
    let filled = form.body["evaluation"]["completion"]["filled"].as_i64().unwrap();
    let mut conn = state.pool.get().unwrap();
    let cached: i32 = {
        use diesel::prelude::*;
        use tdb_api::db::schema::forms;
        forms::table
            .filter(forms::structure_finess.eq(EHPAD))
            .select(forms::filled)
            .first(&mut conn)
            .unwrap()
    };
    assert_eq!(
        i64::from(cached),
        filled,
        "the cached completion is the final values'"
    );
}

on_both_backends!(
    the_second_of_two_writers_from_the_same_version_gets_412,
    two_simultaneous_writers_on_a_real_server_one_wins,
    simultaneous_unconditional_writers_of_different_items_all_land,
);
