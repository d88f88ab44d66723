//! Logging in, client credentials, token checks and attempt limits.

use actix_web::test;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::auth::{Claims, Role, TokenService};
use tdb_api::config::Secret;
use tdb_api::db::schema::users;

use crate::on_both_backends;
use crate::support::fixtures::{insert_client, insert_user, small_world};
use crate::support::{TestDb, app, state};

const PASSWORD: &str = "Un mot de passe solide 2024 !";

fn login_request(email: &str, password: &str) -> actix_http::Request {
    test::TestRequest::post()
        .uri("/api/v1/auth/login")
        .peer_addr("10.0.0.7:50000".parse().unwrap())
        .set_json(json!({"email": email, "password": password}))
        .to_request()
}

fn me_request(authorization: &str) -> actix_http::Request {
    test::TestRequest::get()
        .uri("/api/v1/auth/me")
        .insert_header(("Authorization", authorization))
        .to_request()
}

async fn a_user_logs_in_and_the_token_identifies_them(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    insert_user(
        &state,
        "direction@tilleuls.fr",
        PASSWORD,
        "esms",
        &["590000011", "590000021"],
    );
    let app = app(state).await;

    let response = test::call_service(&app, login_request("Direction@Tilleuls.fr ", PASSWORD)).await;
    assert_eq!(response.status(), 200);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["email"], "direction@tilleuls.fr");
    assert_eq!(body["user"]["role"], "esms");
    assert_eq!(body["user"]["structures"], json!(["590000011", "590000021"]));

    let token = body["access_token"].as_str().unwrap();
    let me: Value = test::call_and_read_body_json(&app, me_request(&format!("Bearer {token}"))).await;
    assert_eq!(
        me,
        json!({"subject": "direction@tilleuls.fr", "role": "esms", "structures": ["590000011", "590000021"]})
    );
}

async fn wrong_password_and_unknown_account_look_the_same(db: TestDb) {
    let state = state(&db);
    insert_user(&state, "agent@ars-hdf.fr", PASSWORD, "ars", &["32"]);
    let app = app(state).await;
    let mut bodies = Vec::new();
    for (email, password) in [("agent@ars-hdf.fr", "mauvais"), ("personne@nulle.part", PASSWORD)] {
        let response = test::call_service(&app, login_request(email, password)).await;
        assert_eq!(response.status(), 401);
        assert!(response.headers().get("www-authenticate").is_some());
        let body: Value = test::read_body_json(response).await;
        assert_eq!(body["code"], "invalid_credentials");
        bodies.push(body);
    }
    assert_eq!(bodies[0], bodies[1]);
}

async fn repeated_failures_lock_the_account_even_with_the_right_password(db: TestDb) {
    let state = state(&db);
    insert_user(&state, "siege@og.fr", PASSWORD, "og", &[]);
    let app = app(state).await;
    for _ in 0..5 {
        let response = test::call_service(&app, login_request("siege@og.fr", "mauvais")).await;
        assert_eq!(response.status(), 401);
    }
    let response = test::call_service(&app, login_request("siege@og.fr", PASSWORD)).await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 15 * 60);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["code"], "too_many_requests");
    // The wait in words a person reads, not a count of seconds.
    assert_eq!(
        body["detail"],
        format!(
            "Trop de tentatives : réessayez dans {}.",
            tdb_domain::display::wait_duration(retry_after)
        )
    );
    assert!(!body["detail"].as_str().unwrap().contains("secondes") || retry_after < 60);
}

async fn passwords_are_stored_as_argon2id_hashes_only(db: TestDb) {
    let state = state(&db);
    insert_user(&state, "admin@national.fr", PASSWORD, "national", &[]);
    let stored: String = users::table
        .find("admin@national.fr")
        .select(users::password_hash)
        .first(&mut state.pool.get().unwrap())
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains(PASSWORD));
    let request = tdb_domain::contract::LoginRequest {
        email: "a@b.fr".into(),
        password: PASSWORD.into(),
    };
    assert!(
        !format!("{request:?}").contains(PASSWORD),
        "Debug output must hide the password"
    );
}

async fn bad_tokens_are_refused(db: TestDb) {
    let state = state(&db);
    let app = app(state.clone()).await;
    let claims = Claims::new("admin@national.fr", Role::National);
    let other_key = TokenService::new(&Secret::new("another-key-another-key-another-key-0"));
    let mut expired = claims.clone();
    expired.iat -= 7200;
    expired.exp = expired.iat + 900;
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"test-secret-test-secret-test-secret-0123"),
    )
    .unwrap();
    let good = state.tokens.sign(&claims).unwrap();
    let payload = good.split('.').nth(1).unwrap();
    let cases = [
        (None, "unauthenticated"),
        (Some("Basic YWRtaW46YWRtaW4=".to_owned()), "invalid_token"),
        (
            Some(format!("Bearer {}", other_key.sign(&claims).unwrap())),
            "invalid_token",
        ),
        (
            Some(format!("Bearer {}", state.tokens.sign(&expired).unwrap())),
            "token_expired",
        ),
        (Some(format!("Bearer {hs512}")), "invalid_token"),
        (
            Some(format!("Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.")),
            "invalid_token",
        ),
    ];
    for (authorization, code) in cases {
        let mut request = test::TestRequest::get().uri("/api/v1/auth/me");
        if let Some(value) = &authorization {
            request = request.insert_header(("Authorization", value.as_str()));
        }
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(response.status(), 401, "{authorization:?}");
        let body: Value = test::read_body_json(response).await;
        assert_eq!(body["code"], code, "{authorization:?}");
    }
    let response = test::call_service(&app, me_request(&format!("Bearer {good}"))).await;
    assert_eq!(response.status(), 200);
}

/// A form body as key/value pairs.
type Form<'a> = [(&'a str, &'a str)];

fn token_request(form: &Form) -> actix_http::Request {
    test::TestRequest::post()
        .uri("/api/v1/auth/token")
        .set_form(form)
        .to_request()
}

async fn partner_clients_get_scoped_tokens(db: TestDb) {
    let state = state(&db);
    insert_client(
        &state,
        "cnsa",
        "secret-cnsa-tres-long",
        "read prefill:write",
        Some("cnsa_errd"),
    );
    let app = app(state.clone()).await;

    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", "cnsa"),
        ("client_secret", "secret-cnsa-tres-long"),
    ];
    let body: Value = test::call_and_read_body_json(&app, token_request(&form)).await;
    assert_eq!(body["scope"], "read prefill:write");
    let claims = state
        .tokens
        .verify(body["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        (claims.role, claims.source.as_deref()),
        (Role::Partner, Some("cnsa_errd"))
    );

    let narrowed = [
        ("grant_type", "client_credentials"),
        ("client_id", "cnsa"),
        ("client_secret", "secret-cnsa-tres-long"),
        ("scope", "read"),
    ];
    let body: Value = test::call_and_read_body_json(&app, token_request(&narrowed)).await;
    assert_eq!(body["scope"], "read");

    let cases: [(&Form, u16, &str); 3] = [
        (
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "cnsa"),
                ("client_secret", "faux"),
            ],
            401,
            "invalid_client",
        ),
        (
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "cnsa"),
                ("client_secret", "secret-cnsa-tres-long"),
                ("scope", "admin"),
            ],
            400,
            "invalid_scope",
        ),
        (
            &[
                ("grant_type", "password"),
                ("client_id", "cnsa"),
                ("client_secret", "secret-cnsa-tres-long"),
            ],
            400,
            "unsupported_grant_type",
        ),
    ];
    for (form, status, code) in cases {
        let response = test::call_service(&app, token_request(form)).await;
        assert_eq!(response.status(), status, "{form:?}");
        let body: Value = test::read_body_json(response).await;
        assert_eq!(body["code"], code);
    }
}

on_both_backends!(
    a_user_logs_in_and_the_token_identifies_them,
    wrong_password_and_unknown_account_look_the_same,
    repeated_failures_lock_the_account_even_with_the_right_password,
    passwords_are_stored_as_argon2id_hashes_only,
    bad_tokens_are_refused,
    partner_clients_get_scoped_tokens,
);
