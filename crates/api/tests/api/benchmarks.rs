//! Restitution: peer statistics against an independent computation, frozen figures, no leak of
//! another structure's value or rank, and the fiche PDF rendered to PNG.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use actix_web::http::Method;
use actix_web::test;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::DbConnection;
use tdb_api::db::schema::{form_values, forms, structures};
use tdb_api::state::AppState;

use crate::forms_fixtures::{complete_ehpad, send};
use crate::on_both_backends;
use crate::support::fixtures::{self, StructureFixture};
use crate::support::{TestDb, app, auth, state};

/// Type-7 quantile (catalogue.md §7.2), written out here so that the test does not call the code
/// it checks.
fn type7(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    if lo + 1 >= n {
        sorted[n - 1]
    } else {
        sorted[lo] + (h - lo as f64) * (sorted[lo + 1] - sorted[lo])
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300)
}

/// Each EHPAD's `(FINESS, department, region)`.
fn ehpads(state: &AppState) -> Vec<(String, String, String)> {
    let mut conn = state.pool.get().unwrap();
    structures::table
        .filter(structures::category.eq("ehpad"))
        .select((
            structures::finess,
            structures::department_code,
            structures::region_code,
        ))
        .order(structures::finess)
        .load(&mut conn)
        .unwrap()
}

/// A structure's own evaluation, read from its form: `(threshold reached, value of `indicator` when ok)`.
async fn own_value<S>(
    app: &S,
    national: &str,
    year: i32,
    finess: &str,
    indicator: &str,
) -> (bool, Option<f64>)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    let form = send(
        app,
        Method::GET,
        &format!("/api/v1/campaigns/{year}/structures/{finess}/form"),
        Some(national),
        None,
        None,
    )
    .await;
    assert_eq!(form.status, 200, "{}", form.body);
    let evaluation = &form.body["evaluation"];
    let reached = evaluation["completion"]["reached"].as_bool().unwrap();
    let outcome = &evaluation["indicators"][indicator];
    let value = (outcome["status"] == "ok").then(|| outcome["value"].as_f64().unwrap());
    (reached, value)
}

fn check_stats(got: &Value, mut values: Vec<f64>, context: &str) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    assert_eq!(got["n"].as_u64(), Some(n as u64), "{context}: {got}");
    if n < 5 {
        assert_eq!(got["withheld"], true, "{context}");
        assert_eq!(got["reason"], "effectif_insuffisant", "{context}");
        assert!(got.get("stats").is_none(), "{context}: {got}");
        return;
    }
    assert_eq!(got["withheld"], false, "{context}");
    let stats = &got["stats"];
    assert_eq!(stats["min"].as_f64(), Some(values[0]), "{context}");
    assert_eq!(stats["max"].as_f64(), Some(values[n - 1]), "{context}");
    let mut sum = 0.0;
    for v in &values {
        sum += v;
    }
    assert!(
        close(stats["mean"].as_f64().unwrap(), sum / n as f64),
        "{context}: mean"
    );
    for (name, p) in [
        ("d1", 0.1),
        ("q1", 0.25),
        ("median", 0.5),
        ("q3", 0.75),
        ("d9", 0.9),
    ] {
        let expected = type7(&values, p);
        let actual = stats[name].as_f64().unwrap();
        assert!(
            close(actual, expected),
            "{context}: {name} = {actual}, expected {expected}"
        );
    }
}

/// On the demo data (a live campaign, 2024, and a frozen one, 2023): n and every statistic of the
/// national, regional and departmental EHPAD groups, as computed here from each structure's own
/// evaluation; and one structure's rank and percentile.
async fn statistics_match_an_independent_computation(db: TestDb) {
    let state = state(&db);
    tdb_api::seed::demo::run(
        &mut state.pool.get().unwrap(),
        tdb_api::seed::Calendar::reference(),
    )
    .unwrap();
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let ehpads = ehpads(&state);
    let indicator = "taux_occupation_hp";
    for year in [2023, 2024] {
        let mut counted: Vec<(String, String, f64)> = Vec::new();
        for (finess, department, region) in &ehpads {
            let (reached, value) = own_value(&app, &national, year, finess, indicator).await;
            if let (true, Some(v)) = (reached, value) {
                counted.push((department.clone(), region.clone(), v));
            }
        }
        assert!(
            counted.len() >= 20,
            "the demo should give a real group: {}",
            counted.len()
        );
        for (territory, keep) in [
            (
                "national",
                Box::new(|_: &(String, String, f64)| true) as Box<dyn Fn(&_) -> bool>,
            ),
            ("region:32", Box::new(|c: &(String, String, f64)| c.1 == "32")),
            ("department:59", Box::new(|c: &(String, String, f64)| c.0 == "59")),
            ("department:75", Box::new(|c: &(String, String, f64)| c.0 == "75")),
        ] {
            let values: Vec<f64> = counted.iter().filter(|c| keep(c)).map(|c| c.2).collect();
            let got = send(
                &app,
                Method::GET,
                &format!("/api/v1/campaigns/{year}/benchmarks?indicator={indicator}&category=ehpad&territory={territory}"),
                Some(&national),
                None,
                None,
            )
            .await;
            assert_eq!(got.status, 200, "{}", got.body);
            assert_eq!(got.body["frozen_at"].is_string(), year == 2023, "{}", got.body);
            check_stats(&got.body, values.clone(), &format!("{year} {territory}"));
            if values.len() < 5 {
                let expected = if territory.starts_with("department") {
                    "region:11"
                } else {
                    "national"
                };
                assert_eq!(got.body["fallback"], expected);
            }
        }
        // One structure's position in the national group: rank = 1 + values strictly greater.
        let (finess, _, _) = &ehpads[0];
        let (_, own) = own_value(&app, &national, year, finess, indicator).await;
        let bench = send(
            &app,
            Method::GET,
            &format!("/api/v1/campaigns/{year}/structures/{finess}/benchmark"),
            Some(&national),
            None,
            None,
        )
        .await;
        assert_eq!(bench.status, 200, "{}", bench.body);
        let entry = bench.body["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["indicator"] == indicator)
            .unwrap()
            .clone();
        assert_eq!(entry["value"].as_f64(), own);
        if let Some(v) = own {
            let all: Vec<f64> = counted.iter().map(|c| c.2).collect();
            let better = all.iter().filter(|x| **x > v).count();
            let worse = all.iter().filter(|x| **x < v).count();
            let equal = all.iter().filter(|x| **x == v).count();
            let position = &entry["national"]["position"];
            assert_eq!(position["rank"].as_u64(), Some(better as u64 + 1));
            let percentile = 100.0 * (worse as f64 + 0.5 * equal as f64) / all.len() as f64;
            assert!(close(position["percentile"].as_f64().unwrap(), percentile));
        }
    }
}

/// Six EHPAD of the Nord (managing body 590000001) and campaign 2024 in `collecte`.
const NORD: [&str; 6] = [
    "590000101",
    "590000102",
    "590000103",
    "590000104",
    "590000105",
    "590000106",
];

fn nord_world(db: &TestDb) -> AppState {
    let state = state(db);
    let fixtures: Vec<StructureFixture> = NORD
        .iter()
        .map(|finess| StructureFixture {
            finess,
            category: "ehpad",
            organisation: "590000001",
            department: "59",
            competence: "ARS_CD",
        })
        .collect();
    fixtures::insert_structures(&state, &fixtures);
    fixtures::insert_campaign(&state, 2024, "collecte");
    state
}

/// Fills every form of [`NORD`] completely, with a distinct occupation for each.
async fn fill_nord<S>(app: &S, state: &AppState)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse,
            Error = actix_web::Error,
        >,
{
    for (i, finess) in NORD.iter().enumerate() {
        let mut values: BTreeMap<String, Value> = complete_ehpad();
        values.insert("journees_realisees_hp".to_owned(), json!(18_000 + 731 * i as i64));
        let answer = send(
            app,
            Method::PATCH,
            &format!("/api/v1/campaigns/2024/structures/{finess}/form"),
            Some(&auth::esms(state, &[finess])),
            Some("\"0\""),
            Some(json!({ "values": values })),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
}

const GROUP: &str =
    "/api/v1/campaigns/2024/benchmarks?indicator=taux_occupation_hp&category=ehpad&territory=department:59";

/// Live figures follow the data; once the campaign enters `restitution` they are frozen: a later
/// change of the data (and a new process, without any memory of them) leaves them as they were.
/// Rewrites `journees_realisees_hp` of the 2024 form of `finess` and moves the form's version, as an
/// import or another replica would, without going through this test's server.
fn rewrite_behind_the_api(conn: &mut DbConnection, finess: &str) {
    diesel::update(
        form_values::table
            .filter(form_values::campaign_year.eq(2024))
            .filter(form_values::structure_finess.eq(finess))
            .filter(form_values::item_code.eq("journees_realisees_hp")),
    )
    .set(form_values::value_json.eq("5000"))
    .execute(conn)
    .unwrap();
    diesel::update(forms::table.filter(forms::structure_finess.eq(finess)))
        .set(forms::version.eq(forms::version + 1))
        .execute(conn)
        .unwrap();
}

async fn frozen_figures_do_not_move_after_a_later_change(db: TestDb) {
    let state = nord_world(&db);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    fill_nord(&app, &state).await;
    let live = send(&app, Method::GET, GROUP, Some(&national), None, None).await;
    assert_eq!(
        (live.status, live.body["n"].as_u64()),
        (200, Some(6)),
        "{}",
        live.body
    );
    assert!(live.body["frozen_at"].is_null());
    let esms = auth::esms(&state, &[NORD[0]]);
    let changed = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/campaigns/2024/structures/{}/form", NORD[0]),
        Some(&esms),
        Some("*"),
        Some(json!({"values": {"journees_realisees_hp": 10_000}})),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let moved = send(&app, Method::GET, GROUP, Some(&national), None, None).await;
    assert_ne!(
        moved.body["stats"], live.body["stats"],
        "live figures follow the data"
    );

    for phase in ["fiabilisation", "restitution"] {
        let answer = send(
            &app,
            Method::POST,
            "/api/v1/campaigns/2024/phase",
            Some(&national),
            None,
            Some(json!({"phase": phase, "dates": {}})),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let frozen = send(&app, Method::GET, GROUP, Some(&national), None, None).await;
    assert!(frozen.body["frozen_at"].is_string(), "{}", frozen.body);
    assert_eq!(frozen.body["stats"], moved.body["stats"]);
    let structure_url = format!("/api/v1/campaigns/2024/structures/{}/benchmark", NORD[1]);
    let structure = send(&app, Method::GET, &structure_url, Some(&national), None, None).await;
    assert_eq!(structure.status, 200);

    // A later change: a value rewritten and the form's version moved (as an import or a correction
    // would), and the structure's version moved.
    {
        let mut conn = state.pool.get().unwrap();
        rewrite_behind_the_api(&mut conn, NORD[1]);
        diesel::update(structures::table.filter(structures::finess.eq(NORD[1])))
            .set(structures::version.eq(structures::version + 1))
            .execute(&mut conn)
            .unwrap();
    }
    for service_state in [state.clone(), crate::support::state(&db)] {
        let app = crate::support::app(service_state).await;
        let again = send(&app, Method::GET, GROUP, Some(&national), None, None).await;
        assert_eq!(again.body, frozen.body);
        let structure_again = send(&app, Method::GET, &structure_url, Some(&national), None, None).await;
        assert_eq!(structure_again.body, structure.body);
    }
}

/// Every FINESS-looking string of a JSON document (9 characters, at least 7 digits: `2A` departments).
/// Live figures kept by one server follow a write made by another (a second replica, or `tdb import`
/// in another process): on SQLite the stamp is re-read when the database's change counter moved.
async fn live_figures_follow_a_write_made_elsewhere(db: TestDb) {
    let state = nord_world(&db);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    fill_nord(&app, &state).await;
    let before = send(&app, Method::GET, GROUP, Some(&national), None, None).await;
    assert_eq!(before.status, 200, "{}", before.body);
    let kept = send(&app, Method::GET, GROUP, Some(&national), None, None).await;
    assert_eq!(kept.body, before.body);

    let elsewhere = crate::support::state(&db);
    let mut conn = elsewhere.pool.get().unwrap();
    rewrite_behind_the_api(&mut conn, NORD[1]);

    let after = send(&app, Method::GET, GROUP, Some(&national), None, None).await;
    assert_eq!(after.status, 200, "{}", after.body);
    assert_ne!(
        after.body["stats"], before.body["stats"],
        "the write elsewhere is seen"
    );
}

fn finess_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s)
            if s.len() == 9
                && s.bytes().all(|b| b.is_ascii_alphanumeric())
                && s.bytes().filter(u8::is_ascii_digit).count() >= 7 =>
        {
            out.push(s.clone())
        }
        Value::Array(items) => items.iter().for_each(|v| finess_in(v, out)),
        Value::Object(map) => map.values().for_each(|v| finess_in(v, out)),
        _ => {}
    }
}

/// For every kind of caller and every structure: the benchmark and the fiche of a structure name no
/// other structure, carry only its own values, and every rank is the rank of its own value; a caller
/// outside the structure's scope gets 404; group statistics name no structure at all.
async fn no_structure_sees_another_structures_value_or_rank(db: TestDb) {
    let state = nord_world(&db);
    fixtures::small_world(&state);
    let app = app(state.clone()).await;
    fill_nord(&app, &state).await;
    let national = auth::national(&state);
    let mut own: BTreeMap<&str, f64> = BTreeMap::new();
    for finess in NORD {
        let (_, value) = own_value(&app, &national, 2024, finess, "taux_occupation_hp").await;
        own.insert(finess, value.unwrap());
    }
    let callers = [
        ("esms", Some(auth::esms(&state, &[NORD[0]]))),
        ("og", Some(auth::og(&state, "590000001"))),
        ("ars", Some(auth::ars(&state, "32"))),
        ("cd", Some(auth::cd(&state, "59"))),
        ("national", Some(national.clone())),
        ("reader", Some(auth::partner(&state, &["read"], None))),
        (
            "pusher",
            Some(auth::partner(&state, &["prefill:write"], Some("cnsa_errd"))),
        ),
        ("other esms", Some(auth::esms(&state, &["750000011"]))),
        ("other og", Some(auth::og(&state, "750000001"))),
        ("other ars", Some(auth::ars(&state, "11"))),
        ("other cd", Some(auth::cd(&state, "75"))),
    ];
    for (caller, token) in &callers {
        for finess in NORD {
            let may_see = match *caller {
                "esms" => finess == NORD[0],
                // A partner with `read` reads every form, so every benchmark and fiche too.
                "og" | "ars" | "cd" | "national" | "reader" => true,
                _ => false,
            };
            for uri in [
                format!("/api/v1/campaigns/2024/structures/{finess}/benchmark"),
                format!("/api/v1/structures/{finess}/fiche?campaign=2024"),
            ] {
                let answer = send(&app, Method::GET, &uri, token.as_deref(), None, None).await;
                if !may_see {
                    assert_eq!(answer.status, 404, "{caller} {uri}: {}", answer.body);
                    assert!(!answer.body.to_string().contains("taux_occupation_hp"));
                    continue;
                }
                assert_eq!(answer.status, 200, "{caller} {uri}: {}", answer.body);
                let mut named = Vec::new();
                finess_in(&answer.body, &mut named);
                assert!(
                    named.iter().all(|f| f == finess || f == "590000001"),
                    "{caller} {uri} names another structure: {named:?}"
                );
                let text = answer.body.to_string();
                // Another structure's value may appear only as a group statistic (min, max, a quantile
                // equal to it), never as a value or next to a rank: checked below.
                for other in own.keys().filter(|o| **o != finess) {
                    assert!(!text.contains(other), "{caller} {uri} names {other}");
                }
                check_only_own_values(&answer.body, own[finess], &uri);
            }
        }
        let group = send(&app, Method::GET, GROUP, token.as_deref(), None, None).await;
        if group.status == 200 {
            let mut named = Vec::new();
            finess_in(&group.body, &mut named);
            assert!(named.is_empty(), "{caller}: group statistics name {named:?}");
        }
    }
}

/// Every `value` of the occupation indicator in a benchmark or fiche is the structure's own, and
/// every rank given is the rank of that value.
fn check_only_own_values(body: &Value, own: f64, uri: &str) {
    let entries: Vec<&Value> = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["indicator"] == "taux_occupation_hp")
        .collect();
    assert_eq!(entries.len(), 1, "{uri}");
    let entry = entries[0];
    if let Some(points) = entry["points"].as_array() {
        let last = points.last().unwrap();
        assert_eq!(last["value"].as_f64(), Some(own), "{uri}");
        assert!(last["rank"].is_u64(), "{uri}: {last}");
    } else {
        assert_eq!(entry["value"].as_f64(), Some(own), "{uri}");
        assert!(entry["department"]["position"]["rank"].is_u64(), "{uri}: {entry}");
    }
}

/// A CD officer asks for the fiches of their department: 202, progress, then a zip with one PDF per
/// structure they see; another department, another role or another caller's batch is refused.
async fn batch_of_fiches_for_a_department(db: TestDb) {
    let state = nord_world(&db);
    let app = app(state.clone()).await;
    fill_nord(&app, &state).await;
    let cd = auth::cd(&state, "59");
    let url = "/api/v1/campaigns/2024/fiches?territory=department:59";
    for (token, status) in [
        (auth::cd(&state, "62"), 403),
        (auth::esms(&state, &[NORD[0]]), 403),
        (auth::ars(&state, "11"), 403),
    ] {
        let refused = send(&app, Method::POST, url, Some(&token), None, None).await;
        assert_eq!(refused.status, status, "{}", refused.body);
    }
    let bad = send(
        &app,
        Method::POST,
        "/api/v1/campaigns/2024/fiches?territory=national",
        Some(&cd),
        None,
        None,
    )
    .await;
    assert_eq!(
        (bad.status, bad.body["errors"][0]["path"].as_str()),
        (422, Some("/query/territory"))
    );
    let started = Instant::now();
    let batch = send(&app, Method::POST, url, Some(&cd), None, None).await;
    assert_eq!(batch.status, 202, "{}", batch.body);
    assert_eq!(batch.body["total"], 6);
    let status_url = format!("/api/v1/fiche-batches/{}", batch.body["id"].as_str().unwrap());
    let done = loop {
        let polled = send(&app, Method::GET, &status_url, Some(&cd), None, None).await;
        assert_eq!(polled.status, 200, "{}", polled.body);
        match polled.body["state"].as_str() {
            Some("done") => break polled,
            Some("failed") => panic!("batch failed: {}", polled.body),
            _ => actix_web::rt::task::yield_now().await,
        }
    };
    eprintln!(
        "batch of {} fiches (department 59): {:.0} ms (debug build)",
        done.body["total"],
        started.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(done.body["processed"], 6);
    let stranger = send(
        &app,
        Method::GET,
        &status_url,
        Some(&auth::national(&state)),
        None,
        None,
    )
    .await;
    assert_eq!(stranger.status, 404, "only whoever started a batch sees it");
    let request = test::TestRequest::get()
        .uri(done.body["download"].as_str().unwrap())
        .insert_header(("Authorization", cd.clone()))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("Content-Type").unwrap(), "application/zip");
    let bytes = test::read_body(response).await.to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    names.sort();
    let expected: Vec<String> = NORD.iter().map(|f| format!("fiche-{f}-2024.pdf")).collect();
    assert_eq!(names, expected);
    let mut first = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(&expected[0]).unwrap(), &mut first).unwrap();
    assert!(first.starts_with(b"%PDF-"));
}

/// Where the test run keeps what a person may want to look at (`target/e2e/`).
fn e2e_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn has(tool: &str) -> bool {
    std::process::Command::new(tool).arg("-v").output().is_ok()
}

/// The PDF fiche of a demo EHPAD: an A4 PDF of one or two pages whose text (extracted by poppler)
/// is the French fiche, accents included; rendered to `target/e2e/fiche.png`.
async fn fiche_pdf_of_a_demo_structure(db: TestDb) {
    if !has("pdftoppm") || !has("pdftotext") {
        eprintln!(
            "SKIPPED: pdftoppm/pdftotext not found (apt-get install poppler-utils, or scripts/setup.sh)"
        );
        return;
    }
    let state = state(&db);
    tdb_api::seed::demo::run(
        &mut state.pool.get().unwrap(),
        tdb_api::seed::Calendar::reference(),
    )
    .unwrap();
    let app = app(state.clone()).await;
    let (finess, _, _) = ehpads(&state).into_iter().find(|e| e.1 == "59").unwrap();
    let uri = format!("/api/v1/structures/{finess}/fiche.pdf?campaign=2024");
    let mut timings = Vec::new();
    let mut pdf = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let request = test::TestRequest::get()
            .uri(&uri)
            .insert_header(("Authorization", auth::national(&state)))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers().get("Content-Type").unwrap(), "application/pdf");
        pdf = test::read_body(response).await.to_vec();
        timings.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    eprintln!(
        "fiche PDF ({} bytes): first {:.0} ms (builds the peer groups of three campaigns), then {:.0} ms, {:.0} ms (debug build)",
        pdf.len(),
        timings[0],
        timings[1],
        timings[2]
    );
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = e2e_dir();
    let file = dir.join(format!("fiche-{}.pdf", db.backend_name()));
    std::fs::write(&file, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for expected in [
        "Fiche de synthèse – campagne 2024",
        "Complétude et état des formulaires",
        "Indicateurs de dialogue",
        "Taux d'occupation des lits ou places en hébergement",
        &format!("FINESS {finess}"),
        "Contrôles en échec",
    ] {
        assert!(text.contains(expected), "missing « {expected} » in:\n{text}");
    }
    let pages = text.matches('\u{c}').count();
    assert!((1..=2).contains(&pages), "{pages} pages");
    let png = dir.join(if db.backend_name() == "sqlite" {
        "fiche"
    } else {
        "fiche-postgres"
    });
    let status = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&file)
        .arg(&png)
        .status()
        .unwrap();
    assert!(status.success());
    let png = png.with_extension("png");
    assert!(
        std::fs::metadata(&png).unwrap().len() > 10_000,
        "{} is too small",
        png.display()
    );
    eprintln!("fiche rendered to {}", png.display());
}

on_both_backends!(
    statistics_match_an_independent_computation,
    frozen_figures_do_not_move_after_a_later_change,
    no_structure_sees_another_structures_value_or_rank,
    fiche_pdf_of_a_demo_structure,
    batch_of_fiches_for_a_department,
    live_figures_follow_a_write_made_elsewhere,
);
