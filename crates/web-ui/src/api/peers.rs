//! The call of the peer outlier reference (docs/catalogue.md « Peer outliers »).

use tdb_domain::contract::PeerReference;

use super::{Call, UiError, send};

/// `GET /api/v1/campaigns/{year}/peer-reference?category=&region=` (revalidated by its `ETag`).
pub async fn peer_reference(year: i32, category: &str, region: &str) -> Result<PeerReference, UiError> {
    send(Call::get(&format!(
        "/api/v1/campaigns/{year}/peer-reference?category={category}&region={region}"
    )))
    .await
}
