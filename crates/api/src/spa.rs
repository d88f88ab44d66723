//! Serves the built web app at `/`, falling back to `index.html` for client-side routes.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, web};

/// Whether the web app has been built into `dist`.
pub fn is_built(dist: &Path) -> bool {
    dist.join("index.html").is_file()
}

/// Registers the web app service (must come after the API routes). When the app is not built, `/`
/// explains how to build it.
pub fn configure(cfg: &mut web::ServiceConfig, dist: &Path) {
    let index = dist.join("index.html");
    if !is_built(dist) {
        cfg.default_service(web::to(not_built));
        return;
    }
    cfg.service(
        Files::new("/", dist)
            .index_file("index.html")
            .default_handler(fn_service(move |req: ServiceRequest| {
                serve_index(req, index.clone())
            })),
    );
}

async fn serve_index(req: ServiceRequest, index: PathBuf) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    let mut response = NamedFile::open(index)?.into_response(&req);
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        CacheControl(vec![CacheDirective::NoCache])
            .to_string()
            .parse()
            .map_err(actix_web::error::ErrorInternalServerError)?,
    );
    Ok(ServiceResponse::new(req, response))
}

async fn not_built() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/html; charset=utf-8")
        .body(
            "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>tdb</title>\
         <h1>L'application web n'est pas construite</h1>\
         <p>Lancez <code>just run</code> (ou <code>just web</code>) pour la construire. \
         L'API est disponible sous <a href=\"/api/docs/\">/api/docs/</a>.</p></html>",
        )
}
