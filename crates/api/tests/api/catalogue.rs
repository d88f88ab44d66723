//! `GET /api/v1/catalogue/{campaign}`.

use actix_web::test;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::{TestDb, app, state};

async fn serves_the_campaign_catalogue_with_an_etag(db: TestDb) {
    let app = app(state(&db)).await;
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/v1/catalogue/2024")
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let etag = response
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(etag.starts_with('"') && etag.contains("2024"), "{etag}");
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["catalogue_version"], "1.1");
    assert_eq!(body["campaign"], 2024);
    assert_eq!(body["items"].as_array().unwrap().len(), 188);
    assert_eq!(body["indicators"].as_array().unwrap().len(), 114);
    assert_eq!(body["controls"].as_array().unwrap().len(), 30);
    assert_eq!(body["completion"]["threshold_percent"], 90);

    let revalidate = test::TestRequest::get()
        .uri("/api/v1/catalogue/2024")
        .insert_header(("If-None-Match", etag.as_str()))
        .to_request();
    let response = test::call_service(&app, revalidate).await;
    assert_eq!(response.status(), 304);
    assert!(test::read_body(response).await.is_empty());

    let other = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/v1/catalogue/2019")
            .to_request(),
    )
    .await;
    assert_ne!(other.headers().get("etag").unwrap().to_str().unwrap(), etag);
    let body: Value = test::read_body_json(other).await;
    assert_eq!(body["completion"]["threshold_percent"], 70);
    // 2019 is catalogue 1.0 exactly: the 1.1 items start in 2020.
    assert_eq!(body["catalogue_version"], "1.0");
    assert_eq!(body["items"].as_array().unwrap().len(), 169);
    assert_eq!(body["controls"].as_array().unwrap().len(), 25);
}

async fn campaigns_outside_the_catalogue_are_404(db: TestDb) {
    let app = app(state(&db)).await;
    for uri in ["/api/v1/catalogue/2018", "/api/v1/catalogue/2100"] {
        let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), 404, "{uri}");
        let body: Value = test::read_body_json(response).await;
        assert_eq!(body["code"], "campaign_not_covered", "{uri}");
    }
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/v1/catalogue/deux-mille")
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), 400);
}

on_both_backends!(
    serves_the_campaign_catalogue_with_an_etag,
    campaigns_outside_the_catalogue_are_404
);
