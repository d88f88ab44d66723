//! The typed client of the tdb API: the only module that performs HTTP requests.
//!
//! The access token lives in [`tokens`], in memory only (never in `localStorage`, a cookie or a URL):
//! set after a login or a refresh, renewed silently before it expires, cleared on logout. The refresh
//! token is an `HttpOnly` cookie the page never sees. Every call goes through [`execute`]: a 401 on a
//! signed-in session refreshes the session once (single-flight in the tab, one tab at a time across
//! tabs) and replays the request; when the refresh is refused, the hook set by [`on_session_expired`]
//! signs the person out (what was typed stays in the drafts, see `crate::drafts`).

mod accounts;
mod cpom;
mod error;
mod peers;
mod tokens;

pub use accounts::*;
pub use cpom::*;
pub use error::{SESSION_EXPIRED, UiError};
pub use peers::{peer_reference, simulate};
pub use tokens::{
    access_token_present, on_session_expired, refresh, refresh_delay_ms, set_token, start_session,
};

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tdb_domain::contract::{
    AuditEntry, Campaign, CampaignProgress, CorrectionMessageBody, Fiche, FormDocument, FormPatch,
    FormPatchSummary, Health, IndicatorTable, JustificationBody, LoginRequest, LoginResponse, Page, Problem,
    ReviewRequest, Structure, StructureBenchmark,
};
use wasm_bindgen::JsValue;

/// One HTTP request, kept so that it can be sent again after a refresh of the session.
#[derive(Clone)]
pub(crate) struct Call {
    make: fn(&str) -> RequestBuilder,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<JsValue>,
}

impl Call {
    fn new(make: fn(&str) -> RequestBuilder, url: &str) -> Self {
        Self {
            make,
            url: url.to_owned(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// `GET url`.
    pub(crate) fn get(url: &str) -> Self {
        Self::new(Request::get, url)
    }

    /// `POST url`.
    pub(crate) fn post(url: &str) -> Self {
        Self::new(Request::post, url)
    }

    /// `PUT url`.
    pub(crate) fn put(url: &str) -> Self {
        Self::new(Request::put, url)
    }

    /// `PATCH url`.
    pub(crate) fn patch(url: &str) -> Self {
        Self::new(Request::patch, url)
    }

    /// `DELETE url`.
    pub(crate) fn delete(url: &str) -> Self {
        Self::new(Request::delete, url)
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets a JSON body (already serialised).
    pub(crate) fn json_text(self, body: String) -> Self {
        self.body("application/json", body.into())
    }

    /// Sets a body of the given content type (a text, or the bytes of a file as a `Blob`).
    pub(crate) fn body(self, content_type: &str, body: JsValue) -> Self {
        let mut call = self.header("Content-Type", content_type);
        call.body = Some(body);
        call
    }

    /// Sets a JSON body.
    fn json<B: Serialize>(self, body: &B) -> Result<Self, UiError> {
        let text = serde_json::to_string(body).map_err(|e| UiError::Decode(e.to_string()))?;
        Ok(self.json_text(text))
    }

    /// Sends it once, with the access token of the moment.
    async fn send_once(&self) -> Result<Response, UiError> {
        let mut request = (self.make)(&self.url);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(token) = tokens::token() {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let sent = match &self.body {
            Some(body) => {
                request
                    .body(body.clone())
                    .map_err(|e| UiError::Decode(e.to_string()))?
                    .send()
                    .await
            }
            None => request.send().await,
        };
        sent.map_err(|e| UiError::Network(e.to_string()))
    }
}

/// Sends `call` with the access token; on a 401 of a signed-in session, refreshes the session once and
/// sends it again. When the refresh is refused the session ends (the expiry hook runs) and the answer
/// is [`UiError::SessionExpired`].
pub(crate) async fn execute(call: &Call) -> Result<Response, UiError> {
    let had_token = tokens::token().is_some();
    let response = call.send_once().await?;
    if response.status() != 401 || !had_token {
        return Ok(response);
    }
    match tokens::refresh().await {
        Ok(_) => call.send_once().await,
        Err(UiError::Network(e)) => Err(UiError::Network(e)),
        Err(_) => {
            tokens::expire();
            Err(UiError::SessionExpired)
        }
    }
}

/// `GET /api/v1/health`.
pub async fn health() -> Result<Health, UiError> {
    send(Call::get("/api/v1/health")).await
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

/// `POST /api/v1/auth/logout`: revokes the session of the refresh cookie and clears it; the access token
/// is forgotten whatever the answer.
pub async fn logout() -> Result<(), UiError> {
    let answer = Request::post("/api/v1/auth/logout").send().await;
    set_token(None);
    match answer {
        Ok(response) if response.ok() || response.status() == 401 => Ok(()),
        Ok(response) => Err(problem(response).await),
        Err(e) => Err(UiError::Network(e.to_string())),
    }
}

/// `POST /api/v1/auth/logout-all` (bearer): ends every session of the person, then this tab's.
pub async fn logout_all() -> Result<(), UiError> {
    let response = execute(&Call::post("/api/v1/auth/logout-all")).await?;
    if !response.ok() {
        return Err(problem(response).await);
    }
    logout().await
}

/// `GET /api/v1/campaigns` (every campaign fits in one page).
pub async fn campaigns() -> Result<Page<Campaign>, UiError> {
    send(Call::get("/api/v1/campaigns?per_page=100")).await
}

/// `GET /api/v1/structures` with the given query (already encoded, e.g. `per_page=500&organisation=…`).
pub async fn structures(query: &str) -> Result<Page<Structure>, UiError> {
    send(Call::get(&format!("/api/v1/structures?{query}"))).await
}

/// `GET /api/v1/structures/{finess}`.
pub async fn structure(finess: &str) -> Result<Structure, UiError> {
    send(Call::get(&format!("/api/v1/structures/{finess}"))).await
}

/// `GET /api/v1/campaigns/{year}/progress?by=department`.
pub async fn progress_by_department(year: i32) -> Result<CampaignProgress, UiError> {
    send(Call::get(&format!(
        "/api/v1/campaigns/{year}/progress?by=department"
    )))
    .await
}

/// `GET /api/v1/campaigns/{year}/progress?by=region` (regions ranked by completion).
pub async fn progress_by_region(year: i32) -> Result<CampaignProgress, UiError> {
    send(Call::get(&format!("/api/v1/campaigns/{year}/progress?by=region"))).await
}

/// `GET /api/v1/campaigns/{year}/structures/{finess}/benchmark`.
pub async fn benchmark(year: i32, finess: &str) -> Result<StructureBenchmark, UiError> {
    send(Call::get(&format!(
        "/api/v1/campaigns/{year}/structures/{finess}/benchmark"
    )))
    .await
}

/// `GET /api/v1/structures/{finess}/fiche?campaign={year}`.
pub async fn fiche(year: i32, finess: &str) -> Result<Fiche, UiError> {
    send(Call::get(&format!(
        "/api/v1/structures/{finess}/fiche?campaign={year}"
    )))
    .await
}

/// `GET /api/v1/campaigns/{year}/indicators?{query}` (query already encoded, may be empty).
pub async fn indicator_table(year: i32, query: &str) -> Result<IndicatorTable, UiError> {
    send(Call::get(&format!("/api/v1/campaigns/{year}/indicators?{query}"))).await
}

/// `GET /api/v1/structures/{finess}/fiche.pdf?campaign={year}`, as bytes (the token is not in a link).
pub async fn fiche_pdf(year: i32, finess: &str) -> Result<Vec<u8>, UiError> {
    bytes(Call::get(&format!(
        "/api/v1/structures/{finess}/fiche.pdf?campaign={year}"
    )))
    .await
}

/// `GET /api/v1/campaigns/{year}/export?format=xlsx&layout=wide&{query}`, as bytes.
pub async fn export_xlsx(year: i32, query: &str) -> Result<Vec<u8>, UiError> {
    bytes(Call::get(&format!(
        "/api/v1/campaigns/{year}/export?format=xlsx&layout=wide&{query}"
    )))
    .await
}

/// `GET /api/v1/catalogue/{year}` as text, for `Catalogue::from_json` (the engine validates it).
pub async fn catalogue_json(year: i32) -> Result<String, UiError> {
    // Public: sent without the token, as the request `index.html` preloads on a form's address (the
    // browser then hands over that answer instead of asking again).
    let response = gloo_net::http::Request::get(&format!("/api/v1/catalogue/{year}"))
        .send()
        .await
        .map_err(|e| UiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(problem(response).await);
    }
    response.text().await.map_err(|e| UiError::Decode(e.to_string()))
}

/// The categories of the catalogue of `year` as `(code, French label)`, in the catalogue's order: the
/// labels of the category filters (only this part of the catalogue is read).
pub async fn category_labels(year: i32) -> Result<Vec<(String, String)>, UiError> {
    #[derive(serde::Deserialize)]
    struct Categories {
        categories: Vec<Category>,
    }
    #[derive(serde::Deserialize)]
    struct Category {
        code: String,
        label: String,
    }
    let json = catalogue_json(year).await?;
    let parsed: Categories = serde_json::from_str(&json).map_err(|e| UiError::Decode(e.to_string()))?;
    Ok(parsed.categories.into_iter().map(|c| (c.code, c.label)).collect())
}

fn form_url(year: i32, finess: &str) -> String {
    format!("/api/v1/campaigns/{year}/structures/{finess}/form")
}

/// `GET …/form`.
pub async fn form(year: i32, finess: &str) -> Result<FormDocument, UiError> {
    send(Call::get(&form_url(year, finess))).await
}

/// `PATCH …/form` with `If-Match: "<version>"` and `Prefer: return=minimal` (the summary of the change,
/// not the whole form: the page evaluates with its own engine); a stale version is [`UiError::Stale`].
pub async fn patch_form(
    year: i32,
    finess: &str,
    version: i64,
    patch: &FormPatch,
) -> Result<FormPatchSummary, UiError> {
    send_json(
        Call::patch(&form_url(year, finess))
            .header("If-Match", &format!("\"{version}\""))
            .header("Prefer", "return=minimal"),
        patch,
    )
    .await
}

/// `PUT …/form/justifications/{key}`.
pub async fn justify(year: i32, finess: &str, key: &str, text: String) -> Result<FormDocument, UiError> {
    let url = format!("{}/justifications/{key}", form_url(year, finess));
    send_json(Call::put(&url), &JustificationBody { text }).await
}

/// `POST …/form/submit` with `If-Match: "<version>"`.
pub async fn submit(year: i32, finess: &str, version: i64) -> Result<FormDocument, UiError> {
    let url = format!("{}/submit", form_url(year, finess));
    send(Call::post(&url).header("If-Match", &format!("\"{version}\""))).await
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
        Call::post(&url).header("If-Match", &format!("\"{version}\"")),
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
    send_json(Call::post(&url), &CorrectionMessageBody { body }).await
}

/// `GET …/form/history?item=…`: the audit entries of one item, newest first.
pub async fn item_history(year: i32, finess: &str, item: &str) -> Result<Page<AuditEntry>, UiError> {
    let url = format!("{}/history?item={item}&per_page=50", form_url(year, finess));
    send(Call::get(&url)).await
}

/// The body of a file answer; a refusal is decoded like any other answer.
async fn bytes(call: Call) -> Result<Vec<u8>, UiError> {
    let response = execute(&call).await?;
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

async fn send<T: DeserializeOwned>(call: Call) -> Result<T, UiError> {
    checked(execute(&call).await?).await
}

async fn send_json<B: Serialize, T: DeserializeOwned>(call: Call, body: &B) -> Result<T, UiError> {
    checked(execute(&call.json(body)?).await?).await
}

/// Decodes an answer of a call made with the session token: 401 ends the session, 412 is a stale form.
async fn checked<T: DeserializeOwned>(response: Response) -> Result<T, UiError> {
    match response.status() {
        401 if tokens::token().is_some() => {
            tokens::expire();
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
