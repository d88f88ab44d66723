//! Calls of the peer outlier reference and of the what-if simulation (docs/restitution.md).

use tdb_domain::contract::{PeerReference, SimulateRequest, Simulation};

use super::{Call, UiError, send};

/// `GET /api/v1/campaigns/{year}/peer-reference?category=&region=` (revalidated by its `ETag`).
pub async fn peer_reference(year: i32, category: &str, region: &str) -> Result<PeerReference, UiError> {
    send(Call::get(&format!(
        "/api/v1/campaigns/{year}/peer-reference?category={category}&region={region}"
    )))
    .await
}

/// `POST /api/v1/campaigns/{year}/structures/{finess}/simulate`.
pub async fn simulate(year: i32, finess: &str, request: &SimulateRequest) -> Result<Simulation, UiError> {
    send(Call::post(&format!("/api/v1/campaigns/{year}/structures/{finess}/simulate")).json(request)?).await
}
