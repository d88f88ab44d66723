//! tdb-domain: the pure heart of tdb.
//!
//! No I/O, no async, no database: everything here compiles to `wasm32-unknown-unknown`, so the web app
//! runs exactly the rules the server runs. The crate owns:
//!
//! * [`catalogue`]: the data dictionary of each campaign, shipped as data and compiled once
//!   ([`catalogue_for`]);
//! * [`expr`]: the expression language of formulas, conditions and controls;
//! * [`values`]: validation of raw values ([`validate_value`], [`FormValues`]);
//! * [`mod@evaluate`]: indicators, controls, completion and submission readiness of one form
//!   ([`evaluate()`] on typed values, [`evaluate_request`] on a JSON request);
//! * [`stats`]: peer statistics;
//! * [`display`]: the rounding and French format of shown values;
//! * [`cpom`]: CPOM follow-up (aggregation over a perimeter, objective status, calendar);
//! * [`contract`]: the wire types shared by the API and the SPA.

pub mod catalogue;
pub mod contract;
pub mod cpom;
pub mod display;
pub mod evaluate;
pub mod expr;
pub mod stats;
pub mod values;

pub use catalogue::{
    Affected, Catalogue, CatalogueError, CategoryCode, FIRST_CAMPAIGN, LAST_CAMPAIGN, catalogue_for,
};
pub use evaluate::{
    EvaluateError, Evaluation, OutlierReference, RejectedValue, ValueField, evaluate, evaluate_request,
    evaluate_request_lenient, evaluate_with_peers,
};
pub use values::{FormValues, Value, ValueError, validate_value};
