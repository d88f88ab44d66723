//! `GET /api/v1/campaigns/{year}/indicators`: the rows are exactly the caller's scope, the values
//! are each structure's own evaluation, and the refusals (partner without `read`, unknown campaign,
//! indicator, category or parameter).

use std::collections::BTreeSet;

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::forms_fixtures::{EHPAD, complete_ehpad, form_url, send, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

const TABLE: &str = "/api/v1/campaigns/2024/indicators";

fn finess_of(body: &Value) -> BTreeSet<String> {
    body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["finess"].as_str().unwrap().to_owned())
        .collect()
}

fn set(finess: &[&str]) -> BTreeSet<String> {
    finess.iter().map(|f| (*f).to_owned()).collect()
}

/// Each caller gets its scope (filters only narrow it), and the values are those of the forms.
async fn rows_are_the_callers_scope_with_their_own_values(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let filled = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&esms),
        Some("\"0\""),
        Some(json!({ "values": complete_ehpad() })),
    )
    .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    let evaluation = &filled.body["evaluation"];
    let own = evaluation["indicators"]["taux_occupation_hp"]["value"]
        .as_f64()
        .unwrap();
    let rate = evaluation["completion"]["rate"].as_f64().unwrap();

    let uri = format!("{TABLE}?indicators=taux_occupation_hp,taux_absenteisme");
    let cases = [
        (auth::esms(&state, &[EHPAD]), set(&[EHPAD])),
        (auth::og(&state, "590000001"), set(&[EHPAD, "590000021"])),
        (auth::ars(&state, "32"), set(&[EHPAD, "590000021"])),
        (auth::cd(&state, "59"), set(&[EHPAD])),
        (
            auth::national(&state),
            set(&[EHPAD, "590000021", "620000011", "750000011"]),
        ),
        (
            auth::partner(&state, &["read"], None),
            set(&[EHPAD, "590000021", "620000011", "750000011"]),
        ),
    ];
    for (token, expected) in cases {
        let answer = send(&app, Method::GET, &uri, Some(&token), None, None).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(finess_of(&answer.body), expected, "{}", answer.body);
        let columns: Vec<&str> = answer.body["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert_eq!(columns, ["taux_occupation_hp", "taux_absenteisme"]);
        let row = &answer.body["rows"][0];
        assert_eq!(row["finess"], EHPAD);
        assert_eq!(row["values"]["taux_occupation_hp"].as_f64(), Some(own));
        assert_eq!(row["state"], "en_cours");
        assert_eq!(row["completion_rate"].as_f64(), Some(rate));
    }

    let national = auth::national(&state);
    let all = send(&app, Method::GET, &uri, Some(&national), None, None).await;
    let paris = all.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["finess"] == "750000011")
        .unwrap();
    assert_eq!(paris["state"], "non_commence");
    assert_eq!(paris["values"]["taux_occupation_hp"], Value::Null);

    // Filters narrow the scope, never widen it.
    let cd = auth::cd(&state, "59");
    let elsewhere = send(
        &app,
        Method::GET,
        &format!("{TABLE}?department=75"),
        Some(&cd),
        None,
        None,
    )
    .await;
    assert_eq!(elsewhere.status, 200);
    assert!(finess_of(&elsewhere.body).is_empty());
    let ehpads = send(
        &app,
        Method::GET,
        &format!("{TABLE}?category=500"),
        Some(&national),
        None,
        None,
    )
    .await;
    assert_eq!(finess_of(&ehpads.body), set(&[EHPAD, "750000011"]));

    // Default columns: the dialogue-level indicators of the listed categories.
    let catalogue = tdb_domain::catalogue_for(2024).unwrap();
    let codes: Vec<String> = ehpads.body["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(!codes.is_empty());
    for code in &codes {
        let def = catalogue.indicators().iter().find(|d| &d.code == code).unwrap();
        assert_eq!(def.level, tdb_domain::contract::Level::Dialogue, "{code}");
    }
}

/// Who may not, and what is not understood.
async fn refusals(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let pusher = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let cases = [
        (TABLE.to_owned(), None, 401, None),
        (TABLE.to_owned(), Some(pusher), 403, None),
        (
            "/api/v1/campaigns/1999/indicators".to_owned(),
            Some(national.clone()),
            404,
            None,
        ),
        (
            format!("{TABLE}?indicators=taux_occupation_hp,pas_un_indicateur"),
            Some(national.clone()),
            422,
            Some("/query/indicators"),
        ),
        (
            format!("{TABLE}?category=pas_une_categorie"),
            Some(national.clone()),
            422,
            Some("/query/category"),
        ),
        (format!("{TABLE}?tri=nom"), Some(national.clone()), 400, None),
    ];
    for (uri, token, status, path) in cases {
        let answer = send(&app, Method::GET, &uri, token.as_deref(), None, None).await;
        assert_eq!(answer.status, status, "{uri}: {}", answer.body);
        if let Some(path) = path {
            assert_eq!(answer.body["errors"][0]["path"], path, "{uri}: {}", answer.body);
        }
    }
}

on_both_backends!(rows_are_the_callers_scope_with_their_own_values, refusals);
