//! Calls of the peer outlier reference (docs/catalogue.md « Peer outliers ») and of the what-if
//! simulation (docs/restitution.md « What-if simulation »).

use tdb_domain::contract::{PeerReference, SimulateRequest, Simulation};

use super::{Call, UiError, send, send_json};

/// `GET /api/v1/campaigns/{year}/peer-reference?category=&region=` (revalidated by its `ETag`).
pub async fn peer_reference(year: i32, category: &str, region: &str) -> Result<PeerReference, UiError> {
    send(Call::get(&format!(
        "/api/v1/campaigns/{year}/peer-reference?category={category}&region={region}"
    )))
    .await
}

/// `POST /api/v1/campaigns/{year}/structures/{finess}/simulate`: nothing is saved.
pub async fn simulate(year: i32, finess: &str, request: &SimulateRequest) -> Result<Simulation, UiError> {
    send_json(
        Call::post(&format!("/api/v1/campaigns/{year}/structures/{finess}/simulate")),
        request,
    )
    .await
}
