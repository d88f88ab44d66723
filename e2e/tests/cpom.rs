//! CPOM in headless Chromium on the demo data: an ARS officer opens a contract from the CPOM list and
//! sees each objective with its status (the one the API computes) and its chart, then a committee's
//! report and the coverage by department, all in French.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use tdb_e2e::Harness;
use tdb_e2e::ui::{api, api_token, assert_french, click, sign_in, wait_css, wait_text, wait_until};

const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");

/// The French label the page must show for a status code of the API.
fn label(status: &str) -> &'static str {
    match status {
        "atteint" => "Atteint",
        "en_bonne_voie" => "En bonne voie",
        "en_retard" => "En retard",
        _ => "Non mesurable",
    }
}

async fn shot(harness: &Harness, name: &str) {
    let path = harness.screenshot(name).await.unwrap();
    eprintln!("e2e: screenshot {}", path.display());
}

#[actix_web::test]
async fn ars_officer_sees_the_status_of_each_objective_of_a_contract() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    sign_in(b, ARS.0, ARS.1).await;

    // The contracts the ARS signs; the first one is opened from the list.
    click(b, "[data-testid=nav-cpom]").await;
    wait_css(b, "[data-testid=contracts] [data-testid=contract-link]")
        .await
        .unwrap();
    assert_french(b, "cpom-liste").await;
    let token = api_token(b, ARS.0, ARS.1).await;
    let (status, contracts) = api(b, "GET", "/api/v1/cpom/contracts", Some(&token), None).await;
    assert_eq!(status, 200, "{contracts}");
    let id = contracts[0]["id"].as_i64().unwrap();
    click(b, &format!("a[href='/cpom/{id}']")).await;
    wait_text(
        b,
        "[data-testid=contract-title]",
        contracts[0]["title"].as_str().unwrap(),
    )
    .await;

    // Every objective of the follow-up is shown, in order, with the status the API computes.
    let (status, follow) = api(
        b,
        "GET",
        &format!("/api/v1/cpom/contracts/{id}/follow-up"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{follow}");
    let expected: Vec<&str> = follow["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| label(o["status"].as_str().unwrap()))
        .collect();
    assert!(!expected.is_empty());
    wait_until(
        b,
        &format!(
            "document.querySelectorAll('[data-testid=objective-status]').length === {}",
            expected.len()
        ),
        "every objective status",
    )
    .await;
    let shown = b
        .execute(
            "return [...document.querySelectorAll('[data-testid=objective-status]')].map(e => e.textContent);",
            vec![],
        )
        .await
        .unwrap();
    let shown: Vec<String> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown, expected);
    let charts = b
        .execute(
            "return document.querySelectorAll('[data-testid=objective-chart]').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(charts.as_u64(), Some(expected.len() as u64));
    shot(&harness, "cpom-contrat").await;
    assert_french(b, "cpom-contrat").await;

    // The mid-term committee's report.
    click(b, "[data-testid=committees] a").await;
    wait_css(b, "[data-testid=report-counts]").await.unwrap();
    shot(&harness, "cpom-comite").await;
    assert_french(b, "cpom-comite").await;

    // Coverage by department, reached from the CPOM list (the session lives in the page).
    click(b, "[data-testid=nav-cpom]").await;
    click(b, "[data-testid=coverage-link]").await;
    wait_css(b, "[data-testid=coverage] tbody tr").await.unwrap();
    wait_text(b, "[data-testid=coverage-summary]", "Structures sous CPOM").await;
    shot(&harness, "cpom-couverture").await;
    assert_french(b, "cpom-couverture").await;
    harness.stop().await;
}
