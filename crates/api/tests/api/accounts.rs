//! Accounts managed by scope, invitations and password links, password change, partner clients: the
//! behaviour behind `docs/accounts.md` (the authorization matrix has the role × scope cells).

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::{api_clients, audit_log, mail_outbox, one_time_links, users};
use tdb_api::state::AppState;

use crate::forms_fixtures::send;
use crate::on_both_backends;
use crate::support::fixtures::{insert_user, small_world};
use crate::support::{TestDb, app, auth, state};

const STRONG: &str = "cheval agrafe lanterne pivoine";

/// The token of the last link mailed to `email` (read from the outbox's text body).
pub fn mailed_token(state: &AppState, email: &str) -> String {
    let mut conn = state.pool.get().unwrap();
    let text: String = mail_outbox::table
        .filter(mail_outbox::recipient.eq(email))
        .order(mail_outbox::id.desc())
        .select(mail_outbox::text_body)
        .first(&mut conn)
        .unwrap();
    token_in(&text)
}

/// The token after `#jeton=` in a mail body.
pub fn token_in(text: &str) -> String {
    let start = text.find("#jeton=").expect("a link in the mail") + "#jeton=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn post<S>(app: &S, uri: &str, token: Option<&str>, body: Value) -> crate::forms_fixtures::Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    send(app, Method::POST, uri, token, None, Some(body)).await
}

async fn login_status<S>(app: &S, email: &str, password: &str) -> u16
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    post(
        app,
        "/api/v1/auth/login",
        None,
        json!({"email": email, "password": password}),
    )
    .await
    .status
}

/// An ARS officer invites a director: the account is `invited`, the mail is in the outbox in the same
/// transaction, the link says whose it is, refuses a weak password, sets a strong one once, and the
/// director logs in; the link is refused a second time; the invitation is audited.
async fn an_invitation_sets_the_password_once(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    let ars = auth::ars(&state, "32");
    let invited = post(
        &app,
        "/api/v1/users",
        Some(&ars),
        json!({"email": " Direction@Tilleuls.FR ", "display_name": "Direction des Tilleuls", "role": "esms",
               "structures": ["590000011"]}),
    )
    .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    assert_eq!(invited.body["email"], "direction@tilleuls.fr");
    assert_eq!(invited.body["status"], "invited");
    assert!(invited.body["invitation_expires_at"].is_string());
    assert_eq!(login_status(&app, "direction@tilleuls.fr", "").await, 401);

    let token = mailed_token(&state, "direction@tilleuls.fr");
    let info = post(&app, "/api/v1/auth/password/link", None, json!({"token": token})).await;
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(info.body["email"], "direction@tilleuls.fr");
    assert_eq!(info.body["purpose"], "invitation");

    let weak = post(
        &app,
        "/api/v1/auth/password/set",
        None,
        json!({"token": token, "password": "tilleuls2026"}),
    )
    .await;
    assert_eq!(weak.status, 422, "{}", weak.body);
    assert_eq!(weak.body["errors"][0]["path"], "/password");
    assert_eq!(weak.body["errors"][0]["code"], "weak_password");

    let set = post(
        &app,
        "/api/v1/auth/password/set",
        None,
        json!({"token": token, "password": STRONG}),
    )
    .await;
    assert_eq!(set.status, 204, "{}", set.body);
    assert_eq!(login_status(&app, "direction@tilleuls.fr", STRONG).await, 200);
    let again = post(
        &app,
        "/api/v1/auth/password/set",
        None,
        json!({"token": token, "password": "autre phrase bien longue ici"}),
    )
    .await;
    assert_eq!(again.status, 410);
    assert_eq!(again.body["code"], "link_invalid");

    let account = send(
        &app,
        Method::GET,
        "/api/v1/users/direction@tilleuls.fr",
        Some(&ars),
        None,
        None,
    )
    .await;
    assert_eq!(account.body["status"], "active");
    assert_eq!(account.body["structures"], json!(["590000011"]));
    let mut conn = state.pool.get().unwrap();
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::action.eq_any(["account_invited", "invitation_accepted"]))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut conn)
        .unwrap();
    assert_eq!(actions, ["account_invited", "invitation_accepted"]);
    // The link is stored hashed: the token itself is nowhere in the database.
    let stored: Vec<String> = one_time_links::table
        .select(one_time_links::token_hash)
        .load(&mut conn)
        .unwrap();
    assert!(stored.iter().all(|h| h != &token && h.len() == 64));
}

on_both_backends!(an_invitation_sets_the_password_once);

/// « Mot de passe oublié » answers 202 for any address; only a real account gets a mail; the reset link
/// lasts an hour, replaces the older link, and ends the person's sessions.
async fn a_reset_is_silent_about_unknown_addresses(db: TestDb) {
    let state = state(&db);
    insert_user(
        &state,
        "agent@ars.fr",
        "ancien mot de passe solide",
        "ars",
        &["32"],
    );
    let app = app(state.clone()).await;
    for email in ["agent@ars.fr", "personne@nulle-part.fr"] {
        let answer = post(
            &app,
            "/api/v1/auth/password/forgot",
            None,
            json!({"email": email}),
        )
        .await;
        assert_eq!(answer.status, 202, "{}", answer.body);
        assert_eq!(answer.body, Value::Null);
    }
    let mut conn = state.pool.get().unwrap();
    let recipients: Vec<String> = mail_outbox::table
        .select(mail_outbox::recipient)
        .load(&mut conn)
        .unwrap();
    assert_eq!(recipients, ["agent@ars.fr"]);
    let first = mailed_token(&state, "agent@ars.fr");
    post(
        &app,
        "/api/v1/auth/password/forgot",
        None,
        json!({"email": "AGENT@ars.fr"}),
    )
    .await;
    let second = mailed_token(&state, "agent@ars.fr");
    assert_ne!(first, second);
    let info = post(&app, "/api/v1/auth/password/link", None, json!({"token": first})).await;
    assert_eq!(info.status, 410, "a newer link cancels the older");
    let info = post(&app, "/api/v1/auth/password/link", None, json!({"token": second})).await;
    assert_eq!(info.body["purpose"], "reset");
    let expires = chrono::DateTime::parse_from_rfc3339(info.body["expires_at"].as_str().unwrap()).unwrap();
    let left = expires.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(
        left <= chrono::Duration::hours(1) && left > chrono::Duration::minutes(58),
        "{left}"
    );
    let set = post(
        &app,
        "/api/v1/auth/password/set",
        None,
        json!({"token": second, "password": STRONG}),
    )
    .await;
    assert_eq!(set.status, 204);
    assert_eq!(
        login_status(&app, "agent@ars.fr", "ancien mot de passe solide").await,
        401
    );
    assert_eq!(login_status(&app, "agent@ars.fr", STRONG).await, 200);
    // A fourth request within the window waits (no mailbox flooding), for any address alike.
    let third = post(
        &app,
        "/api/v1/auth/password/forgot",
        None,
        json!({"email": "agent@ars.fr"}),
    )
    .await;
    assert_eq!(third.status, 202);
    let limited = post(
        &app,
        "/api/v1/auth/password/forgot",
        None,
        json!({"email": "agent@ars.fr"}),
    )
    .await;
    assert_eq!(limited.status, 429);
}

on_both_backends!(a_reset_is_silent_about_unknown_addresses);

/// Changing one's password needs the current one, applies the rules, and ends the other sessions while
/// the one making the change stays.
async fn a_password_change_ends_the_other_sessions(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    insert_user(
        &state,
        "siege@og.fr",
        "ancien mot de passe solide",
        "og",
        &["590000001"],
    );
    let app = app(state.clone()).await;
    let login = || async {
        let response = test::call_service(
            &app,
            test::TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"email": "siege@og.fr", "password": "ancien mot de passe solide"}))
                .to_request(),
        )
        .await;
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .find_map(|v| {
                v.to_str()
                    .unwrap()
                    .strip_prefix("tdb_refresh=")
                    .map(|c| c.split(';').next().unwrap().to_owned())
            })
            .unwrap();
        let body: Value = test::read_body_json(response).await;
        (
            format!("Bearer {}", body["access_token"].as_str().unwrap()),
            cookie,
        )
    };
    let (here, here_cookie) = login().await;
    let (_, there_cookie) = login().await;
    let change = |current: &'static str, new: &'static str| {
        test::TestRequest::post()
            .uri("/api/v1/auth/password")
            .insert_header(("Authorization", here.clone()))
            .insert_header(("Cookie", format!("tdb_refresh={here_cookie}")))
            .set_json(json!({"current_password": current, "new_password": new}))
            .to_request()
    };
    let wrong = test::call_service(&app, change("pas le bon", STRONG)).await;
    assert_eq!(wrong.status(), 422);
    let body: Value = test::read_body_json(wrong).await;
    assert_eq!(body["errors"][0]["path"], "/current_password");
    let weak = test::call_service(&app, change("ancien mot de passe solide", "azertyuiop123")).await;
    assert_eq!(weak.status(), 422);
    let done = test::call_service(&app, change("ancien mot de passe solide", STRONG)).await;
    assert_eq!(done.status(), 204);
    let origin = state.config.public_url().origin();
    let refresh = |cookie: String| {
        test::TestRequest::post()
            .uri("/api/v1/auth/refresh")
            .insert_header(("Cookie", format!("tdb_refresh={cookie}")))
            .insert_header(("Origin", origin.clone()))
            .to_request()
    };
    assert_eq!(
        test::call_service(&app, refresh(there_cookie)).await.status(),
        401
    );
    assert_eq!(test::call_service(&app, refresh(here_cookie)).await.status(), 200);
    assert_eq!(login_status(&app, "siege@og.fr", STRONG).await, 200);
    // A token whose person has no account (found by schemathesis: it answered an undocumented 404):
    // no password can match, the same 422 as a wrong one.
    let ghost = auth::esms(&state, &["590000011"]);
    let answer = post(
        &app,
        "/api/v1/auth/password",
        Some(&ghost),
        json!({"current_password": "x", "new_password": STRONG}),
    )
    .await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(answer.body["errors"][0]["path"], "/current_password");
    // A partner has no password to change.
    let partner = auth::partner(&state, &["read"], None);
    let refused = post(
        &app,
        "/api/v1/auth/password",
        Some(&partner),
        json!({"current_password": "x", "new_password": STRONG}),
    )
    .await;
    assert_eq!(refused.status, 403);
}

on_both_backends!(a_password_change_ends_the_other_sessions);

/// The list holds exactly the accounts within reach; nobody changes their own role, scope or status; a
/// deactivated person cannot log in and an ARS cannot move an account out of its region.
async fn the_list_and_changes_follow_the_reach(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    insert_user(&state, "ehpad59@esms.fr", STRONG, "esms", &["590000011"]);
    insert_user(&state, "ime59@esms.fr", STRONG, "esms", &["590000021"]);
    insert_user(&state, "eanm62@esms.fr", STRONG, "esms", &["620000011"]);
    insert_user(&state, "ehpad75@esms.fr", STRONG, "esms", &["750000011"]);
    insert_user(&state, "siege59@og.fr", STRONG, "og", &["590000001"]);
    insert_user(&state, "siege75@og.fr", STRONG, "og", &["750000001"]);
    insert_user(&state, "agent@ars.fr", STRONG, "ars", &["32"]);
    insert_user(&state, "agent@cd59.fr", STRONG, "cd", &["59"]);
    let app = app(state.clone()).await;
    let list = |token: String, query: &'static str| {
        let app = &app;
        async move {
            let answer = send(
                app,
                Method::GET,
                &format!("/api/v1/users{query}"),
                Some(&token),
                None,
                None,
            )
            .await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            answer.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["email"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    // The ARS of region 32 follows 590000011 (joint) and 590000021 (ARS), not 620000011 (CD only).
    assert_eq!(
        list(auth::ars(&state, "32"), "").await,
        ["ehpad59@esms.fr", "ime59@esms.fr", "siege59@og.fr"]
    );
    assert_eq!(
        list(auth::cd(&state, "59"), "").await,
        ["ehpad59@esms.fr", "siege59@og.fr"]
    );
    assert_eq!(
        list(auth::og(&state, "590000001"), "").await,
        ["ehpad59@esms.fr", "ime59@esms.fr", "siege59@og.fr"]
    );
    assert_eq!(
        list(auth::national(&state), "?role=og").await,
        ["siege59@og.fr", "siege75@og.fr"]
    );
    assert_eq!(
        list(auth::national(&state), "?q=AGENT").await,
        ["agent@ars.fr", "agent@cd59.fr"]
    );
    let page = send(
        &app,
        Method::GET,
        "/api/v1/users?per_page=3&page=2",
        Some(&auth::national(&state)),
        None,
        None,
    )
    .await;
    assert_eq!(page.body["meta"]["total"], 8);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 3);

    // Nobody raises their own role or changes their own status.
    let mut claims = tdb_api::auth::Claims::new("siege59@og.fr", tdb_api::auth::principal::Role::Og);
    claims.organisation = Some("590000001".to_owned());
    let siege = auth::bearer(&state, &claims);
    for change in [
        json!({"role": "national"}),
        json!({"active": false}),
        json!({"organisation_finess": "750000001"}),
    ] {
        let answer = send(
            &app,
            Method::PATCH,
            "/api/v1/users/siege59@og.fr",
            Some(&siege),
            None,
            Some(change),
        )
        .await;
        assert_eq!(answer.status, 403, "{}", answer.body);
    }
    let renamed = send(
        &app,
        Method::PATCH,
        "/api/v1/users/siege59@og.fr",
        Some(&siege),
        None,
        Some(json!({"display_name": "Siège"})),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    // An og cannot give an account a structure of another body; an ARS cannot make an ARS account.
    let answer = send(
        &app,
        Method::PATCH,
        "/api/v1/users/ehpad59@esms.fr",
        Some(&siege),
        None,
        Some(json!({"structures": ["590000011", "750000011"]})),
    )
    .await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    let ars = auth::ars(&state, "32");
    let answer = send(
        &app,
        Method::PATCH,
        "/api/v1/users/ehpad59@esms.fr",
        Some(&ars),
        None,
        Some(json!({"role": "ars", "region_code": "32"})),
    )
    .await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    // Deactivation: the person cannot log in, the list says so; reactivation lets them in again.
    let answer = send(
        &app,
        Method::PATCH,
        "/api/v1/users/ehpad59@esms.fr",
        Some(&ars),
        None,
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(answer.body["status"], "deactivated");
    assert_eq!(login_status(&app, "ehpad59@esms.fr", STRONG).await, 401);
    send(
        &app,
        Method::PATCH,
        "/api/v1/users/ehpad59@esms.fr",
        Some(&ars),
        None,
        Some(json!({"active": true})),
    )
    .await;
    assert_eq!(login_status(&app, "ehpad59@esms.fr", STRONG).await, 200);
    let mut conn = state.pool.get().unwrap();
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq_any(["account_deactivated", "account_activated", "account_changed"]))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(audited >= 4, "{audited}");
}

on_both_backends!(the_list_and_changes_follow_the_reach);

/// A CSV of invitations: valid lines invited in one go, every other line reported with its number and
/// reason; a dry run writes nothing.
async fn a_csv_invites_each_valid_line_and_reports_the_others(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    insert_user(&state, "deja@esms.fr", STRONG, "esms", &["590000011"]);
    let app = app(state.clone()).await;
    let csv = "email;finess;role\n\
               direction@ehpad59.fr;590000011\n\
               pas-une-adresse;590000011\n\
               direction@paris.fr;750000011\n\
               direction@inconnu.fr;999999999\n\
               deja@esms.fr;590000011\n\
               direction@ehpad59.fr;590000021\n\
               siege@og59.fr;590000001;og\n\
               admin@ars.fr;590000011;national\n\
               une;deux;trois;quatre\n";
    let upload = |dry_run: bool| {
        test::TestRequest::post()
            .uri(&format!("/api/v1/users/invitations?dry_run={dry_run}"))
            .insert_header(("Authorization", auth::ars(&state, "32")))
            .insert_header(("Content-Type", "text/csv"))
            .set_payload(csv)
            .to_request()
    };
    let count_users = || {
        let mut conn = state.pool.get().unwrap();
        users::table.count().get_result::<i64>(&mut conn).unwrap()
    };
    let before = count_users();
    let dry = test::call_service(&app, upload(true)).await;
    assert_eq!(dry.status(), 200);
    let dry: Value = test::read_body_json(dry).await;
    assert_eq!(dry["invited"], 2);
    assert_eq!(count_users(), before, "a dry run writes nothing");
    let report = test::call_service(&app, upload(false)).await;
    let report: Value = test::read_body_json(report).await;
    assert_eq!(report["lines"], 9);
    assert_eq!(report["invited"], 2);
    let rejected: Vec<(u64, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (3, "invalid_email".to_owned()),
            (4, "out_of_scope".to_owned()),
            (5, "unknown_structure".to_owned()),
            (6, "already_exists".to_owned()),
            (7, "duplicate_line".to_owned()),
            (9, "role_not_allowed".to_owned()),
            (10, "malformed_line".to_owned()),
        ]
    );
    assert_eq!(count_users(), before + 2);
    let mut conn = state.pool.get().unwrap();
    let mailed: i64 = mail_outbox::table.count().get_result(&mut conn).unwrap();
    assert_eq!(mailed, 2);
}

on_both_backends!(a_csv_invites_each_valid_line_and_reports_the_others);

/// A rotated partner secret: during the grace both the old and the new secret get tokens; after it,
/// only the new one; a revoked client gets none. The client's last use is recorded.
async fn a_rotated_secret_keeps_working_during_the_grace(db: TestDb) {
    let state = state(&db);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let created = post(
        &app,
        "/api/v1/clients",
        Some(&national),
        json!({"name": "Caisse nationale", "scopes": ["read", "prefill:write"], "source": "cnsa_errd"}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["client"]["client_id"].as_str().unwrap().to_owned();
    let old = created.body["client_secret"].as_str().unwrap().to_owned();
    let token = |secret: String| {
        let (app, id) = (&app, id.clone());
        async move {
            let response = test::call_service(
                app,
                test::TestRequest::post()
                    .uri("/api/v1/auth/token")
                    .set_form([
                        ("grant_type", "client_credentials"),
                        ("client_id", id.as_str()),
                        ("client_secret", secret.as_str()),
                    ])
                    .to_request(),
            )
            .await;
            response.status().as_u16()
        }
    };
    assert_eq!(token(old.clone()).await, 200);
    let rotated = post(
        &app,
        &format!("/api/v1/clients/{id}/secret"),
        Some(&national),
        json!(null),
    )
    .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new = rotated.body["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated.body["client"]["previous_secret_expires_at"].is_string());
    assert_eq!(
        token(old.clone()).await,
        200,
        "the old secret works during the grace"
    );
    assert_eq!(token(new.clone()).await, 200);
    // The grace ends.
    let mut conn = state.pool.get().unwrap();
    diesel::update(api_clients::table.find(&id))
        .set(
            api_clients::previous_secret_expires_at
                .eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)),
        )
        .execute(&mut conn)
        .unwrap();
    assert_eq!(token(old).await, 401, "only the new secret after the grace");
    assert_eq!(token(new.clone()).await, 200);
    let listed = send(&app, Method::GET, "/api/v1/clients", Some(&national), None, None).await;
    assert!(listed.body[0]["last_used_at"].is_string(), "{}", listed.body);
    let revoked = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/clients/{id}"),
        Some(&national),
        None,
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(revoked.body["active"], false);
    assert_eq!(token(new).await, 401);
    // The secrets are stored hashed.
    let hash: String = api_clients::table
        .find(&id)
        .select(api_clients::secret_hash)
        .first(&mut conn)
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
}

on_both_backends!(a_rotated_secret_keeps_working_during_the_grace);
