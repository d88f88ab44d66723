//! `GET /api/v1/health`.

use actix_web::test;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{TestDb, app, state};

async fn reports_ok_with_backend_and_version(db: TestDb) {
    let app = app(state(&db)).await;
    let response =
        test::call_service(&app, test::TestRequest::get().uri("/api/v1/health").to_request()).await;
    assert_eq!(response.status(), 200);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(
        body,
        json!({"status": "ok", "database": db.backend_name(), "version": env!("CARGO_PKG_VERSION")})
    );
}

on_both_backends!(reports_ok_with_backend_and_version);
