//! Bearer tokens for each role, minted with the test server's key.

use tdb_api::auth::{Claims, Role};
use tdb_api::state::AppState;

/// `Authorization` header value for `claims`.
pub fn bearer(state: &AppState, claims: &Claims) -> String {
    format!("Bearer {}", state.tokens.sign(claims).unwrap())
}

/// A structure user of `structures`.
pub fn esms(state: &AppState, structures: &[&str]) -> String {
    let mut claims = Claims::new("direction@esms.test", Role::Esms);
    claims.structures = structures.iter().map(|s| (*s).to_owned()).collect();
    bearer(state, &claims)
}

/// A managing-body user of `organisation`.
pub fn og(state: &AppState, organisation: &str) -> String {
    let mut claims = Claims::new("siege@og.test", Role::Og);
    claims.organisation = Some(organisation.to_owned());
    bearer(state, &claims)
}

/// An ARS officer of `region`.
pub fn ars(state: &AppState, region: &str) -> String {
    let mut claims = Claims::new("agent@ars.test", Role::Ars);
    claims.region = Some(region.to_owned());
    bearer(state, &claims)
}

/// A CD officer of `department`.
pub fn cd(state: &AppState, department: &str) -> String {
    let mut claims = Claims::new("agent@cd.test", Role::Cd);
    claims.department = Some(department.to_owned());
    bearer(state, &claims)
}

/// A national administrator.
pub fn national(state: &AppState) -> String {
    bearer(state, &Claims::new("admin@national.test", Role::National))
}

/// A partner client with `scopes` and an optional prefill `source`.
pub fn partner(state: &AppState, scopes: &[&str], source: Option<&str>) -> String {
    let mut claims = Claims::new("client-partenaire", Role::Partner);
    claims.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
    claims.source = source.map(str::to_owned);
    bearer(state, &claims)
}
