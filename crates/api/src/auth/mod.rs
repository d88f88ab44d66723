//! Authentication and authorisation.
//!
//! * [`token`]: short-lived HS256 access tokens (algorithm pinned; `iss`, `aud`, `exp` checked).
//! * [`password`]: argon2id hashing of passwords and client secrets.
//! * [`principal`]: who is calling, resolved once per request by an extractor every protected handler
//!   takes; it yields the structure filter that every repository query applies.
//!
//! Refusals follow `docs/api-design.md`: no or bad token → 401; another's resource → 404; a forbidden
//! action on a visible resource → 403.

pub mod password;
pub mod principal;
pub mod token;

pub use principal::{Principal, Role};
pub use token::{Claims, TokenService};
