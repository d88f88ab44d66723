//! Assembles the HTTP application (API, contract, Swagger UI, web app) and runs the server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, dev::Server, middleware, web};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::TokenService;
use crate::config::Config;
use crate::db::{self, DbError};
use crate::openapi;
use crate::routes;
use crate::routes::security::Hardening;
use crate::services::forms::FormCache;
use crate::services::heavy::HeavyLimits;
use crate::state::AppState;

/// Opens the database (running migrations) and builds the shared state.
pub fn build_state(config: Config) -> Result<AppState, DbError> {
    let pool = db::connect(&config.database_url)?;
    let tokens = TokenService::with_lifetime(
        &config.jwt_secret_or_generate(),
        i64::from(config.access_token_seconds),
    );
    let forms = Arc::new(FormCache::new(config.form_cache_mb.saturating_mul(1 << 20)));
    let instance = instance_name(config.bind);
    let heavy = HeavyLimits::new(config.heavy_requests, config.heavy_per_caller);
    Ok(AppState {
        pool,
        config: Arc::new(config),
        tokens,
        forms,
        peers: Arc::default(),
        instance,
        heavy,
    })
}

/// Registers the whole application: `/api/v1`, `/api/openapi.json`, `/api/docs/`, then the web app, all
/// behind [`routes::security::harden`] (security headers, `HEAD`, 405, problem+json for every error),
/// compressed as the client accepts ([`routes::compression`]).
pub fn configure(state: AppState) -> impl Fn(&mut web::ServiceConfig) + Clone {
    let contract = openapi::document();
    let hardening = web::Data::new(Hardening::new(
        contract_methods(&contract),
        &crate::spa::inline_script_hashes(&state.config.web_dist),
        state.config.hsts_seconds,
    ));
    move |cfg: &mut web::ServiceConfig| {
        let dist = state.config.web_dist.clone();
        let state = state.clone();
        let contract = contract.clone();
        cfg.app_data(hardening.clone()).service(
            web::scope("")
                .wrap(from_fn(routes::security::harden))
                .wrap(from_fn(routes::compression::mark_as_is))
                .wrap(middleware::Compress::default())
                .wrap(from_fn(routes::compression::unmark))
                .configure(move |cfg| {
                    cfg.app_data(web::Data::new(state.clone()))
                        .configure(routes::extract::configure)
                        .configure(|cfg| routes::configure(&mut ServiceConfig::new(cfg)))
                        .service(
                            SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", contract.clone()),
                        )
                        .route("/api/docs", web::get().to(redirect_to_docs))
                        .service(web::scope("/api").default_service(web::to(routes::not_found)))
                        .configure(|cfg| crate::spa::configure(cfg, &dist));
                }),
        );
    }
}

/// Each path of the contract with the methods it serves.
fn contract_methods(contract: &utoipa::openapi::OpenApi) -> Vec<(String, Vec<Method>)> {
    contract
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let methods = [
                (Method::GET, item.get.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::DELETE, item.delete.is_some()),
                (Method::PATCH, item.patch.is_some()),
            ]
            .into_iter()
            .filter_map(|(method, served)| served.then_some(method))
            .collect();
            (path.clone(), methods)
        })
        .collect()
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/api/docs/"))
        .finish()
}

/// Starts serving `state` on an already bound listener (tests bind port 0).
pub fn serve(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let app = configure(state);
    Ok(HttpServer::new(move || {
        App::new()
            .wrap(middleware::Logger::default())
            .configure(app.clone())
    })
    .listen(listener)?
    .run())
}

/// `tdb serve`: migrate, bind, print the URL, serve until stopped.
pub fn run(config: Config) -> Result<(), crate::cli::error::CliError> {
    let bind = config.bind;
    let state = build_state(config)?;
    let listener = TcpListener::bind(bind)?;
    let url = format!("http://{}", listener.local_addr()?);
    let state = AppState {
        instance: instance_name(listener.local_addr()?),
        ..state
    };
    sweep_jobs(&state);
    start_mail(&state)?;
    start_reminders(&state)?;
    start_webhooks(&state)?;
    if state.config.public_url.is_none() && state.config.public_url().is_unspecified_address() {
        tracing::warn!(
            "TDB_PUBLIC_URL is not set and the server listens on every interface: no browser sends the \
             origin {}, so sessions cannot be refreshed. Set TDB_PUBLIC_URL to the address people use.",
            state.config.public_url().origin()
        );
    }
    tracing::info!(backend = ?state.pool.backend(), "database ready");
    if !crate::spa::is_built(&state.config.web_dist) {
        tracing::warn!(dist = %state.config.web_dist.display(), "the web app is not built: run `just web`");
    }
    actix_web::rt::System::new().block_on(async move {
        let server = serve(state, listener)?;
        announce(&url);
        server.await
    })?;
    Ok(())
}

/// The name of this process for the jobs it runs: host name and listening address. A restarted server
/// on the same address recognises the jobs of its previous life.
fn instance_name(addr: std::net::SocketAddr) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}:{addr}")
}

/// Starts the mail dispatcher of this replica (SMTP relay, or `.eml` files when none is configured).
fn start_mail(state: &AppState) -> Result<(), crate::cli::error::CliError> {
    let mail = &state.config.mail;
    let dispatcher = crate::services::mail::dispatcher::Dispatcher::new(
        state.pool.clone(),
        mail.smtp_url.as_ref().map(crate::config::SmtpUrl::expose),
        mail.mail_dir.clone(),
        &mail.mail_from,
    )
    .map_err(crate::cli::error::CliError::Mail)?;
    if mail.smtp_url.is_none() {
        tracing::info!(dir = %mail.mail_dir.display(), "no TDB_SMTP_URL: mails are written as .eml files");
    }
    dispatcher.spawn(std::time::Duration::from_millis(mail.mail_poll_ms))?;
    Ok(())
}

/// Starts the collecte reminder job of this replica (none when `TDB_REMINDER_DAYS` is empty).
fn start_reminders(state: &AppState) -> Result<(), crate::cli::error::CliError> {
    let mail = &state.config.mail;
    if mail.reminder_days.0.is_empty() {
        return Ok(());
    }
    let job = crate::services::notifications::reminders::ReminderJob {
        pool: state.pool.clone(),
        base: crate::services::passwords::LinkBase {
            origin: state.config.public_url().origin(),
        },
        days: mail.reminder_days.0.clone(),
    };
    job.spawn(std::time::Duration::from_secs(mail.reminder_poll_seconds))?;
    Ok(())
}

/// Starts the webhook delivery threads of this replica (`TDB_WEBHOOK_WORKERS`, none when 0).
fn start_webhooks(state: &AppState) -> Result<(), crate::cli::error::CliError> {
    let hooks = &state.config.webhooks;
    if hooks.workers == 0 {
        return Ok(());
    }
    let dispatcher = crate::services::webhooks::dispatcher::Dispatcher::new(
        state.pool.clone(),
        hooks,
        &state.config.public_url().origin(),
    )
    .map_err(crate::cli::error::CliError::Webhooks)?;
    dispatcher.spawn(hooks.workers, std::time::Duration::from_millis(hooks.poll_ms))?;
    Ok(())
}

/// Marks interrupted the import jobs a previous life of this process (or a dead replica) left running.
fn sweep_jobs(state: &AppState) {
    let swept = state
        .pool
        .get()
        .map_err(crate::error::ApiError::from)
        .and_then(|mut conn| crate::services::imports::jobs::sweep(&mut conn, &state.instance));
    match swept {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            jobs = n,
            "import jobs interrupted by a restart marked `interrupted`"
        ),
        Err(error) => tracing::error!(%error, "sweep of interrupted import jobs failed"),
    }
    let swept = state
        .pool
        .get()
        .map_err(crate::error::ApiError::from)
        .and_then(|mut conn| crate::services::finess_jobs::sweep(&mut conn, &state.instance));
    match swept {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            jobs = n,
            "FINESS jobs interrupted by a restart marked `interrupted`"
        ),
        Err(error) => tracing::error!(%error, "sweep of interrupted FINESS jobs failed"),
    }
}

#[expect(
    clippy::print_stdout,
    reason = "the URL is the command's output for the person who ran it"
)]
fn announce(url: &str) {
    println!("tdb is listening on {url}/  (API docs: {url}/api/docs/, health: {url}/api/v1/health)");
}
