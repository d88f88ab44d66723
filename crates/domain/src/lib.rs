//! tdb-domain: the pure heart of tdb.
//!
//! No I/O, no async, no database: everything here compiles to `wasm32-unknown-unknown`, so the web app
//! runs exactly the rules the server runs. The crate owns the wire types shared by the API and the SPA
//! ([`contract`]).

pub mod contract;
