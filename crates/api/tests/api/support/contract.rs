//! The contract check of every answer: each response the in-process application gives to an API test
//! is checked against what the OpenAPI document declares for its operation. The status must be
//! declared, the media type must be one the status declares, and a JSON body must match the declared
//! schema. The check is stricter than the published document in one way: objects of the contract are
//! closed (`unevaluatedProperties: false`), so a handler answering a field the contract does not
//! declare fails the test, with the JSON pointer of the first violation. A 405 or 413 that an operation
//! does not list must be a problem (they are served for every path).
//!
//! Installed by [`super::app`] as a middleware, so every test going through the application is
//! checked on both databases without writing anything for it.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use jsonschema::Validator;
use serde_json::{Map, Value, json};

/// Statuses any path may answer (a method it does not serve, a body over its limit), as problems.
const EVERY_PATH: [u16; 2] = [405, 413];

/// The contract as the server publishes it, with its objects closed for the check.
static CONTRACT: LazyLock<Contract> = LazyLock::new(Contract::load);

/// The OpenAPI document and the validators built from it, one per operation, status and media type.
struct Contract {
    /// The document, objects closed.
    document: Value,
    /// Validators already built, by `method pattern status media-type`.
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl Contract {
    fn load() -> Self {
        let mut document = serde_json::to_value(tdb_api::openapi::document()).unwrap();
        let open_parts = allof_parts(&document);
        if let Some(schemas) = document
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            for (name, schema) in schemas.iter_mut() {
                close_objects(schema, open_parts.contains(name));
            }
        }
        if let Some(paths) = document.get_mut("paths") {
            close_objects(paths, false);
        }
        Self {
            document,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Checks one answer of the operation `method pattern`; `Ok` when the operation is not in the
    /// contract (the web app's files, an unknown route).
    fn check(
        &self,
        method: &str,
        pattern: &str,
        status: u16,
        media_type: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let method = method.to_ascii_lowercase();
        let Some(operation) = self
            .document
            .get("paths")
            .and_then(|paths| paths.get(pattern))
            .and_then(|item| item.get(&method))
        else {
            return Ok(());
        };
        let every_path = json!({"content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}
        }}});
        let declared = match operation.get("responses").and_then(|responses| {
            responses
                .get(status.to_string())
                .or_else(|| responses.get("default"))
        }) {
            Some(declared) => declared,
            // Served for every path by `routes/security.rs`, not listed per operation
            // (docs/api-design.md, « Answers every operation may give »).
            None if EVERY_PATH.contains(&status) => &every_path,
            None => return Err(format!("status {status} is not declared")),
        };
        let Some(content) = declared.get("content").and_then(Value::as_object) else {
            return if body.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "status {status} declares no body, the answer has {} bytes",
                    body.len()
                ))
            };
        };
        let Some(media_type) = media_type else {
            return Err(format!(
                "status {status} declares a body, the answer has no Content-Type"
            ));
        };
        if !content.contains_key(media_type) {
            return Err(format!(
                "status {status} declares {:?}, the answer is {media_type}",
                content.keys().collect::<Vec<_>>()
            ));
        }
        if !is_json(media_type) {
            return Ok(());
        }
        let instance: Value =
            serde_json::from_slice(body).map_err(|e| format!("the {media_type} body is not JSON: {e}"))?;
        let validator = self.validator(&method, pattern, status, media_type, declared)?;
        match validator.iter_errors(&instance).next() {
            None => Ok(()),
            Some(error) => Err(format!(
                "the body does not match the declared schema at `{}`: {error}",
                error.instance_path()
            )),
        }
    }

    /// The validator of one declared media type, built on first use.
    fn validator(
        &self,
        method: &str,
        pattern: &str,
        status: u16,
        media_type: &str,
        declared: &Value,
    ) -> Result<Arc<Validator>, String> {
        let key = format!("{method} {pattern} {status} {media_type}");
        let mut validators = self.validators.lock().unwrap();
        if let Some(validator) = validators.get(&key) {
            return Ok(Arc::clone(validator));
        }
        let schema = declared
            .pointer(&format!("/content/{}/schema", pointer_token(media_type)))
            .cloned()
            .unwrap_or(json!({}));
        // `$ref`s point into the document's components: validate within a document holding them.
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.document["components"],
            "allOf": [schema],
        });
        let validator = Arc::new(
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&root)
                .map_err(|e| format!("the declared schema of {key} does not compile: {e}"))?,
        );
        validators.insert(key, Arc::clone(&validator));
        Ok(validator)
    }
}

/// Components used as a part of an `allOf` (a flattened struct): they stay open, the object that
/// combines them is closed instead.
fn allof_parts(document: &Value) -> Vec<String> {
    let mut parts = Vec::new();
    collect_allof_parts(document, &mut parts);
    parts
}

fn collect_allof_parts(value: &Value, parts: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(branches)) = map.get("allOf") {
                for branch in branches {
                    if let Some(name) = branch
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        parts.push(name.to_owned());
                    }
                }
            }
            map.values().for_each(|v| collect_allof_parts(v, parts));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_allof_parts(v, parts)),
        _ => {}
    }
}

/// Adds `unevaluatedProperties: false` to every object schema that lists its properties and says
/// nothing of others, except the branches of an `allOf` (and `open` itself when it is one).
fn close_objects(value: &mut Value, open: bool) {
    match value {
        Value::Object(map) => {
            let combines = map.contains_key("allOf");
            let lists_properties = map.contains_key("properties") || combines;
            let says_nothing_of_others =
                !map.contains_key("additionalProperties") && !map.contains_key("unevaluatedProperties");
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("allOf", Value::Array(branches)) => {
                        branches.iter_mut().for_each(|b| close_objects(b, true))
                    }
                    // Examples are data, not schemas.
                    ("example" | "examples", _) => {}
                    (_, child) => close_objects(child, false),
                }
            }
            if lists_properties && says_nothing_of_others && !open {
                map.insert("unevaluatedProperties".to_owned(), Value::Bool(false));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| close_objects(v, false)),
        _ => {}
    }
}

/// `application/json` or any `+json` type.
fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// `s` escaped as one JSON-pointer token.
fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Checks one answer against the contract; the error says what does not match.
pub fn check(
    method: &str,
    pattern: &str,
    status: u16,
    media_type: Option<&str>,
    body: &[u8],
) -> Result<(), String> {
    CONTRACT.check(method, pattern, status, media_type, body)
}

/// The middleware: buffers each answer, checks it and panics (failing the test) on a violation.
pub async fn check_answer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let method = req.method().as_str().to_owned();
    let response = next.call(req).await?;
    let pattern = response.request().match_pattern();
    let status = response.status().as_u16();
    let media_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned());
    let (request, response) = response.into_parts();
    let (response, body) = response.into_parts();
    let Ok(bytes) = actix_web::body::to_bytes(body).await else {
        panic!("{method} {}: the answer's body could not be read", request.path());
    };
    if let Some(pattern) = pattern
        && let Err(violation) = check(&method, &pattern, status, media_type.as_deref(), &bytes)
    {
        panic!(
            "contract violation: {method} {pattern} ({}) answered {status}: {violation}\nbody: {}",
            request.path(),
            String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
        );
    }
    Ok(ServiceResponse::new(
        request,
        response.set_body(BoxBody::new(bytes)),
    ))
}

/// A JSON object with `extra` added to `base`, for the tests of the check itself.
pub fn with_field(base: &Value, field: &str, extra: Value) -> Value {
    let mut object: Map<String, Value> = base.as_object().cloned().unwrap_or_default();
    object.insert(field.to_owned(), extra);
    Value::Object(object)
}
