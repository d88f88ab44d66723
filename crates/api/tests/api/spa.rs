//! The web app is served at `/` with fallback to `index.html`; `/api` never falls back.

use actix_web::{App, test};
use serde_json::Value;

use crate::support::{TestDb, config};

#[actix_web::test]
async fn serves_files_and_falls_back_to_index_for_client_routes() {
    let db = TestDb::sqlite();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><body>tdb-spa</body></html>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log('tdb')").unwrap();
    let state = tdb_api::server::build_state(config(&db, dist.path().to_path_buf())).unwrap();
    let app = test::init_service(App::new().configure(tdb_api::server::configure(state))).await;

    for uri in ["/", "/structures/590000001/formulaire"] {
        let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), 200, "{uri}");
        let body = test::read_body(response).await;
        assert!(std::str::from_utf8(&body).unwrap().contains("tdb-spa"), "{uri}");
    }
    let js = test::call_and_read_body(&app, test::TestRequest::get().uri("/app.js").to_request()).await;
    assert_eq!(&js[..], b"console.log('tdb')");

    let response =
        test::call_service(&app, test::TestRequest::get().uri("/api/v1/unknown").to_request()).await;
    assert_eq!(response.status(), 404);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["code"], "not_found");
}

#[actix_web::test]
async fn swagger_ui_and_contract_are_served() {
    let db = TestDb::sqlite();
    let app = crate::support::app(crate::support::state(&db)).await;
    let response = test::call_service(&app, test::TestRequest::get().uri("/api/docs").to_request()).await;
    assert_eq!(response.status(), 308);
    assert_eq!(response.headers().get("location").unwrap(), "/api/docs/");
    let html = test::call_and_read_body(&app, test::TestRequest::get().uri("/api/docs/").to_request()).await;
    assert!(std::str::from_utf8(&html).unwrap().contains("swagger-ui"));
    let init = test::call_and_read_body(
        &app,
        test::TestRequest::get()
            .uri("/api/docs/swagger-initializer.js")
            .to_request(),
    )
    .await;
    assert!(std::str::from_utf8(&init).unwrap().contains("/api/openapi.json"));
    let contract: Value = test::call_and_read_body_json(
        &app,
        test::TestRequest::get().uri("/api/openapi.json").to_request(),
    )
    .await;
    assert_eq!(contract["openapi"], "3.1.0");
    assert!(contract["paths"]["/api/v1/health"].is_object());
}
