//! The committed contract `openapi/openapi.json` is exactly what the code generates.

use similar::TextDiff;

#[test]
fn committed_openapi_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = format!("{}\n", tdb_api::openapi::to_pretty_json().unwrap());
    if committed != generated {
        let diff = TextDiff::from_lines(&committed, &generated)
            .unified_diff()
            .context_radius(3)
            .header("openapi/openapi.json (committed)", "generated from the code")
            .to_string();
        panic!(
            "openapi/openapi.json is out of date with the code.\n\
             Run `just openapi` and commit the result.\n\n{diff}"
        );
    }
}

#[test]
fn contract_documents_every_route_with_problem_errors() {
    let doc: serde_json::Value = serde_json::from_str(&tdb_api::openapi::to_pretty_json().unwrap()).unwrap();
    for path in ["/api/v1/health", "/api/v1/regions"] {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} missing from the contract"
        );
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert_eq!(
        doc["paths"]["/api/v1/regions"]["get"]["responses"]["422"]["content"]["application/problem+json"]["schema"]
            ["$ref"],
        "#/components/schemas/Problem"
    );
}
