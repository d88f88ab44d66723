//! The authorization matrix: every endpoint × every kind of caller × a structure in the caller's scope
//! and one outside it, with the exact status expected.
//!
//! The world is `small_world` with campaign 2024 in `collecte` and no form yet. Inside = the joint EHPAD
//! 590000011 (Nord, Hauts-de-France, managing body 590000001); outside = the joint EHPAD 750000011
//! (Paris). Callers: nobody, an `esms` user of 590000011, the `og` 590000001, the ARS of region 32, the CD
//! of department 59, `national`, a partner with `read`, a partner with only `prefill:write`. Reads share
//! one world; every write cell runs in a fresh world, so an allowed write cannot change a later cell.

use actix_web::http::Method;
use serde_json::{Value, json};
use tdb_api::AppState;

use crate::forms_fixtures::{EHPAD, send, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

/// The structure outside every regional caller's scope.
const PARIS: &str = "750000011";

/// Kinds of caller, in the column order of the matrix.
const CALLERS: [&str; 8] = [
    "anonymous",
    "esms",
    "og",
    "ars",
    "cd",
    "national",
    "reader",
    "pusher",
];

fn token(state: &AppState, caller: &str) -> Option<String> {
    Some(match caller {
        "esms" => auth::esms(state, &[EHPAD]),
        "og" => auth::og(state, "590000001"),
        "ars" => auth::ars(state, "32"),
        "cd" => auth::cd(state, "59"),
        "national" => auth::national(state),
        "reader" => auth::partner(state, &["read"], None),
        "pusher" => auth::partner(state, &["prefill:write"], Some("cnsa_errd")),
        _ => return None,
    })
}

/// One endpoint: how to call it on a structure, and the statuses per caller inside and outside scope.
struct Row {
    method: Method,
    /// URI with `{finess}` standing for the structure.
    uri: &'static str,
    body: Option<Value>,
    inside: [u16; 8],
    outside: [u16; 8],
}

fn row(method: Method, uri: &'static str, body: Option<Value>, inside: [u16; 8], outside: [u16; 8]) -> Row {
    Row {
        method,
        uri,
        body,
        inside,
        outside,
    }
}

/// Runs every cell of `row`, collecting every mismatch before failing.
async fn check(db: &TestDb, row: Row) {
    let mut mismatches = Vec::new();
    let shared = (row.method == Method::GET).then(|| world(db, "collecte"));
    for (scope, finess, expected) in [("inside", EHPAD, row.inside), ("outside", PARIS, row.outside)] {
        let uri = row.uri.replace("{finess}", finess);
        for (caller, status) in CALLERS.iter().zip(expected) {
            // A write cell gets its own database, alive until the end of the cell.
            let (fresh_db, fresh_state);
            let state = match &shared {
                Some(state) => state,
                None => {
                    fresh_db = db.sibling();
                    fresh_state = world(&fresh_db, "collecte");
                    &fresh_state
                }
            };
            let service = app(state.clone()).await;
            let answer = send(
                &service,
                row.method.clone(),
                &uri,
                token(state, caller).as_deref(),
                Some("\"0\""),
                row.body.clone(),
            )
            .await;
            if answer.status != status {
                mismatches.push(format!(
                    "{} {uri} as {caller} ({scope}): expected {status}, got {} {}",
                    row.method, answer.status, answer.body
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "authorization matrix mismatches:\n{}",
        mismatches.join("\n")
    );
}

const FORM: &str = "/api/v1/campaigns/2024/structures/{finess}/form";

//                                   anon esms  og  ars  cd  nat read push
const READ_IN: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 404];
const READ_OUT: [u16; 8] = [401, 404, 404, 404, 404, 200, 200, 404];
const EVERYONE: [u16; 8] = [200; 8];
const LOGGED_IN: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 200];

async fn form_read(db: TestDb) {
    check(&db, row(Method::GET, FORM, None, READ_IN, READ_OUT)).await;
}

async fn form_history(db: TestDb) {
    check(
        &db,
        row(
            Method::GET,
            "/api/v1/campaigns/2024/structures/{finess}/form/history",
            None,
            READ_IN,
            READ_OUT,
        ),
    )
    .await;
}

async fn form_patch(db: TestDb) {
    let body = json!({"values": {"admissions": 3}});
    check(
        &db,
        row(
            Method::PATCH,
            FORM,
            Some(body),
            [401, 200, 200, 403, 403, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_justify(db: TestDb) {
    let body = json!({"text": "Une justification assez longue."});
    check(
        &db,
        row(
            Method::PUT,
            "/api/v1/campaigns/2024/structures/{finess}/form/justifications/gir_egal_effectif",
            Some(body),
            [401, 409, 409, 403, 403, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_unjustify(db: TestDb) {
    check(
        &db,
        row(
            Method::DELETE,
            "/api/v1/campaigns/2024/structures/{finess}/form/justifications/gir_egal_effectif",
            None,
            [401, 404, 404, 403, 403, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_submit(db: TestDb) {
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/form/submit",
            None,
            [401, 409, 409, 403, 403, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_review(db: TestDb) {
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/form/review",
            Some(json!({"decision": "validate"})),
            [401, 403, 403, 409, 409, 403, 403, 404],
            [401, 404, 404, 404, 404, 403, 403, 404],
        ),
    )
    .await;
}

async fn form_reopen(db: TestDb) {
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/form/reopen",
            Some(json!({"comment": "Réouverture demandée."})),
            [401, 403, 403, 409, 409, 409, 403, 404],
            [401, 404, 404, 404, 404, 409, 403, 404],
        ),
    )
    .await;
}

async fn form_correction_message(db: TestDb) {
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/campaigns/2024/structures/{finess}/form/corrections/1/messages",
            Some(json!({"body": "Bonjour"})),
            [401, 404, 404, 404, 404, 404, 403, 404],
            [401, 404, 404, 404, 404, 404, 403, 404],
        ),
    )
    .await;
}

async fn auth_me(db: TestDb) {
    check(
        &db,
        row(Method::GET, "/api/v1/auth/me", None, LOGGED_IN, LOGGED_IN),
    )
    .await;
}

async fn public_reference_and_catalogue(db: TestDb) {
    for uri in ["/api/v1/health", "/api/v1/regions", "/api/v1/catalogue/2024"] {
        check(&db.sibling(), row(Method::GET, uri, None, EVERYONE, EVERYONE)).await;
    }
    let evaluate = json!({"campaign": 2024, "category": "ehpad", "values": {}});
    check(
        &db,
        row(
            Method::POST,
            "/api/v1/evaluate",
            Some(evaluate),
            EVERYONE,
            EVERYONE,
        ),
    )
    .await;
}

on_both_backends!(
    form_read,
    form_history,
    form_patch,
    form_justify,
    form_unjustify,
    form_submit,
    form_review,
    form_reopen,
    form_correction_message,
    auth_me,
    public_reference_and_catalogue,
);
