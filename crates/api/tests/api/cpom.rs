//! CPOM: the whole life of a contract through the API (creation, perimeter, objectives tied to
//! indicators, follow-up values appearing as campaigns are validated, year-3 committee report,
//! amendment adding a structure, expiry), the prefill of the form's CPOM items and its alerts.

use actix_web::http::Method;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::{audit_log, form_values, forms};
use tdb_api::state::AppState;

use crate::forms_fixtures::send;
use crate::on_both_backends;
use crate::support::fixtures::{self, StructureFixture};
use crate::support::{TestDb, app, auth, state};

/// The EHPAD, the IME and the EHPAD joining by amendment, all of managing body 590000001 (Nord).
const EHPAD: &str = "590000011";
const IME: &str = "590000021";
const LATER: &str = "590000031";

/// Stores a form of `finess` for `year` in `form_state` with the given number values (a fixture:
/// the workflow itself is tested elsewhere).
pub fn put_form(state: &AppState, year: i32, finess: &str, form_state: &str, values: &[(&str, Value)]) {
    let mut conn = state.pool.get().unwrap();
    let now = Utc::now().naive_utc();
    diesel::delete(
        form_values::table
            .filter(form_values::campaign_year.eq(year))
            .filter(form_values::structure_finess.eq(finess)),
    )
    .execute(&mut conn)
    .unwrap();
    diesel::delete(
        forms::table
            .filter(forms::campaign_year.eq(year))
            .filter(forms::structure_finess.eq(finess)),
    )
    .execute(&mut conn)
    .unwrap();
    diesel::insert_into(forms::table)
        .values((
            forms::campaign_year.eq(year),
            forms::structure_finess.eq(finess),
            forms::state.eq(form_state),
            forms::version.eq(1_i64),
            forms::completion_rate.eq(0.5),
            forms::filled.eq(1),
            forms::required.eq(2),
            forms::can_submit.eq(false),
            forms::alert_count.eq(0),
            forms::updated_at.eq(now),
        ))
        .execute(&mut conn)
        .unwrap();
    for (item, value) in values {
        diesel::insert_into(form_values::table)
            .values((
                form_values::campaign_year.eq(year),
                form_values::structure_finess.eq(finess),
                form_values::item_code.eq(*item),
                form_values::value_json.eq(value.to_string()),
                form_values::source.eq("saisie"),
                form_values::locked.eq(false),
                form_values::author.eq("fixture"),
                form_values::updated_at.eq(now),
                form_values::version.eq(1_i64),
            ))
            .execute(&mut conn)
            .unwrap();
    }
}

/// Computerised files and people supported of a structure.
fn files(done: i64, people: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("dossiers_administratifs_informatises", json!(done)),
        ("personnes_accompagnees_31_12", json!(people)),
    ]
}

fn set_form_state(state: &AppState, year: i32, finess: &str, form_state: &str) {
    let mut conn = state.pool.get().unwrap();
    diesel::update(
        forms::table
            .filter(forms::campaign_year.eq(year))
            .filter(forms::structure_finess.eq(finess)),
    )
    .set(forms::state.eq(form_state))
    .execute(&mut conn)
    .unwrap();
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-12)
}

/// The point of `year` of the objective at `index` in a follow-up body.
fn point(follow_up: &Value, index: usize, year: i64) -> Value {
    follow_up["objectives"][index]["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["year"] == year)
        .cloned()
        .unwrap_or(Value::Null)
}

/// `small_world`, a third structure of 590000001 (joining by amendment) and campaigns 2023–2026.
pub fn world(db: &TestDb) -> AppState {
    let state = state(db);
    fixtures::small_world(&state);
    fixtures::insert_structures(
        &state,
        &[StructureFixture {
            finess: LATER,
            category: "ehpad",
            organisation: "590000001",
            department: "59",
            competence: "ARS_CD",
        }],
    );
    fixtures::insert_campaign(&state, 2023, "restitution");
    fixtures::insert_campaign(&state, 2024, "restitution");
    fixtures::insert_campaign(&state, 2025, "restitution");
    fixtures::insert_campaign(&state, 2026, "collecte");
    state
}

async fn contract_life(db: TestDb) {
    let state = world(&db);
    let app = app(state.clone()).await;
    let ars = auth::ars(&state, "32");
    let cd = auth::cd(&state, "59");
    let og = auth::og(&state, "590000001");
    let esms = auth::esms(&state, &[EHPAD]);
    // Baseline campaign 2023, validated: 90/100 and 5/10 files computerised.
    put_form(&state, 2023, EHPAD, "valide", &files(90, 100));
    put_form(&state, 2023, IME, "valide", &files(5, 10));
    // The structure typed "no CPOM" in 2026 before any contract: an alert once the contract runs.
    put_form(
        &state,
        2026,
        EHPAD,
        "en_cours",
        &[("cpom_en_cours", json!(false))],
    );

    // Creation by the ARS, perimeter of two structures, end = start + 5 years − 1 day.
    let created = send(
        &app,
        Method::POST,
        "/api/v1/cpom/contracts",
        Some(&ars),
        None,
        Some(json!({
            "organisation_finess": "590000001", "title": "CPOM 2024-2028", "signatory_ars": true,
            "signatory_cd": true, "start_date": "2024-01-01", "structures": [EHPAD, IME]
        })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["state"], "en_negociation");
    assert_eq!(created.body["end_date"], "2028-12-31");
    assert_eq!(created.body["department_code"], "59");
    assert_eq!(created.body["structures"], 2);
    let id = created.body["id"].as_i64().unwrap();
    let base = format!("/api/v1/cpom/contracts/{id}");
    // One `cpom.contract_created` event per structure of the initial perimeter.
    let created_events = crate::events::stored_of(&state, "cpom.contract_created");
    assert_eq!(
        created_events,
        [EHPAD, IME]
            .map(|f| (
                Some(f.to_owned()),
                json!({"contract_id": id, "state": "en_negociation", "version": 1})
            ))
            .to_vec()
    );

    // A structure of another managing body cannot join.
    let foreign = send(
        &app,
        Method::POST,
        "/api/v1/cpom/contracts",
        Some(&ars),
        None,
        Some(json!({
            "organisation_finess": "590000001", "title": "X", "signatory_ars": true, "signatory_cd": false,
            "start_date": "2024-01-01", "structures": ["620000011"]
        })),
    )
    .await;
    assert_eq!(
        (foreign.status, foreign.body["errors"][0]["code"].as_str()),
        (422, Some("other_organisation"))
    );

    // Action sheet and objectives tied to indicators.
    let sheet = send(
        &app,
        Method::POST,
        &format!("{base}/action-sheets"),
        Some(&og),
        None,
        Some(json!({
            "theme": "systeme_information", "title": "Informatiser le dossier de l'usager"
        })),
    )
    .await;
    assert_eq!(sheet.status, 201, "{}", sheet.body);
    let sheet_id = sheet.body["id"].as_i64().unwrap();
    let aggregated = send(&app, Method::POST, &format!("{base}/objectives"), Some(&ars), None, Some(json!({
        "action_sheet_id": sheet_id, "label": "95 % des dossiers informatisés sur le périmètre",
        "indicator_code": "taux_dossiers_administratifs_informatises", "target_value": 0.95, "target_year": 2028
    }))).await;
    assert_eq!(aggregated.status, 201, "{}", aggregated.body);
    // Baseline filled from campaign 2023: (90 + 5) / (100 + 10), not the mean of 0.9 and 0.5.
    assert_eq!(aggregated.body["baseline_year"], 2023);
    assert!(
        close(&aggregated.body["baseline_value"], 95.0 / 110.0),
        "{}",
        aggregated.body
    );
    assert_eq!(aggregated.body["sense"], "higher_better");
    let single = send(
        &app,
        Method::POST,
        &format!("{base}/objectives"),
        Some(&ars),
        None,
        Some(json!({
            "action_sheet_id": sheet_id, "label": "EHPAD : 95 % des dossiers informatisés",
            "indicator_code": "taux_dossiers_administratifs_informatises", "structure_finess": EHPAD,
            "target_value": 0.95, "target_year": 2026
        })),
    )
    .await;
    assert_eq!(single.status, 201, "{}", single.body);
    assert!(close(&single.body["baseline_value"], 0.9));
    let neutral = send(
        &app,
        Method::POST,
        &format!("{base}/objectives"),
        Some(&ars),
        None,
        Some(json!({
            "action_sheet_id": sheet_id, "label": "File active", "indicator_code": "file_active",
            "target_value": 100.0, "target_year": 2028
        })),
    )
    .await;
    assert_eq!(
        (neutral.status, neutral.body["errors"][0]["code"].as_str()),
        (422, Some("sense_required"))
    );

    // The managing body cannot sign; the ARS signs (committees of years 3 and 5 scheduled) and starts.
    let by_og = send(
        &app,
        Method::POST,
        &format!("{base}/transitions"),
        Some(&og),
        None,
        Some(json!({"action": "sign"})),
    )
    .await;
    assert_eq!(by_og.status, 403);
    let wrong = send(
        &app,
        Method::POST,
        &format!("{base}/transitions"),
        Some(&ars),
        None,
        Some(json!({"action": "start"})),
    )
    .await;
    assert_eq!(
        (wrong.status, wrong.body["code"].as_str()),
        (409, Some("invalid_transition"))
    );
    let signed = send(
        &app,
        Method::POST,
        &format!("{base}/transitions"),
        Some(&ars),
        None,
        Some(json!({"action": "sign", "date": "2023-12-15"})),
    )
    .await;
    assert_eq!(
        (signed.status, &signed.body["state"]),
        (200, &json!("signe")),
        "{}",
        signed.body
    );
    let started = send(
        &app,
        Method::POST,
        &format!("{base}/transitions"),
        Some(&cd),
        None,
        Some(json!({"action": "start"})),
    )
    .await;
    assert_eq!(
        (started.status, &started.body["state"]),
        (200, &json!("en_cours")),
        "{}",
        started.body
    );
    // One `cpom.contract_state_changed` event per structure of the perimeter and transition
    // (docs/events.md); the refused transitions wrote none.
    {
        use diesel::prelude::*;
        use tdb_api::db::schema::events;
        let mut conn = state.pool.get().unwrap();
        let logged: Vec<(Option<String>, String)> = events::table
            .filter(events::event_type.eq("cpom.contract_state_changed"))
            .order(events::id)
            .select((events::structure_finess, events::payload))
            .load(&mut conn)
            .unwrap();
        assert!(!logged.is_empty() && logged.len().is_multiple_of(2), "{logged:?}");
        assert!(logged.iter().all(|(finess, _)| finess.is_some()));
        let to: Vec<String> = logged
            .iter()
            .map(|(_, p)| {
                serde_json::from_str::<Value>(p).unwrap()["to"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let half = to.len() / 2;
        assert!(to[..half].iter().all(|t| t == "signe"), "{to:?}");
        assert!(to[half..].iter().all(|t| t == "en_cours"), "{to:?}");
    }
    // Once signed the managing body no longer edits the sheets.
    let late = send(
        &app,
        Method::POST,
        &format!("{base}/action-sheets"),
        Some(&og),
        None,
        Some(json!({
            "theme": "autre", "theme_label": "Divers", "title": "Autre"
        })),
    )
    .await;
    assert_eq!(
        (late.status, late.body["code"].as_str()),
        (409, Some("contract_not_editable"))
    );

    // Prefill of the open campaign (2026): the IME gets the contract's items with source `cpom`; the
    // EHPAD's typed "false" stays, and the contract shows the mismatch as an alert.
    {
        let mut conn = state.pool.get().unwrap();
        let ime: Vec<(String, String, String)> = form_values::table
            .filter(form_values::campaign_year.eq(2026))
            .filter(form_values::structure_finess.eq(IME))
            .select((
                form_values::item_code,
                form_values::value_json,
                form_values::source,
            ))
            .order(form_values::item_code)
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            ime,
            vec![
                ("cpom_en_cours".to_owned(), "true".to_owned(), "cpom".to_owned()),
                (
                    "date_debut_cpom".to_owned(),
                    "\"2024-01-01\"".to_owned(),
                    "cpom".to_owned()
                ),
                (
                    "date_fin_cpom".to_owned(),
                    "\"2028-12-31\"".to_owned(),
                    "cpom".to_owned()
                ),
            ]
        );
    }
    let detail = send(&app, Method::GET, &base, Some(&esms), None, None).await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    assert_eq!(
        detail.body["alerts"],
        json!([{
            "year": 2026, "finess": EHPAD, "item": "cpom_en_cours", "form_value": false,
            "contract_value": true, "source": "saisie", "contract_id": id,
            "contract_title": "CPOM 2024-2028"
        }])
    );
    let committees = detail.body["committees"].as_array().unwrap().clone();
    assert_eq!(
        committees
            .iter()
            .map(|c| (
                c["kind"].clone(),
                c["contract_year"].clone(),
                c["scheduled_on"].clone()
            ))
            .collect::<Vec<_>>(),
        vec![
            (json!("mi_parcours"), json!(3), json!("2026-07-01")),
            (json!("bilan_final"), json!(5), json!("2028-07-01")),
        ]
    );

    // Follow-up: 2024 forms being filled → provisional values; then validated → final.
    put_form(&state, 2024, EHPAD, "soumis", &files(92, 100));
    put_form(&state, 2024, IME, "en_cours", &files(7, 10));
    let follow = send(
        &app,
        Method::GET,
        &format!("{base}/follow-up"),
        Some(&og),
        None,
        None,
    )
    .await;
    assert_eq!(follow.status, 200, "{}", follow.body);
    assert_eq!(follow.body["years"], json!([2024, 2025, 2026]));
    let p2024 = point(&follow.body, 0, 2024);
    assert!(close(&p2024["actual"], 99.0 / 110.0), "{p2024}");
    assert!(!close(&p2024["actual"], (0.92 + 0.7) / 2.0));
    assert_eq!(p2024["provisoire"], true);
    assert_eq!(point(&follow.body, 0, 2025)["status"], "non_mesurable");
    assert!(
        point(&follow.body, 0, 2025)["reason"]
            .as_str()
            .unwrap()
            .contains("aucun formulaire 2025")
    );
    set_form_state(&state, 2024, EHPAD, "valide");
    set_form_state(&state, 2024, IME, "valide");
    let follow = send(
        &app,
        Method::GET,
        &format!("{base}/follow-up"),
        Some(&ars),
        None,
        None,
    )
    .await;
    let p2024 = point(&follow.body, 0, 2024);
    assert_eq!(p2024["provisoire"], false);
    // Expected on the trajectory in 2024: b + (0.95 − b) / 5 with b = 95/110; 99/110 is above it.
    assert_eq!(p2024["status"], "en_bonne_voie", "{p2024}");
    assert!(close(&p2024["gap"], 99.0 / 110.0 - 0.95));
    // The single-structure objective: 0.92 in 2024, target 0.95 in 2026.
    assert!(close(&point(&follow.body, 1, 2024)["actual"], 0.92));

    // Campaign 2025 validated: the value appears.
    put_form(&state, 2025, EHPAD, "valide", &files(95, 100));
    put_form(&state, 2025, IME, "valide", &files(9, 10));
    let follow = send(
        &app,
        Method::GET,
        &format!("{base}/follow-up"),
        Some(&ars),
        None,
        None,
    )
    .await;
    assert!(close(&point(&follow.body, 0, 2025)["actual"], 104.0 / 110.0));
    assert_eq!(point(&follow.body, 0, 2025)["status"], "en_bonne_voie");
    assert_eq!(point(&follow.body, 1, 2025)["status"], "atteint");

    // Year-3 committee: report up to 2026, then recorded (report frozen).
    let mid = committees[0]["id"].as_i64().unwrap();
    let report = send(
        &app,
        Method::GET,
        &format!("/api/v1/cpom/committees/{mid}/report"),
        Some(&og),
        None,
        None,
    )
    .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["frozen"], false);
    assert_eq!(report.body["follow_up"][0]["points"].as_array().unwrap().len(), 3);
    assert_eq!(
        report.body["counts"],
        json!({"atteint": 1, "en_bonne_voie": 1, "en_retard": 0, "non_mesurable": 0})
    );
    let by_esms = send(
        &app,
        Method::PUT,
        &format!("/api/v1/cpom/committees/{mid}"),
        Some(&esms),
        None,
        Some(json!({"held_on": "2026-06-20", "minutes": "RAS"})),
    )
    .await;
    assert_eq!(by_esms.status, 403);
    let recorded = send(&app, Method::PUT, &format!("/api/v1/cpom/committees/{mid}"), Some(&ars), None, Some(json!({
        "held_on": "2026-06-20", "minutes": "Trajectoire conforme.", "decisions": ["Poursuivre le déploiement"]
    }))).await;
    assert_eq!(recorded.status, 200, "{}", recorded.body);
    assert_eq!(recorded.body["frozen"], true);
    assert_eq!(
        recorded.body["committee"]["decisions"],
        json!(["Poursuivre le déploiement"])
    );

    // Amendment adding a structure on 2026-01-01: in the 2026 aggregate, not in 2025's.
    let amended = send(
        &app,
        Method::POST,
        &format!("{base}/amendments"),
        Some(&cd),
        None,
        Some(json!({
            "signed_on": "2026-01-01", "object": "Intégration de l'EHPAD 590000031", "add_structures": [LATER]
        })),
    )
    .await;
    assert_eq!(amended.status, 201, "{}", amended.body);
    // One `cpom.amendment_signed` event per structure of the perimeter, the joining one included.
    let signed = crate::events::stored_of(&state, "cpom.amendment_signed");
    let mut told: Vec<String> = signed.iter().map(|(f, _)| f.clone().unwrap()).collect();
    told.sort();
    assert_eq!(told, [EHPAD, IME, LATER].map(str::to_owned).to_vec());
    assert!(
        signed
            .iter()
            .all(|(_, p)| p["added"] == json!([LATER]) && p["amendment_id"] == amended.body["id"])
    );
    put_form(&state, 2026, EHPAD, "valide", &files(96, 100));
    put_form(&state, 2026, IME, "valide", &files(10, 10));
    put_form(&state, 2026, LATER, "en_cours", &files(10, 40));
    let follow = send(
        &app,
        Method::GET,
        &format!("{base}/follow-up"),
        Some(&ars),
        None,
        None,
    )
    .await;
    let p2026 = point(&follow.body, 0, 2026);
    assert!(close(&p2026["actual"], 116.0 / 150.0), "{p2026}");
    assert_eq!(p2026["provisoire"], true);
    assert!(close(&point(&follow.body, 0, 2025)["actual"], 104.0 / 110.0));
    // The frozen year-3 report did not move.
    let frozen = send(
        &app,
        Method::GET,
        &format!("/api/v1/cpom/committees/{mid}/report"),
        Some(&ars),
        None,
        None,
    )
    .await;
    assert_eq!(frozen.body, recorded.body);
    let detail = send(
        &app,
        Method::GET,
        &base,
        Some(&auth::esms(&state, &[LATER])),
        None,
        None,
    )
    .await;
    assert_eq!(detail.status, 200);
    assert_eq!(detail.body["perimeter"][2]["amendment_id"], amended.body["id"]);

    // Expiry.
    let expired = send(
        &app,
        Method::POST,
        &format!("{base}/transitions"),
        Some(&ars),
        None,
        Some(json!({"action": "expire"})),
    )
    .await;
    assert_eq!((expired.status, &expired.body["state"]), (200, &json!("echu")));
    let after = send(
        &app,
        Method::POST,
        &format!("{base}/amendments"),
        Some(&ars),
        None,
        Some(json!({
            "signed_on": "2029-01-01", "object": "Trop tard"
        })),
    )
    .await;
    assert_eq!(
        (after.status, after.body["code"].as_str()),
        (409, Some("contract_closed"))
    );

    // Every change is in the audit log.
    let mut conn = state.pool.get().unwrap();
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::action.like("cpom.%"))
        .select(audit_log::action)
        .order(audit_log::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        actions,
        [
            "cpom.contract_created",
            "cpom.action_sheet_created",
            "cpom.objective_created",
            "cpom.objective_created",
            "cpom.contract_transition",
            "cpom.contract_transition",
            "cpom.committee_recorded",
            "cpom.amendment_signed",
            "cpom.contract_transition",
        ]
    );
}

/// Who sees a contract: the signing authorities of its territory, its managing body, its structures.
async fn visibility(db: TestDb) {
    let state = world(&db);
    let app = app(state.clone()).await;
    let ars = auth::ars(&state, "32");
    let created = send(
        &app,
        Method::POST,
        "/api/v1/cpom/contracts",
        Some(&ars),
        None,
        Some(json!({
            "organisation_finess": "590000001", "title": "CPOM ARS seul", "signatory_ars": true,
            "signatory_cd": false, "start_date": "2024-01-01", "structures": [IME]
        })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let uri = format!("/api/v1/cpom/contracts/{}", created.body["id"]);
    for (token, status) in [
        (auth::ars(&state, "32"), 200),
        (auth::ars(&state, "11"), 404),
        (auth::cd(&state, "59"), 404),
        (auth::og(&state, "590000001"), 200),
        (auth::og(&state, "750000001"), 404),
        (auth::esms(&state, &[IME]), 200),
        (auth::esms(&state, &[EHPAD]), 404),
        (auth::national(&state), 200),
        (auth::partner(&state, &["read"], None), 404),
    ] {
        assert_eq!(
            send(&app, Method::GET, &uri, Some(&token), None, None)
                .await
                .status,
            status,
            "{token}"
        );
    }
    let listed = send(
        &app,
        Method::GET,
        "/api/v1/cpom/contracts",
        Some(&auth::cd(&state, "59")),
        None,
        None,
    )
    .await;
    assert_eq!(listed.body, json!([]));
}

on_both_backends!(contract_life, visibility);
