//! Authentication and authorisation: data and crypto only (no HTTP state; the extractor is in
//! [`crate::routes::principal`]).
//!
//! * [`token`]: short-lived HS256 access tokens (algorithm pinned; `iss`, `aud`, `exp` checked).
//! * [`verified`]: the tokens this process has verified, kept so that a bearer's next requests skip
//!   the signature check.
//! * [`password`]: argon2id hashing of passwords and client secrets.
//! * [`refresh`]: refresh tokens of people's sessions (random values, stored as their SHA-256).
//! * [`principal`]: who is calling, built from a token's claims (once per request, by the extractor
//!   every protected handler takes: [`crate::routes::principal`]); it yields the structure filter that
//!   every repository query applies.
//!
//! Refusals follow `docs/api-design.md`: no or bad token → 401; another's resource → 404; a forbidden
//! action on a visible resource → 403.

pub mod password;
pub mod principal;
pub mod refresh;
pub mod token;
pub mod verified;

pub use principal::{Principal, Role};
pub use token::{Claims, TokenService};
