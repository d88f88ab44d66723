//! The restitution of issue 7 in headless Chromium, on the demo data: the ARS officer opens the
//! territory dashboard, sorts the structures by an indicator (the order changes and is sorted both
//! ways), opens a structure's restitution and finds, for an indicator, its peer group at département,
//! région and national level — a box plot where the API publishes statistics, the withheld message
//! where it does not, with the French text alternative (the XLSX export of the table is fetched on
//! the way); then the structure opens its fiche de synthèse. Every page is screenshotted and scanned for English.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use serde_json::Value;
use tdb_e2e::Harness;
use tdb_e2e::ui::{
    api, api_token, check_page, click, select, sign_in, sign_out, text, wait_css, wait_text, wait_until,
};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");

async fn shot(harness: &Harness, name: &str) {
    let path = harness.screenshot(name).await.unwrap();
    eprintln!("e2e: screenshot {}", path.display());
}

/// `(finess, value)` of the rows of the structures' table in the column `code`, as shown.
const COLUMN: &str = r"
    const code = arguments[0];
    const table = document.querySelector('[data-testid=structures-table] table');
    const index = [...table.querySelectorAll('thead th')].findIndex(th => th.dataset.column === code);
    return [...table.querySelectorAll('tbody tr')]
        .map(tr => [tr.dataset.finess, tr.children[index].dataset.value || '']);
";

/// A JavaScript condition: the column `code` is marked sorted `order` and its values are.
fn sorted_condition(code: &str, order: &str) -> String {
    let cmp = if order == "ascending" { "<=" } else { ">=" };
    format!(
        "(() => {{
            const th = document.querySelector('[data-testid=structures-table] th[data-column={code}]');
            if (!th || th.getAttribute('aria-sort') !== '{order}') return false;
            const table = th.closest('table');
            const index = [...table.querySelectorAll('thead th')].indexOf(th);
            const cells = [...table.querySelectorAll('tbody tr')].map(tr => tr.children[index].dataset.value || '');
            const filled = cells.filter(v => v !== '').map(Number);
            const emptyAtEnd = cells.slice(filled.length).every(v => v === '');
            return emptyAtEnd && filled.every((v, i) => i === 0 || filled[i - 1] {cmp} v);
        }})()"
    )
}

async fn column(harness: &Harness, code: &str) -> Vec<(String, Option<f64>)> {
    let rows = harness
        .browser
        .execute(COLUMN, vec![Value::from(code)])
        .await
        .unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let finess = r[0].as_str().unwrap().to_owned();
            let value = r[1].as_str().unwrap().parse::<f64>().ok();
            (finess, value)
        })
        .collect()
}

fn is_sorted(values: &[Option<f64>], ascending: bool) -> bool {
    let filled: Vec<f64> = values.iter().map_while(|v| *v).collect();
    values[filled.len()..].iter().all(Option::is_none)
        && filled
            .windows(2)
            .all(|w| if ascending { w[0] <= w[1] } else { w[0] >= w[1] })
}

/// Every level of every indicator of the restitution page: a box plot exactly where `benchmark`
/// (the API's) publishes statistics, the withheld message elsewhere. `(levels, withheld)`.
async fn levels_match_the_api(harness: &Harness, benchmark: &Value) -> (usize, usize) {
    let drawn = harness
        .browser
        .execute(
            "return [...document.querySelectorAll('section[data-indicator] tr[data-level]')].map(tr => [
                tr.closest('section').dataset.indicator, tr.dataset.level,
                !!tr.querySelector('svg[data-testid=boxplot]'), !!tr.querySelector('[data-testid=withheld]')]);",
            vec![],
        )
        .await
        .unwrap();
    // The page lists the dialogue-level indicators first: compare as sets.
    let mut drawn: Vec<String> = drawn.as_array().unwrap().iter().map(Value::to_string).collect();
    drawn.sort();
    let mut expected = Vec::new();
    let mut withheld = 0;
    for i in benchmark["indicators"].as_array().unwrap() {
        for level in ["department", "region", "national"] {
            let published = i[level]["withheld"] == false;
            withheld += usize::from(!published);
            let row = Value::from(vec![
                i["indicator"].clone(),
                Value::from(level),
                Value::from(published),
                Value::from(!published),
            ]);
            expected.push(row.to_string());
        }
    }
    expected.sort();
    assert_eq!(drawn, expected);
    (expected.len(), withheld)
}

/// The rows of the structures' table, by FINESS.
const ROWS: &str = "return [...document.querySelectorAll('[data-testid=structures-table] tbody tr')]
    .map(tr => tr.dataset.finess);";

async fn rows_shown(harness: &Harness) -> Vec<String> {
    let rows = harness.browser.execute(ROWS, vec![]).await.unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

/// Rows per page of the structures' table (`territory::PER_PAGE` of the web app).
const PER_PAGE: usize = 20;

/// Every category of the scope: the table shows `PER_PAGE` rows a page, the caption counts them all and the
/// pager goes to the next page (other rows) and back; then the first category again.
async fn every_structure_a_page_at_a_time(harness: &Harness) {
    let b = &harness.browser;
    let first = wait_css(b, "[data-testid=filter-category]")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    select(b, "[data-testid=filter-category]", "").await;
    wait_text(b, "[data-testid=structures-table] caption", ", page 1 sur ").await;
    let caption = text(b, "[data-testid=structures-table] caption").await;
    let total: usize = caption
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(','))
        .and_then(|(n, _)| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in « {caption} »"));
    assert!(total > PER_PAGE, "{caption}");
    let page_one = rows_shown(harness).await;
    assert_eq!(page_one.len(), PER_PAGE, "{caption}");
    click(b, "[data-testid=pager-next]").await;
    wait_text(b, "[data-testid=pager-current]", "Page 2 sur").await;
    let page_two = rows_shown(harness).await;
    assert_eq!(page_two.len(), (total - PER_PAGE).min(PER_PAGE));
    assert!(
        page_two.iter().all(|f| !page_one.contains(f)),
        "page 2 repeats page 1"
    );
    click(b, "[data-testid=pager-prev]").await;
    wait_text(b, "[data-testid=pager-current]", "Page 1 sur").await;
    assert_eq!(rows_shown(harness).await, page_one);
    check_page(b, "tableau de bord territorial, toutes catégories").await;
    select(b, "[data-testid=filter-category]", &first).await;
    wait_until(
        b,
        &format!("document.querySelector('[data-testid=filter-category]').value === '{first}'"),
        "the first category again",
    )
    .await;
}

#[actix_web::test]
async fn authorities_compare_structures_and_a_structure_reads_its_fiche() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();

    // The ARS officer opens the territory dashboard from its home page.
    sign_in(b, ARS.0, ARS.1).await;
    click(b, "[data-testid=to-territory]").await;
    wait_css(b, "[data-testid=structures-table] tbody tr")
        .await
        .unwrap();
    wait_css(b, "[data-testid=region-ranking] tbody tr")
        .await
        .unwrap();
    wait_css(b, "[data-testid=progress] tbody tr").await.unwrap();
    shot(&harness, "territory").await;
    check_page(b, "tableau de bord territorial").await;
    every_structure_a_page_at_a_time(&harness).await;

    // Sorting by an indicator whose values the current order (by name) does not already sort.
    let codes: Vec<String> = b
        .execute(
            "return [...document.querySelectorAll('[data-testid=structures-table] th[data-column]')]
                .map(th => th.dataset.column)
                .filter(c => !['name', 'department', 'state', 'completion'].includes(c));",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let mut chosen = None;
    for code in &codes {
        let rows = column(&harness, code).await;
        let values: Vec<Option<f64>> = rows.iter().map(|(_, v)| *v).collect();
        if values.iter().flatten().count() >= 2 && !is_sorted(&values, true) {
            chosen = Some((code.clone(), rows));
            break;
        }
    }
    let (code, before) = chosen.expect("an indicator column with values to sort");
    let button = format!("[data-testid=structures-table] th[data-column={code}] button");
    click(b, &button).await;
    wait_until(b, &sorted_condition(&code, "ascending"), "ascending sort").await;
    let ascending = column(&harness, &code).await;
    assert_ne!(
        before.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        ascending.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        "sorting by {code} changed nothing"
    );
    let values: Vec<Option<f64>> = ascending.iter().map(|(_, v)| *v).collect();
    assert!(is_sorted(&values, true), "{code} ascending: {values:?}");
    click(b, &button).await;
    wait_until(b, &sorted_condition(&code, "descending"), "descending sort").await;
    let values: Vec<Option<f64>> = column(&harness, &code).await.iter().map(|(_, v)| *v).collect();
    assert!(is_sorted(&values, false), "{code} descending: {values:?}");
    shot(&harness, "territory-sorted").await;
    // Ascending again: the structure ranked first is on the first page.
    click(b, &button).await;
    wait_until(b, &sorted_condition(&code, "ascending"), "ascending sort again").await;
    // The export of the same filters is fetched with the token and handed to the browser.
    click(b, "[data-testid=export]").await;
    wait_text(b, "[data-testid=export-done]", "L'export est téléchargé").await;

    // The structure that ranks first opens on its restitution: three levels per indicator.
    let (finess, _) = ascending.iter().find(|(_, v)| v.is_some()).cloned().unwrap();
    click(
        b,
        &format!("[data-testid=structures-table] a[href='/restitution/{YEAR}/{finess}']"),
    )
    .await;
    wait_css(b, "[data-testid=restitution-ready]").await.unwrap();
    let ars = api_token(b, ARS.0, ARS.1).await;
    let (status, benchmark) = api(
        b,
        "GET",
        &format!("/api/v1/campaigns/{YEAR}/structures/{finess}/benchmark"),
        Some(&ars),
        None,
    )
    .await;
    assert_eq!(status, 200, "{benchmark}");
    let indicator = benchmark["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == code.as_str())
        .expect("the sorted indicator is in the structure's benchmark");
    let mut boxes = 0;
    for level in ["department", "region", "national"] {
        let group = &indicator[level];
        let row = format!("section[data-indicator={code}] tr[data-level={level}]");
        if group["withheld"] == true {
            let message = wait_css(b, &format!("{row} [data-testid=withheld]"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let count = match group["n"].as_u64().unwrap() {
                0 => "aucune structure".to_owned(),
                n => format!("{n} structure"),
            };
            assert!(
                message.contains(&count) && message.contains("au moins 5"),
                "{level}: {message}"
            );
        } else {
            let label = wait_css(b, &format!("{row} svg[data-testid=boxplot]"))
                .await
                .unwrap()
                .attr("aria-label")
                .await
                .unwrap()
                .unwrap();
            let n = group["n"].as_u64().unwrap();
            assert!(label.starts_with("Médiane "), "{level}: {label}");
            assert!(label.contains("votre valeur"), "{level}: {label}");
            if let Some(rank) = group["position"]["rank"].as_u64() {
                assert!(
                    label.contains(&format!("rang {rank} sur {n}")),
                    "{level}: {label}"
                );
            }
            boxes += 1;
        }
    }
    eprintln!("e2e: {code} of {finess}: {boxes} of 3 levels published (box plots), the rest withheld");
    assert!(boxes >= 1, "no published peer group for {code}: {indicator}");
    let (levels, withheld) = levels_match_the_api(&harness, &benchmark).await;
    eprintln!("e2e: restitution of {finess}: {levels} levels, {withheld} withheld");
    wait_css(b, "[data-testid=restitution-page] svg[data-testid=sparkline]")
        .await
        .unwrap();
    shot(&harness, "restitution").await;
    check_page(b, "restitution").await;

    // A structure of the smallest category of the scope: its small groups are withheld, and said so.
    b.back().await.unwrap();
    wait_css(b, "[data-testid=structures-table] tbody tr")
        .await
        .unwrap();
    let (status, table) = api(
        b,
        "GET",
        &format!("/api/v1/campaigns/{YEAR}/indicators?indicators=taux_occupation_hp"),
        Some(&ars),
        None,
    )
    .await;
    assert_eq!(status, 200, "{table}");
    let rows = table["rows"].as_array().unwrap();
    let count = |c: &str| rows.iter().filter(|r| r["category"] == c).count();
    let smallest = rows
        .iter()
        .map(|r| r["category"].as_str().unwrap())
        .min_by_key(|c| (count(c), *c))
        .unwrap()
        .to_owned();
    select(b, "[data-testid=filter-category]", &smallest).await;
    let small = rows
        .iter()
        .filter(|r| r["category"] == smallest.as_str())
        .map(|r| r["finess"].as_str().unwrap().to_owned())
        .min()
        .unwrap();
    click(
        b,
        &format!("[data-testid=structures-table] a[href='/restitution/{YEAR}/{small}']"),
    )
    .await;
    wait_css(b, "[data-testid=restitution-ready]").await.unwrap();
    let (status, benchmark) = api(
        b,
        "GET",
        &format!("/api/v1/campaigns/{YEAR}/structures/{small}/benchmark"),
        Some(&ars),
        None,
    )
    .await;
    assert_eq!(status, 200, "{benchmark}");
    let (levels, withheld) = levels_match_the_api(&harness, &benchmark).await;
    eprintln!("e2e: restitution of {small} ({smallest}): {levels} levels, {withheld} withheld");
    assert!(
        withheld > 0,
        "no withheld group for the smallest category {smallest}"
    );
    let message = text(b, "[data-testid=withheld]").await;
    assert!(message.starts_with("Statistiques non publiées"), "{message}");
    shot(&harness, "restitution-withheld").await;
    check_page(b, "restitution (groupes non publiés)").await;

    // The structure opens its fiche de synthèse from its home page.
    sign_out(b).await;
    sign_in(b, ESMS.0, ESMS.1).await;
    click(b, &format!("a[href='/fiche/{YEAR}/{FINESS}']")).await;
    wait_css(b, "[data-testid=fiche-ready]").await.unwrap();
    let esms = api_token(b, ESMS.0, ESMS.1).await;
    let (status, fiche) = api(
        b,
        "GET",
        &format!("/api/v1/structures/{FINESS}/fiche?campaign={YEAR}"),
        Some(&esms),
        None,
    )
    .await;
    assert_eq!(status, 200, "{fiche}");
    let rows = b
        .execute(
            "return document.querySelectorAll('[data-testid=fiche-indicators] tbody tr').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        rows.as_u64(),
        u64::try_from(fiche["indicators"].as_array().unwrap().len()).ok()
    );
    wait_css(b, "[data-testid=print]").await.unwrap();
    // The PDF needs the token: fetched by the client, then handed to the browser as a file.
    click(b, "[data-testid=pdf]").await;
    wait_text(b, "[data-testid=fiche-page]", "Le PDF de la fiche est téléchargé").await;
    shot(&harness, "fiche").await;
    check_page(b, "fiche de synthèse").await;
    harness.stop().await;
}
