//! Issue 22 in a real browser: the keyboard alone and a 200 % zoom. A 1280-pixel-wide screen at 200 %
//! gives the page 640 CSS pixels: at that width the structure's director signs in, reaches the form from
//! the home page, types a value and saves it with the keyboard only; every element the Tab key reaches on
//! the way shows a visible focus ring; the header's links stay reachable (the DSFR hides them behind a
//! menu button that needs the DSFR's JavaScript, which the app does not load); nothing scrolls sideways.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use serde_json::{Value, json};
use tdb_domain::catalogue_for;
use tdb_e2e::Harness;
use tdb_e2e::ui::{api, api_token, check_page, wait_css, wait_text};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");
const DAYS: &str = "journees_realisees_hp";
/// The WebDriver codes of the Tab, Enter and right arrow keys.
const TAB: &str = "\u{e004}";
const ENTER: &str = "\u{e007}";
const ARROW_RIGHT: &str = "\u{e014}";

fn form_path() -> String {
    format!("/api/v1/campaigns/{YEAR}/structures/{FINESS}/form")
}

/// Whether the focused element matches `css`.
async fn focused(b: &fantoccini::Client, css: &str) -> bool {
    let script = "const e = document.activeElement; return !!e && e.matches(arguments[0]);";
    b.execute(script, vec![Value::from(css)]).await.unwrap() == Value::Bool(true)
}

/// A description of the focused element when it shows no focus indicator (an outline or a box shadow on
/// the element or on its `::before`/`::after`, where the DSFR draws the ring of enlarged links), `None`
/// when it does.
async fn focus_invisible(b: &fantoccini::Client) -> Option<String> {
    let script = "const e = document.activeElement;
        if (!e || e === document.body) return null;
        const shows = (pseudo) => { const s = getComputedStyle(e, pseudo);
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
        if (shows(null) || shows('::before') || shows('::after')) return null;
        return e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.getAttribute('class') || '') + ' « '
            + (e.textContent || '').trim().slice(0, 40) + ' »';";
    b.execute(script, vec![])
        .await
        .unwrap()
        .as_str()
        .map(str::to_owned)
}

/// Presses Tab until the focused element matches `css`, at most `limit` times; every element focused
/// on the way must show its focus. Returns the number of presses.
async fn tab_to(b: &fantoccini::Client, css: &str, limit: usize) -> usize {
    for presses in 1..=limit {
        b.active_element().await.unwrap().send_keys(TAB).await.unwrap();
        if let Some(element) = focus_invisible(b).await {
            panic!("no visible focus on {element} (reaching {css})");
        }
        if focused(b, css).await {
            return presses;
        }
    }
    panic!("{css} not reached with {limit} presses of Tab");
}

/// Types `text` into the focused element.
async fn type_keys(b: &fantoccini::Client, text: &str) {
    b.active_element().await.unwrap().send_keys(text).await.unwrap();
}

/// Whether the page scrolls sideways.
async fn scrolls_sideways(b: &fantoccini::Client) -> bool {
    let script = "return document.documentElement.scrollWidth > window.innerWidth + 1;";
    b.execute(script, vec![]).await.unwrap() == Value::Bool(true)
}

#[actix_web::test]
async fn at_200_percent_zoom_the_keyboard_alone_signs_in_fills_and_saves_a_form() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    // The form editable (the API, not the keyboard: this is the test's setting).
    let esms = api_token(b, ESMS.0, ESMS.1).await;
    let (status, doc) = api(b, "GET", &form_path(), Some(&esms), None).await;
    assert_eq!(status, 200, "{doc}");
    if doc["editable"].as_bool() != Some(true) {
        let ars = api_token(b, ARS.0, ARS.1).await;
        let body = json!({"comment": "Remise en saisie pour le test au clavier."});
        let (status, answer) = api(
            b,
            "POST",
            &format!("{}/reopen", form_path()),
            Some(&ars),
            Some(body),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
    }
    let days = doc["values"][DAYS]["value"].as_f64().unwrap_or(27_000.0) + 7.0;

    // 200 % of 1280 × 1000: 640 CSS pixels wide.
    b.set_window_size(640, 1000).await.unwrap();
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    assert!(
        !scrolls_sideways(b).await,
        "the login page scrolls sideways at 200 %"
    );

    // Sign in with the keyboard.
    tab_to(b, "#login-email", 15).await;
    type_keys(b, ESMS.0).await;
    tab_to(b, "#login-password", 3).await;
    type_keys(b, ESMS.1).await;
    type_keys(b, ENTER).await;
    wait_css(b, "[data-testid=current-user]").await.unwrap();

    // The header's links are there and reachable at this width.
    let account = wait_css(b, "[data-testid=nav-account]").await.unwrap();
    assert!(
        account.is_displayed().await.unwrap(),
        "« Mon compte » is hidden at 200 %"
    );
    tab_to(b, "[data-testid=nav-account]", 15).await;

    // From the home page to the form, with the keyboard.
    let link = format!("a[href='/formulaire/{YEAR}/{FINESS}']");
    wait_css(b, &link).await.unwrap();
    tab_to(b, &link, 40).await;
    type_keys(b, ENTER).await;
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    assert!(!scrolls_sideways(b).await, "the form scrolls sideways at 200 %");
    check_page(b, "formulaire à 200 %").await;

    // The tab of the item (Tab to the tab list, then the arrow keys of the ARIA tabs pattern), then the
    // item, then « Enregistrer ».
    let axis = catalogue_for(YEAR).unwrap().item(DAYS).unwrap().axis;
    tab_to(b, "[role=tab][aria-selected=true]", 60).await;
    for _ in 0..axis {
        type_keys(b, ARROW_RIGHT).await;
    }
    assert!(
        focused(b, &format!("#onglet-{axis}")).await,
        "the arrow keys do not move along the tabs"
    );
    let field = format!("#item-{DAYS}");
    let presses = tab_to(b, &field, 200).await;
    eprintln!("e2e: {field} reached with {presses} presses of Tab after its tab");
    let select_all = "\u{e009}a\u{e000}"; // Control + A, then the modifiers released
    type_keys(b, select_all).await;
    type_keys(b, &format!("{days}")).await;
    tab_to(b, "[data-testid=save]", 400).await;
    type_keys(b, ENTER).await;
    wait_text(b, "[data-testid=flash]", "Modifications enregistrées").await;

    let (status, saved) = api(b, "GET", &form_path(), Some(&esms), None).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        saved["values"][DAYS]["value"].as_f64(),
        Some(days),
        "the value typed was not saved"
    );
}
