//! Issue 19, points 4, 9 and 10 in headless Chromium, on the demo data, as the ARS officer: the review
//! queue of the home page is filtered (state, category, département) and paged by the API, with the
//! count of forms shown; the territory filters and the restitution name categories, départements and
//! régions in French (never a raw code); the box plots of one indicator share one axis with ticks,
//! their median and quartiles written in French.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use std::collections::BTreeSet;

use serde_json::Value;
use tdb_domain::catalogue_for;
use tdb_domain::contract::IndicatorUnit;
use tdb_domain::display::format_indicator;
use tdb_e2e::Harness;
use tdb_e2e::ui::{
    api, api_token, check_page, click, select, sign_in, text, wait_css, wait_text, wait_until,
};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");
/// Forms per page of the queue (`QUEUE_PER_PAGE` of the web app).
const PER_PAGE: usize = 10;

/// The API's answer to the query of the queue, in its order (most alerts first): `(total, FINESS of
/// the page)`; the page's alert counts never increase.
async fn api_page(harness: &Harness, token: &str, query: &str) -> (u64, Vec<String>) {
    let (status, page) = api(
        &harness.browser,
        "GET",
        &format!("/api/v1/structures?{query}&sort=alerts"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{query}: {page}");
    let alerts: Vec<u64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["form"]["alert_count"].as_u64().unwrap_or(0))
        .collect();
    assert!(
        alerts.windows(2).all(|w| w[0] >= w[1]),
        "{query}: alerts {alerts:?}"
    );
    let finess = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["finess"].as_str().unwrap().to_owned())
        .collect();
    (page["meta"]["total"].as_u64().unwrap(), finess)
}

/// Waits until the queue shows the answer to a query containing every part of `parts`, then returns
/// the FINESS of its rows.
async fn queue_rows(harness: &Harness, parts: &[&str]) -> Vec<String> {
    let b = &harness.browser;
    let condition = parts
        .iter()
        .map(|p| format!("q.dataset.query.split('&').includes({p:?})"))
        .collect::<Vec<_>>()
        .join(" && ");
    wait_until(
        b,
        &format!("(() => {{ const q = document.querySelector('[data-testid=review-queue]'); return !!q && {condition}; }})()"),
        &format!("the queue of {parts:?}"),
    )
    .await;
    b.execute(
        "return [...document.querySelectorAll('[data-testid=review-queue] tbody tr')].map(tr => tr.dataset.finess);",
        vec![],
    )
    .await
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .map(|f| f.as_str().unwrap().to_owned())
    .collect()
}

/// `(value, text)` of the options of the select matching `css`.
async fn options(harness: &Harness, css: &str) -> Vec<(String, String)> {
    wait_css(&harness.browser, &format!("{css} option"))
        .await
        .unwrap();
    let found = harness
        .browser
        .execute(
            "return [...document.querySelectorAll(arguments[0] + ' option')].map(o => [o.value, o.textContent.trim()]);",
            vec![Value::from(css)],
        )
        .await
        .unwrap();
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o[0].as_str().unwrap().to_owned(),
                o[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A select's options say words: no text is its own value, an upper-cased code or a number.
fn no_raw_code(options: &[(String, String)], what: &str) {
    for (value, text) in options.iter().filter(|(v, _)| !v.is_empty()) {
        let numeric = text.chars().all(|c| c.is_ascii_digit() || c == 'A' || c == 'B');
        assert!(
            text != value && *text != value.to_uppercase() && !numeric && text.chars().count() > 3,
            "{what}: option « {text} » for {value} is a code"
        );
    }
}

#[actix_web::test]
async fn an_officer_filters_and_pages_the_queue_and_reads_names_and_shared_scales() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    // The API token first: an API login changes the refresh cookie of the page.
    let ars = api_token(b, ARS.0, ARS.1).await;
    sign_in(b, ARS.0, ARS.1).await;
    let catalogue = catalogue_for(YEAR).unwrap();

    // Point 4: the queue, by default the forms awaiting the ARS, with their count.
    let awaiting = format!("form_state=soumis&awaiting=me&campaign={YEAR}&per_page={PER_PAGE}");
    let (total, first) = api_page(&harness, &ars, &format!("{awaiting}&page=1")).await;
    let rows = queue_rows(&harness, &["awaiting=me", "page=1"]).await;
    assert_eq!(rows, first, "the first page of the queue is the API's");
    let count = text(b, "[data-testid=queue-count]").await;
    assert!(count.starts_with(&format!("{total} formulaire")), "{count}");
    no_raw_code(&options(&harness, "#queue-state").await, "état");
    let categories = options(&harness, "#queue-category").await;
    no_raw_code(&categories, "catégorie");
    let ehpad = catalogue
        .categories()
        .iter()
        .find(|c| c.code.as_str() == "ehpad")
        .unwrap();
    assert!(
        categories.iter().any(|(v, t)| v == "ehpad" && *t == ehpad.label),
        "{categories:?}"
    );
    let departments = options(&harness, "#queue-department").await;
    no_raw_code(&departments, "département");
    assert!(
        departments.iter().any(|(v, t)| v == "59" && t == "Nord"),
        "{departments:?}"
    );
    check_page(b, "file d'examen de l'ARS").await;

    // Paging: a state whose forms fill more than one page, then its second page.
    let mut paged = None;
    for state in ["attente", "soumis", "valide", "correction_demandee"] {
        select(&harness.browser, "#queue-state", state).await;
        let query = match state {
            "attente" => "form_state=soumis&awaiting=me".to_owned(),
            other => format!("form_state={other}"),
        };
        let last = query.split('&').next_back().unwrap().to_owned();
        queue_rows(&harness, &[&last, "page=1"]).await;
        let (total, _) = api_page(&harness, &ars, &format!("{query}&campaign={YEAR}&per_page=1")).await;
        if total > PER_PAGE as u64 {
            paged = Some((state, query, total));
            break;
        }
    }
    let (state, query, total) = paged.expect("a state of the queue with more than one page of forms");
    let pages = total.div_ceil(PER_PAGE as u64);
    wait_text(b, "[data-testid=pager-current]", &format!("Page 1 sur {pages}")).await;
    let count = text(b, "[data-testid=queue-count]").await;
    assert_eq!(count, format!("{total} formulaires ; 1 à {PER_PAGE} affichés."));
    click(b, "[data-testid=pager-next]").await;
    let second = queue_rows(&harness, &["page=2"]).await;
    let (_, expected) = api_page(
        &harness,
        &ars,
        &format!("{query}&campaign={YEAR}&page=2&per_page={PER_PAGE}"),
    )
    .await;
    assert_eq!(second, expected, "page 2 of « {state} »");
    wait_text(b, "[data-testid=pager-current]", &format!("Page 2 sur {pages}")).await;
    check_page(b, "file d'examen, page 2").await;

    // Filters: département then category narrow the list as the API does, back on page 1.
    select(&harness.browser, "#queue-department", "59").await;
    let rows = queue_rows(&harness, &["department=59", "page=1"]).await;
    let (total_59, expected) = api_page(
        &harness,
        &ars,
        &format!("{query}&campaign={YEAR}&department=59&page=1&per_page={PER_PAGE}"),
    )
    .await;
    assert_eq!(rows, expected);
    assert!(total_59 < total, "the département filter kept every form");
    let cells: BTreeSet<String> = b
        .execute(
            "return [...document.querySelectorAll('[data-testid=review-queue] tbody tr')].map(tr => tr.children[1].textContent);",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert!(
        cells.is_empty() || cells == BTreeSet::from(["Nord".to_owned()]),
        "{cells:?}"
    );
    select(&harness.browser, "#queue-category", "ehpad").await;
    let rows = queue_rows(&harness, &["department=59", "category=ehpad"]).await;
    let (_, expected) = api_page(
        &harness,
        &ars,
        &format!("{query}&campaign={YEAR}&department=59&category=ehpad&page=1&per_page={PER_PAGE}"),
    )
    .await;
    assert_eq!(rows, expected);
    check_page(b, "file d'examen filtrée").await;

    // Point 9: the territory filters name categories and départements.
    b.goto(&format!("{}/territoire/{YEAR}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=structures-table] tbody tr")
        .await
        .unwrap();
    let categories = options(&harness, "#filter-category").await;
    no_raw_code(&categories, "catégorie du tableau de bord");
    for (value, label) in categories.iter().filter(|(v, _)| !v.is_empty()) {
        let def = catalogue
            .categories()
            .iter()
            .find(|c| c.code.as_str() == value)
            .unwrap_or_else(|| panic!("{value} is not a category of the catalogue"));
        assert_eq!(*label, def.label);
    }
    let departments = options(&harness, "#filter-department").await;
    no_raw_code(&departments, "département du tableau de bord");
    assert!(departments.iter().any(|(v, t)| v == "59" && t == "Nord"));
    check_page(b, "tableau de bord territorial").await;

    // Points 9 and 10: the restitution names its territories; one scale per indicator.
    b.goto(&format!("{}/restitution/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=restitution-ready]").await.unwrap();
    let page = text(b, "[data-testid=restitution-page]").await;
    assert!(page.contains("Nord, Hauts-de-France"), "{page}");
    assert!(!page.contains("département 59"), "{page}");
    wait_text(b, "tr[data-level=department] th", "Département : Nord").await;
    wait_text(b, "tr[data-level=region] th", "Région : Hauts-de-France").await;
    let scales = b
        .execute(
            "return [...document.querySelectorAll('section[data-indicator]')].map(s => ({
                indicator: s.dataset.indicator,
                axes: [...s.querySelectorAll('svg[data-axis-min]')].map(svg => [svg.dataset.axisMin, svg.dataset.axisMax]),
                ticks: [...s.querySelectorAll('svg[data-testid=boxplot]')].map(svg =>
                    [...svg.querySelectorAll('.tdb-boxplot__tick')].map(l => l.getAttribute('x1')).join(' ')),
                labels: [...s.querySelectorAll('svg[data-testid=axis] text')].map(t => t.textContent),
                values: [...s.querySelectorAll('[data-testid=boxplot-values]')].map(p => p.textContent),
            }));",
            vec![],
        )
        .await
        .unwrap();
    let (status, benchmark) = api(
        b,
        "GET",
        &format!("/api/v1/campaigns/{YEAR}/structures/{FINESS}/benchmark"),
        Some(&ars),
        None,
    )
    .await;
    assert_eq!(status, 200, "{benchmark}");
    let mut shared = 0;
    for scale in scales.as_array().unwrap() {
        let axes = scale["axes"].as_array().unwrap();
        let boxes = scale["ticks"].as_array().unwrap();
        if boxes.is_empty() {
            continue;
        }
        // The box plots and the graduated scale under them: one min, one max, the same ticks.
        assert_eq!(axes.len(), boxes.len() + 1, "{scale}");
        assert!(axes.iter().all(|a| a == &axes[0]), "{scale}");
        assert!(boxes.iter().all(|t| t == &boxes[0]), "{scale}");
        assert!(boxes[0].as_str().unwrap().split(' ').count() >= 2, "{scale}");
        shared += usize::from(boxes.len() >= 2);
        // Written in French: the median of the first published level, from the API's figure.
        let code = scale["indicator"].as_str().unwrap();
        let indicator = benchmark["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["indicator"] == code)
            .unwrap();
        let level = ["department", "region", "national"]
            .into_iter()
            .map(|l| &indicator[l])
            .find(|l| l["withheld"] == false)
            .unwrap();
        if indicator["unit"] == "ratio" {
            let median = format_indicator(level["stats"]["median"].as_f64().unwrap(), IndicatorUnit::Ratio);
            let written = scale["values"][0].as_str().unwrap();
            assert!(
                written.starts_with(&format!("Médiane {median} ; quartiles ")),
                "{written}"
            );
            let labels = scale["labels"].as_array().unwrap();
            assert!(
                labels.iter().all(|l| l.as_str().unwrap().ends_with("\u{202F}%")),
                "{labels:?}"
            );
        }
    }
    assert!(shared > 0, "no indicator with two box plots on one axis");
    check_page(b, "restitution (échelle commune)").await;
    harness.stop().await;
}
