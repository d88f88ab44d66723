//! The typed client of the tdb API: the only module that performs HTTP requests.
//!
//! The session token lives here, in memory only (never in `localStorage`): [`set_token`] after a login,
//! cleared on logout or when the server refuses it. A 401 on a signed-in session calls the hook set by
//! [`on_session_expired`], so every page falls back to the login page with the expiry message.

mod cpom;
mod error;

use std::cell::RefCell;

pub use cpom::*;
pub use error::{SESSION_EXPIRED, UiError};

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tdb_domain::contract::{
    AuditEntry, Campaign, CampaignProgress, CorrectionMessageBody, Fiche, FormDocument, FormPatch, Health,
    IndicatorTable, JustificationBody, LoginRequest, LoginResponse, Page, Problem, ReviewRequest, Structure,
    StructureBenchmark,
};

thread_local! {
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static ON_EXPIRED: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Keeps the bearer token sent with every call (`None` signs out).
pub fn set_token(token: Option<String>) {
    TOKEN.with(|t| *t.borrow_mut() = token);
}

/// Sets what happens when the server refuses the token of a signed-in session.
pub fn on_session_expired(hook: impl Fn() + 'static) {
    ON_EXPIRED.with(|h| *h.borrow_mut() = Some(Box::new(hook)));
}

/// `GET /api/v1/health`.
pub async fn health() -> Result<Health, UiError> {
    send(Request::get("/api/v1/health")).await
}

/// `POST /api/v1/auth/login`: a wrong password is a problem with a French detail, not an expiry.
pub async fn login(email: String, password: String) -> Result<LoginResponse, UiError> {
    let request = Request::post("/api/v1/auth/login")
        .json(&LoginRequest { email, password })
        .map_err(|e| UiError::Decode(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| UiError::Network(e.to_string()))?;
    decode(response).await
}

/// `GET /api/v1/campaigns` (every campaign fits in one page).
pub async fn campaigns() -> Result<Page<Campaign>, UiError> {
    send(Request::get("/api/v1/campaigns?per_page=100")).await
}

/// `GET /api/v1/structures` with the given query (already encoded, e.g. `organisation=…`).
pub async fn structures(query: &str) -> Result<Page<Structure>, UiError> {
    send(Request::get(&format!("/api/v1/structures?per_page=500&{query}"))).await
}

/// `GET /api/v1/structures/{finess}`.
pub async fn structure(finess: &str) -> Result<Structure, UiError> {
    send(Request::get(&format!("/api/v1/structures/{finess}"))).await
}

/// `GET /api/v1/campaigns/{year}/progress?by=department`.
pub async fn progress_by_department(year: i32) -> Result<CampaignProgress, UiError> {
    send(Request::get(&format!(
        "/api/v1/campaigns/{year}/progress?by=department"
    )))
    .await
}

/// `GET /api/v1/campaigns/{year}/progress?by=region` (regions ranked by completion).
pub async fn progress_by_region(year: i32) -> Result<CampaignProgress, UiError> {
    send(Request::get(&format!(
        "/api/v1/campaigns/{year}/progress?by=region"
    )))
    .await
}

/// `GET /api/v1/campaigns/{year}/structures/{finess}/benchmark`.
pub async fn benchmark(year: i32, finess: &str) -> Result<StructureBenchmark, UiError> {
    send(Request::get(&format!(
        "/api/v1/campaigns/{year}/structures/{finess}/benchmark"
    )))
    .await
}

/// `GET /api/v1/structures/{finess}/fiche?campaign={year}`.
pub async fn fiche(year: i32, finess: &str) -> Result<Fiche, UiError> {
    send(Request::get(&format!(
        "/api/v1/structures/{finess}/fiche?campaign={year}"
    )))
    .await
}

/// `GET /api/v1/campaigns/{year}/indicators?{query}` (query already encoded, may be empty).
pub async fn indicator_table(year: i32, query: &str) -> Result<IndicatorTable, UiError> {
    send(Request::get(&format!(
        "/api/v1/campaigns/{year}/indicators?{query}"
    )))
    .await
}

/// `GET /api/v1/structures/{finess}/fiche.pdf?campaign={year}`, as bytes (the token is not in a link).
pub async fn fiche_pdf(year: i32, finess: &str) -> Result<Vec<u8>, UiError> {
    bytes(Request::get(&format!(
        "/api/v1/structures/{finess}/fiche.pdf?campaign={year}"
    )))
    .await
}

/// `GET /api/v1/campaigns/{year}/export?format=xlsx&layout=wide&{query}`, as bytes.
pub async fn export_xlsx(year: i32, query: &str) -> Result<Vec<u8>, UiError> {
    bytes(Request::get(&format!(
        "/api/v1/campaigns/{year}/export?format=xlsx&layout=wide&{query}"
    )))
    .await
}

/// `GET /api/v1/catalogue/{year}` as text, for `Catalogue::from_json` (the engine validates it).
pub async fn catalogue_json(year: i32) -> Result<String, UiError> {
    let response = authorised(Request::get(&format!("/api/v1/catalogue/{year}")))
        .send()
        .await
        .map_err(|e| UiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(problem(response).await);
    }
    response.text().await.map_err(|e| UiError::Decode(e.to_string()))
}

fn form_url(year: i32, finess: &str) -> String {
    format!("/api/v1/campaigns/{year}/structures/{finess}/form")
}

/// `GET …/form`.
pub async fn form(year: i32, finess: &str) -> Result<FormDocument, UiError> {
    send(Request::get(&form_url(year, finess))).await
}

/// `PATCH …/form` with `If-Match: "<version>"`; a stale version is [`UiError::Stale`].
pub async fn patch_form(
    year: i32,
    finess: &str,
    version: i64,
    patch: &FormPatch,
) -> Result<FormDocument, UiError> {
    send_json(
        Request::patch(&form_url(year, finess)).header("If-Match", &format!("\"{version}\"")),
        patch,
    )
    .await
}

/// `PUT …/form/justifications/{key}`.
pub async fn justify(year: i32, finess: &str, key: &str, text: String) -> Result<FormDocument, UiError> {
    let url = format!("{}/justifications/{key}", form_url(year, finess));
    send_json(Request::put(&url), &JustificationBody { text }).await
}

/// `POST …/form/submit` with `If-Match: "<version>"`.
pub async fn submit(year: i32, finess: &str, version: i64) -> Result<FormDocument, UiError> {
    let url = format!("{}/submit", form_url(year, finess));
    send(Request::post(&url).header("If-Match", &format!("\"{version}\""))).await
}

/// `POST …/form/review`.
pub async fn review(
    year: i32,
    finess: &str,
    version: i64,
    decision: &ReviewRequest,
) -> Result<FormDocument, UiError> {
    let url = format!("{}/review", form_url(year, finess));
    send_json(
        Request::post(&url).header("If-Match", &format!("\"{version}\"")),
        decision,
    )
    .await
}

/// `POST …/form/corrections/{id}/messages`.
pub async fn correction_message(
    year: i32,
    finess: &str,
    id: i64,
    body: String,
) -> Result<serde_json::Value, UiError> {
    let url = format!("{}/corrections/{id}/messages", form_url(year, finess));
    send_json(Request::post(&url), &CorrectionMessageBody { body }).await
}

/// `GET …/form/history?item=…`: the audit entries of one item, newest first.
pub async fn item_history(year: i32, finess: &str, item: &str) -> Result<Page<AuditEntry>, UiError> {
    let url = format!("{}/history?item={item}&per_page=50", form_url(year, finess));
    send(Request::get(&url)).await
}

fn authorised(request: RequestBuilder) -> RequestBuilder {
    match TOKEN.with(|t| t.borrow().clone()) {
        Some(token) => request.header("Authorization", &format!("Bearer {token}")),
        None => request,
    }
}

/// The body of a file answer; a refusal is decoded like any other answer.
async fn bytes(request: RequestBuilder) -> Result<Vec<u8>, UiError> {
    let response = authorised(request)
        .send()
        .await
        .map_err(|e| UiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(checked::<serde_json::Value>(response)
            .await
            .err()
            .unwrap_or(UiError::Status(500)));
    }
    response
        .binary()
        .await
        .map_err(|e| UiError::Decode(e.to_string()))
}

async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, UiError> {
    let response = authorised(request)
        .send()
        .await
        .map_err(|e| UiError::Network(e.to_string()))?;
    checked(response).await
}

async fn send_json<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: &B,
) -> Result<T, UiError> {
    let response = authorised(request)
        .json(body)
        .map_err(|e| UiError::Decode(e.to_string()))?
        .send()
        .await
        .map_err(|e| UiError::Network(e.to_string()))?;
    checked(response).await
}

/// Decodes an answer of a call made with the session token: 401 ends the session, 412 is a stale form.
async fn checked<T: DeserializeOwned>(response: Response) -> Result<T, UiError> {
    match response.status() {
        401 if TOKEN.with(|t| t.borrow().is_some()) => {
            set_token(None);
            ON_EXPIRED.with(|h| {
                if let Some(hook) = h.borrow().as_ref() {
                    hook();
                }
            });
            Err(UiError::SessionExpired)
        }
        412 => Err(UiError::Stale),
        _ => decode(response).await,
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, UiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| UiError::Decode(e.to_string()));
    }
    Err(problem(response).await)
}

async fn problem(response: Response) -> UiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => UiError::Api(problem),
        Err(_) => UiError::Status(status),
    }
}
