//! The access token (memory only), its silent renewal and the refresh of the session.
//!
//! - The token is kept in a thread-local of the tab: never in `localStorage`, `sessionStorage`, a
//!   cookie or a URL, never logged. Reloading the page loses it; the session is then resumed by a
//!   refresh (the `HttpOnly` cookie `tdb_refresh`, which the page cannot read, is sent by the browser).
//! - [`start_session`] keeps a token and schedules its renewal at 80 % of its lifetime
//!   ([`refresh_delay_ms`]).
//! - [`refresh`] is **single-flight** inside the tab (concurrent callers share one request) and
//!   **serialised across tabs**: the request runs under the Web Lock `tdb-refresh`
//!   (`navigator.locks.request`), or, where Web Locks are missing, under a lock written in
//!   `localStorage` ([`storage_lock_free`]). The server rotates the cookie at each refresh and treats a
//!   reused cookie as theft (the whole session is revoked), so two refreshes must never present the same
//!   cookie: a tab that gets the lock after another tab refreshed simply refreshes again with the cookie
//!   the browser now holds.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::Request;
use js_sys::{Function, Promise, Reflect};
use leptos::prelude::TimeoutHandle;
use tdb_domain::contract::LoginResponse;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use super::UiError;

/// The outcome of a refresh, shared by every caller of one flight.
type Outcome = Rc<RefCell<Option<Result<LoginResponse, UiError>>>>;

thread_local! {
    static TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static ON_EXPIRED: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    static FLIGHT: RefCell<Option<(Promise, Outcome)>> = const { RefCell::new(None) };
    static TAB: String = format!("{:x}", (js_sys::Math::random() * 1e15) as u64);
}

/// Name of the Web Lock (and of the `localStorage` lock) that serialises refreshes across tabs.
const LOCK: &str = "tdb-refresh";
/// How long a `localStorage` lock holds when its tab does not release it (closed mid-refresh).
const STORAGE_LOCK_MS: f64 = 10_000.0;

/// The access token of the moment (for the `Authorization` header only).
pub(crate) fn token() -> Option<String> {
    TOKEN.with(|t| t.borrow().clone())
}

/// Whether a session is open in this tab.
pub fn access_token_present() -> bool {
    TOKEN.with(|t| t.borrow().is_some())
}

/// Keeps the bearer token sent with every call; `None` signs out and stops the renewal.
pub fn set_token(token: Option<String>) {
    if token.is_none() {
        cancel_timer();
    }
    TOKEN.with(|t| *t.borrow_mut() = token);
}

/// Sets what happens when the server refuses the session of a signed-in person (refresh refused).
pub fn on_session_expired(hook: impl Fn() + 'static) {
    ON_EXPIRED.with(|h| *h.borrow_mut() = Some(Rc::new(hook)));
}

/// Ends the session after a refused refresh: forgets the token and runs the expiry hook.
pub(crate) fn expire() {
    let was_open = access_token_present();
    set_token(None);
    if was_open {
        let hook = ON_EXPIRED.with(|h| h.borrow().clone());
        if let Some(hook) = hook {
            hook();
        }
    }
}

/// Keeps the token of a login or refresh answer and schedules its silent renewal.
pub fn start_session(answer: &LoginResponse) {
    TOKEN.with(|t| *t.borrow_mut() = Some(answer.access_token.clone()));
    schedule(refresh_delay_ms(answer.expires_in));
}

/// When to renew a token living `expires_in` seconds: at 80 % of its life, never sooner than 500 ms.
pub fn refresh_delay_ms(expires_in: i64) -> u64 {
    let life_ms = u64::try_from(expires_in.max(0)).unwrap_or(0).saturating_mul(1000);
    (life_ms / 5 * 4).max(500)
}

fn cancel_timer() {
    if let Some(handle) = TIMER.with(|t| t.borrow_mut().take()) {
        handle.clear();
    }
}

fn schedule(delay_ms: u64) {
    cancel_timer();
    let handle = leptos::prelude::set_timeout_with_handle(
        || {
            leptos::task::spawn_local(async {
                if !access_token_present() {
                    return;
                }
                match refresh().await {
                    Ok(_) => {}
                    // Offline for a moment: try again a little later (a 401 will also retry).
                    Err(UiError::Network(_)) => schedule(5_000),
                    Err(_) => expire(),
                }
            });
        },
        std::time::Duration::from_millis(delay_ms),
    );
    if let Ok(handle) = handle {
        TIMER.with(|t| *t.borrow_mut() = Some(handle));
    }
}

/// `POST /api/v1/auth/refresh`, single-flight in the tab and one tab at a time. On success the new
/// token is kept (and its renewal scheduled) before any caller resumes. A refusal is
/// [`UiError::SessionExpired`] (the caller decides whether the person is told), an unreachable server
/// [`UiError::Network`].
pub async fn refresh() -> Result<LoginResponse, UiError> {
    let running = FLIGHT.with(|f| f.borrow().clone());
    let (promise, outcome) = match running {
        Some(flight) => flight,
        None => {
            let outcome: Outcome = Rc::new(RefCell::new(None));
            let slot = Rc::clone(&outcome);
            let promise = future_to_promise(async move {
                let result = refresh_across_tabs().await;
                if let Ok(answer) = &result {
                    start_session(answer);
                }
                *slot.borrow_mut() = Some(result);
                FLIGHT.with(|f| *f.borrow_mut() = None);
                Ok(JsValue::UNDEFINED)
            });
            FLIGHT.with(|f| *f.borrow_mut() = Some((promise.clone(), Rc::clone(&outcome))));
            (promise, outcome)
        }
    };
    let _ = JsFuture::from(promise).await;
    let result = outcome.borrow().clone();
    result.unwrap_or_else(|| Err(UiError::Network("refresh interrupted".to_owned())))
}

/// The refresh request under the cross-tab lock.
async fn refresh_across_tabs() -> Result<LoginResponse, UiError> {
    let outcome: Outcome = Rc::new(RefCell::new(None));
    if let Some((locks, request)) = web_locks() {
        let slot = Rc::clone(&outcome);
        let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
            future_to_promise(async move {
                *slot.borrow_mut() = Some(post_refresh().await);
                Ok(JsValue::UNDEFINED)
            })
        });
        let held = request
            .call2(&locks, &JsValue::from_str(LOCK), &callback)
            .ok()
            .and_then(|p| p.dyn_into::<Promise>().ok());
        match held {
            Some(held) => {
                let _ = JsFuture::from(held).await;
            }
            None => *outcome.borrow_mut() = Some(post_refresh().await),
        }
    } else {
        let mine = storage_lock_acquire().await;
        *outcome.borrow_mut() = Some(post_refresh().await);
        if mine {
            storage_lock_release();
        }
    }
    let result = outcome.borrow_mut().take();
    result.unwrap_or_else(|| Err(UiError::Network("refresh interrupted".to_owned())))
}

/// The request itself: the browser sends the cookie and the `Origin` header.
async fn post_refresh() -> Result<LoginResponse, UiError> {
    let response = Request::post("/api/v1/auth/refresh")
        .send()
        .await
        .map_err(|e| UiError::Network(e.to_string()))?;
    match response.status() {
        200 => response
            .json::<LoginResponse>()
            .await
            .map_err(|e| UiError::Decode(e.to_string())),
        500..=599 => Err(UiError::Status(response.status())),
        _ => Err(UiError::SessionExpired),
    }
}

/// `navigator.locks` and its `request` function, when the browser has Web Locks.
fn web_locks() -> Option<(JsValue, Function)> {
    let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}

/// Whether the `localStorage` lock (`"<tab>:<until ms>"`) may be taken by tab `me` at `now`: free,
/// expired, unreadable, or already ours.
pub fn storage_lock_free(value: Option<&str>, me: &str, now: f64) -> bool {
    let Some((tab, until)) = value.and_then(|v| v.split_once(':')) else {
        return true;
    };
    tab == me || until.parse::<f64>().map_or(true, |until| until <= now)
}

fn tab() -> String {
    TAB.with(Clone::clone)
}

/// Takes the `localStorage` lock (write, wait, check it is still ours); gives up after 10 s (then the
/// refresh runs anyway: a stale lock must not sign anyone out). `true` when taken.
async fn storage_lock_acquire() -> bool {
    let Some(storage) = crate::local_storage() else {
        return false;
    };
    let me = tab();
    let started = js_sys::Date::now();
    while js_sys::Date::now() - started < STORAGE_LOCK_MS {
        let now = js_sys::Date::now();
        let current = storage.get_item(LOCK).ok().flatten();
        if storage_lock_free(current.as_deref(), &me, now) {
            let value = format!("{me}:{}", now + STORAGE_LOCK_MS);
            let _ = storage.set_item(LOCK, &value);
            sleep(40).await;
            if storage.get_item(LOCK).ok().flatten().as_deref() == Some(value.as_str()) {
                return true;
            }
        }
        sleep(60 + (js_sys::Math::random() * 80.0) as i32).await;
    }
    false
}

fn storage_lock_release() {
    if let Some(storage) = crate::local_storage() {
        let current = storage.get_item(LOCK).ok().flatten();
        if current.is_some_and(|v| v.split_once(':').is_some_and(|(tab, _)| tab == self::tab())) {
            let _ = storage.remove_item(LOCK);
        }
    }
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_renewed_at_four_fifths_of_their_life_but_not_in_a_loop() {
        assert_eq!(refresh_delay_ms(900), 720_000);
        assert_eq!(refresh_delay_ms(5), 4_000);
        assert_eq!(refresh_delay_ms(0), 500);
        assert_eq!(refresh_delay_ms(-3), 500);
    }

    #[test]
    fn the_storage_lock_is_taken_only_when_free_expired_or_ours() {
        assert!(storage_lock_free(None, "a", 1000.0));
        assert!(storage_lock_free(Some("n'importe quoi"), "a", 1000.0));
        assert!(storage_lock_free(Some("a:5000"), "a", 1000.0));
        assert!(!storage_lock_free(Some("b:5000"), "a", 1000.0));
        assert!(storage_lock_free(Some("b:5000"), "a", 5000.0));
        assert!(storage_lock_free(Some("b:abc"), "a", 1000.0));
    }
}
