//! People's sessions: the refresh cookie set by login, rotation at each refresh, reuse detection
//! (the whole family revoked and audited), idle and absolute expiry, logout and logout-all,
//! deactivation, the `Origin` check, and that a cookie only ever yields its own person.

use std::path::PathBuf;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::SET_COOKIE;
use actix_web::test;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::config::Config;
use tdb_api::db::schema::{audit_log, refresh_tokens, session_families, users};
use tdb_api::services::sessions;
use tdb_api::state::AppState;

use crate::on_both_backends;
use crate::support::fixtures::insert_user;
use crate::support::{TestDb, app, auth};

const PASSWORD: &str = "Un mot de passe solide 2024 !";
const ALICE: &str = "alice@national.fr";
const BOB: &str = "bob@ars-hdf.fr";

/// The state of a server on `db` with its configuration changed by `tweak`, and Alice (national) and
/// Bob (ARS 32) as users.
fn state_with(db: &TestDb, tweak: impl FnOnce(&mut Config)) -> AppState {
    let mut config = crate::support::config(db, PathBuf::from("/nonexistent-web-dist"));
    tweak(&mut config);
    let state = tdb_api::server::build_state(config).unwrap();
    insert_user(&state, ALICE, PASSWORD, "national", &[]);
    insert_user(&state, BOB, PASSWORD, "ars", &["32"]);
    state
}

fn origin(state: &AppState) -> String {
    state.config.public_url().origin()
}

/// An answer: status, body (JSON or null), and the `Set-Cookie` of `tdb_refresh` if any.
struct Answer {
    status: u16,
    body: Value,
    cookie: Option<String>,
}

impl Answer {
    /// The value of the refresh cookie set.
    fn token(&self) -> String {
        let header = self.cookie.as_deref().expect("a tdb_refresh cookie");
        let value = header.strip_prefix("tdb_refresh=").unwrap();
        value.split(';').next().unwrap().to_owned()
    }

    /// Whether the answer clears the cookie.
    fn clears_cookie(&self) -> bool {
        self.cookie.as_deref().is_some_and(|c| {
            c.starts_with("tdb_refresh=;") && c.contains("Max-Age=0") && c.contains("Path=/api/v1/auth")
        })
    }
}

async fn call<S>(app: &S, request: test::TestRequest) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let cookies: Vec<String> = response
        .headers()
        .get_all(SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned())
        .filter(|c| c.starts_with("tdb_refresh="))
        .collect();
    assert!(cookies.len() <= 1, "one refresh cookie at most: {cookies:?}");
    let bytes = test::read_body(response).await;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        body,
        cookie: cookies.into_iter().next(),
    }
}

async fn login<S>(app: &S, email: &str) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let answer = call(
        app,
        test::TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"email": email, "password": PASSWORD})),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

/// `POST uri` with the refresh cookie `token` and `Origin: origin` when given.
fn session_request(uri: &str, token: Option<&str>, origin: Option<&str>) -> test::TestRequest {
    let mut request = test::TestRequest::post().uri(uri);
    if let Some(token) = token {
        request = request.insert_header(("Cookie", format!("tdb_refresh={token}")));
    }
    if let Some(origin) = origin {
        request = request.insert_header(("Origin", origin.to_owned()));
    }
    request
}

async fn refresh<S>(app: &S, state: &AppState, token: &str) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    call(
        app,
        session_request("/api/v1/auth/refresh", Some(token), Some(&origin(state))),
    )
    .await
}

/// Asserts a refused refresh: 401 with `code`, and the cookie cleared.
fn assert_refused(answer: &Answer, code: &str) {
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert_eq!(answer.body["code"], code, "{}", answer.body);
    assert!(
        answer.clears_cookie(),
        "a 401 clears the cookie: {:?}",
        answer.cookie
    );
}

async fn login_sets_the_refresh_cookie(db: TestDb) {
    let state = state_with(&db, |c| c.access_token_seconds = 120);
    let app = app(state.clone()).await;
    let answer = login(&app, ALICE).await;
    assert_eq!(answer.body["expires_in"], 120, "TDB_ACCESS_TOKEN_SECONDS");
    let claims = state
        .tokens
        .verify(answer.body["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.exp - claims.iat, 120);
    let cookie = answer.cookie.clone().unwrap();
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth",
        "Max-Age=43200",
    ] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-http localhost (the default public URL here): no Secure: {cookie}"
    );
    // Stored as its SHA-256 only, with a family.
    let token = answer.token();
    assert!(token.len() >= 43, "at least 32 random bytes: {token}");
    let mut conn = state.pool.get().unwrap();
    let stored: Vec<(String, String)> = refresh_tokens::table
        .select((refresh_tokens::token_hash, refresh_tokens::family_id))
        .load(&mut conn)
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0, tdb_api::auth::refresh::hash(&token));
    assert_ne!(stored[0].0, token);
    let owner: String = session_families::table
        .find(&stored[0].1)
        .select(session_families::user_email)
        .first(&mut conn)
        .unwrap();
    assert_eq!(owner, ALICE);

    // Behind https (or any host other than localhost), the cookie is Secure.
    for public in ["https://tdb.example.fr", "http://tdb.example.fr:8080"] {
        let other = db.sibling();
        let state = state_with(&other, |c| {
            c.public_url = Some(public.parse().unwrap());
            c.session_absolute_seconds = 3600;
        });
        let app = crate::support::app(state).await;
        let cookie = login(&app, ALICE).await.cookie.unwrap();
        assert!(cookie.contains("; Secure"), "{public}: {cookie}");
        assert!(cookie.contains("Max-Age=3600"), "{public}: {cookie}");
    }
}

async fn refresh_rotates_the_token_and_rereads_the_person(db: TestDb) {
    let state = state_with(&db, |_| {});
    let app = app(state.clone()).await;
    let first = login(&app, BOB).await.token();

    // The person changes between login and refresh: the refresh says so.
    diesel::update(users::table.find(BOB))
        .set((users::display_name.eq("Bob Renommé"), users::region_code.eq("11")))
        .execute(&mut state.pool.get().unwrap())
        .unwrap();
    let answer = refresh(&app, &state, &first).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["token_type"], "Bearer");
    assert_eq!(answer.body["expires_in"], 900);
    assert_eq!(answer.body["user"]["email"], BOB);
    assert_eq!(answer.body["user"]["display_name"], "Bob Renommé");
    assert_eq!(answer.body["user"]["region"], "11");
    let cookie = answer.cookie.clone().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let max_age: i64 = cookie
        .split("Max-Age=")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (43_190..=43_200).contains(&max_age),
        "Max-Age is what is left of the absolute lifetime: {max_age}"
    );
    let second = answer.token();
    assert_ne!(second, first, "rotated");
    let me = call(
        &app,
        test::TestRequest::get().uri("/api/v1/auth/me").insert_header((
            "Authorization",
            format!("Bearer {}", answer.body["access_token"].as_str().unwrap()),
        )),
    )
    .await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["subject"], BOB);
    assert_eq!(me.body["region"], "11");

    let third = refresh(&app, &state, &second).await;
    assert_eq!(third.status, 200, "{}", third.body);
    assert_ne!(third.token(), second);
}

async fn reusing_a_rotated_token_revokes_the_whole_family(db: TestDb) {
    let state = state_with(&db, |_| {});
    let app = app(state.clone()).await;
    let stolen = login(&app, ALICE).await.token();
    let other_device = login(&app, ALICE).await.token();
    let newest = refresh(&app, &state, &stolen).await.token();

    let reused = refresh(&app, &state, &stolen).await;
    assert_refused(&reused, "refresh_token_reused");
    assert_refused(&refresh(&app, &state, &newest).await, "session_expired");
    assert_refused(&refresh(&app, &state, &stolen).await, "refresh_token_reused");

    let mut conn = state.pool.get().unwrap();
    let entries: Vec<(String, String, Option<String>)> = audit_log::table
        .filter(audit_log::action.eq("refresh_token_reused"))
        .select((audit_log::actor, audit_log::channel, audit_log::detail))
        .load(&mut conn)
        .unwrap();
    assert!(!entries.is_empty(), "the reuse is audited");
    assert_eq!((entries[0].0.as_str(), entries[0].1.as_str()), (ALICE, "web"));
    let reasons: Vec<Option<String>> = session_families::table
        .filter(session_families::user_email.eq(ALICE))
        .order(session_families::started_at)
        .select(session_families::revoked_reason)
        .load(&mut conn)
        .unwrap();
    assert_eq!(reasons, [Some("reuse".to_owned()), None]);
    drop(conn);
    // Only that family: Alice's other session lives on.
    assert_eq!(refresh(&app, &state, &other_device).await.status, 200);
}

async fn concurrent_uses_of_one_token_succeed_at_most_once(db: TestDb) {
    let state = state_with(&db, |_| {});
    let app = app(state.clone()).await;
    let token = login(&app, ALICE).await.token();
    let lifetimes = state.config.session_lifetimes();
    let barrier = std::sync::Barrier::new(2);
    // Two connections outside the process's write turn: like two replicas.
    let outcomes: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = state.pool.get().unwrap();
                    barrier.wait();
                    let now = Utc::now().naive_utc();
                    sessions::refresh(&mut conn, &state.tokens, Some(&token), lifetimes, now)
                        .map(drop)
                        .map_err(|e| e.code().as_str().to_owned())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(won, 1, "{outcomes:?}");
    assert!(
        outcomes.contains(&Err("refresh_token_reused".to_owned())),
        "the other use is a reuse: {outcomes:?}"
    );
}

async fn idle_sessions_expire(db: TestDb) {
    let state = state_with(&db, |c| c.session_idle_seconds = 1);
    let app = app(state.clone()).await;
    let active = login(&app, ALICE).await.token();
    let active = refresh(&app, &state, &active).await.token();
    std::thread::sleep(std::time::Duration::from_millis(1_300));
    assert_refused(&refresh(&app, &state, &active).await, "session_expired");
}

async fn sessions_end_at_their_absolute_lifetime(db: TestDb) {
    let state = state_with(&db, |c| c.session_absolute_seconds = 60);
    let app = app(state.clone()).await;
    let answer = login(&app, ALICE).await;
    assert!(answer.cookie.as_deref().unwrap().contains("Max-Age=60"));
    let token = refresh(&app, &state, &answer.token()).await.token();
    // Active all along (the idle timeout is not reached), but the login is now 61 s old.
    diesel::update(session_families::table)
        .set(session_families::started_at.eq(Utc::now().naive_utc() - Duration::seconds(61)))
        .execute(&mut state.pool.get().unwrap())
        .unwrap();
    assert_refused(&refresh(&app, &state, &token).await, "session_expired");
}

async fn logout_revokes_the_session_and_clears_the_cookie(db: TestDb) {
    let state = state_with(&db, |_| {});
    let app = app(state.clone()).await;
    let origin = origin(&state);
    let token = login(&app, ALICE).await.token();
    let kept = login(&app, ALICE).await.token();

    let refused = call(&app, session_request("/api/v1/auth/logout", Some(&token), None)).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("origin_refused"))
    );

    let answer = call(
        &app,
        session_request("/api/v1/auth/logout", Some(&token), Some(&origin)),
    )
    .await;
    assert_eq!(answer.status, 204);
    assert!(answer.clears_cookie(), "{:?}", answer.cookie);
    assert_refused(&refresh(&app, &state, &token).await, "session_expired");
    // Idempotent: again, or without a cookie, or with an unknown one.
    for cookie in [Some(token.as_str()), None, Some("inconnu")] {
        let again = call(
            &app,
            session_request("/api/v1/auth/logout", cookie, Some(&origin)),
        )
        .await;
        assert_eq!(again.status, 204, "{cookie:?}");
    }
    // Only that session.
    assert_eq!(refresh(&app, &state, &kept).await.status, 200);
}

async fn logout_all_revokes_every_session_of_the_person(db: TestDb) {
    let state = state_with(&db, |_| {});
    let app = app(state.clone()).await;
    let origin = origin(&state);
    let laptop = login(&app, ALICE).await;
    let phone = login(&app, ALICE).await.token();
    let bob = login(&app, BOB).await.token();
    let bearer = format!("Bearer {}", laptop.body["access_token"].as_str().unwrap());

    let partner = call(
        &app,
        session_request("/api/v1/auth/logout-all", None, Some(&origin))
            .insert_header(("Authorization", auth::partner(&state, &["read"], None))),
    )
    .await;
    assert_eq!(partner.status, 403);
    let anonymous = call(
        &app,
        session_request("/api/v1/auth/logout-all", None, Some(&origin)),
    )
    .await;
    assert_eq!(anonymous.status, 401);
    let no_origin = call(
        &app,
        session_request("/api/v1/auth/logout-all", None, None)
            .insert_header(("Authorization", bearer.clone())),
    )
    .await;
    assert_eq!(no_origin.body["code"], "origin_refused");

    let answer = call(
        &app,
        session_request("/api/v1/auth/logout-all", Some(&laptop.token()), Some(&origin))
            .insert_header(("Authorization", bearer)),
    )
    .await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert!(answer.clears_cookie());
    for token in [laptop.token(), phone] {
        assert_refused(&refresh(&app, &state, &token).await, "session_expired");
    }
    assert_eq!(
        refresh(&app, &state, &bob).await.status,
        200,
        "Bob's session lives on"
    );
}

async fn deactivating_an_account_revokes_its_sessions(db: TestDb) {
    let state = state_with(&db, |_| {});
    let app = app(state.clone()).await;
    let token = login(&app, ALICE).await.token();
    let bob = login(&app, BOB).await.token();

    // The command an operator runs.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tdb"))
        .args(["user", "deactivate", "--email", ALICE])
        .env("TDB_DATABASE_URL", db.url())
        .env("TDB_LOG", "warn")
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{printed} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(printed.contains("1 session(s) revoked"), "{printed}");
    assert_refused(&refresh(&app, &state, &token).await, "session_expired");
    let login_refused = call(
        &app,
        test::TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"email": ALICE, "password": PASSWORD})),
    )
    .await;
    assert_eq!(login_refused.body["code"], "invalid_credentials");

    let mut conn = state.pool.get().unwrap();
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("account_deactivated"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(audited, 1);
    // Reactivated: a new login works, the revoked session stays revoked.
    let now = Utc::now().naive_utc();
    sessions::activate(&mut conn, ALICE, "test", now).unwrap();
    drop(conn);
    let fresh = login(&app, ALICE).await.token();
    assert_eq!(refresh(&app, &state, &fresh).await.status, 200);
    assert_refused(&refresh(&app, &state, &token).await, "session_expired");

    // An account made inactive by any other means cannot refresh either.
    diesel::update(users::table.find(BOB))
        .set(users::active.eq(false))
        .execute(&mut state.pool.get().unwrap())
        .unwrap();
    assert_refused(&refresh(&app, &state, &bob).await, "session_expired");
    let unknown = sessions::deactivate(&mut state.pool.get().unwrap(), "personne@nulle.part", "test", now);
    assert_eq!(unknown.unwrap_err().code().as_str(), "not_found");
}

async fn a_cookie_only_ever_yields_its_own_person(db: TestDb) {
    let state = state_with(&db, |_| {});
    let app = app(state.clone()).await;
    let alice = login(&app, ALICE).await.token();
    let bob = login(&app, BOB).await.token();
    let answer = refresh(&app, &state, &alice).await;
    assert_eq!(answer.body["user"]["email"], ALICE);
    let alice = answer.token();
    let answer = refresh(&app, &state, &bob).await;
    assert_eq!(answer.body["user"]["email"], BOB);

    let mut tampered = alice.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let hash_of_alice = tdb_api::auth::refresh::hash(&alice);
    let too_long = "A".repeat(500);
    for forged in [tampered.as_str(), &hash_of_alice, "", "null", &too_long] {
        assert_refused(&refresh(&app, &state, forged).await, "invalid_refresh_token");
    }
    let missing = call(
        &app,
        session_request("/api/v1/auth/refresh", None, Some(&origin(&state))),
    )
    .await;
    assert_refused(&missing, "invalid_refresh_token");
    // The forgeries did not harm Alice's session.
    assert_eq!(refresh(&app, &state, &alice).await.body["user"]["email"], ALICE);
}

async fn refresh_needs_the_public_origin(db: TestDb) {
    let state = state_with(&db, |c| {
        c.public_url = Some("https://tdb.example.fr/app".parse().unwrap());
    });
    let app = app(state.clone()).await;
    let token = login(&app, ALICE).await.token();
    for origin in [
        None,
        Some("https://evil.example"),
        Some("null"),
        Some("http://tdb.example.fr"),
        Some("https://tdb.example.fr.evil.example"),
        Some("https://tdb.example.fr/app"),
    ] {
        let answer = call(
            &app,
            session_request("/api/v1/auth/refresh", Some(&token), origin),
        )
        .await;
        assert_eq!(answer.status, 403, "{origin:?}");
        assert_eq!(answer.body["code"], "origin_refused");
        assert!(
            answer.cookie.is_none(),
            "a refused origin leaves the cookie alone"
        );
    }
    for origin in ["https://tdb.example.fr", "https://TDB.example.fr:443"] {
        let answer = call(
            &app,
            session_request("/api/v1/auth/refresh", Some(&token), Some(origin)),
        )
        .await;
        if origin == "https://tdb.example.fr" {
            assert_eq!(answer.status, 200, "{}", answer.body);
            assert!(answer.cookie.unwrap().contains("; Secure"));
        } else {
            // Same origin spelt otherwise: accepted, and the token (already spent above) is a reuse.
            assert_eq!(answer.body["code"], "refresh_token_reused");
        }
    }
}

on_both_backends!(
    login_sets_the_refresh_cookie,
    refresh_rotates_the_token_and_rereads_the_person,
    reusing_a_rotated_token_revokes_the_whole_family,
    concurrent_uses_of_one_token_succeed_at_most_once,
    idle_sessions_expire,
    sessions_end_at_their_absolute_lifetime,
    logout_revokes_the_session_and_clears_the_cookie,
    logout_all_revokes_every_session_of_the_person,
    deactivating_an_account_revokes_its_sessions,
    a_cookie_only_ever_yields_its_own_person,
    refresh_needs_the_public_origin,
);
