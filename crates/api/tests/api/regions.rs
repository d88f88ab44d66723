//! `GET /api/v1/regions`.

use actix_web::test;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::{TestDb, app, state};

async fn lists_the_18_regions_in_code_order(db: TestDb) {
    let app = app(state(&db)).await;
    let request = test::TestRequest::get()
        .uri("/api/v1/regions?per_page=100")
        .to_request();
    let body: Value = test::call_and_read_body_json(&app, request).await;
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 18);
    assert_eq!(body["meta"]["total"], 18);
    let codes: Vec<&str> = items.iter().map(|r| r["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted);
    assert!(
        items
            .iter()
            .any(|r| r["code"] == "32" && r["name"] == "Hauts-de-France")
    );
    assert!(items.iter().any(|r| r["code"] == "94" && r["name"] == "Corse"));
}

async fn pages_through_the_list(db: TestDb) {
    let app = app(state(&db)).await;
    let request = test::TestRequest::get()
        .uri("/api/v1/regions?page=2&per_page=5")
        .to_request();
    let body: Value = test::call_and_read_body_json(&app, request).await;
    assert_eq!(
        body["meta"],
        serde_json::json!({"total": 18, "page": 2, "per_page": 5})
    );
    let codes: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["11", "24", "27", "28", "32"]);
}

async fn rejects_invalid_paging_with_every_field(db: TestDb) {
    let app = app(state(&db)).await;
    let request = test::TestRequest::get()
        .uri("/api/v1/regions?page=0&per_page=501")
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["code"], "validation_failed");
    let paths: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/query/page", "/query/per_page"]);
}

on_both_backends!(
    lists_the_18_regions_in_code_order,
    pages_through_the_list,
    rejects_invalid_paging_with_every_field
);
