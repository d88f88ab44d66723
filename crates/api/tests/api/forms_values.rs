//! `GET` and `PATCH …/form`: provenance, evaluation, audit, and rejected writes that write nothing.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::forms_fixtures::{EHPAD, YEAR, form_url, insert_pushed, send, snapshot, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth, fixtures};

async fn an_untouched_form_reads_as_non_commence(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let answer = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&token), None, None).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.etag.as_deref(), Some("\"0\""));
    let body = answer.body;
    assert_eq!(body["state"], "non_commence");
    assert_eq!(body["version"], 0);
    assert_eq!(body["editable"], true);
    assert_eq!(body["category"], "ehpad");
    assert_eq!(body["values"], json!({}));
    assert_eq!(body["validation"]["required"], json!(["ars", "cd"]));
    assert_eq!(body["evaluation"]["completion"]["filled"], 0);
    assert_eq!(
        body["evaluation"]["indicators"]["taux_occupation_hp"]["status"],
        "missing_input"
    );
    assert_eq!(snapshot(&state, EHPAD).version, None, "a read creates no row");

    let missing = send(
        &app,
        Method::GET,
        "/api/v1/campaigns/2031/structures/590000011/form",
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(
        (missing.status, missing.body["code"].as_str()),
        (404, Some("campaign_not_found"))
    );
}

async fn a_patch_writes_values_with_provenance_audit_and_evaluation(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let url = form_url(EHPAD, "");
    let values = json!({"journees_realisees_hp": 27740, "journees_absence_moins_72h_hp": 310,
                        "places_financees_hp": 80, "jours_ouverture_hp": 365});
    let first = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"0\""),
        Some(json!({"values": values})),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.etag.as_deref(), Some("\"1\""));
    let body = &first.body;
    assert_eq!(body["state"], "en_cours");
    let stored = &body["values"]["places_financees_hp"];
    assert_eq!(stored["value"].as_f64(), Some(80.0));
    assert_eq!(stored["source"], "saisie");
    assert_eq!(stored["author"], "direction@esms.test");
    assert_eq!(stored["version"], 1);
    assert_eq!(stored["locked"], false);
    assert!(stored["updated_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        body["evaluation"]["indicators"]["taux_occupation_hp"]["value"].as_f64(),
        Some(0.960_616_438_356_164_4)
    );
    let before = snapshot(&state, EHPAD);
    assert_eq!(before.audit, 4);
    assert_eq!(before.version, Some(1));

    // One changed value, one unchanged (12 and 12.0 are the same count), one cleared.
    let second = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"1\""),
        Some(
            json!({"values": {"places_financees_hp": 82, "jours_ouverture_hp": 365.0,
                               "journees_absence_moins_72h_hp": null}}),
        ),
    )
    .await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.etag.as_deref(), Some("\"2\""));
    assert_eq!(second.body["values"]["places_financees_hp"]["version"], 2);
    assert_eq!(second.body["values"]["jours_ouverture_hp"]["version"], 1);
    assert_eq!(
        second.body["values"]["journees_absence_moins_72h_hp"]["value"],
        Value::Null
    );
    let after = snapshot(&state, EHPAD);
    assert_eq!(
        after.audit, 6,
        "two changes, two entries; the unchanged value is not audited"
    );

    let history = send(
        &app,
        Method::GET,
        &form_url(EHPAD, "/history?item=places_financees_hp"),
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(history.status, 200, "{}", history.body);
    assert_eq!(history.body["meta"]["total"], 2);
    let newest = &history.body["items"][0];
    assert_eq!(newest["action"], "value_set");
    assert_eq!(newest["actor"], "direction@esms.test");
    assert_eq!(newest["channel"], "web");
    assert_eq!(newest["old_value"].as_f64(), Some(80.0));
    assert_eq!(newest["new_value"].as_f64(), Some(82.0));
    let cleared = send(
        &app,
        Method::GET,
        &form_url(EHPAD, "/history?item=journees_absence_moins_72h_hp"),
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(cleared.body["items"][0]["action"], "value_cleared");
    let paged = send(
        &app,
        Method::GET,
        &form_url(EHPAD, "/history?per_page=2&page=2"),
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(paged.body["meta"], json!({"total": 6, "page": 2, "per_page": 2}));
    assert_eq!(paged.body["items"].as_array().unwrap().len(), 2);

    // The cached summary follows the evaluation.
    let get = send(&app, Method::GET, &url, Some(&token), None, None).await;
    assert_eq!(get.etag.as_deref(), Some("\"2\""));
    assert_eq!(get.body["evaluation"], second.body["evaluation"]);
}

async fn rejected_patches_write_nothing(db: TestDb) {
    let state = world(&db, "collecte");
    insert_pushed(&state, EHPAD, "gmp_valide", json!(710), "cnsa_galaad", true);
    let token = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let url = form_url(EHPAD, "");
    let ok = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"1\""),
        Some(json!({"values": {"admissions": 12}})),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let before = snapshot(&state, EHPAD);

    let invalid = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"2\""),
        Some(
            json!({"values": {"admissions": 12.5, "places_financees_hp": -1, "pas_un_item": 3,
                               "journees_realisees_hp": 27740}}),
        ),
    )
    .await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    let paths: Vec<&str> = invalid.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/values/admissions",
            "/values/pas_un_item",
            "/values/places_financees_hp"
        ]
    );
    assert_eq!(snapshot(&state, EHPAD), before);

    let locked = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"2\""),
        Some(json!({"values": {"gmp_valide": 650, "admissions": 14}})),
    )
    .await;
    assert_eq!(
        (locked.status, locked.body["code"].as_str()),
        (409, Some("item_locked")),
        "{}",
        locked.body
    );
    assert_eq!(snapshot(&state, EHPAD), before);

    let same_locked_value = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"2\""),
        Some(json!({"values": {"gmp_valide": 710}})),
    )
    .await;
    assert_eq!(
        same_locked_value.status, 200,
        "an unchanged locked value is no change"
    );

    let stale = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"1\""),
        Some(json!({"values": {"admissions": 15}})),
    )
    .await;
    assert_eq!(
        (stale.status, stale.body["code"].as_str()),
        (412, Some("stale_version"))
    );
    let missing = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        None,
        Some(json!({"values": {"admissions": 15}})),
    )
    .await;
    assert_eq!(
        (missing.status, missing.body["code"].as_str()),
        (428, Some("if_match_required"))
    );
    let weak = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("W/\"2\""),
        Some(json!({"values": {"admissions": 15}})),
    )
    .await;
    assert_eq!(weak.status, 412);
    assert_eq!(snapshot(&state, EHPAD), before);
}

async fn overriding_a_pushed_value_needs_a_reason_and_keeps_the_pushed_value(db: TestDb) {
    let state = world(&db, "collecte");
    insert_pushed(
        &state,
        EHPAD,
        "resultat_comptable",
        json!(60000),
        "cnsa_errd",
        false,
    );
    let token = auth::og(&state, "590000001");
    let app = app(state.clone()).await;
    let url = form_url(EHPAD, "");
    let before = snapshot(&state, EHPAD);
    for reasons in [json!({}), json!({"resultat_comptable": "  court  "})] {
        let refused = send(
            &app,
            Method::PATCH,
            &url,
            Some(&token),
            Some("\"1\""),
            Some(json!({"values": {"resultat_comptable": 61200.5}, "reasons": reasons})),
        )
        .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.body["errors"][0]["path"], "/reasons/resultat_comptable");
        assert_eq!(refused.body["errors"][0]["code"], "reason_required");
    }
    assert_eq!(snapshot(&state, EHPAD), before);
    let reason = "Écriture de clôture corrigée après le dépôt de l'ERRD.";
    let done = send(
        &app,
        Method::PATCH,
        &url,
        Some(&token),
        Some("\"1\""),
        Some(json!({"values": {"resultat_comptable": 61200.5}, "reasons": {"resultat_comptable": reason}})),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let value = &done.body["values"]["resultat_comptable"];
    assert_eq!(value["value"].as_f64(), Some(61200.5));
    assert_eq!(value["source"], "saisie");
    assert_eq!(value["author"], "siege@og.test");
    assert_eq!(value["prefill_value"].as_f64(), Some(60000.0));
    assert_eq!(value["prefill_source"], "cnsa_errd");
    assert_eq!(value["override_reason"], reason);
    assert_eq!(value["version"], 2);
}

async fn the_previous_campaign_feeds_the_year_over_year_control(db: TestDb) {
    let state = world(&db, "collecte");
    fixtures::insert_campaign(&state, YEAR - 1, "restitution");
    let token = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let occupation = json!({"journees_realisees_hp": 27740, "journees_absence_moins_72h_hp": 310,
                            "places_financees_hp": 80, "jours_ouverture_hp": 365});
    // The previous campaign is past `fiabilisation`: its values are stored directly.
    insert_previous(&state, &occupation);
    let mut values = occupation.clone();
    values["journees_realisees_hp"] = json!(15000);
    let answer = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&token),
        Some("\"0\""),
        Some(json!({"values": values})),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["previous_campaign_used"], true);
    let variation = answer.body["evaluation"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "variation_annuelle" && c["indicator"] == "taux_occupation_hp")
        .unwrap()
        .clone();
    assert_eq!(variation["passed"], false);
    assert!(
        answer.body["evaluation"]["submission"]["alerts"]
            .as_array()
            .unwrap()
            .contains(&json!("variation_annuelle.taux_occupation_hp"))
    );
}

fn insert_previous(state: &tdb_api::state::AppState, values: &Value) {
    use diesel::prelude::*;
    use tdb_api::db::schema::{form_values, forms};
    let mut conn = state.pool.get().unwrap();
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(forms::table)
        .values((
            forms::campaign_year.eq(YEAR - 1),
            forms::structure_finess.eq(EHPAD),
            forms::state.eq("cloture"),
            forms::version.eq(5_i64),
            forms::completion_rate.eq(0.0),
            forms::filled.eq(0),
            forms::required.eq(0),
            forms::can_submit.eq(false),
            forms::alert_count.eq(0),
            forms::updated_at.eq(now),
        ))
        .execute(&mut conn)
        .unwrap();
    for (item, value) in values.as_object().unwrap() {
        diesel::insert_into(form_values::table)
            .values((
                form_values::campaign_year.eq(YEAR - 1),
                form_values::structure_finess.eq(EHPAD),
                form_values::item_code.eq(item),
                form_values::value_json.eq(value.to_string()),
                form_values::source.eq("saisie"),
                form_values::locked.eq(false),
                form_values::author.eq("direction@esms.test"),
                form_values::updated_at.eq(now),
                form_values::version.eq(1_i64),
            ))
            .execute(&mut conn)
            .unwrap();
    }
}

on_both_backends!(
    an_untouched_form_reads_as_non_commence,
    a_patch_writes_values_with_provenance_audit_and_evaluation,
    rejected_patches_write_nothing,
    overriding_a_pushed_value_needs_a_reason_and_keeps_the_pushed_value,
    the_previous_campaign_feeds_the_year_over_year_control,
);
