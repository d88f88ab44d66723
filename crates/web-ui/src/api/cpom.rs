//! Calls of the CPOM API (docs/cpom.md): reads typed with the wire types, writes through one function
//! ([`cpom_write`]) whose answer the pages only need as JSON (they reload the contract afterwards).

use serde_json::Value;
use tdb_domain::contract::{CommitteeReport, Contract, ContractDetail, Coverage, FollowUp, Structure};

use super::{Call, UiError, bytes, checked, execute, send, structures};

/// `GET /api/v1/cpom/contracts`.
pub async fn cpom_contracts() -> Result<Vec<Contract>, UiError> {
    send(Call::get("/api/v1/cpom/contracts")).await
}

/// `GET /api/v1/cpom/contracts/{id}`.
pub async fn cpom_contract(id: i64) -> Result<ContractDetail, UiError> {
    send(Call::get(&format!("/api/v1/cpom/contracts/{id}"))).await
}

/// `GET /api/v1/cpom/contracts/{id}/follow-up`.
pub async fn cpom_follow_up(id: i64) -> Result<FollowUp, UiError> {
    send(Call::get(&format!("/api/v1/cpom/contracts/{id}/follow-up"))).await
}

/// `GET /api/v1/cpom/committees/{id}/report`.
pub async fn cpom_committee_report(id: i64) -> Result<CommitteeReport, UiError> {
    send(Call::get(&format!("/api/v1/cpom/committees/{id}/report"))).await
}

/// `GET /api/v1/cpom/committees/{id}/report.pdf`, as bytes (the token is not in a link).
pub async fn cpom_committee_pdf(id: i64) -> Result<Vec<u8>, UiError> {
    bytes(Call::get(&format!("/api/v1/cpom/committees/{id}/report.pdf"))).await
}

/// `GET /api/v1/cpom/coverage?by=department`.
pub async fn cpom_coverage() -> Result<Coverage, UiError> {
    send(Call::get("/api/v1/cpom/coverage?by=department")).await
}

/// Every structure of the caller's scope matching `query` (already encoded, may be empty), all pages.
pub async fn all_structures(query: &str) -> Result<Vec<Structure>, UiError> {
    let mut all = Vec::new();
    for page in 1.. {
        let answer = structures(&format!("page={page}&{query}")).await?;
        let done = answer.items.is_empty();
        all.extend(answer.items);
        if done || all.len() as u64 >= answer.meta.total {
            break;
        }
    }
    Ok(all)
}

/// HTTP verb of a CPOM write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

/// A write under `/api/v1/cpom/` (`path` after that prefix) with its JSON `body`, and
/// `If-Match: "<version>"` when the resource is versioned. The answer as JSON (`null` for 204); a
/// stale version is [`UiError::Stale`].
pub async fn cpom_write(
    verb: Verb,
    path: String,
    version: Option<i64>,
    body: Option<String>,
) -> Result<Value, UiError> {
    let url = format!("/api/v1/cpom/{path}");
    let mut call = match verb {
        Verb::Post => Call::post(&url),
        Verb::Put => Call::put(&url),
        Verb::Delete => Call::delete(&url),
    };
    if let Some(version) = version {
        call = call.header("If-Match", &format!("\"{version}\""));
    }
    if let Some(body) = body {
        call = call.json_text(body);
    }
    let response = execute(&call).await?;
    if response.status() == 204 {
        return Ok(Value::Null);
    }
    checked(response).await
}
