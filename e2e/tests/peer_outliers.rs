//! Issue 21 in headless Chromium, on the demo data: the structure types places that make its occupation
//! far from its peers of the last published campaign and the `ecart_pairs` alert shows before anything is saved
//! (evaluated in the browser with the reference fetched once), « à justifier avant la soumission »;
//! the server refuses the submission on that alert until it is justified. (« Simuler »: `simulate.rs`.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use serde_json::json;
use tdb_e2e::Harness;
use tdb_e2e::ui::{api, api_token, check_page, click, sign_in, type_into, wait_css, wait_text};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");
const KEY: &str = "ecart_pairs.taux_occupation_hp";

async fn shot(harness: &Harness, name: &str) {
    let path = harness.screenshot(name).await.unwrap();
    eprintln!("e2e: screenshot {}", path.display());
}

#[actix_web::test]
async fn a_far_value_is_flagged_while_typing_and_blocks_the_submission_until_justified() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    let esms = api_token(b, ESMS.0, ESMS.1).await;
    let form_path = format!("/api/v1/campaigns/{YEAR}/structures/{FINESS}/form");

    // The reference (the web app asks for it too): 2023's EHPAD, frozen at this first request.
    let (status, reference) = api(
        b,
        "GET",
        &format!("/api/v1/campaigns/{YEAR}/peer-reference?category=ehpad&region=32"),
        Some(&esms),
        None,
    )
    .await;
    assert_eq!(status, 200, "{reference}");
    let national = &reference["indicators"]["taux_occupation_hp"]["national"];
    let median = national["median"].as_f64().unwrap();
    // An occupation of a fifth of the national median is far below any robust spread of the demo.
    let (_, mut doc) = api(b, "GET", &form_path, Some(&esms), None).await;
    if matches!(doc["state"].as_str(), Some("soumis" | "valide")) {
        let ars = api_token(b, ARS.0, ARS.1).await;
        let body = json!({"comment": "Remise en saisie pour le test des écarts aux pairs."});
        let (status, answer) = api(b, "POST", &format!("{form_path}/reopen"), Some(&ars), Some(body)).await;
        assert_eq!(status, 200, "{answer}");
    }
    // The items of the occupation rate, when the demo left them empty.
    let mut missing = serde_json::Map::new();
    for (item, fallback) in [
        ("journees_realisees_hp", 27_740),
        ("places_financees_hp", 80),
        ("jours_ouverture_hp", 365),
        ("journees_absence_moins_72h_hp", 310),
    ] {
        if doc["values"][item]["value"].is_null() {
            missing.insert(item.to_owned(), json!(fallback));
        }
    }
    if !missing.is_empty() {
        let body = json!({"values": missing});
        let (status, answer) = api(b, "PATCH", &form_path, Some(&esms), Some(body)).await;
        assert_eq!(status, 200, "{answer}");
    }
    doc = api(b, "GET", &form_path, Some(&esms), None).await.1;
    let number = |item: &str| doc["values"][item]["value"].as_f64().unwrap_or(0.0);
    let days = number("journees_realisees_hp") + number("journees_absence_moins_72h_hp");
    assert!(days > 0.0 && number("jours_ouverture_hp") > 0.0, "{doc}");
    // Five times the places: an occupation about a fifth of the usual one.
    let places = (days / (median / 5.0 * number("jours_ouverture_hp"))).round();

    sign_in(b, ESMS.0, ESMS.1).await;
    let link = format!("a[href='/formulaire/{YEAR}/{FINESS}']");
    wait_css(b, &link).await.unwrap();
    click(b, &link).await;
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    click(b, "#onglet-1").await;
    type_into(b, "#item-places_financees_hp", &format!("{places}")).await;
    let alert = format!("[data-testid=alert][data-key='{KEY}']");
    wait_text(b, &alert, "écart robuste").await;
    wait_text(b, &alert, "À justifier avant la soumission").await;
    wait_text(b, "[data-testid=dirty]", "non enregistrées").await;
    // Nothing saved yet: the server's document has no such failing alert.
    let (_, stored) = api(b, "GET", &form_path, Some(&esms), None).await;
    assert!(
        !stored["evaluation"]["submission"]["alerts"]
            .as_array()
            .unwrap()
            .contains(&json!(KEY))
    );
    shot(&harness, "peer-outlier-live").await;
    check_page(b, "écart aux pairs").await;

    // Saved: the server computes the same alert, and refuses the submission until it is justified.
    click(b, "[data-testid=save]").await;
    wait_text(b, "[data-testid=dirty]", "Tout est enregistré").await;
    let (_, saved) = api(b, "GET", &form_path, Some(&esms), None).await;
    let server = saved["evaluation"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "ecart_pairs" && c["indicator"] == "taux_occupation_hp")
        .cloned()
        .unwrap();
    assert_eq!(server["passed"], false);
    let shown = wait_css(b, &alert).await.unwrap().text().await.unwrap();
    assert!(
        shown.contains(server["message"].as_str().unwrap()),
        "{shown} / {server}"
    );
    let (status, refused) = api(b, "POST", &format!("{form_path}/submit"), Some(&esms), None).await;
    assert_eq!(status, 409, "{refused}");
    assert_eq!(refused["code"], "cannot_submit", "{refused}");
    let path = json!(format!("/justifications/{KEY}"));
    assert!(
        refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == path),
        "{refused}"
    );
}
