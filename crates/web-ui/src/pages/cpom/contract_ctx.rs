//! What the forms of a contract page share ([`ContractCtx`]): the contract, the user's rights on it
//! and how to reload the page once a write is accepted.

use leptos::prelude::*;
use serde_json::Value;

use super::Rights;

/// What the forms of a contract page share.
#[derive(Debug, Clone, Copy)]
pub struct ContractCtx {
    /// The contract.
    pub id: i64,
    /// Its version, sent as `If-Match` by the edits.
    pub version: i64,
    /// What the user may do.
    pub rights: Rights,
    /// Years of the start and of the end.
    pub years: (i32, i32),
    /// FINESS EJ of the managing body.
    pub organisation: StoredValue<String>,
    /// Current perimeter: FINESS and name.
    pub members: StoredValue<Vec<(String, String)>>,
    /// Reloads the page's data.
    pub reload: Callback<()>,
}

impl ContractCtx {
    /// What to do once a write is accepted: reload the contract.
    pub fn done(self) -> Box<dyn FnOnce(Value)> {
        Box::new(move |_| self.reload.run(()))
    }

    /// `contracts/{id}/{rest}`, a path of the CPOM API.
    pub fn path(self, rest: &str) -> String {
        format!("contracts/{}/{rest}", self.id)
    }
}
