//! The form document shows, next to the items, where the form's CPOM items disagree with the recorded
//! contracts (`cpom_alerts`), on a read and in a write's answer, and follows a later change of the
//! contracts although the form itself did not change (the form cache's stamp covers the contracts).

use actix_web::http::Method;
use serde_json::{Value, json};
use tdb_api::state::AppState;

use crate::cpom::put_form;
use crate::forms_fixtures::send;
use crate::on_both_backends;
use crate::support::fixtures;
use crate::support::{TestDb, app, auth, state};

/// EHPAD and IME of managing body 590000001 (Nord); an EHPAD of another managing body (Pas-de-Calais).
const EHPAD: &str = "590000011";
const IME: &str = "590000021";
const OTHER: &str = "620000011";

fn world(db: &TestDb) -> AppState {
    let state = state(db);
    fixtures::small_world(&state);
    fixtures::insert_campaign(&state, 2023, "restitution");
    fixtures::insert_campaign(&state, 2026, "collecte");
    state
}

fn form_uri(finess: &str) -> String {
    year_form_uri(2026, finess)
}

fn year_form_uri(year: i32, finess: &str) -> String {
    format!("/api/v1/campaigns/{year}/structures/{finess}/form")
}

/// The `(item, form value, contract value, contract id)` of the alerts of a form document.
fn alerts(document: &Value) -> Vec<(String, Value, Value, Value)> {
    document["cpom_alerts"]
        .as_array()
        .unwrap_or_else(|| panic!("no cpom_alerts in {document}"))
        .iter()
        .map(|a| {
            (
                a["item"].as_str().unwrap().to_owned(),
                a["form_value"].clone(),
                a["contract_value"].clone(),
                a["contract_id"].clone(),
            )
        })
        .collect()
}

async fn form_alerts_follow_the_form_and_the_contracts(db: TestDb) {
    let state = world(&db);
    let app = app(state.clone()).await;
    let ars = auth::ars(&state, "32");
    let esms = auth::esms(&state, &[EHPAD]);
    let esms_other = auth::esms(&state, &[OTHER]);
    // Typed before any contract: "no CPOM" in the EHPAD, "CPOM" in a structure never under one.
    put_form(
        &state,
        2026,
        EHPAD,
        "en_cours",
        &[("cpom_en_cours", json!(false))],
    );
    put_form(&state, 2026, OTHER, "en_cours", &[("cpom_en_cours", json!(true))]);
    // In 2023 the EHPAD was under an earlier CPOM, which the platform does not record.
    put_form(&state, 2023, EHPAD, "valide", &[("cpom_en_cours", json!(true))]);

    let before = send(&app, Method::GET, &form_uri(EHPAD), Some(&esms), None, None).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(alerts(&before.body), vec![], "no contract recorded yet");

    let created = send(
        &app,
        Method::POST,
        "/api/v1/cpom/contracts",
        Some(&ars),
        None,
        Some(json!({
            "organisation_finess": "590000001", "title": "CPOM 2024-2028", "signatory_ars": true,
            "signatory_cd": false, "start_date": "2024-01-01", "structures": [EHPAD, IME]
        })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let transitions = format!("/api/v1/cpom/contracts/{id}/transitions");
    for action in ["sign", "start"] {
        let done = send(
            &app,
            Method::POST,
            &transitions,
            Some(&ars),
            None,
            Some(json!({"action": action, "date": "2023-12-15"})),
        )
        .await;
        assert_eq!(done.status, 200, "{action}: {}", done.body);
    }

    // The contract runs: the EHPAD's typed "false" contradicts it; read twice (the second from the
    // cache) with the same answer. The IME got the contract's values: no alert.
    for _ in 0..2 {
        let read = send(&app, Method::GET, &form_uri(EHPAD), Some(&esms), None, None).await;
        assert_eq!(read.status, 200, "{}", read.body);
        assert_eq!(
            alerts(&read.body),
            vec![("cpom_en_cours".to_owned(), json!(false), json!(true), json!(id))]
        );
        assert_eq!(read.body["cpom_alerts"][0]["contract_title"], "CPOM 2024-2028");
        assert_eq!(read.body["cpom_alerts"][0]["source"], "saisie");
    }
    let ime = send(&app, Method::GET, &form_uri(IME), Some(&ars), None, None).await;
    assert_eq!(ime.status, 200, "{}", ime.body);
    assert_eq!(ime.body["values"]["cpom_en_cours"]["source"], "cpom");
    assert_eq!(alerts(&ime.body), vec![]);
    // Before the first recorded contract took effect (2024-01-01) the platform does not know.
    let earlier = send(
        &app,
        Method::GET,
        &year_form_uri(2023, EHPAD),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(earlier.status, 200, "{}", earlier.body);
    assert_eq!(alerts(&earlier.body), vec![]);
    // A structure no recorded contract ever covered: the platform knows nothing of its CPOM.
    let other = send(&app, Method::GET, &form_uri(OTHER), Some(&esms_other), None, None).await;
    assert_eq!(alerts(&other.body), vec![]);

    // A write's answer carries the alerts of the values it leaves: "yes" fixes the first, a wrong end
    // date (overriding the contract's, pushed with source `cpom`) makes another.
    let read = send(&app, Method::GET, &form_uri(EHPAD), Some(&esms), None, None).await;
    let etag = read.etag.clone().expect("ETag");
    let patched = send(
        &app,
        Method::PATCH,
        &form_uri(EHPAD),
        Some(&esms),
        Some(&etag),
        Some(json!({
            "values": {"cpom_en_cours": true, "date_fin_cpom": "2027-12-31"},
            "reasons": {"date_fin_cpom": "Date lue sur notre exemplaire signé."}
        })),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        alerts(&patched.body),
        vec![(
            "date_fin_cpom".to_owned(),
            json!("2027-12-31"),
            json!("2028-12-31"),
            json!(id)
        )]
    );

    // The contract is terminated in June 2026: none in force on 31/12/2026 any more. The form did not
    // change, its alerts do: "yes" now contradicts the contracts (no contract to name).
    let terminated = send(
        &app,
        Method::POST,
        &transitions,
        Some(&ars),
        None,
        Some(
            json!({"action": "terminate", "date": "2026-06-30", "reason": "Fusion des deux gestionnaires."}),
        ),
    )
    .await;
    assert_eq!(terminated.status, 200, "{}", terminated.body);
    let after = send(&app, Method::GET, &form_uri(EHPAD), Some(&esms), None, None).await;
    assert_eq!(after.status, 200, "{}", after.body);
    assert_eq!(after.etag, patched.etag, "the form itself did not change");
    assert_eq!(
        alerts(&after.body),
        vec![("cpom_en_cours".to_owned(), json!(true), json!(false), Value::Null)]
    );
}

on_both_backends!(form_alerts_follow_the_form_and_the_contracts);
