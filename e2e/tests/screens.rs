//! Screenshots of the pages issue 19 reworked, on the demo data, as the structure's director and as
//! the ARS officer: the form (Caractérisation and deep in Axe 1), the restitution (top and box plots)
//! and the territory dashboard (top and filtered table), plus the ARS home page with its review queue.
//! Saved under `<target>/e2e/issue19-<user>-<page>.png` for a before/after comparison. Asserts only
//! that each page rendered.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use fantoccini::Locator;
use tdb_e2e::Harness;
use tdb_e2e::ui::{click, sign_in, sign_out, wait_css};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");

async fn shot(harness: &Harness, name: &str) {
    let path = harness.screenshot(&format!("issue19-{name}")).await.unwrap();
    eprintln!("e2e: screenshot {}", path.display());
}

async fn scroll_to(harness: &Harness, css: &str) {
    harness
        .browser
        .execute(
            "const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView();",
            vec![serde_json::Value::from(css)],
        )
        .await
        .unwrap();
}

/// The form (top, then Axe 1), the restitution (top, then the first box plots) and the territory
/// dashboard (top, then the structures' table, when the user has one) as the signed-in `who`.
async fn pages(harness: &Harness, who: &str) {
    let b = &harness.browser;
    b.goto(&format!("{}/formulaire/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    shot(harness, &format!("{who}-form")).await;
    click(b, "#onglet-1").await;
    b.execute("window.scrollTo(0, document.body.scrollHeight / 2);", vec![])
        .await
        .unwrap();
    shot(harness, &format!("{who}-form-axe1")).await;
    b.goto(&format!("{}/restitution/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=restitution-ready]").await.unwrap();
    shot(harness, &format!("{who}-restitution")).await;
    scroll_to(harness, "section[data-indicator]").await;
    shot(harness, &format!("{who}-restitution-charts")).await;
    b.goto(&format!("{}/territoire/{YEAR}", harness.base_url))
        .await
        .unwrap();
    // A structure's dashboard may be refused: the page then says so.
    wait_css(b, "[data-testid=structures-table] tbody tr, .fr-alert--error")
        .await
        .unwrap();
    shot(harness, &format!("{who}-territory")).await;
    if b.find(Locator::Css("[data-testid=filter-category]"))
        .await
        .is_ok()
    {
        scroll_to(harness, "[data-testid=filter-category]").await;
        shot(harness, &format!("{who}-territory-table")).await;
    }
}

#[actix_web::test]
async fn screenshots_of_the_form_restitution_and_territory_pages() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/formulaire/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    sign_in(b, ESMS.0, ESMS.1).await;
    pages(&harness, "esms").await;
    sign_out(b).await;
    sign_in(b, ARS.0, ARS.1).await;
    pages(&harness, "ars").await;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=review-queue]").await.unwrap();
    shot(&harness, "ars-home").await;
    harness.stop().await;
}
