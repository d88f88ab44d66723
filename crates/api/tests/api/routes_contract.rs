//! The served routes and the contract are the same list: every operation of `openapi/openapi.json` reaches
//! a handler of the in-process application, and every actix route macro of `src/routes` is in the
//! contract.

use std::collections::BTreeSet;
use std::path::Path;

use actix_web::http::Method;
use actix_web::test::{TestRequest, call_service};

use crate::support::{TestDb, app, state};

/// The actix route macros and their HTTP methods.
const ROUTE_MACROS: [(&str, &str); 5] = [
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("patch", "PATCH"),
    ("delete", "DELETE"),
];

/// The operations of the generated contract, as (`METHOD`, path) pairs.
fn contract_operations() -> BTreeSet<(String, String)> {
    let doc: serde_json::Value = serde_json::from_str(&tdb_api::openapi::to_pretty_json().unwrap()).unwrap();
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, _) in ROUTE_MACROS {
            if item.get(method).is_some() {
                operations.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    operations
}

/// `path` with every `{parameter}` replaced by `1`.
fn concrete(path: &str) -> String {
    let mut uri = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').unwrap();
        uri.push_str(&rest[..open]);
        uri.push('1');
        rest = &rest[close + 1..];
    }
    uri.push_str(rest);
    uri
}

#[actix_web::test]
async fn every_documented_operation_reaches_a_handler() {
    let db = TestDb::sqlite();
    let app = app(state(&db)).await;
    let operations = contract_operations();
    assert!(operations.len() > 50, "{} operations only", operations.len());
    let mut unserved = Vec::new();
    for (method, path) in &operations {
        let request = TestRequest::default()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(&concrete(path))
            .to_request();
        let response = call_service(&app, request).await;
        let matched = response.request().match_pattern();
        if response.status() == 405 || matched.as_deref() != Some(path.as_str()) {
            unserved.push(format!(
                "{method} {path}: {} (matched {matched:?})",
                response.status()
            ));
        }
    }
    assert!(
        unserved.is_empty(),
        "operations of the contract that no handler serves:\n{}",
        unserved.join("\n")
    );
}

/// The (`METHOD`, path under `/api/v1`) of every actix route macro in the `.rs` files under `dir`.
fn route_macros(dir: &Path, found: &mut BTreeSet<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            route_macros(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                for (name, method) in ROUTE_MACROS {
                    if let Some(rest) = line.trim().strip_prefix(&format!("#[{name}(\"")) {
                        let route = &rest[..rest.find('"').unwrap()];
                        found.insert((method.to_owned(), format!("/api/v1{route}")));
                    }
                }
            }
        }
    }
}

#[test]
fn every_route_macro_is_in_the_contract() {
    let mut macros = BTreeSet::new();
    route_macros(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes"),
        &mut macros,
    );
    assert!(macros.len() > 50, "{} route macros only", macros.len());
    let operations = contract_operations();
    let missing: Vec<String> = macros
        .difference(&operations)
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes served but missing from the contract:\n{}",
        missing.join("\n")
    );
}
