//! What every answer gets, whatever served it (`docs/security.md`):
//!
//! * security headers: a Content-Security-Policy (the web app's own, with the hashes of the inline
//!   scripts `scripts/web-build.sh` writes into `index.html` and `'wasm-unsafe-eval'` for the wasm module; `default-src
//!   'none'` on the API), `frame-ancestors 'none'` and `X-Frame-Options: DENY`, `X-Content-Type-Options:
//!   nosniff`, `Referrer-Policy: no-referrer`, `Cache-Control: no-store` on authenticated `/api` answers
//!   (they hold personal data), `Strict-Transport-Security` when `TDB_HSTS_SECONDS` is set;
//! * `HEAD` served for every `GET` route (the `GET` answer, without its body);
//! * an unknown method on a known `/api/v1` path answers 405 with `Allow`;
//! * every error is `application/problem+json`, including those actix answers itself (413 of a body
//!   over the limit, 404 of a static file…).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};

use crate::error::{ApiError, PROBLEM_JSON, ProblemCode};

/// The policy of the API's own answers (JSON, files): nothing may load, nothing may frame them.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// What the middleware needs, built once at start ([`Hardening::new`]) and registered as app data.
#[derive(Debug, Clone)]
pub struct Hardening {
    app_csp: HeaderValue,
    api_csp: HeaderValue,
    hsts: Option<HeaderValue>,
    routes: Vec<RouteMethods>,
}

/// The methods served on one path template of the contract (`/api/v1/structures/{finess}`).
#[derive(Debug, Clone)]
struct RouteMethods {
    segments: Vec<Option<String>>,
    methods: Vec<Method>,
}

impl RouteMethods {
    fn matches(&self, path: &str) -> bool {
        let mut given = path.trim_end_matches('/').split('/');
        let mut expected = self.segments.iter();
        loop {
            match (given.next(), expected.next()) {
                (None, None) => return true,
                (Some(g), Some(Some(e))) if g == e => {}
                (Some(g), Some(None)) if !g.is_empty() => {}
                _ => return false,
            }
        }
    }
}

impl Hardening {
    /// `routes`: each path template of the contract with its methods; `inline_script_hashes`: the
    /// CSP sources (`'sha256-…'`) of the inline scripts of the web app's `index.html`;
    /// `hsts_seconds`: 0 for no HSTS header.
    pub fn new(
        routes: Vec<(String, Vec<Method>)>,
        inline_script_hashes: &[String],
        hsts_seconds: u64,
    ) -> Self {
        let app_csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
             base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
            inline_script_hashes
                .iter()
                .map(|h| format!(" {h}"))
                .collect::<String>()
        );
        let routes = routes
            .into_iter()
            .map(|(template, methods)| RouteMethods {
                segments: template
                    .trim_end_matches('/')
                    .split('/')
                    .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned()))
                    .collect(),
                methods,
            })
            .collect();
        Self {
            app_csp: HeaderValue::from_str(&app_csp).unwrap_or_else(|_| HeaderValue::from_static(API_CSP)),
            api_csp: HeaderValue::from_static(API_CSP),
            hsts: (hsts_seconds > 0)
                .then(|| HeaderValue::from_str(&format!("max-age={hsts_seconds}; includeSubDomains")).ok())
                .flatten(),
            routes,
        }
    }

    /// The methods allowed on `path` when it is a known API path (`HEAD` wherever `GET` is).
    fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let mut allowed: Vec<Method> = Vec::new();
        for route in self.routes.iter().filter(|r| r.matches(path)) {
            for method in &route.methods {
                if !allowed.contains(method) {
                    allowed.push(method.clone());
                }
            }
        }
        if allowed.is_empty() {
            return None;
        }
        if allowed.contains(&Method::GET) {
            allowed.push(Method::HEAD);
        }
        Some(allowed)
    }
}

/// The problem code of an error status actix (or a file service) answered without a problem body.
fn code_of(status: StatusCode) -> ProblemCode {
    match status.as_u16() {
        404 => ProblemCode::NotFound,
        405 => ProblemCode::MethodNotAllowed,
        413 => ProblemCode::PayloadTooLarge,
        415 => ProblemCode::UnsupportedMediaType,
        431 => ProblemCode::HeaderFieldsTooLarge,
        503 => ProblemCode::DatabaseUnavailable,
        s if s >= 500 => ProblemCode::InternalError,
        _ => ProblemCode::BadRequest,
    }
}

/// The problem body answered for an error status that came without one.
pub fn problem_for(status: StatusCode) -> ApiError {
    let code = code_of(status);
    match status.as_u16() {
        404 => ApiError::not_found("Aucune ressource ne correspond à cette adresse."),
        413 => ApiError::PayloadTooLarge("Le corps de la requête est trop volumineux.".to_owned()),
        s if s >= 500 => ApiError::Internal(format!("status {s} answered without a problem body")),
        _ => ApiError::Status {
            status: status.as_u16(),
            code,
            detail: format!(
                "La requête ne peut pas être traitée ({}).",
                status.canonical_reason().unwrap_or("erreur")
            ),
        },
    }
}

/// The middleware (wrapped around the whole application by `server::configure`).
pub async fn harden(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let hardening = req.app_data::<web::Data<Hardening>>().cloned();
    let api = req.path().starts_with("/api/v1") || req.path() == "/api/openapi.json";
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    let head = req.method() == Method::HEAD;
    if head {
        req.head_mut().method = Method::GET;
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    // A method no route of a known path serves reaches no handler and ends as a 404: it is a 405 with
    // `Allow`. Looked for only then, not on every answer (matching the path against every route of the
    // contract was a sixth of the server's work in a form read).
    if api && response.status() == StatusCode::NOT_FOUND {
        let refused = hardening.as_ref().and_then(|h| {
            let request = response.request();
            h.allowed(request.path())
                .filter(|allowed| !allowed.contains(request.method()))
        });
        if let Some(allowed) = refused {
            let error = ApiError::MethodNotAllowed(allowed.iter().map(Method::to_string).collect());
            let (request, _) = response.into_parts();
            response = ServiceResponse::new(request, error.error_response());
        }
    }
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if (status.is_client_error() || status.is_server_error()) && !is_problem && !is_html {
        let problem = problem_for(status).error_response();
        let (request, old) = response.into_parts();
        let mut replaced = problem;
        for (name, value) in old.headers() {
            if *name == header::ALLOW || *name == header::RETRY_AFTER || *name == header::WWW_AUTHENTICATE {
                replaced.headers_mut().insert(name.clone(), value.clone());
            }
        }
        *replaced.status_mut() = status;
        response = ServiceResponse::new(request, replaced);
    }
    let headers = response.headers_mut();
    let set = |headers: &mut header::HeaderMap, name: HeaderName, value: HeaderValue| {
        headers.insert(name, value);
    };
    set(
        headers,
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    set(headers, header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    set(
        headers,
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if let Some(hardening) = &hardening {
        let csp = if api {
            &hardening.api_csp
        } else {
            &hardening.app_csp
        };
        set(headers, header::CONTENT_SECURITY_POLICY, csp.clone());
        if let Some(hsts) = &hardening.hsts {
            set(headers, header::STRICT_TRANSPORT_SECURITY, hsts.clone());
        }
    }
    if api && authenticated {
        set(
            headers,
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    // A `HEAD` answer keeps the `GET` body's length: actix's HTTP/1 encoder sends the headers only.
    Ok(response)
}
