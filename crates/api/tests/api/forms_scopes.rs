//! Who may do what on a form: refusals of every form endpoint, table-driven so the authorization matrix
//! can grow row by row.

use actix_web::http::Method;
use serde_json::{Value, json};
use tdb_api::state::AppState;

use crate::forms_fixtures::{EHPAD, form_url, send, snapshot, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

/// A form endpoint: method, suffix after `/form`, body.
struct Endpoint {
    method: Method,
    suffix: &'static str,
    body: Option<Value>,
}

fn endpoints() -> Vec<Endpoint> {
    let e = |method: Method, suffix: &'static str, body: Option<Value>| Endpoint { method, suffix, body };
    vec![
        e(Method::GET, "", None),
        e(Method::PATCH, "", Some(json!({"values": {"admissions": 3}}))),
        e(
            Method::PUT,
            "/justifications/gir_egal_effectif",
            Some(json!({"text": "Une justification assez longue."})),
        ),
        e(Method::DELETE, "/justifications/gir_egal_effectif", None),
        e(Method::GET, "/history", None),
        e(Method::POST, "/submit", None),
        e(Method::POST, "/review", Some(json!({"decision": "validate"}))),
        e(
            Method::POST,
            "/reopen",
            Some(json!({"comment": "Réouverture demandée."})),
        ),
        e(
            Method::POST,
            "/corrections/1/messages",
            Some(json!({"body": "Bonjour"})),
        ),
    ]
}

/// Callers who must not learn that a structure exists: `(case, token, structure)`.
fn outsiders(state: &AppState) -> Vec<(&'static str, Option<String>, &'static str)> {
    vec![
        (
            "esms of another structure",
            Some(auth::esms(state, &["750000011"])),
            EHPAD,
        ),
        (
            "og of another organisation",
            Some(auth::og(state, "750000001")),
            EHPAD,
        ),
        ("ars of another region", Some(auth::ars(state, "11")), EHPAD),
        (
            "ars on a CD-only structure",
            Some(auth::ars(state, "32")),
            "620000011",
        ),
        ("cd of another department", Some(auth::cd(state, "62")), EHPAD),
        (
            "cd on an ARS-only structure",
            Some(auth::cd(state, "59")),
            "590000021",
        ),
        (
            "partner without the read scope",
            Some(auth::partner(state, &["prefill:write"], Some("cnsa_errd"))),
            EHPAD,
        ),
        ("no token", None, EHPAD),
    ]
}

async fn outsiders_get_404_and_anonymous_callers_401_everywhere(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    for (case, token, finess) in outsiders(&state) {
        let before = snapshot(&state, finess);
        for endpoint in endpoints() {
            let answer = send(
                &app,
                endpoint.method.clone(),
                &form_url(finess, endpoint.suffix),
                token.as_deref(),
                Some("\"0\""),
                endpoint.body.clone(),
            )
            .await;
            let expected = if token.is_some() {
                (404, "structure_not_found")
            } else {
                (401, "unauthenticated")
            };
            assert_eq!(
                (answer.status, answer.body["code"].as_str().unwrap_or_default()),
                expected,
                "{case}: {} {}",
                endpoint.method,
                endpoint.suffix
            );
        }
        assert_eq!(snapshot(&state, finess), before, "{case} wrote nothing");
    }
}

/// Visible structure, forbidden action: `(case, token, method, suffix, body)`.
fn forbidden(state: &AppState) -> Vec<(&'static str, String, Method, &'static str, Value)> {
    let esms = auth::esms(state, &[EHPAD]);
    let og = auth::og(state, "590000001");
    let ars = auth::ars(state, "32");
    let cd = auth::cd(state, "59");
    let national = auth::national(state);
    let reader = auth::partner(state, &["read"], None);
    let patch = json!({"values": {"admissions": 3}});
    let justify = json!({"text": "Une justification assez longue."});
    let validate = json!({"decision": "validate"});
    let reopen = json!({"comment": "Réouverture demandée."});
    let message = json!({"body": "Bonjour"});
    vec![
        (
            "esms reviews",
            esms.clone(),
            Method::POST,
            "/review",
            validate.clone(),
        ),
        (
            "og reviews",
            og.clone(),
            Method::POST,
            "/review",
            validate.clone(),
        ),
        (
            "national reviews",
            national.clone(),
            Method::POST,
            "/review",
            validate.clone(),
        ),
        ("esms reopens", esms, Method::POST, "/reopen", reopen.clone()),
        ("og reopens", og, Method::POST, "/reopen", reopen),
        ("ars patches", ars.clone(), Method::PATCH, "", patch.clone()),
        ("cd patches", cd.clone(), Method::PATCH, "", patch.clone()),
        ("national patches", national, Method::PATCH, "", patch.clone()),
        ("partner patches", reader.clone(), Method::PATCH, "", patch),
        (
            "ars justifies",
            ars.clone(),
            Method::PUT,
            "/justifications/gir_egal_effectif",
            justify,
        ),
        ("cd submits", cd, Method::POST, "/submit", Value::Null),
        ("ars submits", ars, Method::POST, "/submit", Value::Null),
        (
            "partner writes a message",
            reader,
            Method::POST,
            "/corrections/1/messages",
            message,
        ),
    ]
}

async fn visible_but_forbidden_actions_get_403(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let before = snapshot(&state, EHPAD);
    for (case, token, method, suffix, body) in forbidden(&state) {
        let body = (!body.is_null()).then_some(body);
        let answer = send(
            &app,
            method,
            &form_url(EHPAD, suffix),
            Some(&token),
            Some("\"0\""),
            body,
        )
        .await;
        assert_eq!(
            (answer.status, answer.body["code"].as_str()),
            (403, Some("forbidden")),
            "{case}: {}",
            answer.body
        );
    }
    assert_eq!(snapshot(&state, EHPAD), before);
}

async fn everyone_in_scope_reads_the_form(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    for token in [
        auth::esms(&state, &[EHPAD]),
        auth::og(&state, "590000001"),
        auth::ars(&state, "32"),
        auth::cd(&state, "59"),
        auth::national(&state),
        auth::partner(&state, &["read"], None),
    ] {
        for suffix in ["", "/history"] {
            let answer = send(
                &app,
                Method::GET,
                &form_url(EHPAD, suffix),
                Some(&token),
                None,
                None,
            )
            .await;
            assert_eq!(answer.status, 200, "{}", answer.body);
        }
    }
}

on_both_backends!(
    outsiders_get_404_and_anonymous_callers_401_everywhere,
    visible_but_forbidden_actions_get_403,
    everyone_in_scope_reads_the_form,
);
