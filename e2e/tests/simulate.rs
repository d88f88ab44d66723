//! The « Simuler » page of issue 21 in headless Chromium, on the demo data: the structure opens it from
//! its restitution, changes one stored value so that a dialogue indicator's rank moves, and the rank
//! shown moves; every indicator value, rank and quartile on the page equals the simulate API's answer
//! for the same values (asked by the test with the structure's own login); « Réinitialiser » brings the
//! stored figures back; nothing was saved; a structure outside its scope gets the API's refusal in
//! French; the form page links to the simulation; the region's ARS simulates the structure with the
//! API's numbers for its own login. Each state is checked by axe-core.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use serde_json::{Value, json};
use tdb_e2e::Harness;
use tdb_e2e::ui::{
    api, api_token, check_page, click, sign_in, sign_out, type_into, wait_css, wait_text, wait_until,
};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");
const LEVELS: [&str; 3] = ["department", "region", "national"];

async fn shot(harness: &Harness, name: &str) {
    let path = harness.screenshot(name).await.unwrap();
    eprintln!("e2e: screenshot {}", path.display());
}

/// What the page shows, one line per fact: `value <indicator> <current> <simulated>` from the
/// « actuel / simulé » table and `level <indicator> <level> <rank> <quartile> <rank> <quartile>` (current
/// then simulated) from the position tables; raw numbers from the `data-*` attributes.
const SHOWN: &str = r"
    const values = [...document.querySelectorAll('[data-testid=simulation-table] tbody tr')].map(tr =>
        ['value', tr.dataset.indicator,
         tr.querySelector('[data-col=current]').dataset.value,
         tr.querySelector('[data-col=simulated]').dataset.value]);
    const levels = [...document.querySelectorAll('section[data-indicator] tr[data-level]')].map(tr => {
        const cell = (col, key) => { const td = tr.querySelector(`[data-col=${col}]`); return td ? td.dataset[key] : ''; };
        return ['level', tr.closest('section').dataset.indicator, tr.dataset.level,
                cell('current-position', 'rank'), cell('current-position', 'quartile'),
                cell('simulated-position', 'rank'), cell('simulated-position', 'quartile')];
    });
    return values.concat(levels);
";

/// A number of a `data-*` attribute or of the API, as the same text (empty when absent).
fn number(value: &Value) -> String {
    match value {
        Value::String(s) if s.is_empty() => String::new(),
        Value::String(s) => s
            .parse::<f64>()
            .map(|x| x.to_string())
            .unwrap_or_else(|_| s.clone()),
        Value::Number(n) => n.as_f64().unwrap().to_string(),
        _ => String::new(),
    }
}

async fn shown(harness: &Harness) -> Vec<Vec<String>> {
    let rows = harness.browser.execute(SHOWN, vec![]).await.unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|row| row.as_array().unwrap().iter().map(number).collect())
        .collect()
}

/// The same facts from the API's simulation (dialogue indicators; no position where withheld).
fn expected(simulation: &Value) -> Vec<Vec<String>> {
    let dialogue: Vec<&Value> = simulation["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["level"] == "dialogue")
        .collect();
    let mut rows: Vec<Vec<String>> = dialogue
        .iter()
        .map(|i| {
            vec![
                "value".to_owned(),
                i["indicator"].as_str().unwrap().to_owned(),
                number(&i["current"]),
                number(&i["simulated"]),
            ]
        })
        .collect();
    for i in &dialogue {
        for level in LEVELS {
            let group = &i[level];
            let published = group["withheld"] == false && !group["stats"].is_null();
            let fact = |which: &str, key: &str| {
                if published {
                    number(&group[which][key])
                } else {
                    String::new()
                }
            };
            rows.push(vec![
                "level".to_owned(),
                i["indicator"].as_str().unwrap().to_owned(),
                level.to_owned(),
                fact("current", "rank"),
                fact("current", "quartile"),
                fact("simulated", "rank"),
                fact("simulated", "quartile"),
            ]);
        }
    }
    rows
}

/// Waits until the page shows the answer to the changes `changed` (item codes, space-separated).
async fn settled(harness: &Harness, changed: &str) {
    let condition = format!(
        "(() => {{ const r = document.querySelector('[data-testid=simulation-results]');
            return r && r.getAttribute('aria-busy') === 'false' && r.dataset.changed === {changed:?}; }})()"
    );
    wait_until(
        &harness.browser,
        &condition,
        &format!("simulation of {changed:?}"),
    )
    .await;
}

/// The inputs of the occupation and activity rates (dialogue indicators of the EHPAD), tried in turn.
const CANDIDATES: [(&str, &str); 4] = [
    ("taux_occupation_hp", "places_financees_hp"),
    ("taux_occupation_hp", "journees_realisees_hp"),
    ("taux_realisation_activite", "journees_realisees_hp"),
    ("taux_occupation_aj", "places_financees_aj"),
];

/// The first change of one stored number feeding a dialogue indicator that moves one of its ranks:
/// `(item, value, indicator, level)`, with the API's answer.
async fn rank_moving_change(
    harness: &Harness,
    token: &str,
    doc: &Value,
    simulate: &str,
) -> (String, f64, String, String, Value) {
    for (code, item) in CANDIDATES {
        let Some(stored) = doc["values"][item]["value"].as_f64().filter(|v| *v > 1.0) else {
            continue;
        };
        for factor in [0.5, 2.0, 0.1, 10.0] {
            let value = (stored * factor).round();
            let body = json!({"values": {item: value}});
            let (status, answer) = api(&harness.browser, "POST", simulate, Some(token), Some(body)).await;
            if status != 200 {
                continue;
            }
            let simulated = answer["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["indicator"] == code)
                .unwrap();
            for level in LEVELS {
                let group = &simulated[level];
                let rank = |which: &str| group[which]["rank"].as_u64();
                if group["withheld"] == false
                    && rank("current").is_some()
                    && rank("current") != rank("simulated")
                {
                    return (item.to_owned(), value, code.to_owned(), level.to_owned(), answer);
                }
            }
        }
    }
    panic!("no change of a stored value moves a rank of a dialogue indicator");
}

/// `data-rank` of the simulated position of `indicator` at `level` on the page.
async fn simulated_rank(harness: &Harness, indicator: &str, level: &str) -> String {
    let script = format!(
        "return document.querySelector(\"section[data-indicator='{indicator}'] tr[data-level='{level}'] \
         [data-col=simulated-position]\").dataset.rank;"
    );
    number(&harness.browser.execute(&script, vec![]).await.unwrap())
}

#[actix_web::test]
async fn simuler_moves_the_rank_with_the_numbers_of_the_simulate_api() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    let esms = api_token(b, ESMS.0, ESMS.1).await;
    let form_path = format!("/api/v1/campaigns/{YEAR}/structures/{FINESS}/form");
    let simulate = format!("/api/v1/campaigns/{YEAR}/structures/{FINESS}/simulate");
    let (status, doc) = api(b, "GET", &form_path, Some(&esms), None).await;
    assert_eq!(status, 200, "{doc}");
    let (item, value, indicator, level, moved) = rank_moving_change(&harness, &esms, &doc, &simulate).await;
    eprintln!("e2e: {item} = {value} moves the {level} rank of {indicator}");

    // From the restitution, « Simuler »: the page shows the API's figures of no change.
    sign_in(b, ESMS.0, ESMS.1).await;
    click(b, &format!("a[href='/restitution/{YEAR}/{FINESS}']")).await;
    wait_css(b, "[data-testid=restitution-ready]").await.unwrap();
    click(b, "[data-testid=to-simulation]").await;
    wait_css(b, "[data-testid=simulation-ready]").await.unwrap();
    wait_text(b, "[data-testid=nothing-saved]", "Rien n'est enregistré").await;
    let (_, none) = api(b, "POST", &simulate, Some(&esms), Some(json!({"values": {}}))).await;
    assert_eq!(shown(&harness).await, expected(&none));
    let before = simulated_rank(&harness, &indicator, &level).await;
    assert!(!before.is_empty(), "no rank shown for {indicator} at {level}");
    // The groups are named as on the restitution (issue 19, point 9), never by their codes.
    let groups = tdb_e2e::ui::text(b, "[data-testid=simulation-results]").await;
    assert!(groups.contains("Département : Nord"), "{groups}");
    assert!(groups.contains("Région : Hauts-de-France"), "{groups}");
    assert!(
        !groups.contains("Département (") && !groups.contains("Région ("),
        "a code names a group"
    );
    shot(&harness, "simulation").await;
    check_page(b, "simulation").await;

    // The change, typed as a person would (French number), in its axis.
    let axis = b
        .execute(
            &format!("return document.querySelector('#sim-{item}').closest('details').dataset.axis;"),
            vec![],
        )
        .await
        .unwrap();
    click(
        b,
        &format!("details[data-axis='{}'] > summary", axis.as_str().unwrap()),
    )
    .await;
    type_into(b, &format!("#sim-{item}"), &format!("{value}")).await;
    settled(&harness, &item).await;
    let after = simulated_rank(&harness, &indicator, &level).await;
    assert_ne!(
        before, after,
        "the {level} rank of {indicator} shown did not move"
    );
    let expected_rank = number(
        &moved["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["indicator"] == indicator.as_str())
            .unwrap()[&level]["simulated"]["rank"],
    );
    assert_eq!(after, expected_rank);
    // Every number on the page is the API's for the same values (asked again here).
    let (status, answer) = api(
        b,
        "POST",
        &simulate,
        Some(&esms),
        Some(json!({"values": {&item: value}})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(shown(&harness).await, expected(&answer));
    wait_text(
        b,
        "[data-testid=simulation-announce]",
        "Simulation mise à jour : 1 donnée modifiée",
    )
    .await;
    wait_text(b, "[data-testid=stored-value]", "Valeur enregistrée").await;
    shot(&harness, "simulation-changed").await;
    let card =
        format!("return document.querySelector(\"section[data-indicator='{indicator}']\").scrollIntoView();");
    b.execute(&card, vec![]).await.unwrap();
    shot(&harness, "simulation-positions").await;
    check_page(b, "simulation (valeur modifiée)").await;

    // « Réinitialiser »: the stored values and the figures of no change are back; nothing was saved.
    click(b, "[data-testid=simulation-reset]").await;
    settled(&harness, "").await;
    assert_eq!(shown(&harness).await, expected(&none));
    assert_eq!(simulated_rank(&harness, &indicator, &level).await, before);
    wait_text(
        b,
        "[data-testid=simulation-announce]",
        "Simulation revenue aux valeurs enregistrées",
    )
    .await;
    let (_, stored) = api(b, "GET", &form_path, Some(&esms), None).await;
    assert_eq!(
        stored["version"], doc["version"],
        "the simulation saved something"
    );
    assert_eq!(stored["values"][&item]["value"], doc["values"][&item]["value"]);
    check_page(b, "simulation (réinitialisée)").await;

    // Another structure's simulation: the API refuses it (404, as for any structure outside the scope),
    // the page shows its French refusal.
    let other = "591000013";
    let other_path = format!("/api/v1/campaigns/{YEAR}/structures/{other}/simulate");
    let (status, refused) = api(b, "POST", &other_path, Some(&esms), Some(json!({"values": {}}))).await;
    assert_eq!(status, 404, "{refused}");
    b.goto(&format!("{}/simulation/{YEAR}/{other}", harness.base_url))
        .await
        .unwrap();
    wait_text(b, "main .fr-alert--error", refused["detail"].as_str().unwrap()).await;
    check_page(b, "simulation refusée").await;

    // The form page leads to the same simulation.
    b.goto(&format!("{}/formulaire/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    wait_css(
        b,
        &format!("a[data-testid=to-simulation][href='/simulation/{YEAR}/{FINESS}']"),
    )
    .await
    .unwrap();

    // The ARS of the region simulates the structure too, with the API's numbers for its own login.
    sign_out(b).await;
    sign_in(b, ARS.0, ARS.1).await;
    b.goto(&format!("{}/simulation/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=simulation-ready]").await.unwrap();
    let ars = api_token(b, ARS.0, ARS.1).await;
    let (status, seen) = api(b, "POST", &simulate, Some(&ars), Some(json!({"values": {}}))).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(shown(&harness).await, expected(&seen));
    check_page(b, "simulation (ARS)").await;
    harness.stop().await;
}
