//! The home page in a real browser: the SPA loads, calls the API and shows its answers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use std::time::{Duration, Instant};

use fantoccini::Locator;
use tdb_e2e::Harness;

#[actix_web::test]
async fn home_page_lists_regions_fetched_from_the_api() {
    let harness = Harness::start().await.unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    harness
        .browser
        .goto(&format!("{}/", harness.base_url))
        .await
        .unwrap();

    let table = harness
        .browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=regions] tbody tr"))
        .await
        .unwrap();
    let first_render = started.elapsed();
    drop(table);
    eprintln!(
        "e2e: home page rendered with API data in {} ms",
        first_render.as_millis()
    );

    let text = harness
        .browser
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for region in [
        "Hauts-de-France",
        "Île-de-France",
        "Provence-Alpes-Côte d'Azur",
        "La Réunion",
    ] {
        assert!(
            text.contains(region),
            "region {region} missing from the page:\n{text}"
        );
    }
    let rows = harness
        .browser
        .find_all(Locator::Css("[data-testid=regions] tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 18);

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

    let shot = harness.screenshot("home").await.unwrap();
    eprintln!("e2e: screenshot saved to {}", shot.display());
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
    harness.screenshot("not-found").await.unwrap();
    harness.stop().await;
}
