//! `POST …/imports`: dry runs, provenance, idempotency, conflicts, locks, owned items, rejected and
//! partial imports, CSV — each test on SQLite and PostgreSQL.

use actix_web::http::Method;
use serde_json::json;

use crate::forms_fixtures::{EHPAD, form_url, insert_pushed, send, snapshot, world};
use crate::imports_fixtures::{
    IMPORTS, audit_count, post, post_json, set_form_state, value_count, values_of,
};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

/// The other EHPAD of the small world (Paris).
const PARIS: &str = "750000011";

fn errd_push() -> serde_json::Value {
    json!({"source": "cnsa_errd", "rows": [
        {"finess": EHPAD, "values": {"etp_reels_31_12": 58.4, "produits_exploitation": 4210000.5}}
    ]})
}

async fn a_dry_run_computes_everything_and_writes_nothing(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let app = app(state.clone()).await;
    let answer = post_json(&app, &format!("{IMPORTS}?dry_run=true"), &token, &errd_push()).await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    let summary = &answer.body;
    assert_eq!(summary["dry_run"], true);
    assert_eq!(summary["written"], false);
    assert_eq!(
        summary["values"],
        json!({"created": 2, "updated": 0, "unchanged": 0, "conflicts": 0, "rejected": 0})
    );
    assert_eq!(summary["forms_updated"], 1);
    let rows = snapshot(&state, EHPAD);
    assert_eq!((rows.version, rows.values.len(), rows.audit), (None, 0, 0));
    assert_eq!(audit_count(&state, "import"), 0);
}

async fn a_push_stores_provenance_bumps_the_version_and_counts_repeats_unchanged(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let app = app(state.clone()).await;
    let first = post_json(&app, IMPORTS, &token, &errd_push()).await;
    assert_eq!(first.status, 200, "{}", first.raw);
    assert_eq!(first.body["written"], true);
    assert_eq!(first.body["values"]["created"], 2);
    let batch = first.body["batch_id"].as_str().unwrap().to_owned();
    assert!(batch.starts_with("imp-"));

    let reader = auth::esms(&state, &[EHPAD]);
    let form = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&reader), None, None).await;
    assert_eq!(
        form.etag.as_deref(),
        Some("\"1\""),
        "the form's version (ETag) moves"
    );
    assert_eq!(
        form.body["state"], "non_commence",
        "a push does not start the form"
    );
    let etp = &form.body["values"]["etp_reels_31_12"];
    assert_eq!(
        (etp["source"].as_str(), etp["batch_id"].as_str()),
        (Some("cnsa_errd"), Some(batch.as_str()))
    );
    assert_eq!(
        (etp["author"].as_str(), etp["locked"].as_bool()),
        (Some("client-partenaire"), Some(false))
    );
    assert_eq!(
        form.body["evaluation"]["completion"]["filled"], 2,
        "the cached completion follows"
    );
    let rows = snapshot(&state, EHPAD);
    assert_eq!(rows.audit, 2, "one value_set per value");
    assert_eq!(audit_count(&state, "import"), 1);

    let again = post_json(&app, IMPORTS, &token, &errd_push()).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["values"]["unchanged"], 2);
    assert_eq!(
        (
            again.body["written"].as_bool(),
            again.body["forms_updated"].as_u64()
        ),
        (Some(false), Some(0))
    );
    assert_eq!(
        snapshot(&state, EHPAD),
        rows,
        "unchanged values are neither rewritten nor audited"
    );
}

async fn the_same_idempotency_key_replays_the_first_answer(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let app = app(state.clone()).await;
    let body = errd_push().to_string();
    let first = post(
        &app,
        IMPORTS,
        Some(&token),
        "application/json",
        body.clone(),
        Some("lot-42"),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.raw);
    let after_first = snapshot(&state, EHPAD);
    let replay = post(
        &app,
        IMPORTS,
        Some(&token),
        "application/json",
        body,
        Some("lot-42"),
    )
    .await;
    assert_eq!(
        (replay.status, &replay.raw),
        (200, &first.raw),
        "same status, same body"
    );
    assert_eq!(snapshot(&state, EHPAD), after_first, "nothing written twice");
    assert_eq!(audit_count(&state, "import"), 1);

    let other =
        json!({"source": "cnsa_errd", "rows": [{"finess": EHPAD, "values": {"etp_reels_31_12": 60}}]});
    let reused = post(
        &app,
        IMPORTS,
        Some(&token),
        "application/json",
        other.to_string(),
        Some("lot-42"),
    )
    .await;
    assert_eq!(
        (reused.status, reused.body["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    assert_eq!(snapshot(&state, EHPAD), after_first);

    let refused =
        json!({"source": "cnsa_errd", "rows": [{"finess": EHPAD, "values": {"etp_reels_31_12": -1}}]});
    let once = post(
        &app,
        IMPORTS,
        Some(&token),
        "application/json",
        refused.to_string(),
        Some("lot-43"),
    )
    .await;
    let twice = post(
        &app,
        IMPORTS,
        Some(&token),
        "application/json",
        refused.to_string(),
        Some("lot-43"),
    )
    .await;
    assert_eq!((once.status, twice.status), (422, 422));
    assert_eq!(once.raw, twice.raw, "a refused import replays its problem too");
}

async fn a_push_over_a_typed_value_is_a_conflict_unless_national_overwrites(db: TestDb) {
    let state = world(&db, "collecte");
    let esms = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let typed = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&esms),
        Some("\"0\""),
        Some(json!({"values": {"etp_reels_31_12": 50}})),
    )
    .await;
    assert_eq!(typed.status, 200, "{}", typed.body);

    let partner = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let pushed = post_json(&app, IMPORTS, &partner, &errd_push()).await;
    assert_eq!(pushed.status, 200, "{}", pushed.raw);
    assert_eq!(pushed.body["values"]["conflicts"], 1);
    assert_eq!(pushed.body["values"]["created"], 1);
    let conflict = &pushed.body["conflicts"][0];
    assert_eq!(conflict["item"], "etp_reels_31_12");
    assert_eq!(conflict["current_source"], "saisie");
    assert_eq!(conflict["current_value"].as_f64(), Some(50.0));
    assert_eq!(conflict["pushed_value"].as_f64(), Some(58.4));
    let etp = |state| {
        values_of(state, EHPAD)
            .into_iter()
            .find(|v| v.0 == "etp_reels_31_12")
            .map(|v| (v.1, v.2))
    };
    assert_eq!(
        etp(&state),
        Some(("50".to_owned(), "saisie".to_owned())),
        "not applied"
    );

    let refused = post_json(
        &app,
        &format!("{IMPORTS}?on_conflict=overwrite"),
        &partner,
        &errd_push(),
    )
    .await;
    assert_eq!(refused.status, 403, "only national overwrites");
    let national = auth::national(&state);
    let overwritten = post_json(
        &app,
        &format!("{IMPORTS}?on_conflict=overwrite"),
        &national,
        &errd_push(),
    )
    .await;
    assert_eq!(overwritten.status, 200, "{}", overwritten.raw);
    assert_eq!(overwritten.body["values"]["updated"], 1);
    assert_eq!(overwritten.body["values"]["conflicts"], 0);
    assert_eq!(etp(&state), Some(("58.4".to_owned(), "cnsa_errd".to_owned())));
}

async fn locked_items_refuse_saisie_and_sources_push_only_their_items(db: TestDb) {
    let state = world(&db, "collecte");
    insert_pushed(&state, EHPAD, "places_installees_hp", json!(80), "finess", true);
    let before = snapshot(&state, EHPAD);
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let body = json!({"rows": [{"finess": EHPAD, "values": {"places_installees_hp": 81, "journees_realisees_hp": 20000}}]});
    let locked = post_json(&app, IMPORTS, &esms, &body).await;
    assert_eq!(
        (locked.status, locked.body["code"].as_str()),
        (422, Some("import_rejected"))
    );
    assert!(locked.content_type.starts_with("application/problem+json"));
    let rejection = &locked.body["summary"]["rejected"][0];
    assert_eq!(
        (
            rejection["row"].as_u64(),
            rejection["item"].as_str(),
            rejection["code"].as_str()
        ),
        (Some(0), Some("places_installees_hp"), Some("item_locked"))
    );
    assert_eq!(
        locked.body["errors"][0]["path"],
        "/rows/0/values/places_installees_hp"
    );
    assert_eq!(snapshot(&state, EHPAD), before, "nothing written");

    let partner = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let body =
        json!({"rows": [{"finess": EHPAD, "values": {"places_financees_hp": 80, "etp_reels_31_12": 58}}]});
    let not_owned = post_json(&app, IMPORTS, &partner, &body).await;
    assert_eq!(not_owned.status, 422, "{}", not_owned.raw);
    let rejected = &not_owned.body["summary"]["rejected"];
    assert_eq!(rejected.as_array().map(Vec::len), Some(1));
    assert_eq!(
        (rejected[0]["item"].as_str(), rejected[0]["code"].as_str()),
        (Some("places_financees_hp"), Some("source_not_allowed"))
    );
    assert_eq!(snapshot(&state, EHPAD), before);

    let finess = auth::partner(&state, &["prefill:write"], Some("finess"));
    let repush = json!({"rows": [{"finess": EHPAD, "values": {"places_installees_hp": 82}}]});
    let replaced = post_json(&app, IMPORTS, &finess, &repush).await;
    assert_eq!(replaced.status, 200, "{}", replaced.raw);
    assert_eq!(
        replaced.body["values"]["updated"], 1,
        "the same source replaces its locked value"
    );
}

fn two_rows_one_bad() -> serde_json::Value {
    json!({"source": "cnsa_errd", "rows": [
        {"finess": EHPAD, "values": {"etp_reels_31_12": 58.4}},
        {"finess": PARIS, "values": {"etp_reels_31_12": 12.345, "produits_exploitation": 100}}
    ]})
}

async fn one_bad_value_refuses_the_whole_import_unless_partial(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let app = app(state.clone()).await;
    let refused = post_json(&app, IMPORTS, &token, &two_rows_one_bad()).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (422, Some("import_rejected")),
        "{}",
        refused.raw
    );
    assert_eq!(
        refused.body["errors"],
        json!([{"path": "/rows/1/values/etp_reels_31_12", "code": "too_many_decimals",
        "message": "La valeur ne peut pas comporter plus de deux décimales."}])
    );
    let summary = &refused.body["summary"];
    assert_eq!(
        (summary["written"].as_bool(), summary["rows_skipped"].clone()),
        (Some(false), json!([1]))
    );
    assert_eq!(summary["rejected"][0]["finess"], PARIS);
    assert_eq!(value_count(&state), 0, "nothing written");

    let partial = post_json(
        &app,
        &format!("{IMPORTS}?partial=true"),
        &token,
        &two_rows_one_bad(),
    )
    .await;
    assert_eq!(partial.status, 200, "{}", partial.raw);
    let summary = &partial.body;
    assert_eq!(
        (summary["rows_valid"].as_u64(), summary["rows_skipped"].clone()),
        (Some(1), json!([1]))
    );
    assert_eq!(
        summary["values"],
        json!({"created": 1, "updated": 0, "unchanged": 0, "conflicts": 0, "rejected": 1})
    );
    assert_eq!(values_of(&state, EHPAD).len(), 1);
    assert!(
        values_of(&state, PARIS).is_empty(),
        "the row with a bad value is skipped whole"
    );
}

async fn validated_forms_refuse_pushes_row_by_row(db: TestDb) {
    let state = world(&db, "collecte");
    insert_pushed(
        &state,
        PARIS,
        "resultat_comptable",
        json!(1000),
        "cnsa_errd",
        false,
    );
    set_form_state(&state, PARIS, "valide");
    let token = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let app = app(state.clone()).await;
    let body = json!({"rows": [
        {"finess": EHPAD, "values": {"etp_reels_31_12": 58.4}},
        {"finess": PARIS, "values": {"etp_reels_31_12": 40, "resultat_comptable": 2000}}
    ]});
    let answer = post_json(&app, &format!("{IMPORTS}?partial=true"), &token, &body).await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    assert_eq!(
        answer.body["rejected"],
        json!([{"row": 1, "finess": PARIS, "code": "form_not_editable",
        "message": "Le formulaire est à l'état « valide » : une transmission ne le modifie plus."}])
    );
    assert_eq!(answer.body["values"]["rejected"], 2);
    assert_eq!(values_of(&state, PARIS).len(), 1);
}

async fn csv_with_bom_semicolons_and_decimal_commas_is_read(db: TestDb) {
    let state = world(&db, "collecte");
    let token = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let app = app(state.clone()).await;
    let wide = "\u{FEFF}finess;etp_reels_31_12;produits_exploitation\r\n590000011;58,4;4210000,5\r\n750000011;;100\r\n";
    let answer = post(&app, IMPORTS, Some(&token), "text/csv; charset=utf-8", wide, None).await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    assert_eq!(answer.body["values"]["created"], 3, "an empty cell is no value");
    let stored: Vec<_> = values_of(&state, EHPAD).into_iter().map(|v| (v.0, v.1)).collect();
    assert_eq!(
        stored,
        [
            ("etp_reels_31_12".to_owned(), "58.4".to_owned()),
            ("produits_exploitation".to_owned(), "4210000.5".to_owned())
        ]
    );

    let long =
        "finess,item,value\n590000011,resultat_comptable,-12500.5\n750000011,resultat_comptable,oops\n";
    let refused = post(
        &app,
        &format!("{IMPORTS}?layout=long"),
        Some(&token),
        "text/csv",
        long,
        None,
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.raw);
    assert_eq!(
        refused.body["summary"]["rejected"][0]["row"], 3,
        "CSV rows are line numbers"
    );
    assert_eq!(refused.body["summary"]["rejected"][0]["code"], "not_a_number");

    let comma = "finess,etp_reels_31_12\n590000011,\"12,5\"\n";
    let refused = post(&app, IMPORTS, Some(&token), "text/csv", comma, None).await;
    assert_eq!(refused.status, 422);
    let rejection = &refused.body["summary"]["rejected"][0];
    assert_eq!(
        (rejection["row"].as_u64(), rejection["code"].as_str()),
        (Some(2), Some("decimal_comma"))
    );
    assert!(
        rejection["message"]
            .as_str()
            .unwrap()
            .contains("séparé par « ; »")
    );

    let bad = post(&app, IMPORTS, Some(&token), "text/csv", "siret;x\n1;2\n", None).await;
    assert_eq!(
        (bad.status, bad.body["code"].as_str()),
        (400, Some("invalid_csv_header"))
    );
    let xml = post(&app, IMPORTS, Some(&token), "application/xml", "<a/>", None).await;
    assert_eq!(
        (xml.status, xml.body["code"].as_str()),
        (400, Some("unsupported_media_type"))
    );
}

on_both_backends!(
    a_dry_run_computes_everything_and_writes_nothing,
    a_push_stores_provenance_bumps_the_version_and_counts_repeats_unchanged,
    the_same_idempotency_key_replays_the_first_answer,
    a_push_over_a_typed_value_is_a_conflict_unless_national_overwrites,
    locked_items_refuse_saisie_and_sources_push_only_their_items,
    one_bad_value_refuses_the_whole_import_unless_partial,
    validated_forms_refuse_pushes_row_by_row,
    csv_with_bom_semicolons_and_decimal_commas_is_read,
);
