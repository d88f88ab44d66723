//! The workflow of a form: submit, review (joint validation, corrections), reopen, close.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::forms_fixtures::{EHPAD, YEAR, complete_ehpad, form_url, send, snapshot, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

/// Actions of the form's transitions, oldest first: `(from, to)`.
fn transitions(state: &tdb_api::state::AppState) -> Vec<(String, String)> {
    use diesel::prelude::*;
    use tdb_api::db::schema::audit_log;
    let mut conn = state.pool.get().unwrap();
    let details: Vec<Option<String>> = audit_log::table
        .filter(audit_log::structure_finess.eq(EHPAD))
        .filter(audit_log::action.eq("transition"))
        .order(audit_log::id)
        .select(audit_log::detail)
        .load(&mut conn)
        .unwrap();
    details
        .into_iter()
        .map(|d| {
            let d: Value = serde_json::from_str(&d.unwrap()).unwrap();
            (
                d["from"].as_str().unwrap().to_owned(),
                d["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn a_joint_ehpad_goes_from_entry_to_closure(db: TestDb) {
    let state = world(&db, "collecte");
    let esms = auth::esms(&state, &[EHPAD]);
    let ars = auth::ars(&state, "32");
    let cd = auth::cd(&state, "59");
    let app = app(state.clone()).await;
    let url = |suffix: &str| form_url(EHPAD, suffix);

    // Fill: complete and coherent, except a validated GMP far from the GIR breakdown (an alert).
    let mut values = complete_ehpad();
    values.insert("gmp_valide".to_owned(), json!(900));
    let filled = send(
        &app,
        Method::PATCH,
        &url(""),
        Some(&esms),
        Some("\"0\""),
        Some(json!({"values": values})),
    )
    .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    let evaluation = &filled.body["evaluation"];
    assert_eq!(evaluation["completion"]["reached"], true);
    assert_eq!(evaluation["submission"]["blocking"], json!([]));
    assert_eq!(
        evaluation["submission"]["unjustified_alerts"],
        json!(["ecart_gmp_valide_calcule"])
    );

    let refused = send(&app, Method::POST, &url("/submit"), Some(&esms), None, None).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (409, Some("cannot_submit")),
        "{}",
        refused.body
    );
    assert_eq!(
        refused.body["errors"][0]["path"],
        "/justifications/ecart_gmp_valide_calcule"
    );
    assert_eq!(refused.body["errors"][0]["code"], "unjustified_alert");

    let justified = send(
        &app,
        Method::PUT,
        &url("/justifications/ecart_gmp_valide_calcule"),
        Some(&esms),
        None,
        Some(json!({"text": "GMP validé en 2021, avant l'ouverture de l'unité protégée."})),
    )
    .await;
    assert_eq!(justified.status, 200, "{}", justified.body);
    assert_eq!(justified.body["evaluation"]["completion"]["can_submit"], true);
    assert_eq!(
        justified.body["justifications"]["ecart_gmp_valide_calcule"]["author"],
        "direction@esms.test"
    );

    let submitted = send(
        &app,
        Method::POST,
        &url("/submit"),
        Some(&esms),
        justified.etag.as_deref(),
        None,
    )
    .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.body["state"], "soumis");
    assert_eq!(submitted.body["submitted_by"], "direction@esms.test");
    assert_eq!(submitted.body["editable"], false);
    assert_eq!(submitted.body["validation"]["awaiting"], json!(["ars", "cd"]));

    // The ARS sends an item back.
    let asked = send(&app, Method::POST, &url("/review"), Some(&ars), None, Some(json!({
        "decision": "request_corrections",
        "items": [{"item": "journees_realisees_hp", "message": "Les journées semblent inclure l'accueil de jour."}]
    }))).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(asked.body["state"], "correction_demandee");
    let correction = &asked.body["corrections"][0];
    assert_eq!(correction["item"], "journees_realisees_hp");
    assert_eq!(correction["status"], "ouverte");
    assert_eq!(correction["messages"][0]["author"], "agent@ars.test");
    let id = correction["id"].as_i64().unwrap();

    // The structure answers in the thread, fixes the item and resubmits.
    let message = send(
        &app,
        Method::POST,
        &url(&format!("/corrections/{id}/messages")),
        Some(&esms),
        None,
        Some(json!({"body": "Corrigé : l'accueil de jour est désormais compté à part."})),
    )
    .await;
    assert_eq!(message.status, 201, "{}", message.body);
    assert_eq!(message.body["messages"].as_array().unwrap().len(), 2);
    let fixed = send(
        &app,
        Method::PATCH,
        &url(""),
        Some(&esms),
        asked.etag.as_deref(),
        Some(json!({"values": {"journees_realisees_hp": 19500}})),
    )
    .await;
    assert_eq!(fixed.status, 200, "{}", fixed.body);
    assert_eq!(fixed.body["state"], "correction_demandee");
    let resubmitted = send(
        &app,
        Method::POST,
        &url("/submit"),
        Some(&esms),
        fixed.etag.as_deref(),
        None,
    )
    .await;
    assert_eq!(resubmitted.status, 200, "{}", resubmitted.body);
    assert_eq!(resubmitted.body["state"], "soumis");
    assert_eq!(
        resubmitted.body["corrections"],
        json!([]),
        "the changed item's request is resolved"
    );

    // ARS validates: still waiting for the CD.
    let by_ars = send(
        &app,
        Method::POST,
        &url("/review"),
        Some(&ars),
        None,
        Some(json!({"decision": "validate"})),
    )
    .await;
    assert_eq!(by_ars.status, 200, "{}", by_ars.body);
    assert_eq!(by_ars.body["state"], "soumis");
    assert_eq!(by_ars.body["validation"]["awaiting"], json!(["cd"]));
    assert_eq!(by_ars.body["validation"]["validated"][0]["authority"], "ars");
    let twice = send(
        &app,
        Method::POST,
        &url("/review"),
        Some(&ars),
        None,
        Some(json!({"decision": "validate"})),
    )
    .await;
    assert_eq!(
        (twice.status, twice.body["code"].as_str()),
        (409, Some("already_validated"))
    );
    let by_cd = send(
        &app,
        Method::POST,
        &url("/review"),
        Some(&cd),
        None,
        Some(json!({"decision": "validate"})),
    )
    .await;
    assert_eq!(by_cd.status, 200, "{}", by_cd.body);
    assert_eq!(by_cd.body["state"], "valide");
    assert_eq!(by_cd.body["validation"]["awaiting"], json!([]));

    // Closing the campaign closes the form; nothing is editable any more.
    let closed = {
        let mut conn = state.pool.get().unwrap();
        tdb_api::services::forms::close_forms(&mut conn, YEAR, "admin@national.test").unwrap()
    };
    assert_eq!(closed, 1);
    let read = send(&app, Method::GET, &url(""), Some(&esms), None, None).await;
    assert_eq!(read.body["state"], "cloture");
    let late = send(
        &app,
        Method::PATCH,
        &url(""),
        Some(&esms),
        read.etag.as_deref(),
        Some(json!({"values": {"journees_realisees_hp": 19600}})),
    )
    .await;
    assert_eq!(
        (late.status, late.body["code"].as_str()),
        (409, Some("form_not_editable"))
    );

    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    assert_eq!(
        transitions(&state),
        pairs(&[
            ("en_cours", "soumis"),
            ("soumis", "correction_demandee"),
            ("correction_demandee", "soumis"),
            ("soumis", "valide"),
            ("valide", "cloture"),
        ])
    );
    let history = send(
        &app,
        Method::GET,
        &url("/history?per_page=500"),
        Some(&cd),
        None,
        None,
    )
    .await;
    let actions: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions[..4],
        ["transition", "transition", "validation", "validation"]
    );
    assert!(actions.contains(&"justification_set") && actions.contains(&"correction_message"));

    // The event log (docs/events.md) tells the same story, one event per change.
    let events: Vec<(String, Value)> = {
        use diesel::prelude::*;
        use tdb_api::db::schema::events;
        let mut conn = state.pool.get().unwrap();
        events::table
            .filter(events::structure_finess.eq(EHPAD))
            .order(events::id)
            .select((events::event_type, events::payload))
            .load::<(String, String)>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|(t, p)| (t, serde_json::from_str(&p).unwrap()))
            .collect()
    };
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "form.values_changed",
            "form.submitted",
            "form.correction_requested",
            "form.correction_message",
            "form.values_changed",
            "form.submitted",
            "form.validated",
            "form.validated",
            "form.closed",
        ]
    );
    let validations: Vec<(&Value, &Value)> = events
        .iter()
        .filter(|(t, _)| t == "form.validated")
        .map(|(_, p)| (&p["authority"], &p["complete"]))
        .collect();
    assert_eq!(
        validations,
        [(&json!("ars"), &json!(false)), (&json!("cd"), &json!(true))]
    );
    assert_eq!(events[8].1, json!({"from": "valide", "to": "cloture"}));
}

async fn rejected_transitions_write_nothing(db: TestDb) {
    let state = world(&db, "collecte");
    let esms = auth::esms(&state, &[EHPAD]);
    let ars = auth::ars(&state, "32");
    let national = auth::national(&state);
    let app = app(state.clone()).await;
    let url = |suffix: &str| form_url(EHPAD, suffix);
    let partial = send(&app, Method::PATCH, &url(""), Some(&esms), Some("\"0\""),
        Some(json!({"values": {"places_financees_hp": 80, "personnes_accompagnees_31_12": 40,
                               "personnes_provenance_domicile": 41, "personnes_provenance_etablissement_sante": 0,
                               "personnes_provenance_esms": 0, "personnes_provenance_inconnue": 0}}))).await;
    assert_eq!(partial.status, 200);
    let before = snapshot(&state, EHPAD);

    let not_ready = send(&app, Method::POST, &url("/submit"), Some(&esms), None, None).await;
    assert_eq!(not_ready.status, 409, "{}", not_ready.body);
    let codes: Vec<&str> = not_ready.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes[0], "completion_below_threshold");
    assert!(codes.contains(&"blocking_control"), "{codes:?}");

    for (token, path, body, status, code) in [
        (
            &ars,
            "/review",
            json!({"decision": "validate"}),
            409,
            "form_not_submitted",
        ),
        (
            &national,
            "/reopen",
            json!({"comment": "Réouverture demandée."}),
            409,
            "invalid_transition",
        ),
        (
            &national,
            "/reopen",
            json!({"comment": "  "}),
            422,
            "validation_failed",
        ),
        (
            &ars,
            "/review",
            json!({"decision": "request_corrections", "items": [{"item": "inconnu", "message": ""}]}),
            422,
            "validation_failed",
        ),
        (
            &ars,
            "/review",
            json!({"decision": "request_corrections", "items": []}),
            422,
            "validation_failed",
        ),
    ] {
        let answer = send(&app, Method::POST, &url(path), Some(token), None, Some(body)).await;
        assert_eq!(
            (answer.status, answer.body["code"].as_str()),
            (status, Some(code)),
            "{path} {}",
            answer.body
        );
    }
    let stale = send(
        &app,
        Method::POST,
        &url("/submit"),
        Some(&esms),
        Some("\"0\""),
        None,
    )
    .await;
    assert_eq!(stale.status, 412);
    let not_failing = send(
        &app,
        Method::PUT,
        &url("/justifications/occupation_hp_au_dessus_100"),
        Some(&esms),
        None,
        Some(json!({"text": "Une justification assez longue."})),
    )
    .await;
    assert_eq!(
        (not_failing.status, not_failing.body["code"].as_str()),
        (409, Some("alert_not_failing"))
    );
    let unknown = send(
        &app,
        Method::PUT,
        &url("/justifications/provenance_egale_effectif"),
        Some(&esms),
        None,
        Some(json!({"text": "Un contrôle bloquant ne se justifie pas."})),
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.body["code"].as_str()),
        (404, Some("unknown_alert"))
    );
    let absent = send(
        &app,
        Method::DELETE,
        &url("/justifications/gir_egal_effectif"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(absent.status, 404);
    assert_eq!(snapshot(&state, EHPAD), before);
}

async fn an_authority_reopens_a_submitted_form_and_phases_gate_the_structure(db: TestDb) {
    let state = world(&db, "collecte");
    let esms = auth::esms(&state, &[EHPAD]);
    let cd = auth::cd(&state, "59");
    let app = app(state.clone()).await;
    let url = |suffix: &str| form_url(EHPAD, suffix);
    let filled = send(
        &app,
        Method::PATCH,
        &url(""),
        Some(&esms),
        Some("\"0\""),
        Some(json!({"values": complete_ehpad()})),
    )
    .await;
    assert_eq!(
        filled.body["evaluation"]["completion"]["can_submit"], true,
        "{}",
        filled.body["evaluation"]["submission"]
    );
    let submitted = send(&app, Method::POST, &url("/submit"), Some(&esms), None, None).await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let reopened = send(
        &app,
        Method::POST,
        &url("/reopen"),
        Some(&cd),
        None,
        Some(json!({"comment": "Capacité erronée signalée par l'établissement."})),
    )
    .await;
    assert_eq!(reopened.status, 200, "{}", reopened.body);
    assert_eq!(reopened.body["state"], "en_cours");
    let history = send(
        &app,
        Method::GET,
        &url("/history?per_page=1"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(
        history.body["items"][0]["detail"],
        json!({"from": "soumis", "to": "en_cours", "comment": "Capacité erronée signalée par l'établissement."})
    );

    // In fiabilisation the structure may write only a form sent back for corrections.
    set_phase(&state, "fiabilisation");
    let refused = send(
        &app,
        Method::PATCH,
        &url(""),
        Some(&esms),
        reopened.etag.as_deref(),
        Some(json!({"values": {"admissions": 11}})),
    )
    .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (409, Some("campaign_phase"))
    );
    let read = send(&app, Method::GET, &url(""), Some(&esms), None, None).await;
    assert_eq!(read.body["editable"], false);
}

fn set_phase(state: &tdb_api::state::AppState, phase: &str) {
    use diesel::prelude::*;
    use tdb_api::db::schema::campaigns;
    let mut conn = state.pool.get().unwrap();
    diesel::update(campaigns::table.find(YEAR))
        .set(campaigns::phase.eq(phase))
        .execute(&mut conn)
        .unwrap();
}

async fn closing_a_campaign_closes_every_open_form_once(db: TestDb) {
    let state = world(&db, "fiabilisation");
    crate::forms_fixtures::insert_pushed(&state, EHPAD, "admissions", json!(3), "saisie", false);
    crate::forms_fixtures::insert_pushed(&state, "590000021", "admissions", json!(3), "saisie", false);
    let mut conn = state.pool.get().unwrap();
    let close = tdb_api::services::forms::close_forms;
    assert_eq!(close(&mut conn, YEAR, "admin@national.test").unwrap(), 2);
    assert_eq!(
        close(&mut conn, YEAR, "admin@national.test").unwrap(),
        0,
        "idempotent"
    );
    drop(conn);
    let rows = snapshot(&state, EHPAD);
    assert_eq!((rows.state.as_deref(), rows.version), (Some("cloture"), Some(2)));
    assert_eq!(
        transitions(&state),
        [("en_cours".to_owned(), "cloture".to_owned())]
    );
    // A structure that never wrote reads as closed once the campaign is past fiabilisation.
    set_phase(&state, "restitution");
    let app = app(state.clone()).await;
    let token = auth::national(&state);
    let read = send(
        &app,
        Method::GET,
        &form_url("750000011", ""),
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(read.body["state"], "cloture");
}

on_both_backends!(
    a_joint_ehpad_goes_from_entry_to_closure,
    rejected_transitions_write_nothing,
    an_authority_reopens_a_submitted_form_and_phases_gate_the_structure,
    closing_a_campaign_closes_every_open_form_once,
);
