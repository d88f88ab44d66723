//! Errors are RFC 7807 problem+json bodies with a stable code.

use actix_web::test;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::{TestDb, app, state};

async fn unknown_api_routes_are_problems_not_the_web_app(db: TestDb) {
    let app = app(state(&db)).await;
    for uri in ["/api/v1/nope", "/api/nope", "/api/v1/regions/xx/yy"] {
        let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), 404, "{uri}");
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/problem+json",
            "{uri}"
        );
        let body: Value = test::read_body_json(response).await;
        assert_eq!(body["code"], "not_found");
        assert_eq!(body["status"], 404);
        assert_eq!(body["type"], "urn:tdb:problem:not_found");
        assert!(body["detail"].as_str().unwrap().contains(uri), "{body}");
    }
}

async fn malformed_query_is_a_bad_request_problem(db: TestDb) {
    let app = app(state(&db)).await;
    let request = test::TestRequest::get()
        .uri("/api/v1/regions?page=abc")
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["code"], "invalid_query");
}

on_both_backends!(
    unknown_api_routes_are_problems_not_the_web_app,
    malformed_query_is_a_bad_request_problem
);
