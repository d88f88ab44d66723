//! Issue 16 (HTTP, data integrity, authentication): each defect found by the hardening review, as a test
//! that failed before its fix.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Barrier};

use serde_json::json;

use crate::forms_fixtures::send;
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

/// Sixteen failed logins from one address at the same instant (every caller behind one office router):
/// each is counted, none fails — the first failures of a key used to race on its `INSERT` (a unique
/// violation, hence a 500 on PostgreSQL, seen in CI).
async fn simultaneous_failures_of_one_key_are_all_counted(db: TestDb) {
    use tdb_api::db::repo::login_attempts;
    let state = state(&db);
    const CALLERS: usize = 16;
    let barrier = Arc::new(Barrier::new(CALLERS));
    let now = chrono::Utc::now().naive_utc();
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (barrier, pool) = (barrier.clone(), state.pool.clone());
            std::thread::spawn(move || {
                barrier.wait();
                // As the server's writes: the SQLite turn, then a connection (the pool is smaller
                // than the number of callers).
                let _turn = pool.write_turn();
                let mut conn = pool.get().unwrap();
                login_attempts::record_failure(
                    &mut conn,
                    "ip:203.0.113.9",
                    chrono::Duration::minutes(15),
                    now,
                )
                .map_err(|e| e.to_string())
            })
        })
        .collect();
    let results = actix_web::rt::task::spawn_blocking(move || {
        callers.into_iter().map(|c| c.join().unwrap()).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let mut conn = state.pool.get().unwrap();
    let blocked = login_attempts::blocked_for(
        &mut conn,
        "ip:203.0.113.9",
        CALLERS as i32,
        chrono::Duration::minutes(15),
        now,
    )
    .unwrap();
    assert!(blocked.is_some(), "16 failures must reach a limit of 16");
    let below = login_attempts::blocked_for(
        &mut conn,
        "ip:203.0.113.9",
        CALLERS as i32 + 1,
        chrono::Duration::minutes(15),
        now,
    )
    .unwrap();
    assert_eq!(below, None, "exactly 16 failures, not more");
}

on_both_backends!(simultaneous_failures_of_one_key_are_all_counted);

/// Names and cities: a length cap, no control characters, no bidi overrides (422 with the field path);
/// `GET /structures?q=` of 50,001 characters is a 400 problem, not a 500.
async fn names_are_validated_and_the_search_text_is_capped(db: TestDb) {
    use actix_web::http::Method;
    let state = state(&db);
    small_world(&state);
    let national = auth::national(&state);
    let app = crate::support::app(state.clone()).await;
    let structure = |name: &str, city: &str| {
        json!({"finess": "590000099", "name": name, "category": "ehpad", "organisation_finess": "590000001",
               "department_code": "59", "city": city})
    };
    for (body, path, code) in [
        (structure(&"x".repeat(5_000), "Lille"), "/name", "too_long"),
        (structure("Les \u{202E}sellieT", "Lille"), "/name", "bidi_control"),
        (
            structure("Les Tilleuls", "Li\u{0}lle"),
            "/city",
            "control_character",
        ),
        (structure("Les\nTilleuls", "Lille"), "/name", "control_character"),
    ] {
        let answer = send(
            &app,
            Method::POST,
            "/api/v1/structures",
            Some(&national),
            None,
            Some(body),
        )
        .await;
        assert_eq!(answer.status, 422, "{}", answer.body);
        assert_eq!(answer.body["errors"][0]["path"], path);
        assert_eq!(answer.body["errors"][0]["code"], code);
    }
    let put = json!({"name": "A\u{2067}B", "category": "ehpad", "organisation_finess": "590000001",
                     "department_code": "59", "city": "Lille", "active": true});
    let answer = send(
        &app,
        Method::PUT,
        "/api/v1/structures/590000011",
        Some(&national),
        Some("*"),
        Some(put),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body["errors"][0]["path"].as_str()),
        (422, Some("/name"))
    );
    let organisation =
        json!({"finess": "590000098", "name": "=HYPERLINK(\u{202E})", "legal_status": "public"});
    let answer = send(
        &app,
        Method::POST,
        "/api/v1/organisations",
        Some(&national),
        None,
        Some(organisation),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body["errors"][0]["code"].as_str()),
        (422, Some("bidi_control"))
    );
    let answer = send(
        &app,
        Method::GET,
        "/api/v1/structures?q=Les%20Tilleuls",
        Some(&national),
        None,
        None,
    )
    .await;
    assert_eq!(answer.status, 200);

    let long = "a".repeat(50_001);
    let request = actix_web::test::TestRequest::get()
        .uri(&format!("/api/v1/structures?q={long}"))
        .insert_header(("Authorization", national.clone()))
        .to_request();
    let response = actix_web::test::call_service(&app, request).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let body: serde_json::Value = actix_web::test::read_body_json(response).await;
    assert_eq!(body["code"], "invalid_query");
}

on_both_backends!(names_are_validated_and_the_search_text_is_capped);

/// The actions of the audit log, oldest first.
fn audit_actions(state: &tdb_api::state::AppState) -> Vec<String> {
    use diesel::prelude::*;
    use tdb_api::db::schema::audit_log;
    let mut conn = state.pool.get().unwrap();
    audit_log::table
        .order(audit_log::id.asc())
        .select(audit_log::action)
        .load(&mut conn)
        .unwrap()
}

/// Every write to structures, managing bodies and campaigns leaves an audit entry (before: none).
async fn writes_to_structures_bodies_and_campaigns_are_audited(db: TestDb) {
    use actix_web::http::Method;
    let state = state(&db);
    small_world(&state);
    let national = auth::national(&state);
    let app = crate::support::app(state.clone()).await;
    let answer = send(
        &app,
        Method::POST,
        "/api/v1/organisations",
        Some(&national),
        None,
        Some(json!({"finess": "590000098", "name": "Nouvel OG", "legal_status": "public"})),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let answer = send(
        &app,
        Method::POST,
        "/api/v1/structures",
        Some(&national),
        None,
        Some(
            json!({"finess": "590000099", "name": "Les Tilleuls", "category": "ehpad",
                    "organisation_finess": "590000098", "department_code": "59", "city": "Lille"}),
        ),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let answer = send(
        &app,
        Method::PUT,
        "/api/v1/structures/590000099",
        Some(&national),
        Some("*"),
        Some(
            json!({"name": "Les Tilleuls bis", "category": "ehpad", "organisation_finess": "590000098",
                    "department_code": "59", "city": "Lille", "active": true}),
        ),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer = send(
        &app,
        Method::POST,
        "/api/v1/campaigns",
        Some(&national),
        None,
        Some(json!({"year": 2025})),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let answer = send(
        &app,
        Method::POST,
        "/api/v1/campaigns/2025/phase",
        Some(&national),
        None,
        Some(json!({"phase": "collecte"})),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        audit_actions(&state),
        [
            "organisation_created",
            "structure_created",
            "structure_updated",
            "campaign_created",
            "campaign_phase"
        ]
    );
}

/// An ARS cannot attach its structure to a managing body of another region: 422 on
/// `/organisation_finess`, nothing written (before: 200). A body of its region, or one with no structure
/// yet, is accepted.
async fn an_ars_cannot_attach_a_structure_to_a_body_of_another_region(db: TestDb) {
    use actix_web::http::Method;
    let state = state(&db);
    small_world(&state);
    let ars = auth::ars(&state, "32");
    let national = auth::national(&state);
    let app = crate::support::app(state.clone()).await;
    let body = |organisation: &str| {
        json!({"name": "IME", "category": "ime", "organisation_finess": organisation,
               "department_code": "59", "city": "Lille", "active": true})
    };
    let url = "/api/v1/structures/590000021";
    let answer = send(
        &app,
        Method::PUT,
        url,
        Some(&ars),
        Some("*"),
        Some(body("750000001")),
    )
    .await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(answer.body["errors"][0]["path"], "/organisation_finess");
    assert_eq!(answer.body["errors"][0]["code"], "organisation_out_of_scope");
    let stored = send(&app, Method::GET, url, Some(&national), None, None).await;
    assert_eq!(stored.body["organisation_finess"], "590000001");
    assert_eq!(stored.body["version"], 1);
    assert!(audit_actions(&state).is_empty());
    // Creating a structure under that body is refused the same way.
    let answer = send(
        &app,
        Method::POST,
        "/api/v1/structures",
        Some(&ars),
        None,
        Some(
            json!({"finess": "590000099", "name": "X", "category": "ime", "organisation_finess": "750000001",
                    "department_code": "59", "city": "Lille"}),
        ),
    )
    .await;
    assert_eq!(
        (answer.status, answer.body["errors"][0]["code"].as_str()),
        (422, Some("organisation_out_of_scope"))
    );

    let answer = send(
        &app,
        Method::POST,
        "/api/v1/organisations",
        Some(&ars),
        None,
        Some(json!({"finess": "590000098", "name": "Nouvel OG", "legal_status": "public"})),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let answer = send(
        &app,
        Method::PUT,
        url,
        Some(&ars),
        Some("*"),
        Some(body("590000098")),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // National attaches anywhere.
    let answer = send(
        &app,
        Method::PUT,
        url,
        Some(&national),
        Some("*"),
        Some(body("750000001")),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// A job left running by a dead process is marked interrupted by the sweep, with a summary audit entry.
async fn an_interrupted_import_leaves_a_summary_audit_entry(db: TestDb) {
    use tdb_api::db::repo::jobs::{self, JobRow};
    use tdb_domain::contract::JobState;
    let state = state(&db);
    insert_campaign(&state, 2024, "collecte");
    let mut conn = state.pool.get().unwrap();
    let at = chrono::Utc::now().naive_utc();
    jobs::insert(
        &mut conn,
        &JobRow {
            id: "job-1".to_owned(),
            campaign_year: 2024,
            source: "csv".to_owned(),
            actor: "agent@ars.test".to_owned(),
            owner: "dead-host:1".to_owned(),
            state: JobState::Running,
            dry_run: false,
            partial: false,
            total: 10_000,
            processed: 5_000,
            result_status: None,
            result: None,
            created_at: at,
            heartbeat_at: at,
            finished_at: None,
        },
    )
    .unwrap();
    assert_eq!(
        tdb_api::services::imports::jobs::sweep(&mut conn, "dead-host:1").unwrap(),
        1
    );
    drop(conn);
    assert_eq!(audit_actions(&state), ["import_interrupted"]);
}

on_both_backends!(
    writes_to_structures_bodies_and_campaigns_are_audited,
    an_ars_cannot_attach_a_structure_to_a_body_of_another_region,
    an_interrupted_import_leaves_a_summary_audit_entry,
);

fn header<'a>(response: &'a actix_web::dev::ServiceResponse, name: &str) -> &'a str {
    response.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

/// Security headers on every answer (API, Swagger UI, web app, errors); `no-store` on authenticated
/// API answers; HSTS only when configured.
#[actix_web::test]
async fn every_answer_carries_the_security_headers() {
    use actix_web::test::{TestRequest, call_service, init_service};
    let db = TestDb::sqlite();
    let dist = tempfile::tempdir().unwrap();
    let script = "import init from '/tdb-web-ui-0123456789abcdef.js'; await init();";
    std::fs::write(
        dist.path().join("index.html"),
        format!("<html><head><script type=\"module\">{script}</script></head><body>tdb</body></html>"),
    )
    .unwrap();
    let state = tdb_api::server::build_state(crate::support::config(&db, dist.path().to_path_buf())).unwrap();
    let national = auth::national(&state);
    let app = init_service(actix_web::App::new().configure(tdb_api::server::configure(state))).await;
    for (uri, token) in [
        ("/api/v1/health", None),
        ("/api/v1/structures", Some(national.as_str())),
        ("/api/v1/nothing-here", None),
        ("/api/docs/", None),
        ("/api/openapi.json", None),
        ("/", None),
        ("/formulaire/590000011", None),
    ] {
        let mut request = TestRequest::get().uri(uri);
        if let Some(token) = token {
            request = request.insert_header(("Authorization", token));
        }
        let response = call_service(&app, request.to_request()).await;
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{uri}");
        assert_eq!(header(&response, "referrer-policy"), "no-referrer", "{uri}");
        let csp = header(&response, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert_eq!(header(&response, "strict-transport-security"), "", "{uri}");
        if uri.starts_with("/api/v1") || uri == "/api/openapi.json" {
            assert!(csp.starts_with("default-src 'none'"), "{uri}: {csp}");
        } else {
            assert!(csp.contains("'wasm-unsafe-eval'"), "{uri}: {csp}");
        }
        if uri == "/" {
            use base64::Engine as _;
            use sha2::Digest as _;
            let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
            assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        }
        if token.is_some() {
            assert_eq!(header(&response, "cache-control"), "no-store", "{uri}");
        }
    }

    let mut config = crate::support::config(&db, dist.path().to_path_buf());
    config.hsts_seconds = 31_536_000;
    let state = tdb_api::server::build_state(config).unwrap();
    let app = init_service(actix_web::App::new().configure(tdb_api::server::configure(state))).await;
    let response = call_service(&app, TestRequest::get().uri("/api/v1/health").to_request()).await;
    assert_eq!(
        header(&response, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
}

/// `HEAD` on GET routes (monitoring), 405 with `Allow` for an unknown method on a known path, and
/// problem+json for 404, 405 and 413 (JSON over its limit, a file over the import limit).
#[actix_web::test]
async fn head_405_and_413_answer_as_the_contract_says() {
    use actix_web::test::{TestRequest, call_service, read_body_json};
    let db = TestDb::sqlite();
    let state = state(&db);
    small_world(&state);
    let national = auth::national(&state);
    let app = crate::support::app(state.clone()).await;

    let problem = |response: &actix_web::dev::ServiceResponse, status: u16| {
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(header(response, "content-type"), "application/problem+json");
    };
    let response = call_service(&app, TestRequest::delete().uri("/api/v1/structures").to_request()).await;
    problem(&response, 405);
    let allow = header(&response, "allow").to_owned();
    for method in ["GET", "POST", "HEAD"] {
        assert!(allow.contains(method), "{allow}");
    }
    let body: serde_json::Value = read_body_json(response).await;
    assert_eq!(body["code"], "method_not_allowed");
    let response = call_service(
        &app,
        TestRequest::patch()
            .uri("/api/v1/structures/590000011")
            .insert_header(("Authorization", national.as_str()))
            .to_request(),
    )
    .await;
    problem(&response, 405);
    assert!(header(&response, "allow").contains("PUT"));

    let response = call_service(&app, TestRequest::get().uri("/api/v1/nothing").to_request()).await;
    problem(&response, 404);

    let big = format!("{{\"values\": \"{}\"}}", "x".repeat(17 * 1024 * 1024));
    let response = call_service(
        &app,
        TestRequest::post()
            .uri("/api/v1/structures")
            .insert_header(("Authorization", national.as_str()))
            .insert_header(("Content-Type", "application/json"))
            .set_payload(big)
            .to_request(),
    )
    .await;
    problem(&response, 413);
    let body: serde_json::Value = read_body_json(response).await;
    assert_eq!(body["code"], "payload_too_large");

    insert_campaign(&state, 2024, "collecte");
    // HEAD on a real server: the GET's status and headers, no body.
    let (addr, handle) = serve(&state);
    let (status, head, body) =
        actix_web::rt::task::spawn_blocking(move || raw(addr, "HEAD", "/api/v1/health", &[], ""))
            .await
            .unwrap();
    let (get_status, _, get_body) =
        actix_web::rt::task::spawn_blocking(move || raw(addr, "GET", "/api/v1/regions", &[], ""))
            .await
            .unwrap();
    let (regions_status, regions_head, regions_body) =
        actix_web::rt::task::spawn_blocking(move || raw(addr, "HEAD", "/api/v1/regions", &[], ""))
            .await
            .unwrap();
    // A file announced over the import limit (512 MiB): 413 problem+json (was text/plain).
    let token = national.clone();
    let (big_status, big_head, big_body) = actix_web::rt::task::spawn_blocking(move || {
        raw(
            addr,
            "POST",
            "/api/v1/campaigns/2024/imports",
            &[
                ("Authorization", token.as_str()),
                ("Content-Type", "text/csv"),
                ("Content-Length", "600000000"),
            ],
            "",
        )
    })
    .await
    .unwrap();
    handle.stop(true).await;
    assert_eq!(big_status, 413, "{big_head}");
    assert!(
        big_head.contains("content-type: application/problem+json"),
        "{big_head}"
    );
    // The import route reads its own body (bounded readers): its 413 says `import_too_large`.
    assert!(big_body.contains("\"code\":\"import_too_large\""), "{big_body}");
    assert_eq!((status, body.as_str()), (200, ""), "{head}");
    assert_eq!(
        (regions_status, regions_body.as_str()),
        (get_status, ""),
        "{regions_head}"
    );
    assert!(
        regions_head.contains(&format!("content-length: {}", get_body.len())),
        "{regions_head}"
    );
    assert!(regions_head.contains("x-content-type-options: nosniff"));
}

/// A partner with `read` sees who changed a form by role, not by e-mail (a civil servant's address is
/// personal data); people with a role still see the address.
async fn partners_see_roles_not_emails_in_form_history(db: TestDb) {
    use crate::forms_fixtures::{EHPAD, form_url, world};
    use actix_web::http::Method;
    use tdb_api::db::repo::audit::{NewAuditEntry, append};
    let state = world(&db, "collecte");
    insert_user(
        &state,
        "jeanne.martin@ars-hdf.test",
        "correct horse battery",
        "ars",
        &["32"],
    );
    let entry = |actor: &str, channel: &str| NewAuditEntry {
        at: chrono::Utc::now().naive_utc(),
        actor: actor.to_owned(),
        channel: channel.to_owned(),
        action: "review".to_owned(),
        campaign_year: Some(2024),
        structure_finess: Some(EHPAD.to_owned()),
        item_code: None,
        old_value: None,
        new_value: None,
        detail: None,
    };
    append(
        &mut state.pool.get().unwrap(),
        &[
            entry("jeanne.martin@ars-hdf.test", "web"),
            entry("client-x", "api"),
        ],
    )
    .unwrap();
    let app = crate::support::app(state.clone()).await;
    let url = form_url(EHPAD, "/history");
    let partner = auth::partner(&state, &["read"], None);
    let answer = send(&app, Method::GET, &url, Some(&partner), None, None).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let actors: Vec<&str> = answer.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["partenaire", "ARS"]);
    assert!(!answer.body.to_string().contains('@'), "{}", answer.body);
    let answer = send(&app, Method::GET, &url, Some(&auth::national(&state)), None, None).await;
    assert_eq!(answer.body["items"][1]["actor"], "jeanne.martin@ars-hdf.test");
}

on_both_backends!(partners_see_roles_not_emails_in_form_history);

/// Tokens: a 10-year lifetime, a future `iat` or `nbf` are refused even with a good signature; the
/// `Bearer` scheme is case-insensitive.
#[actix_web::test]
async fn forged_lifetimes_are_refused_and_the_scheme_is_case_insensitive() {
    use actix_web::test::{TestRequest, call_service};
    use tdb_api::auth::{Claims, Role};
    let db = TestDb::sqlite();
    let state = state(&db);
    let app = crate::support::app(state.clone()).await;
    let now = chrono::Utc::now().timestamp();
    let status = |authorization: String| {
        let request = TestRequest::get()
            .uri("/api/v1/auth/me")
            .insert_header(("Authorization", authorization));
        let app = &app;
        async move { call_service(app, request.to_request()).await.status().as_u16() }
    };
    let mut ten_years = Claims::new("admin@national.test", Role::National);
    ten_years.exp = now + 10 * 365 * 86_400;
    assert_eq!(
        status(auth::bearer(&state, &ten_years)).await,
        401,
        "10-year token"
    );
    let mut future = Claims::new("admin@national.test", Role::National);
    future.iat = now + 3_600;
    future.exp = now + 3_600 + 900;
    assert_eq!(
        status(auth::bearer(&state, &future)).await,
        401,
        "iat in the future"
    );
    // `nbf` is not a field of Claims: sign a raw JSON with one.
    let key = jsonwebtoken::EncodingKey::from_secret(b"test-secret-test-secret-test-secret-0123");
    let raw = json!({"iss": "tdb", "aud": "tdb-api", "sub": "admin@national.test", "iat": now, "exp": now + 900,
                     "nbf": now + 3_600, "role": "national"});
    let token = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &raw, &key).unwrap();
    assert_eq!(status(format!("Bearer {token}")).await, 401, "nbf in the future");
    let token = auth::national(&state);
    let bare = token.strip_prefix("Bearer ").unwrap();
    assert_eq!(status(format!("bearer {bare}")).await, 200);
    assert_eq!(status(format!("BEARER {bare}")).await, 200);
    assert_eq!(status(format!("Basic {bare}")).await, 401);
}

fn login(email: &str, password: &str, peer: &str, forwarded: Option<&str>) -> actix_http::Request {
    let mut request = actix_web::test::TestRequest::post()
        .uri("/api/v1/auth/login")
        .peer_addr(peer.parse().unwrap())
        .set_json(json!({"email": email, "password": password}));
    if let Some(chain) = forwarded {
        request = request.insert_header(("X-Forwarded-For", chain));
    }
    request.to_request()
}

/// Moves the last failure of `key` back by `seconds`, as if that time had passed.
fn age_failures(state: &tdb_api::state::AppState, key: &str, failures: i32, seconds: i64) {
    use diesel::prelude::*;
    use tdb_api::db::schema::login_attempts;
    let at = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(seconds);
    diesel::update(login_attempts::table.find(key))
        .set((
            login_attempts::failures.eq(failures),
            login_attempts::window_started_at.eq(at),
        ))
        .execute(&mut state.pool.get().unwrap())
        .unwrap();
}

/// The per-account lockout is an increasing delay, capped: after it, the right password gets in, even
/// when someone kept failing on the account (before: a 15-minute lock renewable forever).
async fn the_right_password_gets_in_after_the_delay(db: TestDb) {
    use actix_web::test::call_service;
    let state = state(&db);
    insert_user(&state, "siege@og.fr", "correct horse battery", "og", &[]);
    let app = crate::support::app(state.clone()).await;
    for _ in 0..5 {
        let response = call_service(&app, login("siege@og.fr", "mauvais", "198.51.100.1:1", None)).await;
        assert_eq!(response.status(), 401);
    }
    let response = call_service(
        &app,
        login("siege@og.fr", "correct horse battery", "198.51.100.2:1", None),
    )
    .await;
    assert_eq!(response.status(), 429);
    let retry: u64 = response
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    age_failures(&state, "account:siege@og.fr", 5, 31);
    let response = call_service(
        &app,
        login("siege@og.fr", "correct horse battery", "198.51.100.2:1", None),
    )
    .await;
    assert_eq!(response.status(), 200);

    // Someone failed 200 times; the last failure was 5 minutes ago: the delay (capped) has passed.
    age_failures(&state, "ip:198.51.100.1", 0, 0);
    for _ in 0..5 {
        call_service(&app, login("siege@og.fr", "mauvais", "198.51.100.3:1", None)).await;
    }
    age_failures(&state, "account:siege@og.fr", 200, 299);
    let response = call_service(
        &app,
        login("siege@og.fr", "correct horse battery", "198.51.100.2:1", None),
    )
    .await;
    assert_eq!(response.status(), 429);
    age_failures(&state, "account:siege@og.fr", 200, 301);
    let response = call_service(
        &app,
        login("siege@og.fr", "correct horse battery", "198.51.100.2:1", None),
    )
    .await;
    assert_eq!(response.status(), 200);
}

/// Behind a trusted proxy, the per-address limit counts the forwarded client, so one client's failures
/// do not lock out everyone behind the proxy; an untrusted peer's `X-Forwarded-For` is ignored.
async fn the_address_limit_counts_the_client_behind_a_trusted_proxy(db: TestDb) {
    use actix_web::test::call_service;
    let mut config = crate::support::config(&db, "/nonexistent-web-dist".into());
    config.trusted_proxies = "10.0.0.0/8".parse().unwrap();
    let state = tdb_api::server::build_state(config).unwrap();
    insert_user(&state, "agent@ars.test", "correct horse battery", "ars", &["32"]);
    let app = crate::support::app(state.clone()).await;
    for n in 0..20 {
        let email = format!("nobody{n}@x.test");
        let response = call_service(
            &app,
            login(&email, "x", "10.0.0.1:1", Some("203.0.113.66, 10.0.0.2")),
        )
        .await;
        assert_eq!(response.status(), 401);
    }
    // The attacker's address is slowed down …
    let response = call_service(
        &app,
        login(
            "agent@ars.test",
            "correct horse battery",
            "10.0.0.1:1",
            Some("203.0.113.66"),
        ),
    )
    .await;
    assert_eq!(response.status(), 429);
    // … but another client behind the same proxy logs in.
    let response = call_service(
        &app,
        login(
            "agent@ars.test",
            "correct horse battery",
            "10.0.0.1:1",
            Some("203.0.113.5"),
        ),
    )
    .await;
    assert_eq!(response.status(), 200);
    // An untrusted peer cannot choose its address with the header.
    for n in 0..20 {
        let email = format!("other{n}@x.test");
        call_service(
            &app,
            login(&email, "x", "198.51.100.9:1", Some(&format!("192.0.2.{n}"))),
        )
        .await;
    }
    let response = call_service(
        &app,
        login(
            "agent@ars.test",
            "correct horse battery",
            "198.51.100.9:1",
            Some("192.0.2.200"),
        ),
    )
    .await;
    assert_eq!(response.status(), 429);
}

on_both_backends!(
    the_right_password_gets_in_after_the_delay,
    the_address_limit_counts_the_client_behind_a_trusted_proxy,
);

/// Found by schemathesis: a campaign year of `i32::MIN` made the previous year's lookup overflow (a
/// panic, answered 500); it is an unknown campaign like any other.
#[actix_web::test]
async fn the_smallest_campaign_year_is_not_a_server_error() {
    use actix_web::http::Method;
    let db = TestDb::sqlite();
    let state = crate::forms_fixtures::world(&db, "collecte");
    let national = auth::national(&state);
    let app = crate::support::app(state.clone()).await;
    let url = "/api/v1/campaigns/-2147483648/structures/590000011/form";
    let answer = send(&app, Method::GET, url, Some(&national), None, None).await;
    assert_eq!(answer.status, 404, "{}", answer.body);
    let body = json!({"values": {"places_financees_hp": 80}});
    let answer = send(&app, Method::PATCH, url, Some(&national), Some("*"), Some(body)).await;
    assert!(answer.status < 500, "{}", answer.body);
    let answer = send(
        &app,
        Method::POST,
        &format!("{url}/corrections/7/messages"),
        Some(&national),
        None,
        Some(json!({"body": "x"})),
    )
    .await;
    assert!(answer.status < 500, "{}", answer.body);
}

/// Fiche batches: one unfinished batch per caller (and a few per server): the next answers 429 with
/// `Retry-After`; a batch finished longer ago than `TDB_FICHE_BATCH_TTL_HOURS` answers 404 and is purged
/// when a new batch starts.
async fn fiche_batches_are_limited_and_expire(db: TestDb) {
    use actix_web::http::Method;
    use tdb_api::db::repo::fiche_batches::{self, BatchRow, BatchState};
    let state = crate::forms_fixtures::world(&db, "collecte");
    let cd = auth::cd(&state, "59");
    let app = crate::support::app(state.clone()).await;
    let at = chrono::Utc::now().naive_utc();
    let row = |id: &str, actor: &str, state: BatchState, finished: Option<chrono::NaiveDateTime>| BatchRow {
        id: id.to_owned(),
        campaign_year: 2024,
        territory: "department:59".to_owned(),
        actor: actor.to_owned(),
        state,
        total: 1,
        processed: 0,
        error: None,
        created_at: finished.unwrap_or(at),
        finished_at: finished,
    };
    let old = at - chrono::Duration::hours(25);
    {
        let mut conn = state.pool.get().unwrap();
        fiche_batches::insert(
            &mut conn,
            &row("fic-running", "agent@cd.test", BatchState::Running, None),
        )
        .unwrap();
        fiche_batches::insert(
            &mut conn,
            &row("fic-old", "agent@cd.test", BatchState::Done, Some(old)),
        )
        .unwrap();
    }
    let url = "/api/v1/campaigns/2024/fiches?territory=department:59";
    let refused = send(&app, Method::POST, url, Some(&cd), None, None).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (429, Some("too_many_requests")),
        "{}",
        refused.body
    );
    let expired = send(
        &app,
        Method::GET,
        "/api/v1/fiche-batches/fic-old",
        Some(&cd),
        None,
        None,
    )
    .await;
    assert_eq!(expired.status, 404, "{}", expired.body);
    let archive = send(
        &app,
        Method::GET,
        "/api/v1/fiche-batches/fic-old/archive",
        Some(&cd),
        None,
        None,
    )
    .await;
    assert_eq!(archive.status, 404, "{}", archive.body);

    // Four callers' unfinished batches fill the server: a fifth caller waits too.
    {
        let mut conn = state.pool.get().unwrap();
        for n in 0..3 {
            fiche_batches::insert(
                &mut conn,
                &row(
                    &format!("fic-{n}"),
                    &format!("other{n}@cd.test"),
                    BatchState::Queued,
                    None,
                ),
            )
            .unwrap();
        }
    }
    let national = auth::national(&state);
    let refused = send(&app, Method::POST, url, Some(&national), None, None).await;
    assert_eq!(refused.status, 429, "{}", refused.body);

    // Once the running batches end, a new batch starts and the expired one is purged.
    {
        use diesel::prelude::*;
        use tdb_api::db::schema::fiche_batches as t;
        diesel::update(t::table)
            .filter(t::finished_at.is_null())
            .set(t::finished_at.eq(Some(at)))
            .execute(&mut state.pool.get().unwrap())
            .unwrap();
    }
    let started = send(&app, Method::POST, url, Some(&cd), None, None).await;
    assert_eq!(started.status, 202, "{}", started.body);
    let mut conn = state.pool.get().unwrap();
    assert!(
        fiche_batches::find(&mut conn, "fic-old", "agent@cd.test")
            .unwrap()
            .is_none()
    );
    assert!(
        fiche_batches::find(&mut conn, "fic-running", "agent@cd.test")
            .unwrap()
            .is_some()
    );
}

on_both_backends!(fiche_batches_are_limited_and_expire);
