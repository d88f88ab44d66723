//! tdb-domain: the pure heart of tdb.
//!
//! No I/O, no async, no database: everything here compiles to `wasm32-unknown-unknown`, so the web app
//! runs exactly the rules the server runs. The crate owns the catalogue ([`catalogue`]), the expression
//! language ([`expr`]), and the wire types shared by the API and the SPA ([`contract`]).

pub mod catalogue;
pub mod contract;
pub mod expr;

pub use catalogue::{Affected, Catalogue, CatalogueError, CategoryCode, catalogue_for};
