//! Services: one use case each, run in one transaction, calling repositories and the domain.

pub mod auth;
