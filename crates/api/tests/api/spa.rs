//! The web app is served at `/` with fallback to `index.html`; `/api` never falls back. Its files
//! travel compressed when the browser accepts it, and the content-hashed ones are cached as immutable.

use actix_web::{App, test};
use serde_json::Value;

use crate::support::{TestDb, config};

/// The value of the header `name` of `response`, as text.
fn header(response: &actix_web::dev::ServiceResponse, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

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

#[actix_web::test]
async fn web_app_files_are_compressed_and_hashed_ones_cached_for_good() {
    let db = TestDb::sqlite();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><body>tdb-spa</body></html>",
    )
    .unwrap();
    // A wasm-like file: repetitive, so it compresses well.
    let wasm: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8).collect();
    let hashed = "pkg-997d2f0c9b46f81c/tdb-web-ui_bg.wasm";
    std::fs::create_dir(dist.path().join("pkg-997d2f0c9b46f81c")).unwrap();
    std::fs::write(dist.path().join(hashed), &wasm).unwrap();
    std::fs::write(dist.path().join("plain.js"), "console.log('tdb')").unwrap();
    let state = tdb_api::server::build_state(config(&db, dist.path().to_path_buf())).unwrap();
    let app = test::init_service(App::new().configure(tdb_api::server::configure(state))).await;

    let request = |uri: &str, encoding: Option<&str>| {
        let mut r = test::TestRequest::get().uri(uri);
        if let Some(encoding) = encoding {
            r = r.insert_header(("Accept-Encoding", encoding));
        }
        r.to_request()
    };

    let response = test::call_service(&app, request(&format!("/{hashed}"), Some("gzip"))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-encoding").as_deref(), Some("gzip"));
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    let body = test::read_body(response).await;
    assert!(body.len() < wasm.len() / 10, "{} bytes on the wire", body.len());
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut unzipped).unwrap();
    assert_eq!(unzipped, wasm);

    // Without Accept-Encoding: as is. An unhashed file is not cached for good; nor is index.html.
    let response = test::call_service(&app, request(&format!("/{hashed}"), None)).await;
    assert_eq!(header(&response, "content-encoding"), None);
    assert_eq!(test::read_body(response).await.len(), wasm.len());
    let response = test::call_service(&app, request("/plain.js", Some("gzip"))).await;
    assert_eq!(header(&response, "cache-control"), None);
    let response = test::call_service(&app, request("/cpom/3", Some("gzip"))).await;
    assert_eq!(header(&response, "cache-control").as_deref(), Some("no-cache"));
}

#[actix_web::test]
async fn a_hashed_file_built_with_its_brotli_copy_is_sent_as_built() {
    let db = TestDb::sqlite();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<html></html>").unwrap();
    let wasm: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8).collect();
    // What scripts/web-build.sh writes beside each wasm and JS file: its brotli copy, at the highest
    // quality (too slow to compress per request).
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &wasm[..], &mut brotli, &params).unwrap();
    let dir = dist.path().join("pkg-0123456789abcdef");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("chunk.wasm"), &wasm).unwrap();
    std::fs::write(dir.join("chunk.wasm.br"), &brotli).unwrap();
    std::fs::write(dir.join("alone.js"), "console.log('tdb')".repeat(100)).unwrap();
    let state = tdb_api::server::build_state(config(&db, dist.path().to_path_buf())).unwrap();
    let app = test::init_service(App::new().configure(tdb_api::server::configure(state))).await;
    let get = |uri: &str, encoding: &str| {
        test::TestRequest::get()
            .uri(uri)
            .insert_header(("Accept-Encoding", encoding))
            .to_request()
    };

    // Chromium's Accept-Encoding: the brotli copy, byte for byte, typed as the file it encodes.
    let uri = "/pkg-0123456789abcdef/chunk.wasm";
    let response = test::call_service(&app, get(uri, "gzip, deflate, br, zstd")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-encoding").as_deref(), Some("br"));
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("application/wasm")
    );
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert!(
        header(&response, "vary").is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
        "{:?}",
        header(&response, "vary")
    );
    let body = test::read_body(response).await;
    assert_eq!(body.as_ref(), brotli.as_slice());
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut decoded).unwrap();
    assert_eq!(decoded, wasm);

    // A client without brotli gets gzip, compressed on the fly as before; refusing br, likewise.
    for accepted in ["gzip", "gzip, br;q=0"] {
        let response = test::call_service(&app, get(uri, accepted)).await;
        assert_eq!(
            header(&response, "content-encoding").as_deref(),
            Some("gzip"),
            "{accepted}"
        );
    }
    // A file with no brotli copy is compressed on the fly, as every file was.
    let response = test::call_service(&app, get("/pkg-0123456789abcdef/alone.js", "br")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-encoding").as_deref(), Some("br"));
    let body = test::read_body(response).await;
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut decoded).unwrap();
    assert_eq!(decoded, "console.log('tdb')".repeat(100).into_bytes());
}

#[actix_web::test]
async fn content_hashed_names_are_recognised() {
    use tdb_api::spa::is_hashed_asset;
    assert!(is_hashed_asset("/pkg-997d2f0c9b46f81c/tdb-web-ui_bg.wasm"));
    assert!(is_hashed_asset("/pkg-997d2f0c9b46f81c/tdb-web-ui.js"));
    assert!(is_hashed_asset("/pkg-997d2f0c9b46f81c/__wasm_split.js"));
    assert!(is_hashed_asset("/pkg-997d2f0c9b46f81c/split_home_page_1.wasm"));
    assert!(is_hashed_asset("/app-0a1b2c3d4e5f6a7b.css"));
    assert!(!is_hashed_asset("/pkg-997d2f0c9b46f81c"));
    assert!(!is_hashed_asset("/pkg-notahash/tdb-web-ui.js"));
    assert!(!is_hashed_asset("/snippets/x-997d2f0c9b46f81c/inline0.js"));
    assert!(!is_hashed_asset("/dsfr/dsfr.min.css"));
    assert!(!is_hashed_asset("/index.html"));
    assert!(!is_hashed_asset("/dsfr/fonts/Marianne-Bold.woff2"));
}

#[actix_web::test]
async fn a_missing_static_file_is_a_404_not_the_app() {
    let db = TestDb::sqlite();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><body>tdb-spa</body></html>",
    )
    .unwrap();
    let icons = dist.path().join("dsfr/icons/system");
    std::fs::create_dir_all(&icons).unwrap();
    std::fs::write(dist.path().join("dsfr/dsfr.min.css"), "body{}").unwrap();
    std::fs::write(
        icons.join("fr--info-fill.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let state = tdb_api::server::build_state(config(&db, dist.path().to_path_buf())).unwrap();
    let app = test::init_service(App::new().configure(tdb_api::server::configure(state))).await;

    // An icon that exists is served as SVG.
    let response = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/dsfr/icons/system/fr--info-fill.svg")
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("content-type").unwrap(), "image/svg+xml");

    // Missing files: a 404, never the app's HTML.
    for uri in [
        "/dsfr/icons/system/fr--warning-fill.svg",
        "/dsfr/icons/system/",
        "/dsfr/missing",
        "/app-0a1b2c3d4e5f6a7b.css",
        "/tdb-web-ui-997d2f0c9b46f81c_bg.wasm",
        "/missing.js",
        "/images/logo.png",
        "/dsfr/fonts/Marianne-Bold.woff2",
        "/formulaire/2024/favicon.ico",
    ] {
        let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), 404, "{uri}");
        let content_type = header(&response, "content-type").unwrap_or_default();
        assert!(!content_type.contains("html"), "{uri}: {content_type}");
        let body = test::read_body(response).await;
        assert!(!std::str::from_utf8(&body).unwrap().contains("tdb-spa"), "{uri}");
    }

    // Navigation routes, however deep, still get the app.
    for uri in [
        "/formulaire/2024/590000001",
        "/restitution/2024/590000001",
        "/cpom/comites/3",
        "/cpom/couverture",
        "/definir-mot-de-passe?jeton=abc.def",
        "/page/qui/n/existe/pas",
    ] {
        let response = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), 200, "{uri}");
        let body = test::read_body(response).await;
        assert!(std::str::from_utf8(&body).unwrap().contains("tdb-spa"), "{uri}");
    }
}

#[actix_web::test]
async fn static_file_paths_are_told_from_routes() {
    use tdb_api::spa::is_static_file_path;
    let dirs = vec!["dsfr".to_owned(), "snippets".to_owned()];
    assert!(is_static_file_path("/dsfr/icons/system/x.svg", &dirs));
    assert!(is_static_file_path("/dsfr/anything", &dirs));
    assert!(is_static_file_path("/snippets/x/inline0.js", &dirs));
    assert!(is_static_file_path("/app.css", &dirs));
    assert!(is_static_file_path("/a/b/font.woff2", &dirs));
    assert!(!is_static_file_path("/", &dirs));
    assert!(!is_static_file_path("/dsfr", &dirs));
    assert!(!is_static_file_path("/formulaire/2024/590000001", &dirs));
    assert!(!is_static_file_path("/cpom/3", &dirs));
    assert!(!is_static_file_path("/.well-known", &dirs));
}
