//! The OpenAPI contract, generated from the handlers' `#[utoipa::path]` and the wire types.
//!
//! Its paths are those [`routes::configure`] registers: the served routes and the documented ones are
//! one list.
//!
//! `just openapi` writes it to `openapi/openapi.json`; a test fails when the committed file differs.

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::routes;

/// The tdb API contract without its paths, which [`document`] collects from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tdb — Tableau de bord de la performance des ESMS",
        description = "REST API of tdb. Conventions (URLs, pagination, errors, authentication): \
                       docs/api-design.md. Errors are RFC 7807 `application/problem+json` bodies with a \
                       stable `code`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    servers((url = "/", description = "This server")),
    modifiers(&BearerAuth),
    tags(
        (name = "service", description = "State of the service."),
        (name = "auth", description = "Logging in (people) and client credentials (partner systems)."),
        (name = "accounts", description = "People's accounts (invitations, scope, deactivation) and partner clients, managed within the caller's reach."),
        (name = "reference", description = "Reference data: territories."),
        (name = "catalogue", description = "The data dictionary and the evaluation of a form by its rules."),
        (name = "forms", description = "The form of a structure for a campaign: values, evaluation, workflow, history."),
        (name = "structures", description = "Structures (ESMS) and their managing bodies, within the caller's scope."),
        (name = "referential", description = "The FINESS referential: import of the official extract (national)."),
        (name = "campaigns", description = "Yearly campaigns, their phases and their monitoring."),
        (name = "imports", description = "Values imported in bulk (JSON, CSV, XLSX) by partners, the national level and the structures; background jobs."),
        (name = "exports", description = "Values exported within the caller's scope (CSV, XLSX; wide, long, official regional layout) and XLSX templates to fill in and import back."),
        (name = "cpom", description = "CPOM: contracts with the authorities, perimeter, amendments, action sheets, objectives tied to the dashboard, follow-up, committees, coverage."),
        (name = "events", description = "The change feed: what changed in the forms, campaigns and contracts you may read, with a cursor that never skips an event."),
        (name = "restitution", description = "Peer statistics (benchmarks), a structure against its peers, the fiche de synthèse (JSON, PDF)."),
    )
)]
struct ApiDoc;

/// Declares the bearer-token security scheme used by protected endpoints.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Access token from /api/v1/auth/login or /api/v1/auth/token.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The answers any operation may give whatever its handler says: 400 (a path segment, query parameter or
/// body that cannot be read, e.g. a year past `i32`), 401 on the operations that need a token.
struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    crate::error::PROBLEM_JSON,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let responses = &mut operation.responses.responses;
                responses.entry("400".to_owned()).or_insert_with(|| {
                    problem("A path segment, query parameter or body cannot be read (`invalid_path`, `invalid_query`, `malformed_json`…).").into()
                });
                if secured {
                    responses
                        .entry("401".to_owned())
                        .or_insert_with(|| problem("No valid bearer token.").into());
                }
            }
        }
    }
}

/// The contract: [`ApiDoc`] with the paths and schemas of the handlers that [`routes::configure`]
/// registers, collected from a throw-away application (the served one is built from the same list).
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    let mut document = document;
    utoipa::Modify::modify(&CommonResponses, &mut document);
    add_webhooks(&mut document);
    document
}

/// The deliveries of webhook subscriptions as the OpenAPI 3.1 `webhooks` of the document (utoipa has
/// no field for it: it goes in through the flattened extensions, whose keys are written as given): one
/// entry per event type, a signed `POST` of an [`Event`](tdb_domain::contract::Event).
fn add_webhooks(document: &mut utoipa::openapi::OpenApi) {
    use serde_json::{Map, Value, json};
    let header = |name: &str, description: &str, example: &str| {
        json!({"name": name, "in": "header", "required": true, "description": description,
               "schema": {"type": "string"}, "example": example})
    };
    let parameters = json!([
        header(
            "webhook-id",
            "Identifier of the message: `evt_<event id>`, the same on every retry (deduplicate on it).",
            "evt_1042"
        ),
        header(
            "webhook-timestamp",
            "Unix time of the attempt, in seconds (refuse old ones: replays).",
            "1715502600"
        ),
        header(
            "webhook-signature",
            "`v1,<base64 HMAC-SHA256 of \"<webhook-id>.<webhook-timestamp>.<body>\">`, keyed with the base64-decoded part of the secret after `whsec_`; two signatures separated by a space during the 24 hours after a rotation (Standard Webhooks).",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        ),
    ]);
    let mut hooks = Map::new();
    for event_type in tdb_domain::contract::EVENT_TYPES {
        hooks.insert(
            event_type.to_owned(),
            json!({"post": {
                "tags": ["events"],
                "summary": format!("Event `{event_type}` delivered to a webhook subscription"),
                "description": "Posted to the `url` of each active subscription whose `types` include it (or are empty), in feed order, one at a time per subscription; retried with exponential backoff until a 2xx answer (a redirect is a failure). Payload: docs/events.md.",
                "operationId": format!("webhook_{}", event_type.replace('.', "_")),
                "parameters": parameters,
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Event"}}}},
                "responses": {
                    "2XX": {"description": "Received: the next event follows."},
                    "default": {"description": "Any other answer, or none within `TDB_WEBHOOK_TIMEOUT_MS`: retried later."}
                }
            }}),
        );
    }
    document
        .extensions
        .get_or_insert_with(Default::default)
        .insert("webhooks".to_owned(), Value::Object(hooks));
}

/// The contract as pretty-printed JSON, exactly as committed in `openapi/openapi.json` (without the
/// final newline).
pub fn to_pretty_json() -> Result<String, serde_json::Error> {
    document().to_pretty_json()
}
