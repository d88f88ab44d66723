//! `/api/v1/structures` and `/api/v1/organisations`: scope, filters, pagination, validation, ETags.

use actix_web::http::Method;
use actix_web::test;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::forms;
use tdb_api::state::AppState;

use crate::forms_fixtures;
use crate::on_both_backends;
use crate::support::fixtures::{insert_campaign, small_world};
use crate::support::matrix::{Case, Who, case, check};
use crate::support::{TestDb, app, auth, state};

/// Inserts a form row of `finess` for campaign `year` in `form_state`, with its cached counts.
pub fn insert_form(state: &AppState, year: i32, finess: &str, form_state: &str, filled: i32, required: i32) {
    let mut conn = state.pool.get().unwrap();
    diesel::insert_into(forms::table)
        .values((
            forms::campaign_year.eq(year),
            forms::structure_finess.eq(finess),
            forms::state.eq(form_state),
            forms::version.eq(1_i64),
            forms::completion_rate.eq(if required == 0 {
                1.0
            } else {
                f64::from(filled) / f64::from(required)
            }),
            forms::filled.eq(filled),
            forms::required.eq(required),
            forms::can_submit.eq(false),
            forms::alert_count.eq(0),
            forms::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
}

/// The stored fields of a small-world structure, as a `PUT` body.
fn put_body(finess: &str) -> Value {
    let (category, organisation, department) = match finess {
        "590000011" => ("ehpad", "590000001", "59"),
        "590000021" => ("ime", "590000001", "59"),
        "620000011" => ("eanm", "620000001", "62"),
        _ => ("ehpad", "750000001", "75"),
    };
    json!({"name": format!("Structure {finess}"), "category": category, "organisation_finess": organisation,
           "department_code": department, "city": "Lille", "opening_date": "2001-01-01", "active": true})
}

fn new_structure(finess: &str, category: &str, department: &str) -> Value {
    json!({"finess": finess, "name": "Nouvelle structure", "category": category,
           "organisation_finess": "590000001", "department_code": department, "city": "Arras"})
}

async fn send(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    request: test::TestRequest,
) -> (u16, Value, Option<String>) {
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = test::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null), etag)
}

fn finess_list(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["finess"].as_str().unwrap().to_owned())
        .collect()
}

fn paths(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect()
}

/// Rows of the matrix for reading one structure.
pub fn read_cases() -> Vec<Case> {
    use Who::*;
    let get =
        |who, finess: &str, expect| case(who, Method::GET, format!("/api/v1/structures/{finess}"), expect);
    vec![
        get(Anonymous, "590000011", 401),
        get(Esms("590000011"), "590000011", 200),
        get(Esms("590000011"), "590000021", 404),
        get(Og("590000001"), "590000021", 200),
        get(Og("590000001"), "620000011", 404),
        get(Ars("32"), "590000011", 200),
        get(Ars("32"), "590000021", 200),
        get(Ars("32"), "620000011", 404),
        get(Ars("32"), "750000011", 404),
        get(Ars("11"), "750000011", 200),
        get(Cd("59"), "590000011", 200),
        get(Cd("59"), "590000021", 404),
        get(Cd("62"), "620000011", 200),
        get(National, "750000011", 200),
        get(PartnerRead, "620000011", 200),
        get(PartnerWrite, "620000011", 404),
        get(National, "999999999", 404),
    ]
}

/// Rows of the matrix for creating and replacing structures (`If-Match: *`).
pub fn write_cases() -> Vec<Case> {
    use Who::*;
    let put = |who, finess: &str, expect| {
        case(who, Method::PUT, format!("/api/v1/structures/{finess}"), expect)
            .body(put_body(finess))
            .if_match("*")
    };
    let post = |who, finess: &str, category: &str, department: &str, expect| {
        case(who, Method::POST, "/api/v1/structures", expect)
            .body(new_structure(finess, category, department))
    };
    vec![
        put(Anonymous, "590000021", 401),
        put(Esms("590000011"), "590000011", 403),
        put(Esms("590000011"), "590000021", 404),
        put(Og("590000001"), "590000021", 403),
        put(Og("590000001"), "620000011", 404),
        put(Ars("32"), "590000021", 200),
        put(Ars("32"), "620000011", 404),
        put(Ars("11"), "590000021", 404),
        put(Cd("59"), "590000011", 403),
        put(Cd("59"), "590000021", 404),
        put(National, "750000011", 200),
        put(PartnerRead, "750000011", 403),
        put(PartnerWrite, "750000011", 404),
        post(Anonymous, "590000031", "ime", "59", 401),
        post(Esms("590000011"), "590000031", "ime", "59", 403),
        post(Og("590000001"), "590000031", "ime", "59", 403),
        post(Cd("59"), "590000031", "savs", "59", 403),
        post(PartnerRead, "590000031", "ime", "59", 403),
        post(PartnerWrite, "590000031", "ime", "59", 403),
        post(Ars("11"), "590000031", "ime", "59", 403),
        post(Ars("32"), "590000031", "eanm", "59", 403),
        post(Ars("32"), "590000031", "ime", "59", 201),
        post(National, "750000031", "mas", "75", 201),
        post(National, "750000031", "mas", "75", 409),
    ]
}

/// Rows of the matrix for managing bodies.
pub fn organisation_cases() -> Vec<Case> {
    use Who::*;
    let get = |who, finess: &str, expect| {
        case(
            who,
            Method::GET,
            format!("/api/v1/organisations/{finess}"),
            expect,
        )
    };
    let post = |who, finess: &str, expect| {
        case(who, Method::POST, "/api/v1/organisations", expect).body(
            json!({"finess": finess, "name": "Association Nouvelle", "legal_status": "prive_non_lucratif"}),
        )
    };
    vec![
        get(Anonymous, "590000001", 401),
        get(Esms("590000011"), "590000001", 200),
        get(Esms("590000011"), "620000001", 404),
        get(Og("590000001"), "590000001", 200),
        get(Og("590000001"), "750000001", 404),
        get(Ars("32"), "590000001", 200),
        get(Ars("32"), "620000001", 404),
        get(Cd("62"), "620000001", 200),
        get(Cd("59"), "620000001", 404),
        get(National, "750000001", 200),
        get(PartnerRead, "750000001", 200),
        get(PartnerWrite, "750000001", 404),
        get(National, "999999999", 404),
        post(Anonymous, "590000091", 401),
        post(Esms("590000011"), "590000091", 403),
        post(Og("590000001"), "590000091", 403),
        post(Cd("59"), "590000091", 403),
        post(PartnerRead, "590000091", 403),
        post(Ars("32"), "590000091", 201),
        post(National, "750000091", 201),
        post(National, "750000091", 409),
    ]
}

async fn structure_reads_follow_the_scope(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    check(&app, &state, &read_cases()).await;
    for (who, expected) in [
        (Who::Esms("590000011"), vec!["590000011"]),
        (Who::Og("590000001"), vec!["590000011", "590000021"]),
        (Who::Ars("32"), vec!["590000011", "590000021"]),
        (Who::Cd("59"), vec!["590000011"]),
        (Who::Cd("62"), vec!["620000011"]),
        (
            Who::National,
            vec!["590000011", "590000021", "620000011", "750000011"],
        ),
        (
            Who::PartnerRead,
            vec!["590000011", "590000021", "620000011", "750000011"],
        ),
        (Who::PartnerWrite, vec![]),
    ] {
        let request = test::TestRequest::get()
            .uri("/api/v1/structures")
            .insert_header(("Authorization", who.header(&state).unwrap()));
        let (status, body, _) = send(&app, request).await;
        assert_eq!(status, 200, "{who:?}");
        assert_eq!(finess_list(&body), expected, "{who:?}");
        assert_eq!(body["meta"]["total"], expected.len(), "{who:?}");
    }
    let (status, ..) = send(&app, test::TestRequest::get().uri("/api/v1/structures")).await;
    assert_eq!(status, 401);
}

async fn structure_writes_follow_the_scope(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    check(&app, &state, &write_cases()).await;
}

async fn organisation_endpoints_follow_the_scope(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    check(&app, &state, &organisation_cases()).await;
    let request = test::TestRequest::get()
        .uri("/api/v1/organisations/590000001")
        .insert_header(("Authorization", auth::cd(&state, "59")));
    let (_, body, _) = send(&app, request).await;
    assert_eq!(
        body,
        json!({"finess": "590000001", "name": "Organisme 590000001", "legal_status": "prive_non_lucratif",
               "structures": 1})
    );
}

async fn lists_filter_and_paginate(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    insert_campaign(&state, 2024, "collecte");
    insert_form(&state, 2024, "590000011", "soumis", 140, 150);
    insert_form(&state, 2024, "590000021", "non_commence", 0, 120);
    insert_form(&state, 2024, "620000011", "en_cours", 30, 110);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    for (query, expected) in [
        ("category=500", vec!["590000011", "750000011"]),
        ("category=ehpad&department=59", vec!["590000011"]),
        ("category=449", vec!["620000011"]),
        ("region=32", vec!["590000011", "590000021", "620000011"]),
        ("organisation=590000001", vec!["590000011", "590000021"]),
        ("form_state=soumis&campaign=2024", vec!["590000011"]),
        (
            "form_state=non_commence&campaign=2024",
            vec!["590000021", "750000011"],
        ),
        ("form_state=en_cours&campaign=2024&region=32", vec!["620000011"]),
        ("form_state=valide&campaign=2024", vec![]),
        ("q=7500", vec!["750000011"]),
        ("q=STRUCTURE%2062", vec!["620000011"]),
        ("q=%25", vec![]),
        ("page=2&per_page=3", vec!["750000011"]),
    ] {
        let request = test::TestRequest::get()
            .uri(&format!("/api/v1/structures?{query}"))
            .insert_header(("Authorization", national.clone()));
        let (status, body, _) = send(&app, request).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(finess_list(&body), expected, "{query}");
    }
    let request = test::TestRequest::get()
        .uri("/api/v1/structures?page=2&per_page=3")
        .insert_header(("Authorization", national.clone()));
    let (_, body, _) = send(&app, request).await;
    assert_eq!(body["meta"], json!({"total": 4, "page": 2, "per_page": 3}));
    let item = &body["items"][0];
    assert_eq!(item["department_name"], "Paris");
    assert_eq!(item["region_name"], "Île-de-France");
    assert_eq!(item["organisation_name"], "Organisme 750000001");

    let request = test::TestRequest::get()
        .uri("/api/v1/structures?category=999&form_state=fini&per_page=0")
        .insert_header(("Authorization", national));
    let (status, body, _) = send(&app, request).await;
    assert_eq!(status, 422);
    assert_eq!(
        paths(&body),
        [
            "/query/per_page",
            "/query/category",
            "/query/form_state",
            "/query/campaign"
        ]
    );
}

async fn creation_derives_competence_and_region(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    for (finess, category, department, code, competence, region) in [
        ("590000041", "437", "59", "eam", "ARS_CD", "32"),
        ("590000051", "382", "59", "eanm", "CD", "32"),
        ("590000061", "sessad", "59", "sessad", "ARS", "32"),
        ("2A0000015", "500", "2A", "ehpad", "ARS_CD", "94"),
    ] {
        let request = test::TestRequest::post()
            .uri("/api/v1/structures")
            .insert_header(("Authorization", national.clone()))
            .set_json(new_structure(finess, category, department));
        let (status, body, etag) = send(&app, request).await;
        assert_eq!(status, 201, "{finess}: {body}");
        assert_eq!(body["category"], code, "{finess}");
        assert_eq!(body["competence"], competence, "{finess}");
        assert_eq!(body["region_code"], region, "{finess}");
        assert_eq!(body["version"], 1);
        assert_eq!(etag.as_deref(), Some("\"1\""));
    }
    let request = test::TestRequest::get()
        .uri("/api/v1/structures/2A0000015")
        .insert_header(("Authorization", national.clone()));
    let (status, body, _) = send(&app, request).await;
    assert_eq!(status, 200);
    assert_eq!(body["department_name"], "Corse-du-Sud");
    assert_eq!(body["region_name"], "Corse");

    let mut with_competence = new_structure("590000071", "ime", "59");
    with_competence["competence"] = json!("CD");
    let request = test::TestRequest::post()
        .uri("/api/v1/structures")
        .insert_header(("Authorization", national))
        .set_json(with_competence);
    let (status, body, _) = send(&app, request).await;
    assert_eq!(status, 400, "{body}");
}

async fn creation_lists_every_bad_field(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let request = test::TestRequest::post()
        .uri("/api/v1/structures")
        .insert_header(("Authorization", national.clone()))
        .set_json(json!({"finess": "1B0000011", "name": " ", "category": "999",
                          "organisation_finess": "590000009", "department_code": "00", "city": "",
                          "opening_date": "2023-02-29"}));
    let (status, body, _) = send(&app, request).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        paths(&body),
        [
            "/finess",
            "/name",
            "/city",
            "/category",
            "/department_code",
            "/organisation_finess",
            "/opening_date"
        ]
    );
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "invalid_finess",
            "required",
            "required",
            "unknown_category",
            "unknown_department",
            "unknown_organisation",
            "invalid_date"
        ]
    );
    let request = test::TestRequest::get()
        .uri("/api/v1/structures")
        .insert_header(("Authorization", national.clone()));
    let (_, body, _) = send(&app, request).await;
    assert_eq!(body["meta"]["total"], 4, "nothing was written");

    for bad in [
        "59000001",
        "5900000111",
        "59000001A",
        "3A0000011",
        "2C0000011",
        "2a0000011",
    ] {
        let request = test::TestRequest::post()
            .uri("/api/v1/structures")
            .insert_header(("Authorization", national.clone()))
            .set_json(new_structure(bad, "ime", "59"));
        let (status, body, _) = send(&app, request).await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(paths(&body), ["/finess"], "{bad}");
    }
    let request = test::TestRequest::post()
        .uri("/api/v1/organisations")
        .insert_header(("Authorization", national))
        .set_json(json!({"finess": "12", "name": "", "legal_status": "public"}));
    let (status, body, _) = send(&app, request).await;
    assert_eq!(status, 422);
    assert_eq!(paths(&body), ["/finess", "/name"]);
}

async fn updates_need_a_current_if_match(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let put = |tag: Option<&str>, body: Value| {
        let mut request = test::TestRequest::put()
            .uri("/api/v1/structures/590000021")
            .insert_header(("Authorization", national.clone()))
            .set_json(body);
        if let Some(tag) = tag {
            request = request.insert_header(("If-Match", tag.to_owned()));
        }
        request
    };
    let (status, body, _) = send(&app, put(None, put_body("590000021"))).await;
    assert_eq!((status, body["code"].as_str()), (428, Some("if_match_required")));
    let (status, body, _) = send(&app, put(Some("\"7\""), put_body("590000021"))).await;
    assert_eq!((status, body["code"].as_str()), (412, Some("stale_version")));

    let mut changed = put_body("590000021");
    changed["category"] = json!("savs");
    changed["city"] = json!("Tourcoing");
    let (status, body, etag) = send(&app, put(Some("\"1\""), changed.clone())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(etag.as_deref(), Some("\"2\""));
    assert_eq!(body["competence"], "CD", "competence follows the new category");
    assert_eq!(body["city"], "Tourcoing");
    let (status, ..) = send(&app, put(Some("\"1\""), changed.clone())).await;
    assert_eq!(status, 412, "the old version is stale now");
    let (status, ..) = send(&app, put(Some("W/\"2\""), changed.clone())).await;
    assert_eq!(
        status, 412,
        "a weak tag never matches (RFC 9110 strong comparison)"
    );
    let (status, _, etag) = send(&app, put(Some("\"2\""), changed)).await;
    assert_eq!((status, etag.as_deref()), (200, Some("\"3\"")));

    let mut invalid = put_body("590000021");
    invalid["department_code"] = json!("99");
    invalid["name"] = json!("");
    let (status, body, _) = send(&app, put(Some("\"3\""), invalid)).await;
    assert_eq!(status, 422);
    assert_eq!(paths(&body), ["/name", "/department_code"]);
}

/// A list filtered by `form_state` carries each form's cached figures: a submitted EHPAD with one
/// justified alert shows `alert_count` 1, as many as its document's alerts; other lists carry no form.
async fn a_form_state_list_carries_the_cached_alert_count(db: TestDb) {
    let state = forms_fixtures::world(&db, "collecte");
    let esms = auth::esms(&state, &[forms_fixtures::EHPAD]);
    let ars = auth::ars(&state, "32");
    let app = app(state.clone()).await;
    let url = |suffix: &str| forms_fixtures::form_url(forms_fixtures::EHPAD, suffix);
    let mut values = forms_fixtures::complete_ehpad();
    values.insert("gmp_valide".to_owned(), json!(900));
    for (method, uri, if_match, body) in [
        (
            Method::PATCH,
            url(""),
            Some("\"0\""),
            Some(json!({"values": values})),
        ),
        (
            Method::PUT,
            url("/justifications/ecart_gmp_valide_calcule"),
            None,
            Some(json!({"text": "GMP validé avant l'ouverture de l'unité protégée."})),
        ),
    ] {
        let answer = forms_fixtures::send(&app, method, &uri, Some(&esms), if_match, body).await;
        assert_eq!(answer.status, 200, "{uri}: {}", answer.body);
    }
    let submitted = forms_fixtures::send(&app, Method::POST, &url("/submit"), Some(&esms), None, None).await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let alerts = submitted.body["evaluation"]["submission"]["alerts"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(alerts, 1, "{}", submitted.body["evaluation"]["submission"]);

    let request = test::TestRequest::get()
        .uri("/api/v1/structures?form_state=soumis&campaign=2024")
        .insert_header(("Authorization", ars.clone()));
    let (status, body, _) = send(&app, request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(finess_list(&body), vec![forms_fixtures::EHPAD]);
    let form = &body["items"][0]["form"];
    assert_eq!(form["state"], "soumis");
    assert_eq!(form["alert_count"], json!(alerts));
    assert_eq!(
        form["completion_rate"],
        submitted.body["evaluation"]["completion"]["rate"]
    );
    assert_eq!(form["submitted_at"], submitted.body["submitted_at"]);

    let request = test::TestRequest::get()
        .uri("/api/v1/structures?campaign=2024")
        .insert_header(("Authorization", ars));
    let (_, body, _) = send(&app, request).await;
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("form").is_none()),
        "{body}"
    );
}

/// Issue 19, point 4: `awaiting=me` lists the submitted forms still awaiting the caller's own
/// authority: an ARS officer no longer sees a joint form the ARS validated while the CD's validation is
/// pending (the CD still does); a national user, who validates nothing, gets an empty list.
async fn the_review_queue_lists_only_the_forms_awaiting_the_callers_authority(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    insert_campaign(&state, 2024, "collecte");
    for finess in ["590000011", "590000021", "620000011"] {
        insert_form(&state, 2024, finess, "soumis", 10, 10);
    }
    let validate = |column: &str| {
        let mut conn = state.pool.get().unwrap();
        let now = Some(Utc::now().naive_utc());
        let target = forms::table.find((2024, "590000011"));
        if column == "ars" {
            diesel::update(target)
                .set((
                    forms::ars_validated_at.eq(now),
                    forms::ars_validated_by.eq(Some("ars@test")),
                ))
                .execute(&mut conn)
                .unwrap();
        } else {
            diesel::update(target)
                .set((
                    forms::cd_validated_at.eq(now),
                    forms::cd_validated_by.eq(Some("cd@test")),
                ))
                .execute(&mut conn)
                .unwrap();
        }
    };
    // The ARS validated the joint EHPAD; the CD has not yet.
    validate("ars");
    let app = app(state.clone()).await;
    let list = |token: String, query: &'static str| {
        let request = test::TestRequest::get()
            .uri(&format!("/api/v1/structures?{query}"))
            .insert_header(("Authorization", token));
        let app = &app;
        async move { send(app, request).await }
    };
    let queue = "form_state=soumis&campaign=2024&awaiting=me";
    let (status, body, _) = list(auth::ars(&state, "32"), "form_state=soumis&campaign=2024").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(finess_list(&body), vec!["590000011", "590000021"]);
    let (status, body, _) = list(auth::ars(&state, "32"), queue).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(finess_list(&body), vec!["590000021"], "{body}");
    assert_eq!(body["meta"]["total"], 1, "{body}");
    assert_eq!(body["items"][0]["form"]["state"], "soumis");
    // `awaiting=me` alone implies submitted forms.
    let (_, body, _) = list(auth::ars(&state, "32"), "campaign=2024&awaiting=me").await;
    assert_eq!(finess_list(&body), vec!["590000021"], "{body}");
    let (_, body, _) = list(auth::cd(&state, "59"), queue).await;
    assert_eq!(finess_list(&body), vec!["590000011"], "{body}");
    let (_, body, _) = list(auth::cd(&state, "62"), queue).await;
    assert_eq!(finess_list(&body), vec!["620000011"], "{body}");
    // Once the CD validated too, nobody waits for it.
    validate("cd");
    let (_, body, _) = list(auth::cd(&state, "59"), queue).await;
    assert!(finess_list(&body).is_empty(), "{body}");
    // A national user validates nothing: an empty queue, although forms are submitted.
    let (status, body, _) = list(auth::national(&state), queue).await;
    assert_eq!(status, 200, "{body}");
    assert!(finess_list(&body).is_empty(), "{body}");
    assert_eq!(body["meta"]["total"], 0, "{body}");
    // Refusals: no campaign, an unknown value.
    let (status, body, _) = list(auth::ars(&state, "32"), "awaiting=me").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["path"], "/query/campaign", "{body}");
    let (status, body, _) = list(auth::ars(&state, "32"), "campaign=2024&awaiting=toi").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_awaiting", "{body}");
}

/// Issue 19: `sort=alerts` puts the forms of the campaign with the most alerts first (ties by FINESS,
/// structures without a form last, on every page); the review queue of an ARS so ordered; refusals
/// without a campaign or with an unknown order.
async fn the_review_queue_puts_the_most_alerts_first(db: TestDb) {
    let state = state(&db);
    small_world(&state);
    insert_campaign(&state, 2024, "collecte");
    for (finess, form_state, alerts) in [
        ("590000011", "soumis", 1),
        ("590000021", "soumis", 3),
        ("620000011", "en_cours", 3),
    ] {
        insert_form(&state, 2024, finess, form_state, 10, 10);
        diesel::update(forms::table.find((2024, finess)))
            .set(forms::alert_count.eq(alerts))
            .execute(&mut state.pool.get().unwrap())
            .unwrap();
    }
    let app = app(state.clone()).await;
    let list = |token: String, query: &'static str| {
        let request = test::TestRequest::get()
            .uri(&format!("/api/v1/structures?{query}"))
            .insert_header(("Authorization", token));
        let app = &app;
        async move { send(app, request).await }
    };
    let national = auth::national(&state);
    let (status, body, _) = list(national.clone(), "campaign=2024&sort=alerts").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        finess_list(&body),
        vec!["590000021", "620000011", "590000011", "750000011"]
    );
    assert_eq!(body["items"][0]["form"]["alert_count"], 3, "{body}");
    let (_, body, _) = list(national.clone(), "campaign=2024&sort=alerts&per_page=2&page=2").await;
    assert_eq!(finess_list(&body), vec!["590000011", "750000011"], "{body}");
    assert!(body["items"][1].get("form").is_none(), "{body}");
    assert_eq!(body["meta"]["total"], 4, "{body}");
    // The ARS queue: most alerts first, not by FINESS.
    let (status, body, _) = list(auth::ars(&state, "32"), "campaign=2024&awaiting=me&sort=alerts").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(finess_list(&body), vec!["590000021", "590000011"], "{body}");
    let (_, body, _) = list(auth::ars(&state, "32"), "campaign=2024&awaiting=me").await;
    assert_eq!(finess_list(&body), vec!["590000011", "590000021"], "{body}");
    // Refusals.
    let (status, body, _) = list(national.clone(), "sort=alerts").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["path"], "/query/campaign", "{body}");
    let (status, body, _) = list(national, "campaign=2024&sort=name").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["code"], "unknown_sort", "{body}");
    assert_eq!(body["errors"][0]["path"], "/query/sort", "{body}");
}

on_both_backends!(
    the_review_queue_puts_the_most_alerts_first,
    the_review_queue_lists_only_the_forms_awaiting_the_callers_authority,
    a_form_state_list_carries_the_cached_alert_count,
    structure_reads_follow_the_scope,
    structure_writes_follow_the_scope,
    organisation_endpoints_follow_the_scope,
    lists_filter_and_paginate,
    creation_derives_competence_and_region,
    creation_lists_every_bad_field,
    updates_need_a_current_if_match
);
