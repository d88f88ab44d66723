//! Numbers as people type them, through imports (docs/imports.md): whole numbers stay JSON integers
//! in the form, the history, the stored value and the exports; French thousands separators (space,
//! no-break space, narrow no-break space) in CSV cells and XLSX text cells; a `%` sign refused on the
//! items that are not rates — each test on SQLite and PostgreSQL.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::forms_fixtures::{EHPAD, form_url, send, world};
use crate::imports_fixtures::{IMPORTS, Reply, get, post, values_of};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A cell of a table sheet: a number cell or a text cell.
enum Cell {
    Number(f64),
    Text(&'static str),
}

/// A table workbook: `finess` and the items on line 1, the EHPAD and its cells on line 2.
fn table_workbook(cells: &[(&str, Cell)]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "finess").unwrap();
    sheet.write_string(1, 0, EHPAD).unwrap();
    for (column, (item, cell)) in (1u16..).zip(cells) {
        sheet.write_string(0, column, *item).unwrap();
        match cell {
            Cell::Number(n) => sheet.write_number(1, column, *n).unwrap(),
            Cell::Text(t) => sheet.write_string(1, column, *t).unwrap(),
        };
    }
    workbook.save_to_buffer().unwrap()
}

/// The stored value JSON of `item` for the EHPAD.
fn stored(state: &tdb_api::state::AppState, item: &str) -> Option<String> {
    values_of(state, EHPAD)
        .into_iter()
        .find(|v| v.0 == item)
        .map(|v| v.1)
}

/// Asserts that `value` is the JSON integer `expected` (not `expected.0`).
fn assert_integer(value: &Value, expected: i64, what: &str) {
    assert!(value.is_i64(), "{what}: {value} must be a JSON integer");
    assert_eq!(value.as_i64(), Some(expected), "{what}");
}

fn rejections(reply: &Reply) -> Vec<(String, String)> {
    reply.body["summary"]["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (text("item"), text("code"))
        })
        .collect()
}

async fn whole_numbers_stay_integers_in_the_form_the_history_and_the_exports(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let csv = "finess;places_installees_hp;etp_reels_31_12\n590000011;80;58,4\n";
    let answer = post(&app, IMPORTS, Some(&esms), "text/csv", csv, None).await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    let json =
        json!({"rows": [{"finess": EHPAD, "values": {"admissions": 12.0, "resultat_comptable": -4500.0}}]});
    let answer = post(
        &app,
        IMPORTS,
        Some(&esms),
        "application/json",
        json.to_string(),
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    let workbook = table_workbook(&[("places_financees_hp", Cell::Number(78.0))]);
    let answer = post(&app, IMPORTS, Some(&esms), XLSX, workbook, None).await;
    assert_eq!(answer.status, 200, "{}", answer.raw);

    assert_eq!(stored(&state, "places_installees_hp").as_deref(), Some("80"));
    assert_eq!(stored(&state, "places_financees_hp").as_deref(), Some("78"));
    assert_eq!(stored(&state, "etp_reels_31_12").as_deref(), Some("58.4"));

    let form = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&esms), None, None).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let value = |item: &str| form.body["values"][item]["value"].clone();
    assert_integer(&value("places_installees_hp"), 80, "CSV cell 80");
    assert_integer(&value("admissions"), 12, "JSON 12.0");
    assert_integer(&value("resultat_comptable"), -4500, "JSON -4500.0");
    assert_integer(&value("places_financees_hp"), 78, "XLSX number cell 78");
    assert_eq!(value("etp_reels_31_12"), json!(58.4));

    let history = get(
        &app,
        &form_url(EHPAD, "/history?item=places_installees_hp"),
        &esms,
    )
    .await;
    assert_eq!(history.status, 200, "{}", history.raw);
    assert_integer(&history.body["items"][0]["new_value"], 80, "history new_value");

    let export = get(&app, "/api/v1/campaigns/2024/export", &auth::ars(&state, "32")).await;
    assert_eq!(export.status, 200, "{}", export.raw);
    let mut reader = csv::Reader::from_reader(export.raw.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = header.iter().position(|h| h == "places_installees_hp").unwrap();
    let ehpad = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == EHPAD)
        .unwrap();
    assert_eq!(&ehpad[column], "80");
}

async fn french_thousands_separators_are_read_in_csv_and_xlsx_text_cells(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let csv = "finess;produits_exploitation;resultat_comptable;tresorerie;etp_reels_31_12\n\
               590000011;12 345,67;-1\u{A0}234\u{A0}567,5;2\u{202F}000\u{202F}000;1 234\n";
    let answer = post(&app, IMPORTS, Some(&esms), "text/csv", csv, None).await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    assert_eq!(answer.body["values"]["created"], 4);
    assert_eq!(
        stored(&state, "produits_exploitation").as_deref(),
        Some("12345.67")
    );
    assert_eq!(
        stored(&state, "resultat_comptable").as_deref(),
        Some("-1234567.5")
    );
    assert_eq!(stored(&state, "tresorerie").as_deref(), Some("2000000"));
    assert_eq!(stored(&state, "etp_reels_31_12").as_deref(), Some("1234"));

    let workbook = table_workbook(&[
        ("charges_courantes", Cell::Text("12 345,67")),
        ("capitaux_permanents", Cell::Text("98\u{A0}765,4")),
        ("fonds_roulement_net_global", Cell::Text("-3\u{202F}210")),
    ]);
    let answer = post(&app, IMPORTS, Some(&esms), XLSX, workbook, None).await;
    assert_eq!(answer.status, 200, "{}", answer.raw);
    assert_eq!(stored(&state, "charges_courantes").as_deref(), Some("12345.67"));
    assert_eq!(stored(&state, "capitaux_permanents").as_deref(), Some("98765.4"));
    assert_eq!(
        stored(&state, "fonds_roulement_net_global").as_deref(),
        Some("-3210")
    );

    let malformed = "finess;produits_exploitation;tresorerie\n590000011;1 23,4;12 34 567\n";
    let refused = post(&app, IMPORTS, Some(&esms), "text/csv", malformed, None).await;
    assert_eq!(refused.status, 422, "{}", refused.raw);
    assert_eq!(
        rejections(&refused),
        [
            ("produits_exploitation".to_owned(), "not_a_number".to_owned()),
            ("tresorerie".to_owned(), "not_a_number".to_owned())
        ]
    );
    let workbook = table_workbook(&[("produits_exploitation", Cell::Text("1 23,4"))]);
    let refused = post(&app, IMPORTS, Some(&esms), XLSX, workbook, None).await;
    assert_eq!(refused.status, 422, "{}", refused.raw);
    assert_eq!(refused.body["errors"][0]["code"], "not_a_number");
    assert_eq!(
        stored(&state, "produits_exploitation").as_deref(),
        Some("12345.67"),
        "nothing written"
    );
}

async fn a_percent_sign_is_refused_on_items_that_are_not_rates(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let csv = "finess;places_installees_hp;etp_reels_31_12\n590000011;80 %;58%\n";
    let refused = post(&app, IMPORTS, Some(&esms), "text/csv", csv, None).await;
    assert_eq!(refused.status, 422, "{}", refused.raw);
    assert_eq!(
        rejections(&refused),
        [
            (
                "places_installees_hp".to_owned(),
                "percent_not_allowed".to_owned()
            ),
            ("etp_reels_31_12".to_owned(), "percent_not_allowed".to_owned())
        ]
    );
    let message = refused.body["summary"]["rejected"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("« 80 % » : le signe % n'est accepté que pour un taux"),
        "{message}"
    );

    let workbook = table_workbook(&[("places_installees_hp", Cell::Text("80%"))]);
    let refused = post(&app, IMPORTS, Some(&esms), XLSX, workbook, None).await;
    assert_eq!(refused.status, 422, "{}", refused.raw);
    let error = &refused.body["errors"][0];
    assert_eq!(error["code"], "percent_not_allowed");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("Feuil \"Sheet1\" cellule B2 : « 80% »"),
        "{error}"
    );
    assert!(values_of(&state, EHPAD).is_empty(), "nothing written");
}

on_both_backends!(
    whole_numbers_stay_integers_in_the_form_the_history_and_the_exports,
    french_thousands_separators_are_read_in_csv_and_xlsx_text_cells,
    a_percent_sign_is_refused_on_items_that_are_not_rates,
);
