//! Sessions that never lose a person's work (issue 15), in headless Chromium on the demo data, with
//! access tokens living 3 seconds (`TDB_ACCESS_TOKEN_SECONDS`): values typed, the token expired, saved
//! without a login page (the refused save refreshed and replayed); a reload keeps the person signed in on the same page; unsaved values survive
//! a reload and are restored with the French notice, then saved; signing out revokes the refresh
//! cookie (a refresh with it, sent from outside the browser, gets 401).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::{Value, json};
use tdb_domain::catalogue_for;
use tdb_e2e::ui::{check_page, click, sign_in, text, type_into, wait_css, wait_text, wait_until};
use tdb_e2e::{Harness, all_cookies, http};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");
const TOKEN_SECONDS: u32 = 3;
/// The server accepts a token this long after its expiry (clock skew).
const LEEWAY_SECONDS: u64 = 5;
/// Two numeric items of the form the person types.
const DAYS: &str = "journees_realisees_hp";
const PLACES: &str = "places_financees_hp";

fn form_path() -> String {
    format!("/api/v1/campaigns/{YEAR}/structures/{FINESS}/form")
}

/// A bearer token for `who`, from the test process (the browser's cookies are left alone).
fn token(base: &str, (email, password): (&str, &str)) -> String {
    let body = json!({"email": email, "password": password});
    let answer = http(base, "POST", "/api/v1/auth/login", &[], Some(&body)).unwrap();
    assert_eq!(answer.status, 200, "login of {email}: {}", answer.body);
    answer.body["access_token"].as_str().unwrap().to_owned()
}

/// The form as stored, read through the API.
fn stored_form(base: &str) -> Value {
    let bearer = format!("Bearer {}", token(base, ESMS));
    let answer = http(base, "GET", &form_path(), &[("Authorization", &bearer)], None).unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

fn stored_number(doc: &Value, code: &str) -> Option<f64> {
    doc["values"][code]["value"].as_f64()
}

/// The demo form, editable by the structure (reopened by the ARS when it was submitted).
fn editable_form(base: &str) -> Value {
    let doc = stored_form(base);
    if doc["editable"].as_bool() == Some(true) {
        return doc;
    }
    let bearer = format!("Bearer {}", token(base, ARS));
    let body = json!({"comment": "Remise en saisie pour le test des sessions."});
    let path = format!("{}/reopen", form_path());
    let answer = http(
        base,
        "POST",
        &path,
        &[("Authorization", &bearer), ("If-Match", "*")],
        Some(&body),
    )
    .unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    stored_form(base)
}

/// The `tdb_refresh` cookie of the browser (whatever the page's path).
async fn refresh_cookie(harness: &Harness) -> Option<Value> {
    all_cookies(&harness.browser)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c["name"] == "tdb_refresh")
}

/// Whether the login page is shown.
async fn login_page_shown(harness: &Harness) -> bool {
    harness
        .browser
        .find(Locator::Css("[data-testid=login-form]"))
        .await
        .is_ok()
}

/// The text typed in the input of `code`.
async fn input_value(harness: &Harness, code: &str) -> String {
    wait_css(&harness.browser, &format!("#item-{code}"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[actix_web::test]
async fn sessions_outlive_the_access_token_survive_reloads_keep_drafts_and_end_on_sign_out() {
    let started = Instant::now();
    let harness = Harness::start_with_demo_and_token_lifetime(TOKEN_SECONDS)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let base = harness.base_url.clone();
    let b = &harness.browser;
    let doc = editable_form(&base);
    let days = stored_number(&doc, DAYS).unwrap_or(27_000.0) + 11.0;
    let places = stored_number(&doc, PLACES).unwrap_or(80.0) + 1.0;
    let axis = catalogue_for(YEAR).unwrap().item(DAYS).unwrap().axis;
    assert_eq!(catalogue_for(YEAR).unwrap().item(PLACES).unwrap().axis, axis);

    // Signed out: the form's address shows the login page (the startup refresh found no session),
    // and signing in there opens the form itself.
    let form_url = format!("{base}/formulaire/{YEAR}/{FINESS}");
    b.goto(&form_url).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    sign_in(b, ESMS.0, ESMS.1).await;
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    let cookie = refresh_cookie(&harness).await.expect("tdb_refresh set at login");
    assert_eq!(cookie["httpOnly"], true, "{cookie}");
    assert_eq!(cookie["sameSite"], "Strict", "{cookie}");
    assert_eq!(cookie["path"], "/api/v1/auth", "{cookie}");
    // The access token is in no storage the page offers, nor in the URL.
    let stored: Value = b
        .execute(
            "return JSON.stringify(Object.assign({}, localStorage, sessionStorage)) + location.href;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        !stored.as_str().unwrap().contains("eyJ"),
        "a token is stored: {stored}"
    );

    // (a) Values typed, the access token expires, the save goes through without a login page. The
    // page's timers are cleared first (a laptop asleep past the silent refresh), so the token really
    // expires (3 s + the server's 5 s leeway): the save gets 401, refreshes once and is replayed.
    click(b, &format!("#onglet-{axis}")).await;
    type_into(b, &format!("#item-{DAYS}"), &format!("{days}")).await;
    type_into(b, &format!("#item-{PLACES}"), &format!("{places}")).await;
    b.execute(
        "for (let i = 1; i < 100000; i++) { clearTimeout(i); } performance.clearResourceTimings();",
        vec![],
    )
    .await
    .unwrap();
    std::thread::sleep(Duration::from_secs(u64::from(TOKEN_SECONDS) + LEEWAY_SECONDS + 1));
    click(b, "[data-testid=save]").await;
    wait_text(b, "[data-testid=flash]", "Modifications enregistrées").await;
    assert!(!login_page_shown(&harness).await, "login page after expiry");
    let calls: Value = b
        .execute(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);",
            vec![],
        )
        .await
        .unwrap();
    let calls: Vec<&str> = calls
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let count = |path: &str| calls.iter().filter(|c| **c == path).count();
    // Either the save was refused (401) and replayed after one refresh, or a silent refresh timer the
    // page re-armed after the clearing ran just before the save: one refresh, the save went through.
    let saves = count(&form_path());
    assert!(
        (1..=2).contains(&saves),
        "the save, at most replayed once: {calls:?}"
    );
    assert_eq!(count("/api/v1/auth/refresh"), 1, "one refresh: {calls:?}");
    let refresh_at = calls.iter().position(|c| *c == "/api/v1/auth/refresh");
    let last_save = calls.iter().rposition(|c| *c == form_path());
    assert!(
        refresh_at < last_save,
        "the saved call follows the refresh: {calls:?}"
    );
    let saved = stored_form(&base);
    assert_eq!(stored_number(&saved, DAYS), Some(days));
    assert_eq!(stored_number(&saved, PLACES), Some(places));
    eprintln!("e2e: saved after the access token expired");

    // (b) A reload resumes the session: same page, still signed in.
    b.refresh().await.unwrap();
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    assert!(!login_page_shown(&harness).await, "login page after a reload");
    wait_css(b, "[data-testid=current-user]").await.unwrap();
    assert_eq!(b.current_url().await.unwrap().as_str(), form_url);

    // (c) Unsaved values survive a reload: restored with the notice, then saved from it.
    let (days2, places2) = (days + 7.0, places + 2.0);
    click(b, &format!("#onglet-{axis}")).await;
    type_into(b, &format!("#item-{DAYS}"), &format!("{days2}")).await;
    type_into(b, &format!("#item-{PLACES}"), &format!("{places2}")).await;
    let key = format!("tdb.brouillon:{}:formulaire:{YEAR}:{FINESS}", ESMS.0);
    wait_until(
        b,
        &format!("(localStorage.getItem({key:?}) || '').includes('\"{PLACES}\":\"{places2}\"')"),
        "the draft written as typed",
    )
    .await;
    b.refresh().await.unwrap();
    wait_css(b, "[data-testid=draft-notice]").await.unwrap();
    let notice = text(b, "[data-testid=draft-notice]").await;
    assert!(
        notice.contains("2 saisies non enregistrées ont été restaurées"),
        "{notice}"
    );
    click(b, &format!("#onglet-{axis}")).await;
    assert_eq!(input_value(&harness, DAYS).await, format!("{days2}"));
    assert_eq!(input_value(&harness, PLACES).await, format!("{places2}"));
    check_page(b, "formulaire avec saisies restaurées").await;
    harness.screenshot("draft-restored").await.unwrap();
    click(b, "[data-testid=draft-save]").await;
    wait_text(b, "[data-testid=flash]", "Modifications enregistrées").await;
    wait_until(
        b,
        &format!("localStorage.getItem({key:?}) === null"),
        "the draft cleared once saved",
    )
    .await;
    assert!(b.find(Locator::Css("[data-testid=draft-notice]")).await.is_err());
    let saved = stored_form(&base);
    assert_eq!(stored_number(&saved, DAYS), Some(days2));
    assert_eq!(stored_number(&saved, PLACES), Some(places2));

    // A draft typed on a version of the form that someone else then changed is shown next to the
    // current value, never written over it; the person takes it, then saves.
    let days3 = days2 + 5.0;
    click(b, &format!("#onglet-{axis}")).await;
    type_into(b, &format!("#item-{DAYS}"), &format!("{days3}")).await;
    wait_until(
        b,
        &format!("(localStorage.getItem({key:?}) || '').includes('\"{DAYS}\":\"{days3}\"')"),
        "the draft of the older version",
    )
    .await;
    let bearer = format!("Bearer {}", token(&base, ESMS));
    let elsewhere = json!({"values": {PLACES: places2 + 1.0}});
    let answer = http(
        &base,
        "PATCH",
        &form_path(),
        &[("Authorization", &bearer), ("If-Match", "*")],
        Some(&elsewhere),
    )
    .unwrap();
    assert_eq!(answer.status, 200, "{}", answer.body);
    b.refresh().await.unwrap();
    wait_css(b, "[data-testid=draft-notice]").await.unwrap();
    let notice = text(b, "[data-testid=draft-notice]").await;
    assert!(
        notice
            .contains("1 saisie faite sur une version antérieure est affichée à côté de la valeur actuelle"),
        "{notice}"
    );
    click(b, &format!("#onglet-{axis}")).await;
    let earlier = text(b, &format!("[data-item={DAYS}] [data-testid=earlier-draft]")).await;
    assert!(
        earlier.contains(&format!(
            "Valeur en brouillon : {days3} (saisie sur une version antérieure)"
        )),
        "{earlier}"
    );
    let shown: String = input_value(&harness, DAYS)
        .await
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert_eq!(shown, format!("{days2}"), "the current value stays in the field");
    harness.screenshot("draft-earlier-version").await.unwrap();
    click(b, &format!("[data-item={DAYS}] [data-testid=earlier-take]")).await;
    assert_eq!(input_value(&harness, DAYS).await, format!("{days3}"));
    click(b, "[data-testid=save]").await;
    wait_text(b, "[data-testid=flash]", "Modifications enregistrées").await;
    let saved = stored_form(&base);
    assert_eq!(stored_number(&saved, DAYS), Some(days3));
    assert_eq!(stored_number(&saved, PLACES), Some(places2 + 1.0));

    // (d) Signing out revokes the session: the refresh cookie of that moment, sent from outside the
    // browser with the right Origin, is refused. Wait for a silent refresh to rotate the cookie, so
    // the one captured is still current when the button is pressed.
    let before = refresh_cookie(&harness).await.unwrap()["value"].clone();
    let mut current = before.clone();
    let deadline = Instant::now() + Duration::from_secs(u64::from(TOKEN_SECONDS) * 3);
    while current == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        current = refresh_cookie(&harness).await.unwrap()["value"].clone();
    }
    assert_ne!(current, before, "the cookie was not rotated by a silent refresh");
    click(b, "[data-testid=logout]").await;
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    wait_text(b, "[data-testid=login-notice]", "Vous êtes déconnecté").await;
    assert!(
        refresh_cookie(&harness).await.is_none(),
        "cookie kept after sign-out"
    );
    let cookie = format!("tdb_refresh={}", current.as_str().unwrap());
    let refused = http(
        &base,
        "POST",
        "/api/v1/auth/refresh",
        &[("Origin", &base), ("Cookie", &cookie)],
        None,
    )
    .unwrap();
    assert_eq!(refused.status, 401, "refresh after sign-out: {}", refused.body);
    assert_ne!(refused.body["code"], "refresh_token_reused", "{}", refused.body);
    // A reload now shows the login page.
    b.refresh().await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();

    eprintln!(
        "e2e: sessions journey in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    harness.stop().await;
}
