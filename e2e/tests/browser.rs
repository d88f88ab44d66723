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

/// On a slow line the login form is there before the app (index.html paints it): the person types and
/// clicks « Se connecter » while the wasm downloads, and the app, once mounted, takes what was typed
/// and the click, and signs in: nothing typed is lost, nothing is typed twice.
#[actix_web::test]
async fn on_a_slow_line_the_login_typed_before_the_app_loaded_signs_in() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    // 40 KB/s: the app's ~310 KB of wasm take several seconds, the page's HTML and CSS a fraction.
    devtools(b, "Network.enable", json!({})).await.unwrap();
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
    let email = b
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("#demarrage-email"))
        .await
        .unwrap();
    ui::wait_until(
        b,
        "document.getElementById('demarrage-email').offsetParent !== null",
        "the early login form shown",
    )
    .await;
    email.send_keys("direction.ehpad@demo.tdb.fr").await.unwrap();
    b.find(Locator::Css("#demarrage-password"))
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
    let before_app: serde_json::Value = b
        .execute(
            "return [document.querySelector('main') === null, \
                     document.getElementById('demarrage-envoi').textContent];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        before_app[0],
        json!(true),
        "the app mounted before the test had typed: the line is not slow enough for this test"
    );
    assert!(
        before_app[1]
            .as_str()
            .unwrap_or_default()
            .contains("Connexion dès que"),
        "{before_app}"
    );
    // The app arrives, takes the form over and signs in: the home page of the structure user.
    devtools(
        b,
        "Network.emulateNetworkConditions",
        json!({"offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
    )
    .await
    .unwrap();
    b.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("[data-testid=current-user]"))
        .await
        .unwrap();
    let left: serde_json::Value = b
        .execute(
            "return [document.getElementById('tdb-demarrage') === null, \
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
    ui::check_page(b, "accueil après une connexion saisie avant le chargement").await;
    harness.stop().await;
}
