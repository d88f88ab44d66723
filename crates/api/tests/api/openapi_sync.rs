//! The committed contract `openapi/openapi.json` is exactly what the code generates, and documents
//! errors as problems and files as binary strings.

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

/// The media type of XLSX workbooks.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Whether `content` is a string of bytes of `media_type` (OpenAPI 3.1), not an array of integers.
fn is_binary_string(content: &serde_json::Value, media_type: &str) -> bool {
    content["schema"]["type"] == "string" && content["schema"]["contentMediaType"] == media_type
}

#[test]
fn files_are_binary_strings_of_their_media_type() {
    let doc: serde_json::Value = serde_json::from_str(&tdb_api::openapi::to_pretty_json().unwrap()).unwrap();
    let paths = &doc["paths"];
    let downloads = [
        ("/api/v1/structures/{finess}/fiche.pdf", "application/pdf"),
        ("/api/v1/fiche-batches/{id}/archive", "application/zip"),
        (
            "/api/v1/cpom/committees/{committee}/report.pdf",
            "application/pdf",
        ),
        ("/api/v1/campaigns/{year}/export", "text/csv"),
        ("/api/v1/campaigns/{year}/export", XLSX),
        ("/api/v1/campaigns/{year}/structures/{finess}/template.xlsx", XLSX),
        (
            "/api/v1/campaigns/{year}/organisations/{finess_ej}/template.xlsx",
            XLSX,
        ),
    ];
    for (path, media_type) in downloads {
        let content = &paths[path]["get"]["responses"]["200"]["content"][media_type];
        assert!(
            is_binary_string(content, media_type),
            "GET {path} {media_type}: {content}"
        );
    }
    for media_type in ["text/csv", XLSX] {
        let content =
            &paths["/api/v1/campaigns/{year}/imports"]["post"]["requestBody"]["content"][media_type];
        assert!(
            is_binary_string(content, media_type),
            "POST imports {media_type}: {content}"
        );
    }
    // Any other body that is not JSON, too.
    for (path, item) in paths.as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let bodies = operation["responses"]
                .as_object()
                .into_iter()
                .flat_map(|responses| responses.values())
                .chain([&operation["requestBody"]]);
            for body in bodies {
                for (media_type, content) in body["content"].as_object().into_iter().flatten() {
                    if !media_type.contains("json") && media_type != "application/x-www-form-urlencoded" {
                        assert!(
                            is_binary_string(content, media_type),
                            "{method} {path} {media_type}: {content}"
                        );
                    }
                }
            }
        }
    }
}
