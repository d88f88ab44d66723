//! `/api/v1/campaigns`: scope, creation, forward-only phases, closing of the forms, audit.

use actix_web::http::Method;
use actix_web::test;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::{audit_log, forms};

use crate::on_both_backends;
use crate::structures::insert_form;
use crate::support::fixtures::{insert_campaign, small_world};
use crate::support::matrix::{Case, Who, case, check};
use crate::support::{TestDb, app, auth, state};

/// Rows of the matrix for the campaign endpoints (campaign 2024 in `collecte` exists).
pub fn campaign_cases() -> Vec<Case> {
    use Who::*;
    let everyone = [
        Esms("590000011"),
        Og("590000001"),
        Ars("32"),
        Cd("59"),
        National,
        PartnerRead,
        PartnerWrite,
    ];
    let mut cases = vec![
        case(Anonymous, Method::GET, "/api/v1/campaigns", 401),
        case(Anonymous, Method::GET, "/api/v1/campaigns/2024", 401),
        case(National, Method::GET, "/api/v1/campaigns/2031", 404),
    ];
    for who in everyone {
        cases.push(case(who, Method::GET, "/api/v1/campaigns", 200));
        cases.push(case(who, Method::GET, "/api/v1/campaigns/2024", 200));
    }
    for who in [
        Anonymous,
        Esms("590000011"),
        Og("590000001"),
        Ars("32"),
        Cd("59"),
        PartnerRead,
        PartnerWrite,
    ] {
        let expect = if who == Anonymous { 401 } else { 403 };
        cases.push(case(who, Method::POST, "/api/v1/campaigns", expect).body(json!({"year": 2025})));
        cases.push(
            case(who, Method::POST, "/api/v1/campaigns/2024/phase", expect)
                .body(json!({"phase": "fiabilisation"})),
        );
    }
    cases.push(case(National, Method::POST, "/api/v1/campaigns", 201).body(json!({"year": 2025})));
    cases.push(case(National, Method::POST, "/api/v1/campaigns", 409).body(json!({"year": 2025})));
    cases.push(
        case(National, Method::POST, "/api/v1/campaigns/2031/phase", 404).body(json!({"phase": "collecte"})),
    );
    cases.push(
        case(National, Method::POST, "/api/v1/campaigns/2024/phase", 200)
            .body(json!({"phase": "fiabilisation"})),
    );
    cases
}

async fn post(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    token: &str,
    uri: &str,
    body: Value,
) -> (u16, Value) {
    let request = test::TestRequest::post()
        .uri(uri)
        .insert_header(("Authorization", token.to_owned()))
        .set_json(body)
        .to_request();
    let response = test::call_service(app, request).await;
    let status = response.status().as_u16();
    (status, test::read_body_json(response).await)
}

async fn campaign_endpoints_follow_the_roles(db: TestDb) {
    let state = state(&db);
    insert_campaign(&state, 2024, "collecte");
    let app = app(state.clone()).await;
    check(&app, &state, &campaign_cases()).await;
}

async fn creation_checks_the_catalogue_and_the_dates(db: TestDb) {
    let state = state(&db);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let (status, body) = post(
        &app,
        &national,
        "/api/v1/campaigns",
        json!({"year": 2040, "dates": {"collecte_opens_on": "2040-06-01", "collecte_closes_on": "2040-05-31",
                                        "restitution_opens_on": "2040-13-01"}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let errors: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            ("/year", "campaign_not_covered"),
            ("/dates/collecte_closes_on", "dates_out_of_order"),
            ("/dates/restitution_opens_on", "invalid_date"),
        ]
    );
    let (status, body) = post(
        &app,
        &national,
        "/api/v1/campaigns",
        json!({"year": 2022, "dates": {"collecte_opens_on": "2022-04-15"}}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["phase"], "preparation");
    assert_eq!(
        body["catalogue_version"], "1.1",
        "catalogue 1.1 from campaign 2020"
    );
    assert_eq!(body["dates"]["collecte_opens_on"], "2022-04-15");
    assert_eq!(body["dates"]["collecte_closes_on"], Value::Null);
    let request = test::TestRequest::get()
        .uri("/api/v1/campaigns")
        .insert_header(("Authorization", auth::esms(&state, &["590000011"])))
        .to_request();
    let body: Value = test::call_and_read_body_json(&app, request).await;
    assert_eq!(body["meta"]["total"], 1);
    assert_eq!(body["items"][0]["year"], 2022);
}

fn form_states(state: &tdb_api::state::AppState, year: i32) -> Vec<(String, String, i64)> {
    let mut conn = state.pool.get().unwrap();
    forms::table
        .filter(forms::campaign_year.eq(year))
        .select((forms::structure_finess, forms::state, forms::version))
        .order(forms::structure_finess)
        .load(&mut conn)
        .unwrap()
}

async fn phases_only_move_forward_and_close_the_forms(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let (status, _) = post(&app, &national, "/api/v1/campaigns", json!({"year": 2024})).await;
    assert_eq!(status, 201);
    insert_campaign(&state, 2023, "fiabilisation");
    insert_form(&state, 2023, "750000011", "valide", 150, 150);
    insert_form(&state, 2024, "590000011", "soumis", 140, 150);
    insert_form(&state, 2024, "590000021", "valide", 120, 120);
    insert_form(&state, 2024, "620000011", "en_cours", 30, 110);

    for (phase, expect) in [
        ("fiabilisation", 409),
        ("archivee", 409),
        ("preparation", 409),
        ("collecte", 200),
    ] {
        let (status, body) = post(
            &app,
            &national,
            "/api/v1/campaigns/2024/phase",
            json!({"phase": phase}),
        )
        .await;
        assert_eq!(status, expect, "{phase}: {body}");
        if expect == 409 {
            assert_eq!(body["code"], "invalid_phase_transition");
        }
    }
    let (status, body) = post(
        &app,
        &national,
        "/api/v1/campaigns/2024/phase",
        json!({"phase": "fiabilisation", "dates": {"collecte_opens_on": "2024-04-15",
                                                   "collecte_closes_on": "2024-04-01"}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = post(
        &app,
        &national,
        "/api/v1/campaigns/2024/phase",
        json!({"phase": "fiabilisation", "dates": {"collecte_opens_on": "2024-04-15",
                                                   "collecte_closes_on": "2024-05-31"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["campaign"]["phase"], "fiabilisation");
    assert_eq!(body["campaign"]["dates"]["collecte_closes_on"], "2024-05-31");
    assert_eq!(body["closed_forms"], 0);
    assert_eq!(form_states(&state, 2024)[0].1, "soumis", "no form closed yet");
    let (status, _) = post(
        &app,
        &national,
        "/api/v1/campaigns/2024/phase",
        json!({"phase": "bientot"}),
    )
    .await;
    assert_eq!(status, 400);

    let (status, body) = post(
        &app,
        &national,
        "/api/v1/campaigns/2024/phase",
        json!({"phase": "restitution"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["closed_forms"], 3);
    assert_eq!(body["campaign"]["version"], 4);
    assert_eq!(
        form_states(&state, 2024),
        [
            ("590000011".to_owned(), "cloture".to_owned(), 2),
            ("590000021".to_owned(), "cloture".to_owned(), 2),
            ("620000011".to_owned(), "cloture".to_owned(), 2),
        ]
    );
    assert_eq!(
        form_states(&state, 2023)[0].1,
        "valide",
        "other campaigns untouched"
    );

    let (status, body) = post(
        &app,
        &national,
        "/api/v1/campaigns/2024/phase",
        json!({"phase": "archivee"}),
    )
    .await;
    assert_eq!((status, body["closed_forms"].as_u64()), (200, Some(0)));
    let (status, body) = post(
        &app,
        &national,
        "/api/v1/campaigns/2024/phase",
        json!({"phase": "archivee"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("invalid_phase_transition"))
    );

    let mut conn = state.pool.get().unwrap();
    // The event log (docs/events.md): the campaign-wide phases and freeze, one `form.closed` per form.
    let logged: Vec<(String, Option<String>, String)> = tdb_api::db::schema::events::table
        .filter(tdb_api::db::schema::events::campaign_year.eq(2024))
        .order(tdb_api::db::schema::events::id)
        .select((
            tdb_api::db::schema::events::event_type,
            tdb_api::db::schema::events::structure_finess,
            tdb_api::db::schema::events::payload,
        ))
        .load(&mut conn)
        .unwrap();
    let campaign_wide: Vec<(&str, serde_json::Value)> = logged
        .iter()
        .filter(|(_, finess, _)| finess.is_none())
        .map(|(t, _, p)| (t.as_str(), serde_json::from_str::<serde_json::Value>(p).unwrap()))
        .collect();
    assert_eq!(
        campaign_wide[campaign_wide.len() - 3..]
            .iter()
            .map(|(t, p)| (*t, p["to"].clone()))
            .collect::<Vec<_>>(),
        [
            ("campaign.phase_changed", json!("restitution")),
            ("benchmarks.frozen", serde_json::Value::Null),
            ("campaign.phase_changed", json!("archivee")),
        ]
    );
    let closed: Vec<&str> = logged
        .iter()
        .filter(|(t, _, _)| t == "form.closed")
        .filter_map(|(_, finess, _)| finess.as_deref())
        .collect();
    assert_eq!(closed, ["590000011", "590000021", "620000011"]);
    let audit: Vec<(String, String, Option<String>, Option<String>)> = audit_log::table
        .filter(audit_log::campaign_year.eq(2024))
        .filter(audit_log::action.ne("campaign_created"))
        .select((
            audit_log::actor,
            audit_log::action,
            audit_log::structure_finess,
            audit_log::detail,
        ))
        .order(audit_log::id)
        .load(&mut conn)
        .unwrap();
    let detail = |from: &str, to: &str| Some(json!({"from": from, "to": to}).to_string());
    let phase = |from, to| {
        (
            "admin@national.test".to_owned(),
            "campaign_phase".to_owned(),
            None,
            detail(from, to),
        )
    };
    let closed = |finess: &str, from| {
        (
            "admin@national.test".to_owned(),
            "transition".to_owned(),
            Some(finess.to_owned()),
            detail(from, "cloture"),
        )
    };
    assert_eq!(
        audit,
        [
            phase("preparation", "collecte"),
            phase("collecte", "fiabilisation"),
            phase("fiabilisation", "restitution"),
            closed("590000011", "soumis"),
            closed("590000021", "valide"),
            closed("620000011", "en_cours"),
            phase("restitution", "archivee"),
        ]
    );
}

on_both_backends!(
    campaign_endpoints_follow_the_roles,
    creation_checks_the_catalogue_and_the_dates,
    phases_only_move_forward_and_close_the_forms
);
