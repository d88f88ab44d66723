//! One `If-Match` semantics for every editable resource (RFC 9110 §13.1.1, docs/api-design.md): a
//! weak tag never matches, even of the current version (412); a list matches when one of its strong
//! tags is the current version; a required header that is missing answers 428.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::forms_fixtures::{Answer, form_url, send};
use crate::on_both_backends;
use crate::support::{app, auth};

const EHPAD: &str = "590000011";

/// The condition cases every editable resource is put through, in this order, by `write`: a weak tag
/// of the current version → 412; a list holding the current version among foreign tags → success.
async fn weak_refused_list_accepted<F, Fut>(resource: &str, current: &str, write: F) -> Answer
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    let weak = write(format!("W/{current}")).await;
    assert_eq!(
        (weak.status, weak.body["code"].as_str()),
        (412, Some("stale_version")),
        "{resource}: a weak tag of the current version must not match: {}",
        weak.body
    );
    let listed = write(format!("\"999\", W/\"998\", {current}")).await;
    assert!(
        (200..300).contains(&listed.status),
        "{resource}: a list holding the current version must match: {} {}",
        listed.status,
        listed.body
    );
    listed
}

fn etag(answer: &Answer) -> String {
    answer.etag.clone().expect("an ETag")
}

async fn form_resources(db: crate::support::TestDb) {
    let state = crate::forms_fixtures::world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let url = form_url(EHPAD, "");

    // Values (If-Match required): complete, with a validated GMP far from the GIR breakdown (an alert
    // to justify).
    let mut values = crate::forms_fixtures::complete_ehpad();
    values.insert("gmp_valide".to_owned(), json!(900));
    let first = send(
        &app,
        Method::PATCH,
        &url,
        Some(&esms),
        Some("*"),
        Some(json!({"values": values})),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let patch = |tag: String| {
        let (app, esms, url) = (&app, &esms, &url);
        async move {
            send(
                app,
                Method::PATCH,
                url,
                Some(esms),
                Some(&tag),
                Some(json!({"values": {"admissions": 12}})),
            )
            .await
        }
    };
    let patched = weak_refused_list_accepted("form values", &etag(&first), patch).await;
    let missing = send(
        &app,
        Method::PATCH,
        &url,
        Some(&esms),
        None,
        Some(json!({"values": {"admissions": 13}})),
    )
    .await;
    assert_eq!(missing.status, 428);

    // A justification (If-Match optional: checked when sent).
    let justification_url = form_url(EHPAD, "/justifications/ecart_gmp_valide_calcule");
    let justify = |tag: String| {
        let (app, esms, uri) = (&app, &esms, &justification_url);
        async move {
            send(
                app,
                Method::PUT,
                uri,
                Some(esms),
                Some(&tag),
                Some(json!({"text": "GMP validé en 2021."})),
            )
            .await
        }
    };
    let justified = weak_refused_list_accepted("justification", &etag(&patched), justify).await;
    let deleted = send(
        &app,
        Method::DELETE,
        &justification_url,
        Some(&esms),
        Some(&format!("W/{}", etag(&justified))),
        None,
    )
    .await;
    assert_eq!(deleted.status, 412, "deleting a justification with a weak tag");

    // A transition (If-Match optional): the condition is checked before the workflow's own rules.
    let submit = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/submit"),
        Some(&esms),
        Some(&format!("W/{}", etag(&justified))),
        None,
    )
    .await;
    assert_eq!(submit.status, 412, "submitting with a weak tag: {}", submit.body);
    let submit = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/submit"),
        Some(&esms),
        Some(&format!("\"1\", {}", etag(&justified))),
        None,
    )
    .await;
    assert_eq!(
        submit.status, 200,
        "a list holding the current version: {}",
        submit.body
    );
    assert_eq!(submit.body["state"], "soumis");
}

fn structure_body() -> Value {
    json!({"name": "Structure 590000011", "category": "ehpad", "organisation_finess": "590000001",
           "department_code": "59", "city": "Lille", "opening_date": "2001-01-01", "active": true})
}

async fn structure_and_cpom_resources(db: crate::support::TestDb) {
    let state = crate::cpom::world(&db);
    let app = app(state.clone()).await;
    let (national, og) = (auth::national(&state), auth::og(&state, "590000001"));

    // A structure.
    let structure_url = format!("/api/v1/structures/{EHPAD}");
    let read = send(&app, Method::GET, &structure_url, Some(&national), None, None).await;
    let put_structure = |tag: String| {
        let (app, national, uri) = (&app, &national, &structure_url);
        async move {
            send(
                app,
                Method::PUT,
                uri,
                Some(national),
                Some(&tag),
                Some(structure_body()),
            )
            .await
        }
    };
    weak_refused_list_accepted("structure", &etag(&read), put_structure).await;

    // A CPOM contract in negotiation, one of its action sheets and one of its objectives: all carry
    // the contract's version.
    let created = send(
        &app,
        Method::POST,
        "/api/v1/cpom/contracts",
        Some(&og),
        None,
        Some(
            json!({"organisation_finess": "590000001", "title": "CPOM 2024-2028", "signatory_ars": true,
                    "signatory_cd": true, "start_date": "2024-01-01", "structures": [EHPAD]}),
        ),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let base = format!("/api/v1/cpom/contracts/{}", created.body["id"]);
    let read = send(&app, Method::GET, &base, Some(&og), None, None).await;
    let put_contract = |tag: String| {
        let (app, og, uri) = (&app, &og, &base);
        async move {
            send(
                app,
                Method::PUT,
                uri,
                Some(og),
                Some(&tag),
                Some(
                    json!({"title": "CPOM 2024-2028 bis", "signatory_ars": true, "signatory_cd": true,
                             "start_date": "2024-01-01"}),
                ),
            )
            .await
        }
    };
    weak_refused_list_accepted("contract", &etag(&read), put_contract).await;

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
    let current = etag(&send(&app, Method::GET, &base, Some(&og), None, None).await);
    let put_sheet = |tag: String| {
        let (app, og, uri) = (&app, &og, &sheet_uri);
        async move {
            send(
                app,
                Method::PUT,
                uri,
                Some(og),
                Some(&tag),
                Some(json!({"theme": "systeme_information", "title": "Informatiser le dossier"})),
            )
            .await
        }
    };
    weak_refused_list_accepted("action sheet", &current, put_sheet).await;

    let objective_body = json!({"action_sheet_id": sheet_id, "label": "95 % des dossiers informatisés",
                                "indicator_code": "taux_dossiers_administratifs_informatises",
                                "target_value": 0.95, "target_year": 2028});
    let objective = send(
        &app,
        Method::POST,
        &format!("{base}/objectives"),
        Some(&og),
        None,
        Some(objective_body.clone()),
    )
    .await;
    assert_eq!(objective.status, 201, "{}", objective.body);
    let objective_uri = format!("{base}/objectives/{}", objective.body["id"]);
    let current = etag(&send(&app, Method::GET, &base, Some(&og), None, None).await);
    let put_objective = |tag: String| {
        let (app, og, uri, body) = (&app, &og, &objective_uri, objective_body.clone());
        async move { send(app, Method::PUT, uri, Some(og), Some(&tag), Some(body)).await }
    };
    weak_refused_list_accepted("objective", &current, put_objective).await;
}

on_both_backends!(form_resources, structure_and_cpom_resources);
