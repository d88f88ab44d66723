//! Services: one use case each, run in one transaction, between the handlers and the repositories.

pub mod accounts;
pub mod auth;
pub mod benchmarks;
pub mod campaigns;
pub mod clients;
pub mod cpom;
pub mod events;
pub mod exports;
pub mod fiche;
pub mod finess;
pub mod finess_jobs;
pub mod forms;
pub mod heavy;
pub mod if_match;
pub mod imports;
pub mod mail;
pub mod notifications;
pub mod passwords;
pub mod pdf;
pub mod progress;
pub mod sessions;
pub mod structures;
pub mod text;
pub mod values;
pub mod webhooks;
