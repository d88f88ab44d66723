//! tdb-domain: the pure heart of tdb.
//!
//! No I/O, no async, no database: everything here compiles to `wasm32-unknown-unknown`, so the web app
//! runs exactly the rules the server runs. The crate owns the catalogue ([`catalogue`]), the expression
//! language ([`expr`]), value validation ([`values`]), form evaluation ([`evaluate`]), peer statistics ([`stats`]) and the wire types shared by the API and the SPA ([`contract`]).

pub mod catalogue;
pub mod contract;
pub mod evaluate;
pub mod expr;
pub mod stats;
pub mod values;

pub use catalogue::{Affected, Catalogue, CatalogueError, CategoryCode, catalogue_for};
pub use evaluate::{
    EvaluateError, Evaluation, RejectedValue, ValueField, evaluate, evaluate_request,
    evaluate_request_lenient,
};
pub use values::{FormValues, Value, ValueError, validate_value};
