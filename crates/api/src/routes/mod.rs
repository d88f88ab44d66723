//! HTTP routes of `/api/v1`: thin handlers (parse, authorise, call, map), one module per resource.

pub mod auth;
pub mod benchmarks;
pub mod binary;
pub mod campaigns;
pub mod catalogue;
pub mod client_ip;
pub mod clients;
pub mod compression;
pub mod cpom;
pub mod evaluate;
pub mod events;
pub mod exports;
pub mod extract;
pub mod fiches;
pub mod forms;
pub mod health;
pub mod imports;
pub mod notifications;
pub mod organisations;
pub mod pagination;
pub mod passwords;
pub mod peer_reference;
pub mod preconditions;
pub mod principal;
pub mod progress;
pub mod referential;
pub mod regions;
pub mod security;
pub mod session_cookie;
pub mod simulate;
pub mod structures;
pub mod users;
pub mod webhooks;

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;

/// Registers every `/api/v1` route on `cfg`: the one list of the served routes, from which the
/// OpenAPI contract's paths are also collected ([`crate::openapi::document`]).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            .service(health::health)
            .service(auth::login)
            .service(auth::token)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::logout_all)
            .service(auth::me)
            .service(passwords::forgot_password)
            .service(passwords::password_link)
            .service(passwords::set_password)
            .service(passwords::change_password)
            .service(notifications::get_notifications)
            .service(notifications::put_notifications)
            .service(users::list_users)
            .service(users::invite_user)
            .service(users::invite_users_csv)
            .service(users::get_user)
            .service(users::update_user)
            .service(users::reinvite_user)
            .service(clients::list_clients)
            .service(clients::create_client)
            .service(clients::update_client)
            .service(clients::rotate_client_secret)
            .service(regions::list_regions)
            .service(catalogue::get_catalogue)
            .service(evaluate::evaluate)
            .configure(forms::configure)
            .service(structures::list_structures)
            .service(fiches::get_fiche)
            .service(fiches::get_fiche_pdf)
            .service(fiches::post_fiche_batch)
            .service(fiches::get_fiche_batch)
            .service(fiches::get_fiche_batch_archive)
            .service(structures::get_structure)
            .service(structures::create_structure)
            .service(structures::update_structure)
            .service(organisations::get_organisation)
            .service(organisations::create_organisation)
            .service(referential::import_finess)
            .service(referential::finess_job)
            .service(campaigns::list_campaigns)
            .service(campaigns::create_campaign)
            .service(progress::campaign_progress)
            .service(benchmarks::group_benchmark)
            .service(benchmarks::structure_benchmark)
            .service(benchmarks::indicator_table)
            .service(peer_reference::peer_reference)
            .service(simulate::simulate)
            .service(campaigns::change_phase)
            .service(campaigns::get_campaign)
            .configure(imports::configure)
            .configure(exports::configure)
            .configure(cpom::configure)
            .service(events::list_events)
            .service(webhooks::list_webhooks)
            .service(webhooks::create_webhook)
            .service(webhooks::get_webhook)
            .service(webhooks::update_webhook)
            .service(webhooks::delete_webhook)
            .service(webhooks::rotate_webhook_secret)
            .service(webhooks::replay_webhook)
            .service(webhooks::list_webhook_deliveries)
            .default_service(web::to(not_found)),
    );
}

/// Any unknown path under `/api`: a problem, never the web app's `index.html`.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found(format!(
        "Aucune ressource ne correspond à {} {}.",
        req.method(),
        req.path()
    )))
}
