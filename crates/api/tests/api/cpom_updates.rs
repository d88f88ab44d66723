//! CPOM updates: `PUT` of a contract in negotiation, of an action sheet and of an objective, with the
//! contract's version as `ETag` / `If-Match`, their rights and states, and the baseline of a changed
//! objective.

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::audit_log;

use crate::cpom::{put_form, world};
use crate::forms_fixtures::{Answer, send};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

const EHPAD: &str = "590000011";
const IME: &str = "590000021";

fn files(done: i64, people: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("dossiers_administratifs_informatises", json!(done)),
        ("personnes_accompagnees_31_12", json!(people)),
    ]
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-12)
}

/// The field paths of a 422 answer.
fn paths(answer: &Answer) -> Vec<String> {
    answer.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["path"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn contract_body(structures: &[&str]) -> Value {
    json!({
        "organisation_finess": "590000001", "title": "CPOM 2024-2028", "signatory_ars": true,
        "signatory_cd": true, "start_date": "2024-01-01", "structures": structures
    })
}

fn objective_body(sheet: i64) -> Value {
    json!({
        "action_sheet_id": sheet, "label": "95 % des dossiers informatisés",
        "indicator_code": "taux_dossiers_administratifs_informatises", "target_value": 0.95,
        "target_year": 2028
    })
}

async fn negotiation(db: TestDb) {
    let state = world(&db);
    let app = app(state.clone()).await;
    let (ars, cd, og) = (
        auth::ars(&state, "32"),
        auth::cd(&state, "59"),
        auth::og(&state, "590000001"),
    );
    put_form(&state, 2024, EHPAD, "valide", &files(90, 100));
    put_form(&state, 2024, IME, "valide", &files(5, 10));
    let created = send(
        &app,
        Method::POST,
        "/api/v1/cpom/contracts",
        Some(&ars),
        None,
        Some(contract_body(&[EHPAD, IME])),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let base = format!("/api/v1/cpom/contracts/{id}");
    let read = send(&app, Method::GET, &base, Some(&og), None, None).await;
    assert_eq!(read.etag.as_deref(), Some("\"1\""));

    // The contract: If-Match required and current, fields checked, then changed by the managing body.
    let change = json!({"title": "CPOM 2025-2029", "signatory_ars": true, "signatory_cd": true,
                        "start_date": "2025-01-01"});
    let missing = send(&app, Method::PUT, &base, Some(&og), None, Some(change.clone())).await;
    assert_eq!(
        (missing.status, missing.body["code"].as_str()),
        (428, Some("if_match_required"))
    );
    let stale = send(
        &app,
        Method::PUT,
        &base,
        Some(&og),
        Some("\"0\""),
        Some(change.clone()),
    )
    .await;
    assert_eq!(
        (stale.status, stale.body["code"].as_str()),
        (412, Some("stale_version"))
    );
    let invalid = send(
        &app,
        Method::PUT,
        &base,
        Some(&og),
        Some("\"1\""),
        Some(json!({
            "title": " ", "signatory_ars": false, "signatory_cd": false, "start_date": "2025-02-30"
        })),
    )
    .await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    assert_eq!(paths(&invalid), ["/title", "/signatory_ars", "/start_date"]);
    let backwards = send(
        &app,
        Method::PUT,
        &base,
        Some(&og),
        Some("\"1\""),
        Some(json!({
            "title": "T", "signatory_ars": true, "signatory_cd": false, "start_date": "2025-01-01",
            "end_date": "2024-12-31"
        })),
    )
    .await;
    assert_eq!(paths(&backwards), ["/end_date"]);
    let mut with_structures = change.clone();
    with_structures["structures"] = json!([EHPAD]);
    let unknown = send(
        &app,
        Method::PUT,
        &base,
        Some(&og),
        Some("\"1\""),
        Some(with_structures),
    )
    .await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    // The CD cannot leave the contract it edits (it would no longer be in competence).
    let dropping = send(
        &app,
        Method::PUT,
        &base,
        Some(&cd),
        Some("\"1\""),
        Some(json!({
            "title": "CPOM", "signatory_ars": true, "signatory_cd": false, "start_date": "2025-01-01"
        })),
    )
    .await;
    assert_eq!(dropping.status, 403, "{}", dropping.body);
    let updated = send(&app, Method::PUT, &base, Some(&og), Some("\"1\""), Some(change)).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.etag.as_deref(), Some("\"2\""));
    assert_eq!(
        (
            &updated.body["title"],
            &updated.body["end_date"],
            &updated.body["version"]
        ),
        (&json!("CPOM 2025-2029"), &json!("2029-12-31"), &json!(2))
    );
    let read = send(&app, Method::GET, &base, Some(&ars), None, None).await;
    assert_eq!(read.etag.as_deref(), Some("\"2\""));
    assert_eq!(read.body["contract"]["start_date"], "2025-01-01");
    assert_eq!(read.body["contract"]["department_code"], "59");
    let joined: Vec<&Value> = read.body["perimeter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["joined_on"])
        .collect();
    assert_eq!(joined, [&json!("2025-01-01"), &json!("2025-01-01")]);

    // An action sheet: adding it and replacing it as a whole move the contract's version.
    let sheet = send(
        &app,
        Method::POST,
        &format!("{base}/action-sheets"),
        Some(&og),
        None,
        Some(json!({"theme": "systeme_information", "title": "Informatiser"})),
    )
    .await;
    assert_eq!(sheet.status, 201, "{}", sheet.body);
    let sheet_id = sheet.body["id"].as_i64().unwrap();
    let sheet_uri = format!("{base}/action-sheets/{sheet_id}");
    let replacement = json!({"theme": "autre", "theme_label": "Numérique", "title": "Dossier usager",
                             "owner": "DSI", "deadline": "2027-06-30"});
    let no_tag = send(
        &app,
        Method::PUT,
        &sheet_uri,
        Some(&og),
        None,
        Some(replacement.clone()),
    )
    .await;
    assert_eq!(no_tag.status, 428);
    let stale = send(
        &app,
        Method::PUT,
        &sheet_uri,
        Some(&og),
        Some("\"2\""),
        Some(replacement.clone()),
    )
    .await;
    // The version read before the sheet was added: adding it moved the contract's version.
    assert_eq!(stale.status, 412);
    let invalid = send(
        &app,
        Method::PUT,
        &sheet_uri,
        Some(&og),
        Some("\"3\""),
        Some(json!({"theme": "autre", "title": "X", "deadline": "demain"})),
    )
    .await;
    assert_eq!(paths(&invalid), ["/theme_label", "/deadline"]);
    let replaced = send(
        &app,
        Method::PUT,
        &sheet_uri,
        Some(&og),
        Some("\"3\""),
        Some(replacement),
    )
    .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(replaced.etag.as_deref(), Some("\"4\""));
    assert_eq!(
        (&replaced.body["theme_label"], &replaced.body["owner"]),
        (&json!("Numérique"), &json!("DSI"))
    );

    // An objective: same measure without baseline → baseline kept even though the data moved;
    // another structure → baseline computed again as at the creation.
    let objective = send(
        &app,
        Method::POST,
        &format!("{base}/objectives"),
        Some(&ars),
        None,
        Some(objective_body(sheet_id)),
    )
    .await;
    assert_eq!(objective.status, 201, "{}", objective.body);
    assert!(
        close(&objective.body["baseline_value"], 95.0 / 110.0),
        "{}",
        objective.body
    );
    let objective_uri = format!("{base}/objectives/{}", objective.body["id"]);
    put_form(&state, 2024, EHPAD, "valide", &files(50, 100));
    let mut relabelled = objective_body(sheet_id);
    relabelled["label"] = json!("Dossiers informatisés");
    let kept = send(
        &app,
        Method::PUT,
        &objective_uri,
        Some(&ars),
        Some("\"5\""),
        Some(relabelled.clone()),
    )
    .await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    assert_eq!(kept.etag.as_deref(), Some("\"6\""));
    assert_eq!(
        (&kept.body["label"], &kept.body["baseline_year"]),
        (&json!("Dossiers informatisés"), &json!(2024))
    );
    assert!(close(&kept.body["baseline_value"], 95.0 / 110.0), "{}", kept.body);
    relabelled["structure_finess"] = json!(EHPAD);
    let rescoped = send(
        &app,
        Method::PUT,
        &objective_uri,
        Some(&cd),
        Some("\"6\""),
        Some(relabelled.clone()),
    )
    .await;
    assert_eq!(rescoped.status, 200, "{}", rescoped.body);
    assert!(close(&rescoped.body["baseline_value"], 0.5), "{}", rescoped.body);
    relabelled["target_year"] = json!(2040);
    let invalid = send(
        &app,
        Method::PUT,
        &objective_uri,
        Some(&cd),
        Some("\"7\""),
        Some(relabelled.clone()),
    )
    .await;
    assert_eq!(
        (invalid.status, paths(&invalid)),
        (422, vec!["/target_year".to_owned()])
    );
    let stale = send(
        &app,
        Method::PUT,
        &objective_uri,
        Some(&cd),
        Some("\"6\""),
        Some(objective_body(sheet_id)),
    )
    .await;
    assert_eq!(stale.status, 412);
    let read = send(&app, Method::GET, &base, Some(&og), None, None).await;
    assert_eq!(read.etag.as_deref(), Some("\"7\""));
    let sheet = &read.body["action_sheets"][0];
    assert_eq!(
        (&sheet["title"], &sheet["theme"]),
        (&json!("Dossier usager"), &json!("autre"))
    );
    assert_eq!(sheet["objectives"][0]["structure_finess"], EHPAD);

    // Another contract's sheet or objective, or no contract at all: 404.
    let other = send(
        &app,
        Method::POST,
        "/api/v1/cpom/contracts",
        Some(&ars),
        None,
        Some(contract_body(&[IME])),
    )
    .await;
    let other_base = format!("/api/v1/cpom/contracts/{}", other.body["id"]);
    for (uri, body) in [
        (
            format!("{other_base}/action-sheets/{sheet_id}"),
            json!({"theme": "patrimoine", "title": "X"}),
        ),
        (
            objective_uri.replace(&base, &other_base),
            objective_body(sheet_id),
        ),
        (
            "/api/v1/cpom/contracts/999/action-sheets/1".to_owned(),
            json!({"theme": "patrimoine", "title": "X"}),
        ),
        (
            format!("{base}/action-sheets/999"),
            json!({"theme": "patrimoine", "title": "X"}),
        ),
        (format!("{base}/objectives/999"), objective_body(sheet_id)),
    ] {
        let answer = send(&app, Method::PUT, &uri, Some(&ars), Some("\"7\""), Some(body)).await;
        assert_eq!(answer.status, 404, "{uri}: {}", answer.body);
    }

    let mut conn = state.pool.get().unwrap();
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::action.like("cpom.%updated"))
        .select(audit_log::action)
        .order(audit_log::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        actions,
        [
            "cpom.contract_updated",
            "cpom.action_sheet_updated",
            "cpom.objective_updated",
            "cpom.objective_updated"
        ]
    );
}

async fn after_signature(db: TestDb) {
    let state = world(&db);
    let app = app(state.clone()).await;
    let (ars, og) = (auth::ars(&state, "32"), auth::og(&state, "590000001"));
    let created = send(
        &app,
        Method::POST,
        "/api/v1/cpom/contracts",
        Some(&og),
        None,
        Some(contract_body(&[EHPAD])),
    )
    .await;
    let base = format!("/api/v1/cpom/contracts/{}", created.body["id"]);
    let sheet = send(
        &app,
        Method::POST,
        &format!("{base}/action-sheets"),
        Some(&og),
        None,
        Some(json!({"theme": "patrimoine", "title": "Rénover"})),
    )
    .await;
    let sheet_uri = format!("{base}/action-sheets/{}", sheet.body["id"]);
    let signed = send(
        &app,
        Method::POST,
        &format!("{base}/transitions"),
        Some(&ars),
        None,
        Some(json!({"action": "sign", "date": "2023-12-15"})),
    )
    .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let tag = format!("\"{}\"", signed.body["version"]);
    let terms = json!({"title": "Autre titre", "signatory_ars": true, "signatory_cd": true, "start_date": "2024-01-01"});

    // The terms: the authority is told to amend, the managing body has no say any more.
    let by_ars = send(
        &app,
        Method::PUT,
        &base,
        Some(&ars),
        Some(&tag),
        Some(terms.clone()),
    )
    .await;
    assert_eq!(
        (by_ars.status, by_ars.body["code"].as_str()),
        (409, Some("contract_not_editable"))
    );
    let by_og = send(
        &app,
        Method::PUT,
        &base,
        Some(&og),
        Some(&tag),
        Some(terms.clone()),
    )
    .await;
    assert_eq!(
        (by_og.status, by_og.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    let by_esms = send(
        &app,
        Method::PUT,
        &base,
        Some(&auth::esms(&state, &[EHPAD])),
        Some(&tag),
        Some(terms),
    )
    .await;
    assert_eq!(by_esms.status, 403);

    // Sheets: as for their creation, the managing body no longer, the authority still.
    let sheet_body = json!({"theme": "patrimoine", "title": "Rénover les chambres"});
    let by_og = send(
        &app,
        Method::PUT,
        &sheet_uri,
        Some(&og),
        Some(&tag),
        Some(sheet_body.clone()),
    )
    .await;
    assert_eq!(
        (by_og.status, by_og.body["code"].as_str()),
        (409, Some("contract_not_editable"))
    );
    let by_ars = send(
        &app,
        Method::PUT,
        &sheet_uri,
        Some(&ars),
        Some(&tag),
        Some(sheet_body),
    )
    .await;
    assert_eq!(by_ars.status, 200, "{}", by_ars.body);
    let read = send(&app, Method::GET, &base, Some(&og), None, None).await;
    assert_eq!(read.body["contract"]["title"], "CPOM 2024-2028");
    assert_eq!(read.body["action_sheets"][0]["title"], "Rénover les chambres");
}

on_both_backends!(negotiation, after_signature);
