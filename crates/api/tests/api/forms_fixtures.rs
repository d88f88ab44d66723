//! Helpers of the form tests: a world with a campaign, a complete coherent EHPAD, requests, and direct
//! reads of the rows a request must (or must not) write.

use std::collections::BTreeMap;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::{audit_log, form_values, forms};
use tdb_api::state::AppState;
use tdb_domain::catalogue_for;
use tdb_domain::contract::ItemType;

use crate::support::{TestDb, fixtures, state};

/// The joint-competence EHPAD of the small world (Nord, managing body 590000001).
pub const EHPAD: &str = "590000011";
/// Its campaign.
pub const YEAR: i32 = 2024;

/// State with the small world and campaign 2024 in `phase`.
pub fn world(db: &TestDb, phase: &str) -> AppState {
    let state = state(db);
    fixtures::small_world(&state);
    fixtures::insert_campaign(&state, YEAR, phase);
    state
}

/// The URL of the form of `finess` (plus `suffix`).
pub fn form_url(finess: &str, suffix: &str) -> String {
    format!("/api/v1/campaigns/{YEAR}/structures/{finess}/form{suffix}")
}

/// A value for every EHPAD item of campaign 2024, coherent enough to pass every blocking control and
/// every alert (150 items filled of 150, catalogue.md §5.2).
pub fn complete_ehpad() -> BTreeMap<String, Value> {
    let catalogue = catalogue_for(YEAR).unwrap();
    let in_scope = |scope: &str| {
        catalogue
            .document()
            .scopes
            .iter()
            .any(|s| s.code == scope && s.members.iter().any(|m| m == "ehpad"))
    };
    let mut values: BTreeMap<String, Value> = catalogue
        .items()
        .iter()
        .filter(|item| in_scope(&item.scope))
        .map(|item| {
            let value = match item.item_type {
                ItemType::Bool => json!(true),
                ItemType::Date => json!("2022-01-01"),
                ItemType::Enum => json!(item.values.as_ref().unwrap()[0]),
                ItemType::Score => json!(700),
                _ => json!(10),
            };
            (item.code.clone(), value)
        })
        .collect();
    for (code, value) in [
        ("places_installees_hp", 60),
        ("places_financees_hp", 60),
        ("jours_ouverture_hp", 365),
        ("journees_realisees_hp", 20000),
        ("journees_financees", 21000),
        ("personnes_accompagnees_31_12", 40),
        ("personnes_gir_5", 0),
        ("personnes_gir_6", 0),
        ("personnes_age_moins_6", 0),
        ("personnes_age_6_15", 0),
        ("personnes_age_16_19", 0),
        ("personnes_age_20_39", 0),
        ("etp_reels_31_12", 110),
        ("effectif_total_31_12", 80),
        ("sorties_definitives", 50),
        ("etp_vacants_31_12", 20),
        ("produits_exploitation", 1000),
    ] {
        values.insert(code.to_owned(), json!(value));
    }
    // Catalogue 1.1: the « dont » sub-lines of a function stay within its total of 10 ETP.
    for (code, value) in &mut values {
        if [
            "etp_direction_encadrement_",
            "etp_socio_educatif_",
            "etp_paramedical_",
            "etp_medical_",
        ]
        .iter()
        .any(|p| code.starts_with(p))
        {
            *value = json!(1);
        }
    }
    values
}

/// An answer: status, `ETag` header, JSON body (null when empty).
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The body.
    pub body: Value,
}

/// Sends a request with an optional bearer, `If-Match` and JSON body.
pub async fn send<S>(
    app: &S,
    method: actix_web::http::Method,
    uri: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: Option<Value>,
) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut request = test::TestRequest::default().method(method).uri(uri);
    if let Some(token) = token {
        request = request.insert_header(("Authorization", token.to_owned()));
    }
    if let Some(tag) = if_match {
        request = request.insert_header(("If-Match", tag.to_owned()));
    }
    if let Some(body) = body {
        request = request.set_json(body);
    }
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("ETag")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = test::read_body(response).await;
    // Exports answer CSV or XLSX: their body is kept as text (lossy), for the failure messages.
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Answer { status, etag, body }
}

/// What a form holds in the database: its version, its values `(item, JSON, version)`, its audit count.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// `forms.version`, if the row exists.
    pub version: Option<i64>,
    /// `forms.state`, if the row exists.
    pub state: Option<String>,
    /// Value rows.
    pub values: Vec<(String, String, i64)>,
    /// Audit entries of the form.
    pub audit: i64,
}

/// Reads the rows of the form of `finess`.
pub fn snapshot(state: &AppState, finess: &str) -> Snapshot {
    let mut conn = state.pool.get().unwrap();
    let row: Option<(i64, String)> = forms::table
        .find((YEAR, finess))
        .select((forms::version, forms::state))
        .first(&mut conn)
        .optional()
        .unwrap();
    let values = form_values::table
        .filter(form_values::campaign_year.eq(YEAR))
        .filter(form_values::structure_finess.eq(finess))
        .select((
            form_values::item_code,
            form_values::value_json,
            form_values::version,
        ))
        .order(form_values::item_code)
        .load(&mut conn)
        .unwrap();
    let audit = audit_log::table
        .filter(audit_log::campaign_year.eq(YEAR))
        .filter(audit_log::structure_finess.eq(finess))
        .count()
        .get_result(&mut conn)
        .unwrap();
    Snapshot {
        version: row.as_ref().map(|r| r.0),
        state: row.map(|r| r.1),
        values,
        audit,
    }
}

/// Inserts a value pushed by a partner `source` (and the form row if missing), as the prefill import
/// will.
pub fn insert_pushed(state: &AppState, finess: &str, item: &str, value: Value, source: &str, locked: bool) {
    let mut conn = state.pool.get().unwrap();
    let now = Utc::now().naive_utc();
    tdb_api::on_backend!(&mut *conn, c => diesel::insert_into(forms::table)
        .values((
            forms::campaign_year.eq(YEAR),
            forms::structure_finess.eq(finess),
            forms::state.eq("en_cours"),
            forms::version.eq(1_i64),
            forms::completion_rate.eq(0.0),
            forms::filled.eq(0),
            forms::required.eq(0),
            forms::can_submit.eq(false),
            forms::alert_count.eq(0),
            forms::updated_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))
    .unwrap();
    diesel::insert_into(form_values::table)
        .values((
            form_values::campaign_year.eq(YEAR),
            form_values::structure_finess.eq(finess),
            form_values::item_code.eq(item),
            form_values::value_json.eq(value.to_string()),
            form_values::source.eq(source),
            form_values::batch_id.eq(Some("lot-1")),
            form_values::locked.eq(locked),
            form_values::author.eq(format!("client-{source}")),
            form_values::updated_at.eq(now),
            form_values::version.eq(1_i64),
        ))
        .execute(&mut conn)
        .unwrap();
}
