//! The refresh cookie and the `Origin` check of the session endpoints (HTTP side of
//! [`crate::services::sessions`]).
//!
//! The cookie `tdb_refresh` is `HttpOnly` (no script reads it), `SameSite=Strict` (no cross-site
//! request carries it), scoped to `Path=/api/v1/auth` (sent to the session endpoints only), lives as
//! long as the session's absolute lifetime (`Max-Age`) and is `Secure` unless the public URL is
//! plain-http localhost (where browsers would drop a `Secure` cookie). Refresh and logout also require
//! `Origin` to be the public URL's origin: a second CSRF defence beside `SameSite`.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time};

use crate::config::PublicUrl;
use crate::error::{ApiError, ProblemCode};

/// Name of the refresh cookie.
pub const COOKIE_NAME: &str = "tdb_refresh";
/// Path of the refresh cookie: the session endpoints only.
pub const COOKIE_PATH: &str = "/api/v1/auth";

/// Whether the cookie carries `Secure` for this public URL.
pub fn secure(public: &PublicUrl) -> bool {
    !public.is_plain_http_localhost()
}

/// The cookie carrying a refresh token, for `max_age` seconds.
pub fn set(value: String, max_age: i64, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE_NAME, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(time::Duration::seconds(max_age))
        .finish()
}

/// The cookie that makes the browser forget the refresh token (`Max-Age=0`, same path).
pub fn clear(secure: bool) -> Cookie<'static> {
    set(String::new(), 0, secure)
}

/// The refresh token the request presents, if any.
pub fn presented(req: &HttpRequest) -> Option<String> {
    req.cookie(COOKIE_NAME).map(|c| c.value().to_owned())
}

/// Refuses (403 `origin_refused`) a request whose `Origin` is absent or is not the public origin (when
/// `TDB_PUBLIC_URL` is unset and the server is bound to a loopback address, the other loopback names of
/// the same port are accepted too: see [`PublicUrl::accepts_origin`]).
pub fn check_origin(req: &HttpRequest, public: &PublicUrl) -> Result<(), ApiError> {
    let expected = public.origin();
    let sent = req
        .headers()
        .get(actix_web::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            v.split_once("://")
                .is_some_and(|(_, rest)| !rest.contains(['/', '?', '#']))
        })
        .and_then(|v| v.parse::<PublicUrl>().ok());
    if sent.is_some_and(|sent| public.accepts_origin(&sent)) {
        Ok(())
    } else {
        Err(ApiError::ForbiddenWith {
            code: ProblemCode::OriginRefused,
            detail: format!(
                "Cette demande doit venir de l'application ({expected}) : en-tête Origin absent ou différent."
            ),
        })
    }
}
