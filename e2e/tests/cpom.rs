//! CPOM in headless Chromium on the demo data: an ARS officer opens a contract from the CPOM list and
//! sees each objective with its status (the one the API computes) and its chart, then a committee's
//! report and the coverage by department, all in French; and writes a contract through the forms
//! (creation, action sheet, objective, signature) down to the committee report's PDF.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use serde_json::Value;
use tdb_e2e::Harness;
use tdb_e2e::ui::{
    api, api_token, check_page, click, sign_in, text, type_into, wait_css, wait_text, wait_until,
};

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
    check_page(b, "cpom-liste").await;
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
    check_page(b, "cpom-contrat").await;

    // The mid-term committee's report.
    click(b, "[data-testid=committees] a").await;
    wait_css(b, "[data-testid=report-counts]").await.unwrap();
    shot(&harness, "cpom-comite").await;
    check_page(b, "cpom-comite").await;

    // Coverage by department, reached from the CPOM list (the session lives in the page).
    click(b, "[data-testid=nav-cpom]").await;
    click(b, "[data-testid=coverage-link]").await;
    wait_css(b, "[data-testid=coverage] tbody tr").await.unwrap();
    wait_text(b, "[data-testid=coverage-summary]", "Structures sous CPOM").await;
    shot(&harness, "cpom-couverture").await;
    check_page(b, "cpom-couverture").await;
    harness.stop().await;
}

/// Chooses `value` in the select matching `css` and tells the page, as a user's choice would.
async fn set_field(b: &fantoccini::Client, css: &str, value: &str) {
    wait_css(b, css).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    b.execute(
        "const [css, value] = arguments; const el = document.querySelector(css); el.value = value;
         el.dispatchEvent(new Event('input', {bubbles: true}));
         el.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![Value::from(css), Value::from(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("set {css}: {e}"));
}

/// The first bytes of a file of the API fetched with `token`, as text.
async fn file_head(b: &fantoccini::Client, path: &str, token: &str) -> (u16, String) {
    let answer = b
        .execute_async(
            "const [path, token, done] = arguments;
             fetch(path, {headers: {'Authorization': 'Bearer ' + token}})
                 .then(async r => done([r.status, String.fromCharCode(...new Uint8Array(await r.arrayBuffer()).slice(0, 5))]))
                 .catch(e => done([0, String(e)]));",
            vec![Value::from(path), Value::from(token)],
        )
        .await
        .unwrap();
    (
        u16::try_from(answer[0].as_u64().unwrap_or(0)).unwrap_or(0),
        answer[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[actix_web::test]
async fn ars_officer_writes_a_contract_through_the_forms() {
    const TITLE: &str = "CPOM écrit dans le navigateur";
    const SHEET: &str = "Informatiser le dossier de l'usager";
    const OBJECTIVE: &str = "80 % des dossiers informatisés";
    const INDICATOR: &str = "taux_dossiers_administratifs_informatises";
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    sign_in(b, ARS.0, ARS.1).await;
    let token = api_token(b, ARS.0, ARS.1).await;

    // A managing body of the region with two active structures the ARS sees.
    let (status, structures) = api(b, "GET", "/api/v1/structures?per_page=500", Some(&token), None).await;
    assert_eq!(status, 200, "{structures}");
    let items = structures["items"].as_array().unwrap();
    let of = |org: &str| -> Vec<String> {
        items
            .iter()
            .filter(|s| s["organisation_finess"] == org && s["active"] == true)
            .map(|s| s["finess"].as_str().unwrap().to_owned())
            .collect()
    };
    let organisation = items
        .iter()
        .map(|s| s["organisation_finess"].as_str().unwrap())
        .find(|org| of(org).len() >= 2)
        .expect("a managing body with two structures")
        .to_owned();
    let members = of(&organisation);

    // « Nouveau contrat »: managing body, terms, two structures; the new contract's page opens.
    click(b, "[data-testid=nav-cpom]").await;
    click(b, "[data-testid=new-contract]").await;
    set_field(
        b,
        "[data-testid=contract-form] [name=organisation_finess]",
        &organisation,
    )
    .await;
    type_into(b, "[data-testid=contract-form] [name=title]", TITLE).await;
    type_into(b, "[data-testid=contract-form] [name=start_date]", "01/01/2025").await;
    // Typed, not sent, the page reloaded: the panel opens by itself with the entries and the notice.
    let draft = format!("tdb.brouillon:{}:cpom:nouveau-contrat", ARS.0);
    wait_until(
        b,
        &format!("(localStorage.getItem({draft:?}) || '').includes({TITLE:?})"),
        "the draft of the new contract",
    )
    .await;
    b.refresh().await.unwrap();
    wait_text(
        b,
        "[data-testid=contract-form] [data-testid=draft-notice]",
        "non enregistrées ont été restaurées",
    )
    .await;
    let title = wait_css(b, "[data-testid=contract-form] [name=title]")
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(title.as_deref(), Some(TITLE));
    for finess in &members[..2] {
        click(
            b,
            &format!("[data-testid=contract-form] input[value='{finess}'] + label"),
        )
        .await;
    }
    check_page(b, "cpom-nouveau").await;
    shot(&harness, "cpom-nouveau").await;
    click(b, "[data-testid=contract-form] button[type=submit]").await;
    wait_text(b, "[data-testid=contract-title]", TITLE).await;
    wait_text(b, "[data-testid=contract-state]", "En négociation").await;
    wait_text(b, "[data-testid=perimeter]", "Structures couvertes (2)").await;
    wait_until(
        b,
        &format!("localStorage.getItem({draft:?}) === null"),
        "the draft cleared once the contract is created",
    )
    .await;

    // An action sheet.
    click(b, "[data-testid=add-sheet]").await;
    set_field(b, "[data-testid=sheet-form] [name=theme]", "systeme_information").await;
    type_into(b, "[data-testid=sheet-form] [name=title]", SHEET).await;
    type_into(
        b,
        "[data-testid=sheet-form] [name=owner]",
        "Directeur des systèmes d'information",
    )
    .await;
    click(b, "[data-testid=sheet-form] button[type=submit]").await;
    wait_text(b, "[data-testid=action-sheet] h3", SHEET).await;
    // Edited in place: a PUT with the contract's version as If-Match.
    click(b, "[data-testid=edit-sheet]").await;
    type_into(b, "[data-testid=sheet-form] [name=owner]", "Direction générale").await;
    click(b, "[data-testid=sheet-form] button[type=submit]").await;
    wait_text(b, "[data-testid=action-sheet]", "Pilote : Direction générale").await;

    // An objective on a catalogue indicator, aggregated over the perimeter; the target typed in %.
    click(b, "[data-testid=add-objective]").await;
    wait_css(
        b,
        &format!("[data-testid=objective-form] option[value={INDICATOR}]"),
    )
    .await
    .unwrap();
    set_field(b, "[data-testid=objective-form] [name=indicator_code]", INDICATOR).await;
    type_into(b, "[data-testid=objective-form] [name=target_value]", "80").await;
    // Without a label the API refuses: its message is shown next to the form, under the field's name.
    click(b, "[data-testid=objective-form] button[type=submit]").await;
    wait_text(
        b,
        "[data-testid=objective-form] [data-testid=form-error]",
        "Libellé : Le libellé de l'objectif est obligatoire.",
    )
    .await;
    check_page(b, "cpom-objectif").await;
    type_into(b, "[data-testid=objective-form] [name=label]", OBJECTIVE).await;
    click(b, "[data-testid=objective-form] button[type=submit]").await;
    wait_text(b, "[data-testid=objective]", OBJECTIVE).await;

    // Signed: the state and the objective are shown.
    click(b, "[data-testid=sign]").await;
    wait_text(b, "[data-testid=contract-state]", "Signé").await;
    wait_text(b, "[data-testid=objective]", OBJECTIVE).await;
    wait_text(b, "[data-testid=objective]", "80,0").await;
    shot(&harness, "cpom-signe").await;
    check_page(b, "cpom-signe").await;

    // The API agrees.
    let (status, contracts) = api(b, "GET", "/api/v1/cpom/contracts", Some(&token), None).await;
    assert_eq!(status, 200, "{contracts}");
    let id = contracts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == TITLE)
        .expect("the new contract")["id"]
        .as_i64()
        .unwrap();
    let (status, detail) = api(
        b,
        "GET",
        &format!("/api/v1/cpom/contracts/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["contract"]["state"], "signe");
    assert_eq!(detail["contract"]["organisation_finess"], organisation.as_str());
    assert_eq!(detail["perimeter"].as_array().unwrap().len(), 2);
    let objective = &detail["action_sheets"][0]["objectives"][0];
    assert_eq!(objective["indicator_code"], INDICATOR);
    assert_eq!(objective["target_value"], 0.8);

    // The mid-term committee planned by the signature: its report as a PDF.
    let committee = detail["committees"][0]["id"].as_i64().unwrap();
    click(
        b,
        &format!("[data-testid=committees] a[href='/cpom/comites/{committee}']"),
    )
    .await;
    wait_css(b, "[data-testid=report-counts]").await.unwrap();
    wait_css(b, "[data-testid=record-form]").await.unwrap();
    click(b, "[data-testid=report-pdf]").await;
    wait_text(
        b,
        "[data-testid=report-pdf-area]",
        "Le rapport PDF est téléchargé",
    )
    .await;
    let (status, head) = file_head(
        b,
        &format!("/api/v1/cpom/committees/{committee}/report.pdf"),
        &token,
    )
    .await;
    assert_eq!(status, 200, "{head}");
    assert!(head.starts_with("%PDF"), "{head:?}");
    shot(&harness, "cpom-comite-pdf").await;
    check_page(b, "cpom-comite-pdf").await;

    // Issue 19, point 6: terminating the contract asks first; cancelling sends nothing.
    b.goto(&format!("{}/cpom/{id}", harness.base_url)).await.unwrap();
    wait_text(b, "[data-testid=contract-state]", "Signé").await;
    click(b, "[data-testid=contract-actions] details summary").await;
    type_into(
        b,
        "[data-testid=contract-actions] [name=reason]",
        "Fusion des deux structures avec un autre organisme.",
    )
    .await;
    click(b, "[data-testid=terminate]").await;
    let question = b.get_alert_text().await.expect("a question before terminating");
    assert!(
        question.starts_with("Résilier le contrat ?") && question.contains("définitive"),
        "{question}"
    );
    b.dismiss_alert().await.unwrap();
    let (_, detail) = api(
        b,
        "GET",
        &format!("/api/v1/cpom/contracts/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(detail["contract"]["state"], "signe", "cancelled, yet sent");
    click(b, "[data-testid=terminate]").await;
    b.accept_alert().await.unwrap();
    wait_text(b, "[data-testid=contract-state]", "Résilié").await;
    harness.stop().await;
}

/// A managing body types « non » on `cpom_en_cours` in the form of a structure its contract covers:
/// the form shows the disagreement with the contract under the item, as the API reports it.
#[actix_web::test]
async fn a_form_contradicting_the_contract_shows_the_cpom_alert_under_the_item() {
    const OG: (&str, &str) = ("siege.og@demo.tdb.fr", "demo-og-2024");
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    sign_in(b, OG.0, OG.1).await;
    let token = api_token(b, OG.0, OG.1).await;

    // An editable 2024 form of a structure under the managing body's contract; the demo forms agree
    // with the demo contracts.
    let (status, contracts) = api(b, "GET", "/api/v1/cpom/contracts", Some(&token), None).await;
    assert_eq!(status, 200, "{contracts}");
    let id = contracts[0]["id"].as_i64().unwrap();
    let (_, detail) = api(
        b,
        "GET",
        &format!("/api/v1/cpom/contracts/{id}"),
        Some(&token),
        None,
    )
    .await;
    let mut editable = None;
    for member in detail["perimeter"].as_array().unwrap() {
        let finess = member["finess"].as_str().unwrap().to_owned();
        let uri = format!("/api/v1/campaigns/2024/structures/{finess}/form");
        let (status, form) = api(b, "GET", &uri, Some(&token), None).await;
        assert_eq!(status, 200, "{form}");
        assert_eq!(form["cpom_alerts"], serde_json::json!([]), "{finess}");
        if form["editable"] == true {
            editable = Some((finess, uri));
        }
    }
    let (finess, uri) = editable.expect("an editable 2024 form under the demo contract");

    click(b, &format!("a[href='/formulaire/2024/{finess}']")).await;
    wait_css(b, "#item-cpom_en_cours").await.unwrap();
    b.execute(
        "const s = document.getElementById('item-cpom_en_cours'); s.value = 'false'; \
         s.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    type_into(
        b,
        "#item-cpom_en_cours-motif",
        "Avenant de sortie en cours de signature.",
    )
    .await;
    click(b, "[data-testid=save]").await;
    let alert = "[data-item=cpom_en_cours] [data-testid=cpom-alert]";
    wait_text(b, alert, "Incohérence avec le CPOM").await;
    let shown = text(b, alert).await;
    assert!(
        shown.contains("le formulaire indique « non »") && shown.contains("le contrat « oui »"),
        "{shown}"
    );
    let (_, form) = api(b, "GET", &uri, Some(&token), None).await;
    assert_eq!(form["cpom_alerts"][0]["item"], "cpom_en_cours", "{form}");
    assert_eq!(form["cpom_alerts"][0]["contract_id"], id);
    shot(&harness, "cpom-alerte-formulaire").await;
    check_page(b, "cpom-alerte-formulaire").await;
    harness.stop().await;
}
