//! Bounds of imports and exports in process: a CSV header of 300,000 columns is refused at once (it
//! took 85 s of CPU: the duplicate check was quadratic); the lists of a summary (answer or stored job
//! result) keep their first 1,000 entries and count the others; large imports and exports are limited
//! per caller (429) and per process (503), both with `Retry-After`.

use std::time::{Duration, Instant};

use actix_web::test;
use serde_json::Value;
use tdb_api::services::heavy::HeavyLimits;

use crate::forms_fixtures::{EHPAD, world};
use crate::imports_fixtures::{IMPORTS, post};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

const EXPORT: &str = "/api/v1/campaigns/2024/export";

async fn a_csv_header_of_300k_columns_is_refused_at_once(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let mut body = String::from("finess");
    for i in 0..300_000 {
        body.push_str(&format!(",c{i}"));
    }
    body.push('\n');
    assert!(body.len() > 2_000_000);
    let started = Instant::now();
    let answer = post(
        &app,
        &format!("{IMPORTS}?dry_run=true"),
        Some(&esms),
        "text/csv",
        body,
        None,
    )
    .await;
    assert_eq!(answer.status, 413, "{}", answer.raw);
    assert_eq!(answer.body["code"], "import_too_large");
    assert!(answer.content_type.starts_with("application/problem+json"));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // Within the width, a repeated column is still found (and in linear time).
    let repeated = "finess,places_installees_hp,etp_reels_31_12,places_installees_hp\n590000011,1,2,3\n";
    let answer = post(&app, IMPORTS, Some(&esms), "text/csv", repeated, None).await;
    assert_eq!(answer.status, 400, "{}", answer.raw);
    assert_eq!(answer.body["code"], "invalid_csv_header");
}

/// `n` lines of unknown items for the EHPAD, long layout.
fn unknown_items(n: usize) -> String {
    let mut body = String::from("finess,item,value\n");
    for i in 0..n {
        body.push_str(&format!("{EHPAD},inconnu_{i},1\n"));
    }
    body
}

async fn summaries_keep_1000_rejections_and_count_the_others(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let uri = format!("{IMPORTS}?layout=long&dry_run=true");

    let refused = post(&app, &uri, Some(&esms), "text/csv", unknown_items(3_000), None).await;
    assert_eq!(refused.status, 422, "{}", refused.raw);
    let summary = &refused.body["summary"];
    assert_eq!(summary["values"]["rejected"], 3_000);
    assert_eq!(summary["rejected"].as_array().unwrap().len(), 1_000);
    assert_eq!(summary["rejected_omitted"], 2_000);
    assert_eq!(summary["rows_skipped"].as_array().unwrap().len(), 1_000);
    assert_eq!(summary["rows_skipped_omitted"], 2_000);
    assert_eq!(summary["rejected"][0]["row"], 2, "the first ones, in input order");
    assert_eq!(refused.body["errors"].as_array().unwrap().len(), 1_000);

    // A job (over 5,000 values): its stored result is bounded the same way.
    let started = post(&app, &uri, Some(&esms), "text/csv", unknown_items(30_000), None).await;
    assert_eq!(started.status, 202, "{}", started.raw);
    let location = started.location.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let job = loop {
        let request = test::TestRequest::get()
            .uri(&location)
            .insert_header(("Authorization", esms.clone()))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status().as_u16(), 200);
        let body = test::read_body(response).await;
        let job: Value = serde_json::from_slice(&body).unwrap();
        if job["state"] == "done" {
            assert!(
                body.len() < 1_000_000,
                "the stored result is bounded: {} bytes",
                body.len()
            );
            break job;
        }
        assert!(Instant::now() < deadline, "the job did not finish: {job}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    let summary = &job["summary"];
    assert_eq!(summary["values"]["rejected"], 30_000, "{summary}");
    assert_eq!(summary["rejected"].as_array().unwrap().len(), 1_000);
    assert_eq!(summary["rejected_omitted"], 29_000);
}

async fn large_imports_and_exports_are_limited_per_caller_and_per_process(db: TestDb) {
    let mut state = world(&db, "collecte");
    state.heavy = HeavyLimits::new(2, 1);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let ars = auth::ars(&state, "32");
    let get = |token: &str| {
        test::TestRequest::get()
            .uri(EXPORT)
            .insert_header(("Authorization", token.to_owned()))
            .to_request()
    };
    // The national caller already runs a large request: a second one is refused 429.
    let running = state.heavy.try_acquire("admin@national.test").unwrap();
    refused(
        test::call_service(&app, get(&national)).await,
        429,
        "too_many_requests",
    )
    .await;
    let big = format!("finess,places_installees_hp\n{}", "590000011,1\n".repeat(30_000));
    let answer = post(
        &app,
        &format!("{IMPORTS}?source=cnsa_errd"),
        Some(&national),
        "text/csv",
        big,
        None,
    )
    .await;
    assert_eq!(answer.status, 429, "{}", answer.raw);
    assert_eq!(answer.body["code"], "too_many_requests");
    // A small import is not a large request.
    let small = "finess,places_installees_hp\n590000011,1\n";
    let answer = post(
        &app,
        &format!("{IMPORTS}?source=cnsa_errd&dry_run=true"),
        Some(&national),
        "text/csv",
        small,
        None,
    )
    .await;
    assert_ne!(answer.status, 429, "{}", answer.raw);

    // Another caller is served, and its place is released when the export ends.
    let response = test::call_service(&app, get(&ars)).await;
    assert_eq!(response.status().as_u16(), 200);
    test::read_body(response).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while state.heavy.running() > 1 {
        assert!(Instant::now() < deadline, "the export's place was not released");
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }

    // The process is full: every caller is refused 503.
    let other = state.heavy.try_acquire("someone@else.test").unwrap();
    refused(test::call_service(&app, get(&ars)).await, 503, "server_busy").await;
    drop((running, other));
    let response = test::call_service(&app, get(&national)).await;
    assert_eq!(response.status().as_u16(), 200);
}

/// Checks a refusal of a large request: status, `Retry-After`, problem+json and code.
async fn refused(response: actix_web::dev::ServiceResponse, status: u16, code: &str) {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(response.headers().get("Retry-After").unwrap(), "10");
    assert_eq!(
        response.headers().get("Content-Type").unwrap(),
        "application/problem+json"
    );
    let body: Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
    assert_eq!(body["code"], code);
}

on_both_backends!(
    a_csv_header_of_300k_columns_is_refused_at_once,
    summaries_keep_1000_rejections_and_count_the_others,
    large_imports_and_exports_are_limited_per_caller_and_per_process,
);
