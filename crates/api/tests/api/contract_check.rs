//! The contract check every API test runs through (`support::contract`): it must refuse what the
//! contract does not declare, so that a handler cannot drift from `openapi/openapi.json` unnoticed.

use actix_web::{App, HttpResponse, test, web};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::contract::{check, check_answer, with_field};
use crate::support::{TestDb, app, auth, state};

const JSON: Option<&str> = Some("application/json");
const PROBLEM: Option<&str> = Some("application/problem+json");

async fn real_answers_pass_and_altered_ones_fail(db: TestDb) {
    let state = state(&db);
    let national = auth::national(&state);
    let app = app(state).await;

    let response =
        test::call_service(&app, test::TestRequest::get().uri("/api/v1/health").to_request()).await;
    assert_eq!(response.status(), 200);
    let health: Value = test::read_body_json(response).await;
    let bytes = |v: &Value| serde_json::to_vec(v).unwrap();
    check("GET", "/api/v1/health", 200, JSON, &bytes(&health)).unwrap();

    // A field the contract does not declare.
    let error = check(
        "GET",
        "/api/v1/health",
        200,
        JSON,
        &bytes(&with_field(&health, "replica", json!("a"))),
    )
    .unwrap_err();
    assert!(error.contains("replica"), "{error}");
    // A declared field of the wrong type, with its path.
    let error = check(
        "GET",
        "/api/v1/health",
        200,
        JSON,
        &bytes(&with_field(&health, "version", json!(1))),
    )
    .unwrap_err();
    assert!(error.contains("`/version`"), "{error}");
    // A status the operation does not declare, a media type its status does not declare.
    let error = check("GET", "/api/v1/health", 418, JSON, b"{}").unwrap_err();
    assert!(error.contains("418 is not declared"), "{error}");
    let error = check("GET", "/api/v1/health", 200, Some("text/plain"), b"ok").unwrap_err();
    assert!(error.contains("text/plain"), "{error}");

    // A problem answer: nested field errors are closed objects too.
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/v1/structures/999999999")
            .insert_header(("Authorization", national))
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), 404);
    let problem: Value = test::read_body_json(response).await;
    let pattern = "/api/v1/structures/{finess}";
    check("GET", pattern, 404, PROBLEM, &bytes(&problem)).unwrap();
    let with_errors = with_field(
        &problem,
        "errors",
        json!([{"path": "/x", "code": "c", "message": "m", "hint": "h"}]),
    );
    let error = check("GET", pattern, 404, PROBLEM, &bytes(&with_errors)).unwrap_err();
    assert!(error.contains("`/errors/0`") && error.contains("hint"), "{error}");
}

on_both_backends!(real_answers_pass_and_altered_ones_fail);

/// A handler on a contract route that answers one field more than declared fails the test that calls
/// it, through the middleware every test application carries.
#[actix_web::test]
#[should_panic(expected = "contract violation: GET /api/v1/health (/api/v1/health) answered 200")]
async fn a_handler_answering_an_undeclared_field_fails_the_test() {
    let drifting = App::new()
        .wrap(actix_web::middleware::from_fn(check_answer))
        .route(
            "/api/v1/health",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .json(json!({"status": "ok", "database": "sqlite", "version": "0", "uptime": 3}))
            }),
        );
    let app = test::init_service(drifting).await;
    test::call_service(&app, test::TestRequest::get().uri("/api/v1/health").to_request()).await;
}
