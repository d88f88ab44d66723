//! Issue 19 in a real browser, on the demo data, as the structure's director: option values read in
//! French (never a catalogue code), a failed save deep in Axe 1 shows its message where the person
//! is (the action bar sticks to the window, the refused field gets the focus), a read-only form says
//! why, and leaving the page with unsaved values asks first.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use std::collections::BTreeSet;

use serde_json::{Value, json};
use tdb_domain::catalogue_for;
use tdb_e2e::Harness;
use tdb_e2e::ui::{api, api_token, click, sign_in, type_into, wait_css, wait_text, wait_until};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");

fn form_path() -> String {
    format!("/api/v1/campaigns/{YEAR}/structures/{FINESS}/form")
}

/// Whether the element matching `css` lies entirely inside the window, as the page is scrolled now.
async fn in_view(b: &fantoccini::Client, css: &str) -> bool {
    let script = "const e = document.querySelector(arguments[0]); if (!e) return false;
                  const r = e.getBoundingClientRect();
                  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;";
    b.execute(script, vec![Value::from(css)]).await.unwrap() == Value::Bool(true)
}

/// The demo form made editable again when it was submitted or validated.
async fn editable_form(b: &fantoccini::Client) {
    let esms = api_token(b, ESMS.0, ESMS.1).await;
    let (status, doc) = api(b, "GET", &form_path(), Some(&esms), None).await;
    assert_eq!(status, 200, "{doc}");
    if matches!(doc["state"].as_str(), Some("soumis" | "valide")) {
        let ars = api_token(b, ARS.0, ARS.1).await;
        let body = json!({"comment": "Remise en saisie pour le test d'ergonomie."});
        let path = format!("{}/reopen", form_path());
        let (status, answer) = api(b, "POST", &path, Some(&ars), Some(body)).await;
        assert_eq!(status, 200, "{answer}");
    }
}

#[actix_web::test]
async fn the_form_speaks_french_keeps_its_messages_in_view_and_asks_before_leaving() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    editable_form(b).await;
    // Signed in through the page (the API logins above changed the refresh cookie), then the form's
    // address: the session resumes as the structure.
    sign_in(b, ESMS.0, ESMS.1).await;
    b.goto(&format!("{}/formulaire/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    wait_css(b, "[data-testid=form-ready]").await.unwrap();

    // Point 11: the form is downloaded once when the page opens.
    let fetched = b
        .execute(
            "return performance.getEntriesByType('resource').filter(e => e.name.endsWith(arguments[0])).length;",
            vec![Value::from(form_path())],
        )
        .await
        .unwrap();
    eprintln!("e2e: the form was downloaded {fetched} time(s) when the page opened");
    assert_eq!(fetched, 1, "the form is downloaded more than once");

    // Point 9: every option of the Caractérisation tab reads in French, none is a catalogue code
    // (nor a code with its underscores turned into spaces).
    let codes: BTreeSet<String> = catalogue_for(YEAR)
        .unwrap()
        .items()
        .iter()
        .flat_map(|i| i.values.clone().unwrap_or_default())
        .flat_map(|code| [code.clone(), code.replace('_', " ")])
        .collect();
    let options = b
        .execute(
            "return [...document.querySelectorAll('#panneau-0 select option')].map(o => o.textContent.trim());",
            vec![],
        )
        .await
        .unwrap();
    let options: Vec<String> = options
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_owned())
        .collect();
    let raw: Vec<&String> = options.iter().filter(|o| codes.contains(*o)).collect();
    assert!(
        options.len() > 10 && raw.is_empty(),
        "raw option codes on the form page: {raw:?} among {options:?}"
    );
    eprintln!(
        "e2e: {} options on the Caractérisation tab, none a catalogue code",
        options.len()
    );

    // Point 1: deep in Axe 1, an invalid value; « Enregistrer » is within reach without scrolling,
    // and the refusal is shown in the window, the focus on the field to correct.
    click(b, "#onglet-1").await;
    let field = b
        .execute(
            "const inputs = [...document.querySelectorAll('#panneau-1 input[inputmode=decimal]:not([readonly])')];
             const last = inputs[inputs.length - 1];
             last.scrollIntoView({block: 'center'});
             return last.id;",
            vec![],
        )
        .await
        .unwrap();
    let field = field.as_str().unwrap().to_owned();
    type_into(b, &format!("#{field}"), "douze").await;
    wait_text(b, "[data-testid=dirty]", "non enregistrées").await;
    assert!(
        in_view(b, "[data-testid=save]").await,
        "the save button is out of the window while typing deep in Axe 1"
    );
    b.execute("window.scrollBy(0, -200);", vec![]).await.unwrap();
    b.execute("document.querySelector('[data-testid=save]').click();", vec![])
        .await
        .unwrap();
    wait_text(b, "[data-testid=flash]", "Certaines valeurs sont invalides").await;
    assert!(
        in_view(b, "[data-testid=flash] [role=alert]").await,
        "the message of the failed save is out of the window"
    );
    wait_until(
        b,
        &format!("document.activeElement && document.activeElement.id === {field:?}"),
        "focus on the refused field",
    )
    .await;
    assert!(in_view(b, &format!("#{field}")).await);
    let shot = harness.screenshot("issue19-failed-save").await.unwrap();
    eprintln!("e2e: screenshot {}", shot.display());

    // Point 3: following a link of the app with unsaved values asks first; staying keeps the page.
    click(b, "header a[href='/']").await;
    let question = b.get_alert_text().await.expect("a question before leaving");
    assert!(question.contains("Quitter la page"), "{question}");
    b.dismiss_alert().await.unwrap();
    let path = b.current_url().await.unwrap().path().to_owned();
    assert_eq!(path, format!("/formulaire/{YEAR}/{FINESS}"));
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    let kept = wait_css(b, &format!("#{field}"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("douze"));
    // Leaving for good.
    click(b, "header a[href='/']").await;
    b.get_alert_text().await.expect("asked again");
    b.accept_alert().await.unwrap();
    wait_css(b, "[data-testid=my-forms]").await.unwrap();
    eprintln!("e2e: leaving the form with unsaved values asked « {question} »");
    harness.stop().await;
}
