//! The journeys of issue 6 in headless Chromium, on the demo data: a structure fills its form and sees
//! indicators and completion change live, cannot submit below the threshold, reaches it and submits;
//! the ARS asks for a correction; the structure answers in the thread, which the ARS reads; the structure
//! corrects and resubmits; the ARS and the CD validate
//! (the demo EHPAD is of joint competence). Along the way: the live indicator equals the server's after
//! saving, every page is screenshotted and scanned for English, and the form's first render is timed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use tdb_domain::contract::{IndicatorUnit, ItemType};
use tdb_domain::display::format_indicator;
use tdb_domain::{FormValues, catalogue_for, evaluate};
use tdb_e2e::Harness;
use tdb_e2e::ui::{
    api, api_token, check_page, click, sign_in, sign_out, text, type_into, wait_css, wait_text, wait_until,
};

const YEAR: i32 = 2024;
const FINESS: &str = "591000005";
const ESMS: (&str, &str) = ("direction.ehpad@demo.tdb.fr", "demo-esms-2024");
const ARS: (&str, &str) = ("ars.hdf@demo.tdb.fr", "demo-ars-2024");
const CD: (&str, &str) = ("cd.nord@demo.tdb.fr", "demo-cd-2024");
/// The two items the structure types in the journey; they feed `taux_occupation_hp`.
const DAYS: &str = "journees_realisees_hp";
const PLACES: &str = "places_financees_hp";
const INDICATOR: &str = "taux_occupation_hp";

fn form_path() -> String {
    format!("/api/v1/campaigns/{YEAR}/structures/{FINESS}/form")
}

/// Raw values of a form document.
fn raw_values(doc: &Value) -> BTreeMap<String, Value> {
    doc["values"]
        .as_object()
        .map(|values| {
            values
                .iter()
                .map(|(code, entry)| (code.clone(), entry["value"].clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// `(filled, required, reached, can_submit ignoring alerts)` of `values` by the engine.
fn completion(values: &BTreeMap<String, Value>, category: &str) -> (u32, u32, bool, bool) {
    let catalogue = catalogue_for(YEAR).unwrap();
    let (form, rejected) = FormValues::from_json_lenient(catalogue, values);
    assert!(rejected.is_empty(), "{rejected:?}");
    let e = evaluate(catalogue, category, &form, None, &BTreeSet::new()).unwrap();
    let r = e.to_result();
    (
        r.completion.filled,
        r.completion.required,
        r.completion.reached,
        r.submission.blocking.is_empty(),
    )
}

/// Puts the demo form where the journey starts: editable, with every alert of its complete state
/// justified, and exactly two filled items short of the threshold — the two the user will type.
/// Returns the values the user types and the filled/required counts of the starting point.
async fn prepare(harness: &Harness) -> (String, String, u32, u32) {
    let b = &harness.browser;
    let esms = api_token(b, ESMS.0, ESMS.1).await;
    let ars = api_token(b, ARS.0, ARS.1).await;
    let (status, mut doc) = api(b, "GET", &form_path(), Some(&esms), None).await;
    assert_eq!(status, 200, "{doc}");
    if matches!(doc["state"].as_str(), Some("soumis" | "valide")) {
        let body = json!({"comment": "Remise en saisie pour le parcours de test."});
        let (status, answer) = api(
            b,
            "POST",
            &format!("{}/reopen", form_path()),
            Some(&ars),
            Some(body),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        doc = answer;
    }
    let category = doc["category"].as_str().unwrap().to_owned();
    let catalogue = catalogue_for(YEAR).unwrap();
    let mut full = raw_values(&doc);
    for (code, fallback) in [
        (DAYS, 27_740),
        (PLACES, 80),
        ("jours_ouverture_hp", 365),
        ("journees_absence_moins_72h_hp", 310),
    ] {
        if full.get(code).is_none_or(Value::is_null) {
            full.insert(code.to_owned(), json!(fallback));
        }
    }
    // Complete the form with neutral answers until it reaches the threshold.
    let (_, _, reached, _) = completion(&full, &category);
    if !reached {
        let form = FormValues::from_json_lenient(catalogue, &full).0;
        let e = evaluate(catalogue, &category, &form, None, &BTreeSet::new()).unwrap();
        for code in e.to_result().completion.missing {
            let item = catalogue.item(&code).unwrap();
            let value = match item.item_type {
                _ if item.sans_objet_allowed => json!("sans_objet"),
                ItemType::Bool => json!(false),
                ItemType::Enum => json!(item.values.as_ref().and_then(|v| v.first()).unwrap()),
                ItemType::Date => json!(format!("{}-01-01", YEAR - 1)),
                _ => item.min.filter(|m| *m > 0.0).map_or(json!(0), |m| json!(m)),
            };
            full.insert(code, value);
        }
    }
    let (filled, required, reached, clean) = completion(&full, &category);
    assert!(
        reached && clean,
        "the complete form must reach the threshold without blocking errors"
    );
    // Write the complete form, justify its failing alerts, then clear the two items and just enough
    // other typed (not prefilled) items to stand exactly two short of the threshold.
    let minimum =
        (u64::from(required) * catalogue.completion_rule().threshold_percent as u64).div_ceil(100) as u32;
    let current = raw_values(&doc);
    let changed: BTreeMap<&String, &Value> = full
        .iter()
        .filter(|(code, value)| current.get(*code) != Some(*value))
        .collect();
    // The peer reference (campaign N−1) is frozen when first asked for, as the page does: ask before
    // writing, so the server's alerts include the peer outliers the page will show.
    let reference = format!("/api/v1/campaigns/{YEAR}/peer-reference?category={category}&region=32");
    let (status, answer) = api(b, "GET", &reference, Some(&esms), None).await;
    assert!(matches!(status, 200 | 404), "{status} {answer}");
    let patch = json!({"values": changed});
    let (status, answer) = api(b, "PATCH", &form_path(), Some(&esms), Some(patch)).await;
    assert_eq!(status, 200, "{answer}");
    for key in answer["evaluation"]["submission"]["unjustified_alerts"]
        .as_array()
        .unwrap()
    {
        let key = key.as_str().unwrap();
        let body = json!({"text": "Situation connue et expliquée à l'autorité de tarification."});
        let path = format!("{}/justifications/{key}", form_path());
        let (status, answer) = api(b, "PUT", &path, Some(&esms), Some(body)).await;
        assert_eq!(status, 200, "{answer}");
    }
    let mut cleared: BTreeMap<String, Value> = BTreeMap::new();
    cleared.insert(DAYS.to_owned(), Value::Null);
    cleared.insert(PLACES.to_owned(), Value::Null);
    let stored = answer["values"].as_object().unwrap().clone();
    let candidates = catalogue.items().iter().filter(|i| {
        i.required
            && i.axis >= 2
            && stored
                .get(&i.code)
                .is_some_and(|e| e["source"] == "saisie" && !e["value"].is_null())
    });
    for item in candidates {
        let mut values = full.clone();
        values.extend(cleared.clone());
        let (now, _, _, _) = completion(&values, &category);
        if now <= minimum - 2 {
            break;
        }
        cleared.insert(item.code.clone(), Value::Null);
    }
    let mut start = full.clone();
    start.extend(cleared.clone());
    let (start_filled, start_required, start_reached, _) = completion(&start, &category);
    assert_eq!(
        start_filled,
        minimum - 2,
        "filled {filled}/{required}, minimum {minimum}"
    );
    assert!(!start_reached);
    let (status, answer) = api(
        b,
        "PATCH",
        &form_path(),
        Some(&esms),
        Some(json!({"values": cleared})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let days = full[DAYS].as_f64().unwrap();
    let places = full[PLACES].as_f64().unwrap();
    (
        tdb_domain::display::format_decimal(days, 0).replace('\u{202F}', ""),
        tdb_domain::display::format_decimal(places, 0).replace('\u{202F}', ""),
        start_filled,
        start_required,
    )
}

async fn shot(harness: &Harness, name: &str) {
    let path = harness.screenshot(name).await.unwrap();
    eprintln!("e2e: screenshot {}", path.display());
}

/// Opens the form from the home page by its link and waits for it to be interactive; returns the time.
async fn open_form(harness: &Harness) -> f64 {
    let b = &harness.browser;
    let link = format!("a[href='/formulaire/{YEAR}/{FINESS}']");
    wait_css(b, &link).await.unwrap();
    b.execute("window.__tdbStart = performance.now();", vec![])
        .await
        .unwrap();
    click(b, &link).await;
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    wait_css(b, "#onglet-0").await.unwrap();
    let elapsed = b
        .execute("return performance.now() - window.__tdbStart;", vec![])
        .await
        .unwrap();
    elapsed.as_f64().unwrap()
}

/// Signs out, then signs in as `who` on the form's own address (the login page stands in for it, and
/// the form is not in the ARS's review queue while a correction is requested); shows tab 1.
async fn sign_in_on_form(harness: &Harness, (email, password): (&str, &str)) {
    let b = &harness.browser;
    sign_out(b).await;
    b.goto(&format!("{}/formulaire/{YEAR}/{FINESS}", harness.base_url))
        .await
        .unwrap();
    sign_in(b, email, password).await;
    wait_css(b, "[data-testid=form-ready]").await.unwrap();
    click(b, "#onglet-1").await;
}

/// Confirms the irreversible action whose button was just clicked, in the modal it opened (issue 19,
/// point 6): the dialog is modal and holds the focus.
async fn confirm(harness: &Harness) {
    let b = &harness.browser;
    wait_css(b, "dialog[open][data-testid=confirm-dialog]")
        .await
        .unwrap();
    wait_until(
        b,
        "document.querySelector('dialog[open]').contains(document.activeElement)",
        "the focus inside the confirmation dialog",
    )
    .await;
    click(b, "dialog[open] [data-testid=confirm-yes]").await;
}

/// Whether the review queue of the signed-in officer (home page) lists `FINESS` on one of its pages
/// (walked with « Page suivante »; the queue stays on the page that lists it).
async fn find_in_queue(harness: &Harness) -> bool {
    let b = &harness.browser;
    let row = format!("[data-testid=review-queue] tr[data-finess='{FINESS}']");
    for page in 1.. {
        wait_until(
            b,
            &format!(
                "(document.querySelector('[data-testid=review-queue]') || {{dataset: {{}}}}).dataset.query?.includes('&page={page}&')"
            ),
            &format!("page {page} of the queue"),
        )
        .await;
        let found = b
            .execute(
                &format!(
                    "return [!!document.querySelector({row:?}),
                        !!document.querySelector('[data-testid=pager-next]:not([disabled])')];"
                ),
                vec![],
            )
            .await
            .unwrap();
        if found[0] == Value::Bool(true) {
            return true;
        }
        if found[1] != Value::Bool(true) {
            return false;
        }
        click(b, "[data-testid=pager-next]").await;
    }
    false
}

async fn state_is(harness: &Harness, label: &str) {
    wait_text(&harness.browser, "[data-testid=form-state]", label).await;
}

#[actix_web::test]
async fn structure_fills_submits_and_authorities_review_live_in_french() {
    let harness = Harness::start_with_demo().await.unwrap_or_else(|e| panic!("{e}"));
    let b = &harness.browser;
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=login-form]").await.unwrap();
    let (days, places, filled, required) = prepare(&harness).await;
    shot(&harness, "login").await;
    check_page(b, "connexion").await;

    // The structure signs in: its home lists its form with state, completion and deadline.
    sign_in(b, ESMS.0, ESMS.1).await;
    wait_css(b, &format!("[data-testid=my-forms] tr[data-finess='{FINESS}']"))
        .await
        .unwrap();
    let home = text(b, "main").await;
    assert!(
        home.contains("En cours") && home.contains("Date limite de saisie"),
        "{home}"
    );
    shot(&harness, "home-structure").await;
    check_page(b, "accueil de la structure").await;

    let first_render = open_form(&harness).await;
    eprintln!("e2e: form page first render in {first_render:.0} ms");
    shot(&harness, "form").await;
    check_page(b, "formulaire").await;
    let counts = |n: u32| format!("{n} données sur {required}");
    wait_text(b, "[data-testid=completion-rate]", &counts(filled)).await;

    // Axis 1: the indicator lacks its inputs; typing one changes the completion without saving.
    click(b, "#onglet-1").await;
    let output = format!("[data-testid=indicator-{INDICATOR}] output");
    wait_text(b, &output, "Donnée manquante").await;
    // « Comprendre » draws the explanation when opened (not before): its formula and what is missing.
    let understand = format!("[data-testid=indicator-{INDICATOR}] details");
    let drawn = b
        .execute(
            "return document.querySelector(arguments[0]) !== null;",
            vec![serde_json::Value::from(format!("{understand} .tdb-explain"))],
        )
        .await
        .unwrap();
    assert_eq!(
        drawn,
        serde_json::Value::Bool(false),
        "explanation drawn while closed"
    );
    click(b, &format!("{understand} summary")).await;
    wait_text(b, &format!("{understand} .tdb-explain"), "Formule").await;
    wait_text(
        b,
        &format!("{understand} .tdb-explain"),
        "Il manque les données suivantes",
    )
    .await;
    type_into(b, &format!("#item-{DAYS}"), &days).await;
    wait_text(b, "[data-testid=completion-rate]", &counts(filled + 1)).await;
    wait_text(b, "[data-testid=dirty]", "non enregistrées").await;
    click(b, "[data-testid=save]").await;
    wait_text(b, "[data-testid=flash]", "Modifications enregistrées").await;
    // Issue 19, point 8: the save time is shown in Paris time (the browser's own Europe/Paris zone
    // data as the reference), never in UTC.
    {
        let esms = api_token(b, ESMS.0, ESMS.1).await;
        let (_, doc) = api(b, "GET", &form_path(), Some(&esms), None).await;
        let updated_at = doc["updated_at"].as_str().unwrap().to_owned();
        let expected = b
            .execute(
                "const d = new Date(arguments[0]);
                 const f = (o) => new Intl.DateTimeFormat('fr-FR', Object.assign({timeZone: 'Europe/Paris'}, o)).format(d);
                 return f({day: '2-digit', month: '2-digit', year: 'numeric'}) + ' à '
                      + f({hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});",
                vec![serde_json::Value::from(updated_at.clone())],
            )
            .await
            .unwrap();
        let expected = expected.as_str().unwrap().to_owned();
        let flash = wait_css(b, "[data-testid=flash]")
            .await
            .unwrap()
            .prop("textContent")
            .await
            .unwrap()
            .unwrap_or_default();
        assert!(
            flash.contains(&format!("le {expected}.")) && !flash.contains("UTC"),
            "saved at {updated_at}: « {flash} », expected Paris time « {expected} »"
        );
        eprintln!("e2e: saved at {updated_at} shown as « {expected} » (Paris time)");
    }
    // Below the threshold, the engine refuses the submission and says why.
    wait_text(b, "[data-testid=submit-reason]", "sous le seuil").await;
    let disabled = wait_css(b, "[data-testid=submit]")
        .await
        .unwrap()
        .prop("disabled")
        .await
        .unwrap();
    assert_eq!(disabled.as_deref(), Some("true"));

    // The second input: the indicator appears live, the threshold is reached, before any save.
    type_into(b, &format!("#item-{PLACES}"), &places).await;
    wait_until(
        b,
        &format!("document.querySelector({output:?}).dataset.value !== ''"),
        "live indicator",
    )
    .await;
    wait_text(b, "[data-testid=completion-rate]", "% atteint").await;
    let live = wait_css(b, &output).await.unwrap();
    let live_raw: f64 = live.attr("data-value").await.unwrap().unwrap().parse().unwrap();
    let live_text = live.prop("textContent").await.unwrap().unwrap_or_default();
    shot(&harness, "form-live").await;
    click(b, "[data-testid=save]").await;
    wait_text(b, "[data-testid=dirty]", "Tout est enregistré").await;

    // The value shown live is the value the server computes from the saved form.
    let esms = api_token(b, ESMS.0, ESMS.1).await;
    let (_, doc) = api(b, "GET", &form_path(), Some(&esms), None).await;
    let server = doc["evaluation"]["indicators"][INDICATOR]["value"]
        .as_f64()
        .unwrap();
    assert_eq!(live_raw, server, "live {live_raw} vs server {server}");
    assert_eq!(live_text, format_indicator(server, IndicatorUnit::Ratio));

    wait_until(
        b,
        "!document.querySelector('[data-testid=submit]').disabled",
        "submit enabled",
    )
    .await;
    // Issue 19, point 6: submitting asks first; Escape closes the question, nothing is sent, and
    // the focus is back on the button.
    click(b, "[data-testid=submit]").await;
    wait_css(b, "dialog[open][data-testid=confirm-dialog]")
        .await
        .unwrap();
    shot(&harness, "form-confirm-submit").await;
    b.active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    wait_until(
        b,
        "!document.querySelector('dialog[open]') && document.activeElement === document.querySelector('[data-testid=submit]')",
        "the dialog closed by Escape, the focus back on « Soumettre »",
    )
    .await;
    state_is(&harness, "En cours").await;
    click(b, "[data-testid=submit]").await;
    confirm(&harness).await;
    state_is(&harness, "Soumis").await;
    // Issue 19, point 2: the read-only form says why.
    wait_text(b, "[data-testid=read-only-notice]", "soumis").await;
    shot(&harness, "form-submitted").await;
    check_page(b, "formulaire soumis").await;

    // The ARS sees it in its review queue and asks for a correction of one item.
    sign_out(b).await;
    sign_in(b, ARS.0, ARS.1).await;
    assert!(
        find_in_queue(&harness).await,
        "the submitted form is not in the ARS queue"
    );
    wait_css(b, "[data-testid=progress] tbody tr").await.unwrap();
    shot(&harness, "home-ars").await;
    check_page(b, "accueil de l'ARS").await;
    open_form(&harness).await;
    click(b, "#onglet-1").await;
    click(b, &format!("[data-item={DAYS}] [data-testid=request-correction]")).await;
    let message = "Les journées semblent inclure l'accueil de jour : merci de vérifier.";
    type_into(b, &format!("#demande-{DAYS}"), message).await;
    shot(&harness, "review").await;
    check_page(b, "examen").await;
    // Sending the requests asks first: Escape sends nothing, the request stays in preparation.
    click(b, "[data-testid=send-corrections]").await;
    wait_css(b, "dialog[open][data-testid=confirm-dialog]")
        .await
        .unwrap();
    wait_text(b, "dialog[open]", "1 demande de correction partira").await;
    check_page(b, "confirmation des demandes de correction").await;
    b.active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    wait_until(
        b,
        "!document.querySelector('dialog[open]') && document.activeElement === document.querySelector('[data-testid=send-corrections]')",
        "the dialog closed by Escape, the focus back on « Envoyer les demandes de correction »",
    )
    .await;
    let (_, doc) = api(
        b,
        "GET",
        &form_path(),
        Some(&api_token(b, ARS.0, ARS.1).await),
        None,
    )
    .await;
    assert_eq!(doc["state"], "soumis", "Escape sent the requests");
    wait_text(b, "[data-testid=pending-requests]", "1 demande(s)").await;
    state_is(&harness, "Soumis").await;
    click(b, "[data-testid=send-corrections]").await;
    confirm(&harness).await;
    state_is(&harness, "Correction demandée").await;

    // The structure sees the request next to the field, corrects and resubmits.
    sign_out(b).await;
    sign_in(b, ESMS.0, ESMS.1).await;
    wait_text(b, "[data-testid=my-forms]", "1 à traiter").await;
    open_form(&harness).await;
    click(b, "#onglet-1").await;
    wait_text(
        b,
        &format!("[data-item={DAYS}] [data-testid=correction]"),
        message,
    )
    .await;
    shot(&harness, "form-correction").await;
    check_page(b, "demande de correction").await;

    // The structure answers in the thread; the ARS reads the answer next to the field.
    let thread = format!("[data-item={DAYS}] [data-testid=correction]");
    let reply = "L'accueil de jour était compté : les journées sont corrigées.";
    type_into(b, &format!("{thread} [data-testid=reply-body]"), reply).await;
    click(b, &format!("{thread} [data-testid=reply-send]")).await;
    wait_text(
        b,
        &format!("{thread} [data-testid=reply-status]"),
        "Réponse envoyée",
    )
    .await;
    wait_text(b, &thread, reply).await;
    sign_in_on_form(&harness, ARS).await;
    wait_text(b, &thread, reply).await;
    sign_in_on_form(&harness, ESMS).await;
    let corrected = (days.parse::<u64>().unwrap() - 1).to_string();
    type_into(b, &format!("#item-{DAYS}"), &corrected).await;
    click(b, "[data-testid=save]").await;
    wait_text(b, "[data-testid=dirty]", "Tout est enregistré").await;
    wait_until(
        b,
        "!document.querySelector('[data-testid=submit]').disabled",
        "resubmit enabled",
    )
    .await;
    click(b, "[data-testid=submit]").await;
    confirm(&harness).await;
    state_is(&harness, "Soumis").await;

    // The ARS validates; the form awaits the CD, which validates too.
    sign_out(b).await;
    sign_in(b, ARS.0, ARS.1).await;
    assert!(find_in_queue(&harness).await);
    open_form(&harness).await;
    click(b, "[data-testid=validate]").await;
    confirm(&harness).await;
    // Issue 19, point 4: the form still waits for the CD, and says so.
    wait_text(
        b,
        "[data-testid=flash]",
        "Votre validation est enregistrée ; en attente du conseil départemental",
    )
    .await;
    state_is(&harness, "Soumis").await;
    // The ARS queue no longer holds the form the ARS validated.
    b.goto(&format!("{}/", harness.base_url)).await.unwrap();
    wait_css(b, "[data-testid=review-queue]").await.unwrap();
    wait_css(b, "[data-testid=progress] tbody tr").await.unwrap();
    assert!(
        !find_in_queue(&harness).await,
        "the ARS queue still lists the form it validated (on one of its pages)"
    );
    shot(&harness, "home-ars-after-validation").await;
    sign_out(b).await;
    sign_in(b, CD.0, CD.1).await;
    assert!(
        find_in_queue(&harness).await,
        "the form awaiting the CD is not in its queue"
    );
    open_form(&harness).await;
    click(b, "[data-testid=validate]").await;
    confirm(&harness).await;
    wait_text(b, "[data-testid=flash]", "Formulaire validé").await;
    state_is(&harness, "Validé").await;
    shot(&harness, "form-validated").await;
    check_page(b, "formulaire validé").await;
    harness.stop().await;
}
