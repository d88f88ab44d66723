//! Webhooks (docs/events.md): subscriptions through the API, deliveries to a real HTTP receiver started
//! by the test and verified with an independent implementation of the Standard Webhooks signature
//! (`support::receiver`), retries after 500s and timeouts, order per subscription, rotation, replay,
//! disabling past the retry horizon, the SSRF guard and who may manage what.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::config::WebhookConfig;
use tdb_api::db::repo::events::{self as log, NewEvent};
use tdb_api::services::webhooks::dispatcher::Dispatcher;
use tdb_api::state::AppState;

use crate::events::settle;
use crate::forms_fixtures::send;
use crate::on_both_backends;
use crate::support::receiver::{Receiver, Reply, verifies};
use crate::support::{TestDb, app, auth, config, fixtures};

/// The settings of these tests: 127.0.0.1 allowed (and over http), quick retries.
fn hooks() -> WebhookConfig {
    WebhookConfig {
        allow: "127.0.0.1".to_owned(),
        timeout_ms: 400,
        retry_base_ms: 1,
        ..WebhookConfig::default()
    }
}

/// A state whose API applies `hooks`.
fn state_with(db: &TestDb, hooks: WebhookConfig) -> AppState {
    let mut config = config(db, PathBuf::from("/nonexistent-web-dist"));
    config.webhooks = hooks;
    let state = tdb_api::server::build_state(config).unwrap();
    fixtures::small_world(&state);
    fixtures::insert_campaign(&state, 2024, "collecte");
    state
}

/// Appends events of `types` (committed at once), about the EHPAD of the small world.
fn append(state: &AppState, types: &[&str]) {
    let now = Utc::now().naive_utc();
    let events: Vec<NewEvent> = types
        .iter()
        .map(|t| NewEvent {
            event_type: (*t).to_owned(),
            campaign_year: Some(2024),
            structure_finess: Some("590000011".to_owned()),
            actor: "direction@esms.test".to_owned(),
            actor_role: "esms".to_owned(),
            at: now,
            payload: json!({"version": 1}).to_string(),
        })
        .collect();
    let mut conn = state.pool.get().unwrap();
    conn.transaction(|conn| log::append(conn, &events)).unwrap();
}

/// Runs one dispatcher with `hooks` (on its own thread: its blocking HTTP client cannot live in the
/// test's async runtime) until nothing is due; the attempts made.
fn deliver(state: &AppState, hooks: &WebhookConfig) -> usize {
    settle(state);
    let pool = state.pool.clone();
    let hooks = hooks.clone();
    std::thread::spawn(move || {
        Dispatcher::new(pool, &hooks, "http://tdb.test")
            .unwrap()
            .deliver_due()
            .unwrap()
    })
    .join()
    .unwrap()
}

/// Delivers until `done` holds (10 s at most), as a replica's threads would, retries included.
fn deliver_until(state: &AppState, hooks: &WebhookConfig, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "deliveries did not complete");
        deliver(state, hooks);
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The event ids of `path`'s hits.
fn ids(receiver: &Receiver, path: &str) -> Vec<i64> {
    receiver.hits(path).iter().map(|h| h.event_id()).collect()
}

/// The ids of the stored events, in order.
fn stored_ids(state: &AppState) -> Vec<i64> {
    use tdb_api::db::schema::events;
    let mut conn = state.pool.get().unwrap();
    events::table
        .select(events::id)
        .order(events::id)
        .load(&mut conn)
        .unwrap()
}

async fn deliveries_are_signed_ordered_logged_rotated_and_replayed(db: TestDb) {
    let state = state_with(&db, hooks());
    let app = app(state.clone()).await;
    let receiver = Receiver::start();
    let national = auth::national(&state);
    // Events before the subscription are not delivered (it starts at the head of the feed).
    append(&state, &["form.submitted"]);
    settle(&state);
    let created = send(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        Some(&national),
        None,
        Some(json!({"url": receiver.url("/hook"), "types": ["form.submitted", "form.validated"]})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = created.body["subscription"]["id"].as_i64().unwrap();
    let url = format!("/api/v1/webhooks/{id}");
    // The secret is never shown again.
    let shown = send(&app, Method::GET, &url, Some(&national), None, None).await;
    assert_eq!(shown.status, 200);
    assert!(!shown.body.to_string().contains(&secret));
    assert_eq!(shown.body["types"], json!(["form.submitted", "form.validated"]));

    append(
        &state,
        &[
            "form.submitted",
            "form.values_changed",
            "form.validated",
            "form.submitted",
        ],
    );
    deliver(&state, &hooks());
    let hits = receiver.hits("/hook");
    let all = stored_ids(&state);
    // The three events of the types subscribed, after the subscription, in order, each signed.
    let expected: Vec<i64> = vec![all[1], all[3], all[4]];
    assert_eq!(ids(&receiver, "/hook"), expected);
    for hit in &hits {
        assert!(verifies(&secret, hit), "signature of {}", hit.id);
        assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", hit));
        assert_eq!(hit.id, format!("evt_{}", hit.event_id()));
        let body: Value = serde_json::from_slice(&hit.body).unwrap();
        assert_eq!(body["structure"], "590000011");
        assert_eq!(body["actor"], "direction@esms.test", "national sees the actor");
    }
    // The delivery log: one successful attempt per event, newest first.
    let log = send(
        &app,
        Method::GET,
        &format!("{url}/deliveries"),
        Some(&national),
        None,
        None,
    )
    .await;
    assert_eq!(log.status, 200);
    let attempts = log.body.as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert!(
        attempts
            .iter()
            .all(|a| a["succeeded"] == true && a["status_code"] == 200 && a["attempt"] == 1)
    );
    assert_eq!(attempts[0]["event_id"], all[4]);

    // Rotation: both secrets sign during the overlap.
    let rotated = send(
        &app,
        Method::POST,
        &format!("{url}/secret"),
        Some(&national),
        None,
        None,
    )
    .await;
    assert_eq!(rotated.status, 200);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    assert!(rotated.body["subscription"]["previous_secret_expires_at"].is_string());
    append(&state, &["form.validated"]);
    deliver(&state, &hooks());
    let all = stored_ids(&state);
    let last = receiver.hits("/hook").last().unwrap().clone();
    assert_eq!(last.signature.split(' ').count(), 2);
    assert!(verifies(&new_secret, &last) && verifies(&secret, &last));

    // Replay from the cursor after the first delivered event: the later ones come again, in order.
    let feed = send(
        &app,
        Method::GET,
        "/api/v1/events?limit=2",
        Some(&national),
        None,
        None,
    )
    .await;
    let after = feed.body["next_cursor"].as_str().unwrap().to_owned();
    let replayed = send(
        &app,
        Method::POST,
        &format!("{url}/replay"),
        Some(&national),
        None,
        Some(json!({"after": after})),
    )
    .await;
    assert_eq!(replayed.status, 200, "{}", replayed.body);
    assert_eq!(replayed.body["cursor"], after.as_str());
    deliver(&state, &hooks());
    assert_eq!(
        ids(&receiver, "/hook"),
        vec![all[1], all[3], all[4], all[5], all[3], all[4], all[5]]
    );
    let bad = send(
        &app,
        Method::POST,
        &format!("{url}/replay"),
        Some(&national),
        None,
        Some(json!({"after": "nope"})),
    )
    .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["errors"][0]["path"], "/after");

    let gone = send(&app, Method::DELETE, &url, Some(&national), None, None).await;
    assert_eq!(gone.status, 204);
    let missing = send(&app, Method::GET, &url, Some(&national), None, None).await;
    assert_eq!(missing.status, 404);
}

async fn failures_are_retried_in_order_then_the_subscription_is_disabled(db: TestDb) {
    let state = state_with(&db, hooks());
    let app = app(state.clone()).await;
    let receiver = Receiver::start();
    let national = auth::national(&state);
    let created = send(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        Some(&national),
        None,
        Some(json!({"url": receiver.url("/flaky")})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let url = format!("/api/v1/webhooks/{}", created.body["subscription"]["id"]);
    // The first event is answered 500, then too late (timeout), then 200; the second waits for it.
    receiver.script(
        "/flaky",
        &[
            Reply::Status(500),
            Reply::Slow(Duration::from_millis(1500)),
            Reply::Status(200),
        ],
    );
    append(&state, &["form.submitted", "form.validated"]);
    let all = stored_ids(&state);
    deliver_until(&state, &hooks(), || {
        receiver.hits("/flaky").iter().filter(|h| h.accepted()).count() == 2
    });
    assert_eq!(ids(&receiver, "/flaky"), vec![all[0], all[0], all[0], all[1]]);
    let log = send(
        &app,
        Method::GET,
        &format!("{url}/deliveries"),
        Some(&national),
        None,
        None,
    )
    .await;
    let attempts: Vec<(i64, i64, Value, bool)> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|a| {
            (
                a["event_id"].as_i64().unwrap(),
                a["attempt"].as_i64().unwrap(),
                a["status_code"].clone(),
                a["succeeded"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        vec![
            (all[0], 1, json!(500), false),
            (all[0], 2, Value::Null, false),
            (all[0], 3, json!(200), true),
            (all[1], 1, json!(200), true),
        ]
    );
    let timed_out = &log.body.as_array().unwrap()[2];
    assert!(
        timed_out["error"].as_str().unwrap().contains("délai"),
        "{timed_out}"
    );
    assert!(timed_out["latency_ms"].as_i64().unwrap() >= 350);

    // A receiver that keeps failing past the horizon (0 s here): disabled, its owner told by mail.
    receiver.always("/flaky", Some(503));
    let strict = WebhookConfig {
        retry_horizon_seconds: 0,
        ..hooks()
    };
    append(&state, &["form.reopened"]);
    deliver(&state, &strict);
    let shown = send(&app, Method::GET, &url, Some(&national), None, None).await;
    assert_eq!(shown.body["state"], "disabled", "{}", shown.body);
    assert!(
        shown.body["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 503")
    );
    {
        use tdb_api::db::schema::mail_outbox;
        let mut conn = state.pool.get().unwrap();
        let mails: Vec<(String, String)> = mail_outbox::table
            .select((mail_outbox::recipient, mail_outbox::subject))
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            mails,
            vec![(
                "admin@national.test".to_owned(),
                "Un webhook a été désactivé".to_owned()
            )]
        );
    }
    // Disabled: nothing more is sent.
    let before = receiver.hits("/flaky").len();
    deliver(&state, &strict);
    assert_eq!(receiver.hits("/flaky").len(), before);
    // Enabled again: the event that failed comes first.
    receiver.always("/flaky", None);
    let enabled = send(
        &app,
        Method::PATCH,
        &url,
        Some(&national),
        None,
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(enabled.status, 200);
    assert_eq!(enabled.body["state"], "active");
    deliver(&state, &hooks());
    let last = receiver.hits("/flaky").last().unwrap().clone();
    assert!(last.accepted());
    assert_eq!(last.event_id(), *stored_ids(&state).last().unwrap());
}

async fn the_ssrf_guard_refuses_private_plain_and_redirected_destinations(db: TestDb) {
    // The API without an allow-list.
    let state = state_with(&db, WebhookConfig::default());
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    for (url, code) in [
        ("https://127.0.0.1/hook", "forbidden_address"),
        ("https://10.1.2.3/hook", "forbidden_address"),
        ("https://169.254.169.254/latest/meta-data", "forbidden_address"),
        ("https://[::1]/hook", "forbidden_address"),
        ("https://[fd00::1]/hook", "forbidden_address"),
        ("https://localhost/hook", "forbidden_address"),
        ("http://93.184.215.14/hook", "https_required"),
        ("ftp://93.184.215.14/hook", "https_required"),
        ("https://user:pw@93.184.215.14/hook", "invalid_url"),
        ("pas une url", "invalid_url"),
    ] {
        let refused = send(
            &app,
            Method::POST,
            "/api/v1/webhooks",
            Some(&national),
            None,
            Some(json!({"url": url, "types": ["nope"]})),
        )
        .await;
        assert_eq!(refused.status, 422, "{url}: {}", refused.body);
        let errors = refused.body["errors"].as_array().unwrap();
        assert_eq!(errors[0]["path"], "/url", "{url}");
        assert_eq!(errors[0]["code"], code, "{url}");
        assert_eq!(errors[1]["path"], "/types/0");
        assert_eq!(errors[1]["code"], "unknown_event_type");
    }

    // With 127.0.0.1 allowed: a receiver answering a redirect is a failed attempt, not followed.
    let other = db.sibling();
    let allowed = state_with(&other, hooks());
    let app = crate::support::app(allowed.clone()).await;
    let national = auth::national(&allowed);
    let receiver = Receiver::start();
    receiver.script("/moved", &[Reply::Redirect(receiver.url("/target"))]);
    let created = send(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        Some(&national),
        None,
        Some(json!({"url": receiver.url("/moved")})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["subscription"]["id"].as_i64().unwrap();
    append(&allowed, &["form.submitted"]);
    // No retry within this round (the next one would be answered 200).
    let once = WebhookConfig {
        retry_base_ms: 60_000,
        ..hooks()
    };
    deliver(&allowed, &once);
    assert_eq!(receiver.hits("/moved").len(), 1);
    assert!(
        receiver.hits("/target").is_empty(),
        "the redirect is not followed"
    );
    let log = send(
        &app,
        Method::GET,
        &format!("/api/v1/webhooks/{id}/deliveries"),
        Some(&national),
        None,
        None,
    )
    .await;
    assert_eq!(log.body[0]["status_code"], 307, "{}", log.body);
    assert_eq!(log.body[0]["succeeded"], false);

    // At delivery time too: the same subscription, sent by a dispatcher without the allow-list
    // (literal address), then a host name that now resolves to a loopback address (DNS rebinding,
    // checked by the resolver of the HTTP client): refused, nothing reaches the receiver.
    let closed = WebhookConfig {
        retry_base_ms: 60_000,
        ..WebhookConfig::default()
    };
    let due_now = |url: Option<String>| {
        use tdb_api::db::schema::webhook_subscriptions as subs;
        let mut conn = allowed.pool.get().unwrap();
        diesel::update(subs::table.find(id))
            .set(subs::next_attempt_at.eq(Utc::now().naive_utc()))
            .execute(&mut conn)
            .unwrap();
        if let Some(url) = url {
            diesel::update(subs::table.find(id))
                .set(subs::url.eq(url))
                .execute(&mut conn)
                .unwrap();
        }
    };
    let before = receiver.hits("/moved").len();
    due_now(None);
    deliver(&allowed, &closed);
    due_now(Some(format!("https://localhost:{}/moved", receiver.addr.port())));
    deliver(&allowed, &closed);
    assert_eq!(receiver.hits("/moved").len(), before);
    let log = send(
        &app,
        Method::GET,
        &format!("/api/v1/webhooks/{id}/deliveries?limit=2"),
        Some(&national),
        None,
        None,
    )
    .await;
    let errors: Vec<&str> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["error"].as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 2, "{}", log.body);
    assert!(
        errors
            .iter()
            .all(|e| e.contains("forbidden_address") || e.contains("https_required")),
        "{errors:?}"
    );
    assert!(
        errors[0].contains("forbidden_address"),
        "rebinding refused: {errors:?}"
    );
}

async fn each_owner_manages_its_own_subscriptions(db: TestDb) {
    let state = state_with(&db, hooks());
    let app = app(state.clone()).await;
    let receiver = Receiver::start();
    let partner = |subject: &str, scopes: &[&str]| {
        let mut claims = tdb_api::auth::Claims::new(subject, tdb_api::auth::Role::Partner);
        claims.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        auth::bearer(&state, &claims)
    };
    let alpha = partner("client-alpha", &["events:read"]);
    let beta = partner("client-beta", &["read"]);
    let created = send(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        Some(&alpha),
        None,
        Some(json!({"url": receiver.url("/alpha")})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["subscription"]["owner"], "client-alpha");
    let url = format!("/api/v1/webhooks/{}", created.body["subscription"]["id"]);

    // Another client sees none of it.
    let listed = send(&app, Method::GET, "/api/v1/webhooks", Some(&beta), None, None).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body, json!([]));
    for (method, uri, body) in [
        (Method::GET, url.clone(), None),
        (Method::PATCH, url.clone(), Some(json!({"enabled": false}))),
        (Method::DELETE, url.clone(), None),
        (Method::POST, format!("{url}/secret"), None),
        (Method::POST, format!("{url}/replay"), Some(json!({}))),
        (Method::GET, format!("{url}/deliveries"), None),
    ] {
        let answer = send(&app, method.clone(), &uri, Some(&beta), None, body).await;
        assert_eq!(answer.status, 404, "{method} {uri}");
    }
    // National sees and manages every one.
    let national = auth::national(&state);
    let all = send(&app, Method::GET, "/api/v1/webhooks", Some(&national), None, None).await;
    assert_eq!(all.body.as_array().unwrap().len(), 1);
    // Partners see the actor's role only, as in the feed.
    append(&state, &["form.submitted"]);
    deliver(&state, &hooks());
    let body: Value = serde_json::from_slice(&receiver.hits("/alpha")[0].body).unwrap();
    assert_eq!(body["actor"], Value::Null);
    assert_eq!(body["actor_role"], "esms");

    // The structures and authorities have no webhooks (their feed is scoped; docs/events.md), nor a
    // partner without `events:read`/`read`; nobody without a token.
    let refused = [
        auth::esms(&state, &["590000011"]),
        auth::og(&state, "590000001"),
        auth::ars(&state, "32"),
        auth::cd(&state, "59"),
        partner("client-pusher", &["prefill:write"]),
    ];
    for token in &refused {
        let list = send(&app, Method::GET, "/api/v1/webhooks", Some(token), None, None).await;
        assert_eq!(list.status, 403);
        let create = send(
            &app,
            Method::POST,
            "/api/v1/webhooks",
            Some(token),
            None,
            Some(json!({"url": receiver.url("/other")})),
        )
        .await;
        assert_eq!(create.status, 403);
        let get = send(&app, Method::GET, &url, Some(token), None, None).await;
        assert_eq!(get.status, 403);
    }
    let anonymous = send(&app, Method::GET, "/api/v1/webhooks", None, None, None).await;
    assert_eq!(anonymous.status, 401);
    let deleted = send(&app, Method::DELETE, &url, Some(&national), None, None).await;
    assert_eq!(deleted.status, 204);
}

/// Every change of a subscription is in the audit log, with its actor and never its secret; a refused
/// change writes nothing.
async fn subscription_changes_are_audited(db: TestDb) {
    use tdb_api::db::schema::audit_log;
    let state = state_with(&db, hooks());
    let app = app(state.clone()).await;
    let receiver = Receiver::start();
    let mut claims = tdb_api::auth::Claims::new("client-alpha", tdb_api::auth::Role::Partner);
    claims.scopes = vec!["events:read".to_owned()];
    let alpha = auth::bearer(&state, &claims);
    let national = auth::national(&state);
    let created = send(
        &app,
        Method::POST,
        "/api/v1/webhooks",
        Some(&alpha),
        None,
        Some(json!({"url": receiver.url("/alpha"), "types": ["form.submitted"]})),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["subscription"]["id"].as_i64().unwrap();
    let first_secret = created.body["secret"].as_str().unwrap().to_owned();
    let url = format!("/api/v1/webhooks/{id}");
    let steps = [
        (
            Method::PATCH,
            url.clone(),
            Some(json!({"types": ["form.validated"]})),
            200,
        ),
        (Method::PATCH, url.clone(), Some(json!({"enabled": false})), 200),
        (Method::PATCH, url.clone(), Some(json!({"enabled": true})), 200),
        (Method::POST, format!("{url}/secret"), None, 200),
        (
            Method::POST,
            format!("{url}/replay"),
            Some(json!({"after": "0.0"})),
            200,
        ),
    ];
    let mut secrets = vec![first_secret];
    for (method, uri, body, status) in steps {
        let answer = send(&app, method.clone(), &uri, Some(&alpha), None, body).await;
        assert_eq!(answer.status, status, "{method} {uri}: {}", answer.body);
        if let Some(secret) = answer.body["secret"].as_str() {
            secrets.push(secret.to_owned());
        }
    }
    // Refused: an unknown type, another client; nothing audited for them.
    let bad = send(
        &app,
        Method::PATCH,
        &url,
        Some(&alpha),
        None,
        Some(json!({"types": ["inconnu"]})),
    )
    .await;
    assert_eq!(bad.status, 422);
    let beta = auth::partner(&state, &["read"], None);
    let foreign = send(&app, Method::DELETE, &url, Some(&beta), None, None).await;
    assert_eq!(foreign.status, 404);
    let deleted = send(&app, Method::DELETE, &url, Some(&national), None, None).await;
    assert_eq!(deleted.status, 204);

    let mut conn = state.pool.get().unwrap();
    let entries: Vec<(String, String, Option<String>)> = audit_log::table
        .filter(audit_log::action.like("webhook_%"))
        .order(audit_log::id)
        .select((audit_log::actor, audit_log::action, audit_log::detail))
        .load(&mut conn)
        .unwrap();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|(actor, action, _)| (actor.as_str(), action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("client-alpha", "webhook_created"),
            ("client-alpha", "webhook_updated"),
            ("client-alpha", "webhook_updated"),
            ("client-alpha", "webhook_reenabled"),
            ("client-alpha", "webhook_secret_rotated"),
            ("client-alpha", "webhook_replayed"),
            ("admin@national.test", "webhook_deleted"),
        ]
    );
    for (_, action, detail) in &entries {
        let detail: Value = serde_json::from_str(detail.as_deref().unwrap()).unwrap();
        assert_eq!(detail["subscription"], id, "{action}");
        for secret in &secrets {
            assert!(
                !detail.to_string().contains(secret.as_str()),
                "{action} shows a secret"
            );
        }
    }
    let created: Value = serde_json::from_str(entries[0].2.as_deref().unwrap()).unwrap();
    assert_eq!(created["url"], receiver.url("/alpha"));
    let disabled: Value = serde_json::from_str(entries[2].2.as_deref().unwrap()).unwrap();
    assert_eq!(disabled["enabled"], false);
}

on_both_backends!(
    subscription_changes_are_audited,
    deliveries_are_signed_ordered_logged_rotated_and_replayed,
    failures_are_retried_in_order_then_the_subscription_is_disabled,
    the_ssrf_guard_refuses_private_plain_and_redirected_destinations,
    each_owner_manages_its_own_subscriptions,
);
