//! `POST /api/v1/referential/finess` (the FINESS referential): the sample extract of
//! `tests/data/finess/sample.csv` (see its generator for what it holds), counts, idempotence, closing,
//! refusal of a malformed file, Latin-1, dry run, authorization.

use actix_web::test;
use diesel::prelude::*;
use serde_json::Value;
use tdb_api::db::schema::{organisations, structures};
use tdb_api::state::AppState;

use crate::on_both_backends;
use crate::support::{TestDb, app, auth, state};

const SAMPLE: &[u8] = include_bytes!("../data/finess/sample.csv");
const URI: &str = "/api/v1/referential/finess";

/// The sample's first structure (`590100000`, an EHPAD in Lille) and its line.
const FIRST: &str = "590100000";

async fn post(state: &AppState, body: &[u8], query: &str, token: Option<String>) -> (u16, Value) {
    let service = app(state.clone()).await;
    let mut request = test::TestRequest::post()
        .uri(&format!("{URI}{query}"))
        .insert_header(("content-type", "text/csv"))
        .set_payload(body.to_vec());
    if let Some(token) = token {
        request = request.insert_header(("authorization", token));
    }
    let response = test::call_service(&service, request.to_request()).await;
    let status = response.status().as_u16();
    let body = test::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn import(state: &AppState, body: &[u8]) -> Value {
    let (status, report) = post(state, body, "", Some(auth::national(state))).await;
    assert_eq!(status, 200, "{report}");
    report
}

fn counts(report: &Value) -> [u64; 6] {
    [
        report["created"].as_u64().unwrap(),
        report["updated"].as_u64().unwrap(),
        report["closed"].as_u64().unwrap(),
        report["reopened"].as_u64().unwrap(),
        report["ignored"].as_u64().unwrap(),
        report["organisations_created"].as_u64().unwrap(),
    ]
}

fn stored(state: &AppState) -> (i64, i64) {
    let mut conn = state.pool.get().unwrap();
    let structures: i64 = structures::table.count().get_result(&mut conn).unwrap();
    let organisations: i64 = organisations::table.count().get_result(&mut conn).unwrap();
    (structures, organisations)
}

/// The sample without the line of `finess`'s `structureet` row.
fn without(finess: &str) -> Vec<u8> {
    let needle = format!("structureet;{finess};");
    SAMPLE
        .split_inclusive(|b| *b == b'\n')
        .filter(|line| !line.starts_with(needle.as_bytes()))
        .flatten()
        .copied()
        .collect()
}

async fn the_sample_imports_with_exact_counts_and_a_second_run_changes_nothing(db: TestDb) {
    let state = state(&db);
    let first = import(&state, SAMPLE).await;
    // created, updated, closed, reopened, ignored, organisations created.
    assert_eq!(counts(&first), [120, 0, 0, 0, 27, 40], "{first}");
    assert_eq!(first["lines"], 301);
    assert_eq!(first["structures_in_file"], 150);
    assert_eq!(first["extract_date"], "2026-11-30");
    let rejected: Vec<(u64, &str)> = first["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["finess"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rejected,
        [(122, "590100120"), (123, "620100121"), (124, "750100122")]
    );
    assert_eq!(stored(&state), (120, 40));

    let second = import(&state, SAMPLE).await;
    assert_eq!(counts(&second), [0, 0, 0, 0, 27, 0], "{second}");
    assert_eq!(second["rejected"].as_array().unwrap().len(), 3);
    assert_eq!(stored(&state), (120, 40));

    // Department, region, category (alias 437 → eam) and competence as the schema models them.
    let mut conn = state.pool.get().unwrap();
    let row: (String, String, String, String, String) = structures::table
        .find("970100006")
        .select((
            structures::department_code,
            structures::region_code,
            structures::category,
            structures::competence,
            structures::city,
        ))
        .first(&mut conn)
        .unwrap();
    assert_eq!(
        row,
        (
            "971".into(),
            "01".into(),
            "eam".into(),
            "ARS_CD".into(),
            "POINTE A PITRE".into()
        )
    );
}

async fn a_structure_removed_from_the_file_is_closed_and_kept(db: TestDb) {
    let state = state(&db);
    import(&state, SAMPLE).await;
    let report = import(&state, &without(FIRST)).await;
    assert_eq!(counts(&report), [0, 0, 1, 0, 27, 0], "{report}");
    let read = |state: &AppState| {
        let mut conn = state.pool.get().unwrap();
        structures::table
            .find(FIRST)
            .select((structures::active, structures::closed_on, structures::name))
            .first::<(bool, Option<String>, String)>(&mut conn)
            .unwrap()
    };
    assert_eq!(
        read(&state),
        (
            false,
            Some("2026-11-30".to_owned()),
            "Structure Les Tilleuls n°0".to_owned()
        )
    );
    assert_eq!(stored(&state).0, 120, "nothing is deleted");
    // The API says when it closed.
    let service = crate::support::app(state.clone()).await;
    let answer = crate::forms_fixtures::send(
        &service,
        actix_web::http::Method::GET,
        &format!("/api/v1/structures/{FIRST}"),
        Some(&auth::national(&state)),
        None,
        None,
    )
    .await;
    assert_eq!(answer.body["closed_on"], "2026-11-30", "{}", answer.body);
    assert_eq!(answer.body["active"], false);
    // Still absent: nothing more to close, the closing date is kept.
    let again = import(&state, &without(FIRST)).await;
    assert_eq!(counts(&again), [0, 0, 0, 0, 27, 0], "{again}");
    // Back in the file: reopened.
    let back = import(&state, SAMPLE).await;
    assert_eq!(counts(&back), [0, 1, 0, 1, 27, 0], "{back}");
    assert!(read(&state).0);
    assert_eq!(read(&state).1, None);
}

async fn a_malformed_line_refuses_the_whole_file(db: TestDb) {
    let state = state(&db);
    let mut lines: Vec<&[u8]> = SAMPLE.split_inclusive(|b| *b == b'\n').collect();
    lines[49] = b"structureet;590100048;590009008;TRONQUEE\n";
    let broken: Vec<u8> = lines.concat();
    let (status, problem) = post(&state, &broken, "", Some(auth::national(&state))).await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["code"], "malformed_finess");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("ligne 50"), "{detail}");
    assert!(detail.contains("32 champs"), "{detail}");
    assert_eq!(stored(&state), (0, 0), "nothing written");

    let (status, problem) = post(&state, b"nofinesset;rs\n", "", Some(auth::national(&state))).await;
    assert_eq!(
        (status, &problem["code"]),
        (400, &Value::from("malformed_finess"))
    );
    assert!(problem["detail"].as_str().unwrap().contains("ligne 1"));
    let (status, problem) = post(&state, b"", "", Some(auth::national(&state))).await;
    assert_eq!((status, &problem["code"]), (400, &Value::from("empty_file")));
}

async fn latin1_accents_are_intact(db: TestDb) {
    let state = state(&db);
    import(&state, SAMPLE).await;
    let service = app(state.clone()).await;
    let request = test::TestRequest::get()
        .uri("/api/v1/structures/330100007")
        .insert_header(("authorization", auth::national(&state)))
        .to_request();
    let body: Value = test::call_and_read_body_json(&service, request).await;
    assert_eq!(body["name"], "Résidence Les Érables");
    assert_eq!(body["city"], "BORDEAUX");
}

async fn a_dry_run_writes_nothing(db: TestDb) {
    let state = state(&db);
    let (status, report) = post(&state, SAMPLE, "?dry_run=true", Some(auth::national(&state))).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["dry_run"], true);
    assert_eq!(counts(&report), [120, 0, 0, 0, 27, 40]);
    assert_eq!(stored(&state), (0, 0));
}

async fn only_national_imports(db: TestDb) {
    let state = state(&db);
    let (status, _) = post(&state, SAMPLE, "", None).await;
    assert_eq!(status, 401);
    for token in [
        auth::ars(&state, "32"),
        auth::cd(&state, "59"),
        auth::og(&state, "590000001"),
        auth::esms(&state, &["590000011"]),
        auth::partner(&state, &["read", "prefill:write"], Some("finess")),
    ] {
        let (status, problem) = post(&state, SAMPLE, "", Some(token)).await;
        assert_eq!(status, 403, "{problem}");
    }
    assert_eq!(stored(&state), (0, 0));
}

on_both_backends!(
    the_sample_imports_with_exact_counts_and_a_second_run_changes_nothing,
    a_structure_removed_from_the_file_is_closed_and_kept,
    a_malformed_line_refuses_the_whole_file,
    latin1_accents_are_intact,
    a_dry_run_writes_nothing,
    only_national_imports,
);

/// The sample followed by geolocation lines up to more than 1 MiB: a file the API imports as a job.
fn large_file(extra: &str) -> Vec<u8> {
    let mut file = SAMPLE.to_vec();
    let line = b"geolocalisation;590100000;700000.0;6600000.0;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2026-01-10\n";
    while file.len() <= tdb_api::services::finess_jobs::JOB_ABOVE_BYTES {
        file.extend_from_slice(line);
    }
    file.extend_from_slice(extra.as_bytes());
    file
}

/// Follows a job to its end: its last state.
async fn follow(state: &AppState, location: &str) -> Value {
    let service = app(state.clone()).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let answer = crate::forms_fixtures::send(
            &service,
            actix_web::http::Method::GET,
            location,
            Some(&auth::national(state)),
            None,
            None,
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        if !["queued", "running"].contains(&answer.body["state"].as_str().unwrap()) {
            return answer.body;
        }
        assert!(std::time::Instant::now() < deadline, "the job did not end");
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A file over 1 MiB runs as a job (202, `Location`): followed to `done`, its report is the same as the
/// direct import's, every line counted; a malformed large file ends `failed` with its line and writes
/// nothing; only national follows jobs.
async fn a_large_file_runs_as_a_job_with_progress(db: TestDb) {
    let state = state(&db);
    let file = large_file("");
    let service = app(state.clone()).await;
    let response = test::call_service(
        &service,
        test::TestRequest::post()
            .uri(URI)
            .insert_header(("content-type", "text/csv"))
            .insert_header(("authorization", auth::national(&state)))
            .set_payload(file.clone())
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), 202);
    let location = response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let job: Value = test::read_body_json(response).await;
    let lines = file.iter().filter(|b| **b == b'\n').count() as u64;
    assert_eq!(job["total_lines"], lines);
    let done = follow(&state, &location).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["processed_lines"], lines);
    assert_eq!(done["report"]["lines"], lines);
    assert_eq!(counts(&done["report"]), [120, 0, 0, 0, 27, 40], "{done}");
    assert_eq!(stored(&state).0, 120);
    // Only national follows it.
    let answer = crate::forms_fixtures::send(
        &service,
        actix_web::http::Method::GET,
        &location,
        Some(&auth::ars(&state, "32")),
        None,
        None,
    )
    .await;
    assert_eq!(answer.status, 403);

    // A malformed large file: failed, with its line; nothing written.
    let fresh = db.sibling();
    let state = crate::support::state(&fresh);
    let broken = large_file("structureet;590100048;TRONQUEE\n");
    let broken_line = broken.iter().filter(|b| **b == b'\n').count();
    let (status, job) = post(&state, &broken, "", Some(auth::national(&state))).await;
    assert_eq!(status, 202, "{job}");
    let ended = follow(&state, &format!("{URI}/jobs/{}", job["id"].as_str().unwrap())).await;
    assert_eq!(ended["state"], "failed", "{ended}");
    assert!(
        ended["error"]
            .as_str()
            .unwrap()
            .contains(&format!("ligne {broken_line}")),
        "{ended}"
    );
    assert_eq!(stored(&state), (0, 0), "nothing written");
}

on_both_backends!(a_large_file_runs_as_a_job_with_progress);
