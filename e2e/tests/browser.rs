//! The app shell in a real browser: the SPA loads, asks to sign in (in French), calls the API, and
//! shows its French « page introuvable » for unknown routes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;
use tdb_e2e::{Harness, devtools, ui};

#[actix_web::test]
async fn home_page_asks_to_sign_in_in_french_and_shows_the_api_status() {
    let harness = Harness::start().await.unwrap_or_else(|e| panic!("{e}"));
    harness
        .browser
        .goto(&format!("{}/", harness.base_url))
        .await
        .unwrap();

    let form = harness
        .browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=login-form]"))
        .await
        .unwrap();
    drop(form);
    let loaded: serde_json::Value = harness
        .browser
        .execute("return performance.now();", vec![])
        .await
        .unwrap();
    eprintln!(
        "e2e: login page rendered (wasm loaded) in {:.0} ms",
        loaded.as_f64().unwrap_or_default()
    );

    let title = harness
        .browser
        .find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(title, "Connexion");
    // Labels are bound to their inputs.
    for (id, label) in [
        ("login-email", "Adresse électronique"),
        ("login-password", "Mot de passe"),
    ] {
        let text = harness
            .browser
            .find(Locator::Css(&format!("label[for={id}]")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.starts_with(label), "{text}");
    }

    // A wrong password is refused in French, announced as an alert.
    ui::type_into(&harness.browser, "#login-email", "direction.ehpad@demo.tdb.fr").await;
    ui::type_into(&harness.browser, "#login-password", "mauvais").await;
    ui::click(&harness.browser, "[data-testid=login-form] button[type=submit]").await;
    let refused = ui::text(&harness.browser, "[data-testid=login-error] [role=alert]").await;
    assert!(!refused.is_empty(), "no message for a refused login");

    let header = harness
        .browser
        .find(Locator::Css("header"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        header.contains("Tableau de bord de la performance — ESMS"),
        "{header}"
    );

    // DSFR badges are displayed in capitals: read the text content, not the rendered text.
    let status = harness
        .browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=api-status] .fr-badge--success"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        status.contains("API disponible") && status.contains("SQLite"),
        "{status}"
    );

    let font_loaded: serde_json::Value = harness
        .browser
        .execute("return getComputedStyle(document.body).fontFamily;", vec![])
        .await
        .unwrap();
    assert!(
        font_loaded.as_str().unwrap_or_default().contains("Marianne"),
        "DSFR CSS not applied: {font_loaded}"
    );

    ui::check_page(&harness.browser, "connexion").await;
    let shot = harness.screenshot("home").await.unwrap();
    eprintln!("e2e: screenshot saved to {}", shot.display());

    // The accessibility check bites: an input whose label is removed is a violation, named with its
    // selector.
    harness
        .browser
        .execute(
            "document.querySelectorAll('label').forEach(l => l.remove()); \
             document.querySelectorAll('input').forEach(i => { i.removeAttribute('aria-label'); \
             i.removeAttribute('aria-labelledby'); i.removeAttribute('title'); \
             i.removeAttribute('placeholder'); });",
            vec![],
        )
        .await
        .unwrap();
    let violations = ui::accessibility_violations(&harness.browser).await;
    assert!(
        violations.iter().any(|v| v.starts_with("label (")),
        "no label violation found once the labels are removed: {violations:?}"
    );
    harness.stop().await;
}

#[actix_web::test]
async fn unknown_client_route_shows_the_french_not_found_page() {
    let harness = Harness::start().await.unwrap_or_else(|e| panic!("{e}"));
    harness
        .browser
        .goto(&format!("{}/une/page/inconnue", harness.base_url))
        .await
        .unwrap();
    let title = harness
        .browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(title, "Page introuvable");
    ui::check_page(&harness.browser, "page introuvable").await;
    harness.screenshot("not-found").await.unwrap();
    harness.stop().await;
}

/// Issue 19, point 7: the DSFR icons the CSS references load (SVG, not the app's HTML), and a missing
/// static file is a 404.
#[actix_web::test]
async fn the_dsfr_icons_the_css_uses_load_and_a_missing_file_is_a_404() {
    let harness = Harness::start().await.unwrap_or_else(|e| panic!("{e}"));
    harness
        .browser
        .goto(&format!("{}/", harness.base_url))
        .await
        .unwrap();
    harness
        .browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=login-form]"))
        .await
        .unwrap();
    // Every icon URL of the DSFR stylesheet, resolved against it, fetched by the page.
    let checked: serde_json::Value = harness
        .browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            const urls = new Set();
            for (const sheet of document.styleSheets) {
                if (!sheet.href || !sheet.href.includes('/dsfr/')) continue;
                for (const rule of sheet.cssRules) {
                    for (const m of rule.cssText.matchAll(/url\("?([^")]*icons\/[^")]*)"?\)/g)) {
                        urls.add(new URL(m[1], sheet.href).href);
                    }
                }
            }
            urls.add(new URL('/dsfr/icons/system/absent-icon.svg', location.href).href);
            Promise.all([...urls].map(async (url) => {
                const r = await fetch(url);
                const body = await r.text();
                return { url, status: r.status, type: r.headers.get('content-type') || '',
                         svg: body.includes('<svg'), html: body.includes('<html') };
            })).then(done, (e) => done(String(e)));"#,
            vec![],
        )
        .await
        .unwrap();
    let answers = checked.as_array().unwrap_or_else(|| panic!("{checked}"));
    let icons: Vec<_> = answers
        .iter()
        .filter(|a| !a["url"].as_str().unwrap().contains("absent-icon"))
        .collect();
    // The stylesheet keeps the icons of the classes the app names only (scripts/purge-css.mjs): 9 on
    // 6 December 2026, alerts, notices, badges, pager, links among them.
    assert!(
        icons.len() >= 5,
        "only {} icon URLs found in the CSS",
        icons.len()
    );
    for answer in &icons {
        assert_eq!(answer["status"], 200, "{answer}");
        assert!(
            answer["type"].as_str().unwrap().starts_with("image/svg+xml") && answer["svg"] == true,
            "{answer}"
        );
    }
    let absent = answers
        .iter()
        .find(|a| a["url"].as_str().unwrap().contains("absent-icon"))
        .unwrap();
    assert_eq!(absent["status"], 404, "{absent}");
    assert_eq!(absent["html"], false, "{absent}");
    eprintln!(
        "e2e: {} DSFR icons referenced by the CSS all load as SVG",
        icons.len()
    );
    harness.stop().await;
}

/// On a slow line the login form is there before the app (index.html paints it): the person types
/// while the wasm downloads, and the app, once mounted, adopts that very form (the same nodes: what was
/// typed and the focus stay); a click on « Se connecter » before the app was there is sent when it
/// mounts. Nothing typed is lost, nothing is typed twice. Two journeys on one browser: typing only,
/// then typing and clicking.
#[actix_web::test]
async fn on_a_slow_line_the_login_typed_before_the_app_loaded_signs_in() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    devtools(b, "Network.enable", json!({})).await.unwrap();
    // The second journey downloads the app again, on the slow line.
    devtools(b, "Network.setCacheDisabled", json!({"cacheDisabled": true}))
        .await
        .unwrap();

    // 1. Typed before the app, the rest after it: the app took the same input, its value and focus.
    let email = open_on_a_slow_line(&harness).await;
    email.send_keys("direction.ehpad@demo.tdb.fr").await.unwrap();
    b.execute(
        "document.getElementById('login-email').tdbMarque = 'avant';",
        vec![],
    )
    .await
    .unwrap();
    assert!(
        !adopted(b).await,
        "the app mounted before the test had typed: the line is not slow enough"
    );
    full_speed(b).await;
    ui::wait_until(
        b,
        "document.getElementById('demarrage-connexion').hasAttribute('data-adopte')",
        "the app adopting the early login form",
    )
    .await;
    let kept: serde_json::Value = b
        .execute(
            "const input = document.getElementById('login-email'); \
             return [input.tdbMarque, input.value, document.activeElement === input, \
                     document.querySelectorAll('input[type=email]').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        kept,
        json!(["avant", "direction.ehpad@demo.tdb.fr", true, 1]),
        "the app adopts the early form's input (same node, value, focus) and draws no second form"
    );
    ui::check_page(b, "connexion adoptée par l'application").await;
    // A refusal shows in the adopted form, then the right password signs in.
    ui::type_into(b, "#login-password", "mauvais-mot-de-passe").await;
    ui::click(b, "[data-testid=login-form] button[type=submit]").await;
    let refused = ui::text(b, "[data-testid=login-error] [role=alert]").await;
    assert!(refused.contains("incorrect"), "{refused}");
    ui::type_into(b, "#login-password", "demo-esms-2024").await;
    ui::click(b, "[data-testid=login-form] button[type=submit]").await;
    signed_in_without_the_early_form(b).await;

    // 2. Typed and clicked before the app: the app sends it when it mounts.
    b.execute("localStorage.clear();", vec![]).await.unwrap();
    b.delete_all_cookies().await.unwrap();
    let email = open_on_a_slow_line(&harness).await;
    email.send_keys("direction.ehpad@demo.tdb.fr").await.unwrap();
    b.find(Locator::Css("#login-password"))
        .await
        .unwrap()
        .send_keys("demo-esms-2024")
        .await
        .unwrap();
    b.find(Locator::Css("#demarrage-formulaire button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let status: String = b
        .execute(
            "return document.getElementById('demarrage-envoi').textContent;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        !adopted(b).await,
        "the app mounted before the test had clicked: the line is not slow enough"
    );
    assert!(status.contains("Connexion dès que"), "{status}");
    full_speed(b).await;
    signed_in_without_the_early_form(b).await;
    ui::check_page(b, "accueil après une connexion saisie avant le chargement").await;
    harness.stop().await;
}

/// Opens the home page at 40 KB/s (the app's ~310 KB of wasm take several seconds, the page's HTML and
/// CSS a fraction) and answers the early form's email input once it shows.
async fn open_on_a_slow_line(harness: &Harness) -> fantoccini::elements::Element {
    let b = &harness.browser;
    devtools(
        b,
        "Network.emulateNetworkConditions",
        json!({"offline": false, "latency": 100, "downloadThroughput": 40_000, "uploadThroughput": 40_000}),
    )
    .await
    .unwrap();
    // Navigating from a script does not wait for the page's load (which waits for the wasm).
    b.execute(
        "location.href = arguments[0];",
        vec![json!(format!("{}/", harness.base_url))],
    )
    .await
    .unwrap();
    ui::wait_until(
        b,
        "document.getElementById('demarrage-connexion') !== null \
         && document.getElementById('login-email').offsetParent !== null",
        "the early login form shown",
    )
    .await;
    b.find(Locator::Css("#login-email")).await.unwrap()
}

/// Whether the app has adopted the early login form.
async fn adopted(b: &fantoccini::Client) -> bool {
    b.execute(
        "return document.getElementById('demarrage-connexion').hasAttribute('data-adopte');",
        vec![],
    )
    .await
    .unwrap()
    .as_bool()
    .unwrap_or(true)
}

/// Lifts the line's throttling.
async fn full_speed(b: &fantoccini::Client) {
    devtools(
        b,
        "Network.emulateNetworkConditions",
        json!({"offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
    )
    .await
    .unwrap();
}

/// Waits for the structure user's home page, then checks the early form (and its password) is gone.
async fn signed_in_without_the_early_form(b: &fantoccini::Client) {
    b.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("[data-testid=current-user]"))
        .await
        .unwrap();
    let left: serde_json::Value = b
        .execute(
            "return [document.getElementById('demarrage-connexion') === null, \
                     document.querySelectorAll('input[type=password]').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        left,
        json!([true, 0]),
        "the early form (and its password) is gone"
    );
}
