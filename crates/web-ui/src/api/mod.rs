//! The typed client of the tdb API: the only module that performs HTTP requests.

mod error;

pub use error::UiError;

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use tdb_domain::contract::{Health, Page, Problem, Region};

/// `GET /api/v1/health`.
pub async fn health() -> Result<Health, UiError> {
    get_json("/api/v1/health").await
}

/// `GET /api/v1/regions` (all 18 regions fit in one page).
pub async fn regions() -> Result<Page<Region>, UiError> {
    get_json("/api/v1/regions?per_page=100").await
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, UiError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| UiError::Network(e.to_string()))?;
    decode(response).await
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, UiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| UiError::Decode(e.to_string()));
    }
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => Err(UiError::Api(problem)),
        Err(_) => Err(UiError::Status(status)),
    }
}
