//! Who may import what: tokens, partner scopes, bound sources, structures outside the scope, roles,
//! campaigns and phases; and large imports as jobs visible to their creator.

use serde_json::json;

use crate::forms_fixtures::{EHPAD, YEAR, world};
use crate::imports_fixtures::{IMPORTS, get, many_structures, post, post_json, value_count, values_of};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth, fixtures};

async fn callers_without_the_right_are_refused(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let body = json!({"rows": [{"finess": EHPAD, "values": {"etp_reels_31_12": 58}}]});
    let anonymous = post(&app, IMPORTS, None, "application/json", body.to_string(), None).await;
    assert_eq!(anonymous.status, 401);

    let reader = auth::partner(&state, &["read"], Some("cnsa_errd"));
    assert_eq!(
        post_json(&app, IMPORTS, &reader, &body).await.status,
        403,
        "no prefill:write"
    );
    let writer = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let other_source = json!({"source": "finess", "rows": []});
    let answer = post_json(&app, IMPORTS, &writer, &other_source).await;
    assert_eq!(
        (answer.status, answer.body["code"].as_str()),
        (403, Some("forbidden")),
        "bound source only"
    );
    let ars = auth::ars(&state, "32");
    assert_eq!(post_json(&app, IMPORTS, &ars, &body).await.status, 403);
    let national = auth::national(&state);
    let no_source = post_json(&app, IMPORTS, &national, &body).await;
    assert_eq!(
        (no_source.status, no_source.body["errors"][0]["path"].as_str()),
        (422, Some("/source"))
    );

    let unknown = post_json(&app, "/api/v1/campaigns/2031/imports", &writer, &body).await;
    assert_eq!(
        (unknown.status, unknown.body["code"].as_str()),
        (404, Some("campaign_not_found"))
    );
    fixtures::insert_campaign(&state, 2023, "restitution");
    let closed = post_json(&app, "/api/v1/campaigns/2023/imports", &writer, &body).await;
    assert_eq!(
        (closed.status, closed.body["code"].as_str()),
        (409, Some("campaign_phase"))
    );
    assert_eq!(value_count(&state), 0);
}

async fn structures_outside_the_scope_are_rejected_rows(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let body = json!({"rows": [
        {"finess": EHPAD, "values": {"journees_realisees_hp": 20000}},
        {"finess": "750000011", "values": {"journees_realisees_hp": 1}},
        {"finess": "000000000", "values": {"journees_realisees_hp": 1}}
    ]});
    let refused = post_json(&app, IMPORTS, &esms, &body).await;
    assert_eq!(refused.status, 422, "{}", refused.raw);
    let rejected = &refused.body["summary"]["rejected"];
    assert_eq!(rejected[0]["code"], "structure_not_found");
    assert_eq!(
        rejected[0]["message"], "Aucune structure 750000011 n'est accessible.",
        "another's structure reads like an absent one"
    );
    assert_eq!(
        rejected[1]["message"],
        "Aucune structure 000000000 n'est accessible."
    );
    assert_eq!(value_count(&state), 0);

    let partial = post_json(&app, &format!("{IMPORTS}?partial=true"), &esms, &body).await;
    assert_eq!(partial.status, 200);
    assert_eq!(partial.body["rows_skipped"], json!([1, 2]));
    assert_eq!(values_of(&state, EHPAD)[0].2, "saisie");
    let form = get(
        &app,
        &format!("/api/v1/campaigns/{YEAR}/structures/{EHPAD}/form"),
        &esms,
    )
    .await;
    assert_eq!(
        form.body["state"], "en_cours",
        "the structure's own import starts its form"
    );
}

async fn a_large_import_runs_as_a_job_visible_to_its_creator(db: TestDb) {
    let state = world(&db, "collecte");
    let finess = many_structures(&state, 180);
    let items = ["etp_reels_31_12", "produits_exploitation", "resultat_comptable"];
    let catalogue = tdb_domain::catalogue_for(YEAR).unwrap();
    let errd: Vec<&str> = catalogue
        .items()
        .iter()
        .filter(|i| i.prefill == Some(tdb_domain::contract::PrefillSource::CnsaErrd))
        .filter(|i| i.item_type == tdb_domain::contract::ItemType::Eur || items.contains(&i.code.as_str()))
        .map(|i| i.code.as_str())
        .collect();
    let rows: Vec<_> = finess
        .iter()
        .map(|f| json!({"finess": f, "values": errd.iter().map(|i| (i.to_string(), json!(1000))).collect::<serde_json::Map<_, _>>()}))
        .collect();
    assert!(
        rows.len() * errd.len() > 5000,
        "{} values",
        rows.len() * errd.len()
    );
    let token = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let app = app(state.clone()).await;
    let started = post_json(&app, IMPORTS, &token, &json!({"rows": rows})).await;
    assert_eq!(started.status, 202, "{}", started.raw);
    let location = started.location.clone().unwrap();
    assert_eq!(
        location,
        format!("/api/v1/imports/jobs/{}", started.body["id"].as_str().unwrap())
    );
    let mut job = started.body.clone();
    for _ in 0..600 {
        job = get(&app, &location, &token).await.body;
        if job["state"] == "done" || job["state"] == "failed" {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(
        (job["result_status"].as_u64(), job["processed"].clone()),
        (Some(200), job["total"].clone())
    );
    assert_eq!(
        job["summary"]["values"]["created"].as_u64(),
        Some((rows.len() * errd.len()) as u64)
    );
    assert_eq!(value_count(&state), (rows.len() * errd.len()) as i64);

    let other = auth::esms(&state, &[EHPAD]);
    assert_eq!(
        get(&app, &location, &other).await.status,
        404,
        "another caller's job reads as absent"
    );
    assert_eq!(get(&app, &location, &auth::national(&state)).await.status, 200);
}

on_both_backends!(
    callers_without_the_right_are_refused,
    structures_outside_the_scope_are_rejected_rows,
    a_large_import_runs_as_a_job_visible_to_its_creator,
);
