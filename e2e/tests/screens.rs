//! Screenshots of the pages issue 19 reworked, on the demo data: the form (Caractérisation and deep in
//! Axe 1), the restitution and the territory dashboard, saved under `<target>/e2e/issue19-*.png` for
//! a before/after comparison. Asserts only that each page rendered.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

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

#[actix_web::test]
async fn screenshots_of_the_form_restitution_and_territory_pages() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/formulaire/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    sign_in(b, ESMS.0, ESMS.1).await;
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    shot(&harness, "form").await;
    click(b, "#onglet-1").await;
    b.execute("window.scrollTo(0, document.body.scrollHeight / 2);", vec![])
        .await
        .unwrap();
    shot(&harness, "form-axe1").await;
    b.goto(&format!("{}/restitution/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=restitution-ready]").await.unwrap();
    shot(&harness, "restitution").await;
    b.execute("window.scrollTo(0, 600);", vec![]).await.unwrap();
    shot(&harness, "restitution-charts").await;
    sign_out(b).await;
    sign_in(b, ARS.0, ARS.1).await;
    b.goto(&format!("{}/territoire/{YEAR}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=structures-table] tbody tr")
        .await
        .unwrap();
    shot(&harness, "territory").await;
    b.execute(
        "document.querySelector('[data-testid=filter-category]').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shot(&harness, "territory-table").await;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=review-queue]").await.unwrap();
    shot(&harness, "home-ars").await;
    harness.stop().await;
}
