//! Serves the built web app at `/`, falling back to `index.html` for client-side routes; compressed
//! (gzip, brotli or zstd, as the browser accepts), and the files `scripts/web-build.sh` names with their
//! content hash (the `pkg-<hash>/` directory of the wasm modules and their JS, `app-<hash>.css`)
//! cached for a year as immutable (a new build has new names; `index.html`, which names them, is never
//! cached without revalidation). docs/decisions/005-web-app-size-and-delivery.md.
//!
//! Only navigation routes fall back to `index.html`: a request for a static file that does not exist (a
//! last segment with a file extension, `/dsfr/icons/…/x.svg`, `/app.js`, or any path under one of the
//! app's asset directories, `/dsfr/…`) is a plain 404, so a missing asset is never answered with HTML.

use std::path::{Path, PathBuf};

use actix_files::{Files, NamedFile};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::Method;
use actix_web::http::header::{self, CacheControl, CacheDirective, Header as _, HeaderValue};
use actix_web::middleware::{Compress, Next, from_fn};
use actix_web::{HttpResponse, web};

/// Whether the web app has been built into `dist`.
pub fn is_built(dist: &Path) -> bool {
    dist.join("index.html").is_file()
}

/// The Content-Security-Policy sources (`'sha256-…'`) of the inline scripts of the built `index.html`
/// (`scripts/web-build.sh` writes one that loads the wasm module), so the policy allows them and nothing else inline.
pub fn inline_script_hashes(dist: &Path) -> Vec<String> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let Ok(html) = std::fs::read_to_string(dist.join("index.html")) else {
        return Vec::new();
    };
    let mut hashes = Vec::new();
    let mut rest = html.as_str();
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else { break };
        let tag = &rest[..open_end];
        let body_start = open_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            let digest = sha2::Sha256::digest(body.as_bytes());
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &rest[body_start + close..];
    }
    hashes
}

/// Registers the web app service (must come after the API routes). When the app is not built, `/`
/// explains how to build it.
pub fn configure(cfg: &mut web::ServiceConfig, dist: &Path) {
    let index = dist.join("index.html");
    if !is_built(dist) {
        cfg.default_service(web::to(not_built));
        return;
    }
    let asset_dirs = asset_directories(dist);
    let built = web::Data::new(Built(dist.to_path_buf()));
    cfg.service(
        web::scope("")
            .app_data(built)
            .wrap(from_fn(brotli_copies))
            .wrap(from_fn(cache_hashed_assets))
            .wrap(Compress::default())
            .service(
                Files::new("/", dist)
                    .index_file("index.html")
                    .default_handler(fn_service(move |req: ServiceRequest| {
                        let static_file = is_static_file_path(req.path(), &asset_dirs);
                        serve_index_or_404(req, index.clone(), static_file)
                    })),
            ),
    );
}

/// The top-level directories of the built app (`dsfr`, `snippets`…): everything under them is a file.
fn asset_directories(dist: &Path) -> Vec<String> {
    std::fs::read_dir(dist)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `path` asks for a static file rather than a page of the app: its last segment has a file
/// extension (`.svg`, `.css`, `.js`, `.wasm`, `.png`, `.woff2`…: a dot followed by 1 to 8 letters or
/// digits; no route of the app has a dot), or its first segment is one of `asset_dirs`. Such a request
/// that no file answers is a 404; every other path is a client-side route and gets `index.html`.
pub fn is_static_file_path(path: &str, asset_dirs: &[String]) -> bool {
    let trimmed = path.trim_start_matches('/');
    let first = trimmed.split('/').next().unwrap_or("");
    if !first.is_empty() && asset_dirs.iter().any(|dir| dir == first) && trimmed.len() > first.len() {
        return true;
    }
    let last = trimmed.rsplit('/').next().unwrap_or("");
    last.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && (1..=8).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Whether the file of `path` is named by its content hash, so that its name changes whenever its
/// content does: anything under `/pkg-<16 hex>/` (the wasm modules, chunks and JS glue of one build),
/// or a file named `<stem>-<16 hex>.<ext>` (`app-1a2b….css`).
pub fn is_hashed_asset(path: &str) -> bool {
    let is_hash = |hash: &str| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    let trimmed = path.trim_start_matches('/');
    if let Some((dir, rest)) = trimmed.split_once('/') {
        return !rest.is_empty() && dir.strip_prefix("pkg-").is_some_and(is_hash);
    }
    trimmed
        .split_once('.')
        .and_then(|(stem, _)| stem.rsplit_once('-'))
        .is_some_and(|(_, hash)| is_hash(hash))
}

/// The directory of the built web app.
struct Built(PathBuf);

/// Answers a hashed asset with its brotli copy (`<file>.br`, written by `scripts/web-build.sh` at
/// brotli's highest quality, a fifth smaller than what `Compress` makes on the fly) when the client
/// accepts brotli and the copy exists; `Compress` leaves an answer that has its `Content-Encoding`.
async fn brotli_copies(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some((copy, mime)) = brotli_copy(&req) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let bytes = web::block(move || std::fs::read(copy))
        .await?
        .map_err(actix_web::error::ErrorInternalServerError)?;
    let response = HttpResponse::Ok()
        .content_type(mime)
        .insert_header((header::CONTENT_ENCODING, "br"))
        .insert_header((header::VARY, "accept-encoding"))
        .body(bytes);
    Ok(req.into_response(response).map_into_right_body())
}

/// The brotli copy of the file `req` asks for, and the file's type, when it should answer: a GET of a
/// hashed asset (a HEAD arrives as a GET, `routes::security`), a client that accepts brotli, a copy
/// beside the file.
fn brotli_copy(req: &ServiceRequest) -> Option<(PathBuf, actix_web::mime::Mime)> {
    if req.method() != Method::GET || !is_hashed_asset(req.path()) {
        return None;
    }
    let accepted = header::AcceptEncoding::parse(req).ok()?;
    let brotli = header::Encoding::brotli();
    let supported = [brotli.clone(), header::Encoding::identity()];
    if accepted.negotiate(supported.iter()) != Some(brotli) {
        return None;
    }
    let relative = req.path().trim_start_matches('/');
    // Hashed names are plain: no `..`, no absolute path, nothing outside the built directory.
    if relative
        .split('/')
        .any(|part| part.is_empty() || part.starts_with('.'))
    {
        return None;
    }
    let dist = &req.app_data::<web::Data<Built>>()?.0;
    let copy = dist.join(format!("{relative}.br"));
    let extension = Path::new(relative).extension()?.to_str()?;
    copy.is_file()
        .then(|| (copy, actix_files::file_extension_to_mime(extension)))
}

/// Marks the successful answers for hashed assets as cacheable for a year, immutable.
async fn cache_hashed_assets(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let hashed = is_hashed_asset(req.path());
    let mut response = next.call(req).await?;
    if hashed && response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    Ok(response)
}

async fn serve_index_or_404(
    req: ServiceRequest,
    index: PathBuf,
    static_file: bool,
) -> Result<ServiceResponse, actix_web::Error> {
    let (req, _) = req.into_parts();
    if static_file {
        let response = HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("Fichier introuvable.");
        return Ok(ServiceResponse::new(req, response));
    }
    let mut response = NamedFile::open(index)?.into_response(&req);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
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
