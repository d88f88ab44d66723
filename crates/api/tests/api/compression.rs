//! Answers compressed as the client accepts (`routes::compression`): a large JSON answer in gzip (the
//! same document once inflated) or brotli, a small one and an XLSX as they are, nothing for a client
//! that does not ask.

use std::io::Read;

use actix_web::test;
use flate2::read::GzDecoder;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::{TestDb, app, auth, state};

async fn large_answers_are_compressed_as_accepted(db: TestDb) {
    let state = state(&db);
    let national = auth::national(&state);
    let app = app(state).await;
    let get = |uri: &str, encoding: Option<&str>| {
        let mut request = test::TestRequest::get()
            .uri(uri)
            .insert_header(("Authorization", national.clone()));
        if let Some(encoding) = encoding {
            request = request.insert_header(("Accept-Encoding", encoding));
        }
        request.to_request()
    };
    let encoding = |response: &actix_web::dev::ServiceResponse| {
        response
            .headers()
            .get("Content-Encoding")
            .map(|v| v.to_str().unwrap().to_owned())
    };

    let plain = test::call_service(&app, get("/api/v1/catalogue/2024", None)).await;
    assert_eq!((plain.status().as_u16(), encoding(&plain)), (200, None));
    let plain: Value = test::read_body_json(plain).await;

    let gzip = test::call_service(&app, get("/api/v1/catalogue/2024", Some("gzip"))).await;
    assert_eq!(encoding(&gzip).as_deref(), Some("gzip"));
    let packed = test::read_body(gzip).await;
    let mut inflated = String::new();
    GzDecoder::new(&packed[..]).read_to_string(&mut inflated).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&inflated).unwrap(), plain);
    assert!(
        packed.len() * 4 < inflated.len(),
        "{} bytes for {}",
        packed.len(),
        inflated.len()
    );

    let brotli = test::call_service(&app, get("/api/v1/catalogue/2024", Some("br, gzip;q=0.5"))).await;
    assert_eq!(encoding(&brotli).as_deref(), Some("br"));

    // Small: as it is, and no leftover of the internal mark.
    let small = test::call_service(&app, get("/api/v1/health", Some("gzip"))).await;
    assert_eq!((small.status().as_u16(), encoding(&small)), (200, None));
    // A problem of the API is compressed like any answer when large enough; a small one is not.
    let problem = test::call_service(&app, get("/api/v1/structures/999999999", Some("gzip"))).await;
    assert_eq!((problem.status().as_u16(), encoding(&problem)), (404, None));
}

on_both_backends!(large_answers_are_compressed_as_accepted);
