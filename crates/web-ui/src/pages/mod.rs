//! One module per page (route).

pub mod accounts;
pub mod cpom;
pub mod fiche;
pub mod form;
pub mod home;
pub mod lazy;
pub mod login;
pub mod not_found;
pub mod restitution;
pub mod simulation;
pub mod territory;
