//! Helpers of the import tests: requests with a body of any type, many structures at once, direct
//! reads of the values and audit entries an import must (or must not) write.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::Value;
use tdb_api::db::schema::{audit_log, form_values, organisations, structures};
use tdb_api::state::AppState;

/// The imports of campaign 2024.
pub const IMPORTS: &str = "/api/v1/campaigns/2024/imports";

/// An answer: status, `Location` header, body (JSON, null when empty).
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Location`.
    pub location: Option<String>,
    /// `Content-Type`.
    pub content_type: String,
    /// Raw body.
    pub raw: String,
    /// Body as JSON.
    pub body: Value,
}

/// Posts `body` with `content_type` to `uri`, with an optional bearer and `Idempotency-Key`.
pub async fn post<S>(
    app: &S,
    uri: &str,
    token: Option<&str>,
    content_type: &str,
    body: impl Into<Vec<u8>>,
    key: Option<&str>,
) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut request = test::TestRequest::post()
        .uri(uri)
        .insert_header(("Content-Type", content_type.to_owned()))
        .set_payload(body.into());
    if let Some(token) = token {
        request = request.insert_header(("Authorization", token.to_owned()));
    }
    if let Some(key) = key {
        request = request.insert_header(("Idempotency-Key", key.to_owned()));
    }
    let response = test::call_service(app, request.to_request()).await;
    reply(response).await
}

/// Reads a `GET`.
pub async fn get<S>(app: &S, uri: &str, token: &str) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let request = test::TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", token.to_owned()));
    reply(test::call_service(app, request.to_request()).await).await
}

async fn reply(response: ServiceResponse) -> Reply {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let location = header("Location");
    let content_type = header("Content-Type").unwrap_or_default();
    let bytes = test::read_body(response).await;
    let raw = String::from_utf8(bytes.to_vec()).unwrap();
    let body = serde_json::from_str(&raw).unwrap_or(Value::Null);
    Reply {
        status,
        location,
        content_type,
        raw,
        body,
    }
}

/// Posts a JSON import.
pub async fn post_json<S>(app: &S, uri: &str, token: &str, body: &Value) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    post(app, uri, Some(token), "application/json", body.to_string(), None).await
}

/// Inserts `n` EHPAD structures `99000000i` (Nord, joint competence, one managing body); returns their
/// FINESS.
pub fn many_structures(state: &AppState, n: usize) -> Vec<String> {
    let mut conn = state.pool.get().unwrap();
    tdb_api::on_backend!(&mut *conn, c => diesel::insert_into(organisations::table)
        .values((
            organisations::finess.eq("990000001"),
            organisations::name.eq("Organisme de charge"),
            organisations::legal_status.eq("prive_non_lucratif"),
        ))
        .on_conflict_do_nothing()
        .execute(c))
    .unwrap();
    let finess: Vec<String> = (0..n).map(|i| format!("99{i:07}")).collect();
    for f in &finess {
        diesel::insert_into(structures::table)
            .values((
                structures::finess.eq(f),
                structures::name.eq(format!("EHPAD {f}")),
                structures::category.eq("ehpad"),
                structures::organisation_finess.eq("990000001"),
                structures::department_code.eq("59"),
                structures::region_code.eq("32"),
                structures::city.eq("Lille"),
                structures::competence.eq("ARS_CD"),
                structures::opening_date.eq(Some("2001-01-01")),
                structures::active.eq(true),
                structures::version.eq(1_i64),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    finess
}

/// `(item, value JSON, source, batch)` of the stored values of `finess` for 2024.
pub fn values_of(state: &AppState, finess: &str) -> Vec<(String, String, String, Option<String>)> {
    let mut conn = state.pool.get().unwrap();
    form_values::table
        .filter(form_values::campaign_year.eq(2024))
        .filter(form_values::structure_finess.eq(finess))
        .select((
            form_values::item_code,
            form_values::value_json,
            form_values::source,
            form_values::batch_id,
        ))
        .order(form_values::item_code)
        .load(&mut conn)
        .unwrap()
}

/// Number of audit entries with `action`.
pub fn audit_count(state: &AppState, action: &str) -> i64 {
    let mut conn = state.pool.get().unwrap();
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

/// Number of value rows of campaign 2024.
pub fn value_count(state: &AppState) -> i64 {
    let mut conn = state.pool.get().unwrap();
    form_values::table
        .filter(form_values::campaign_year.eq(2024))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

/// Sets the workflow state of a stored form.
pub fn set_form_state(state: &AppState, finess: &str, to: &str) {
    use tdb_api::db::schema::forms;
    let mut conn = state.pool.get().unwrap();
    diesel::update(forms::table.find((2024, finess)))
        .set((forms::state.eq(to), forms::updated_at.eq(Utc::now().naive_utc())))
        .execute(&mut conn)
        .unwrap();
}
