//! Exports and XLSX templates: re-imported as they are, every value comes back `unchanged`; the
//! regional layout has the official header byte for byte and its mapped cells carry the right values;
//! XLSX refusals name their sheet and cell; scope, filters, refusals and the audit entry.

use std::collections::BTreeSet;
use std::io::Cursor;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test;
use calamine::{Data, Reader, Xlsx};
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::audit_log;
use tdb_api::state::AppState;
use tdb_domain::{FormValues, catalogue_for, evaluate};

use crate::forms_fixtures::{EHPAD, complete_ehpad, form_url, send, world};
use crate::imports_fixtures::{IMPORTS, post, post_json};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth};

/// The IME of the same managing body (ARS competence).
const IME: &str = "590000021";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const EXPORT: &str = "/api/v1/campaigns/2024/export";

/// An answer with its raw bytes.
struct Download {
    status: u16,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

impl Download {
    fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).unwrap()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn download<S>(app: &S, uri: &str, token: &str) -> Download
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let request = test::TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", token.to_owned()));
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (content_type, disposition) = (header("Content-Type"), header("Content-Disposition"));
    let bytes = test::read_body(response).await.to_vec();
    Download {
        status,
        content_type,
        disposition,
        bytes,
    }
}

/// The world with values of three sources: the EHPAD's form typed by the structure (every item), the
/// IME's values pushed by the CNSA and by FINESS (locked), and a value of the Paris EHPAD.
async fn filled(db: &TestDb) -> AppState {
    let state = world(db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let patched = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&esms),
        Some("\"0\""),
        Some(json!({"values": complete_ehpad()})),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    let national = auth::national(&state);
    for (source, finess, values) in [
        (
            "cnsa_errd",
            IME,
            json!({"depenses_personnel": 1250000.5, "resultat_comptable": -12500}),
        ),
        ("finess", IME, json!({"places_autorisees_hp": 40})),
        ("cnsa_errd", "750000011", json!({"depenses_personnel": 99})),
    ] {
        let body = json!({"source": source, "rows": [{"finess": finess, "values": values}]});
        let pushed = post_json(&app, IMPORTS, &national, &body).await;
        assert_eq!(pushed.status, 200, "{}", pushed.raw);
    }
    state
}

fn assert_all_unchanged(summary: &Value, expected: u64) {
    let counts = &summary["values"];
    assert_eq!(
        (
            counts["created"].as_u64(),
            counts["updated"].as_u64(),
            counts["conflicts"].as_u64(),
            counts["rejected"].as_u64(),
            counts["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(0), Some(0), Some(expected)),
        "{summary}"
    );
    assert_eq!(summary["written"], false, "{summary}");
}

async fn an_exported_csv_reimported_as_is_is_unchanged(db: TestDb) {
    let state = filled(&db).await;
    let app = app(state.clone()).await;
    let og = auth::og(&state, "590000001");
    for layout in ["wide", "long"] {
        let export = download(&app, &format!("{EXPORT}?layout={layout}"), &og).await;
        assert_eq!(export.status, 200, "{}", export.text());
        assert_eq!(export.content_type, "text/csv; charset=utf-8");
        let text = export.text();
        let lines: Vec<&str> = text.lines().collect();
        let values = if layout == "wide" {
            let codes: Vec<&str> = catalogue_for(2024)
                .unwrap()
                .items()
                .iter()
                .map(|i| i.code.as_str())
                .collect();
            assert_eq!(lines[0], format!("finess,{}", codes.join(",")));
            assert_eq!(lines.len(), 3, "one line per structure of the managing body");
            assert!(lines[1].starts_with(EHPAD) && lines[2].starts_with(IME));
            lines[1..]
                .iter()
                .map(|l| l.split(',').skip(1).filter(|c| !c.is_empty()).count())
                .sum::<usize>()
        } else {
            assert_eq!(lines[0], "finess,item,value");
            assert!(lines.contains(&"590000021,depenses_personnel,1250000.5"));
            assert!(lines.contains(&"590000021,resultat_comptable,-12500"));
            lines.len() - 1
        };
        assert!(values > 140, "{values} values exported");
        let uri = format!("{IMPORTS}?layout={layout}");
        let again = post(&app, &uri, Some(&og), "text/csv", export.bytes.clone(), None).await;
        assert_eq!(again.status, 200, "{}", again.raw);
        assert_all_unchanged(&again.body, values as u64);
    }
}

async fn an_exported_template_reimported_as_is_is_unchanged(db: TestDb) {
    let state = filled(&db).await;
    let app = app(state.clone()).await;
    let og = auth::og(&state, "590000001");
    let template = download(
        &app,
        "/api/v1/campaigns/2024/organisations/590000001/template.xlsx",
        &og,
    )
    .await;
    assert_eq!(template.status, 200, "{}", template.text());
    assert_eq!(template.content_type, XLSX);
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(template.bytes.clone())).unwrap();
    assert_eq!(workbook.sheet_names(), ["Légende", EHPAD, IME]);
    let ime = workbook.worksheet_range(IME).unwrap();
    assert_eq!(ime.get_value((0, 1)), Some(&Data::String(IME.to_owned())));
    let row = (3..=ime.end().unwrap().0)
        .find(|r| ime.get_value((*r, 0)) == Some(&Data::String("depenses_personnel".to_owned())))
        .unwrap();
    assert_eq!(ime.get_value((row, 2)), Some(&Data::Float(1250000.5)));
    assert_eq!(
        ime.get_value((row, 4)),
        Some(&Data::String("CNSA (ERRD)".to_owned()))
    );
    let stored = crate::imports_fixtures::value_count(&state) as u64;
    let mine = stored - 1; // the Paris EHPAD's value is not the managing body's
    let again = post(&app, IMPORTS, Some(&og), XLSX, template.bytes.clone(), None).await;
    assert_eq!(again.status, 200, "{}", again.raw);
    assert_all_unchanged(&again.body, mine);

    let esms = auth::esms(&state, &[EHPAD]);
    let own = download(
        &app,
        &format!("/api/v1/campaigns/2024/structures/{EHPAD}/template.xlsx"),
        &esms,
    )
    .await;
    assert_eq!(own.status, 200);
    let again = post(&app, IMPORTS, Some(&esms), XLSX, own.bytes, None).await;
    assert_eq!(again.status, 200, "{}", again.raw);
    assert_all_unchanged(&again.body, complete_ehpad().len() as u64);
}

/// A template-shaped workbook with two refused cells and one good one.
fn bad_workbook() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(EHPAD).unwrap();
    sheet.write_string(0, 0, "finess").unwrap();
    sheet.write_string(0, 1, EHPAD).unwrap();
    sheet.write_string(2, 0, "code").unwrap();
    sheet.write_string(3, 0, "admissions").unwrap();
    sheet.write_number(3, 2, 12).unwrap();
    sheet.write_string(11, 0, "places_installees_hp").unwrap();
    sheet.write_number(11, 2, -5).unwrap();
    sheet.write_string(12, 0, "cpom_en_cours").unwrap();
    sheet.write_string(12, 2, "peut-être").unwrap();
    workbook.save_to_buffer().unwrap()
}

async fn xlsx_refusals_name_their_sheet_and_cell(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let refused = post(&app, IMPORTS, Some(&esms), XLSX, bad_workbook(), None).await;
    assert_eq!(refused.status, 422, "{}", refused.raw);
    let errors = refused.body["errors"].as_array().unwrap();
    let mut paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        ["/sheets/590000011/cells/C12", "/sheets/590000011/cells/C13"]
    );
    let negative = errors.iter().find(|e| e["code"] == "negative").unwrap();
    assert!(
        negative["message"]
            .as_str()
            .unwrap()
            .starts_with("Feuil \"590000011\" cellule C12 : "),
        "{negative}"
    );
    assert!(errors.iter().any(|e| e["code"] == "not_a_boolean"));
    let rejected = refused.body["summary"]["rejected"].as_array().unwrap();
    assert!(
        rejected
            .iter()
            .any(|r| r["sheet"] == EHPAD && r["cell"] == "C12" && r["item"] == "places_installees_hp"),
        "{rejected:?}"
    );
    assert_eq!(crate::imports_fixtures::value_count(&state), 0, "nothing written");

    let outside = post(
        &app,
        IMPORTS,
        Some(&auth::esms(&state, &["620000011"])),
        XLSX,
        bad_workbook(),
        None,
    )
    .await;
    assert_eq!(outside.status, 422);
    assert_eq!(outside.body["errors"][0]["path"], "/sheets/590000011/cells/B1");
    assert_eq!(outside.body["errors"][0]["code"], "structure_not_found");

    let garbage = post(&app, IMPORTS, Some(&esms), XLSX, b"PK not a zip".to_vec(), None).await;
    assert_eq!(
        (garbage.status, garbage.body["code"].as_str()),
        (400, Some("malformed_xlsx"))
    );
}

fn official_labels() -> Vec<String> {
    let spec: Value = serde_json::from_str(include_str!("../data/regional_export_header.json")).unwrap();
    spec["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

async fn the_regional_layout_has_the_official_header_and_values(db: TestDb) {
    let state = filled(&db).await;
    let app = app(state.clone()).await;
    let ars = auth::ars(&state, "32");
    let labels = official_labels();
    assert_eq!(labels.len(), 331);
    // Expected indicator values, computed by the domain from the same values.
    let catalogue = catalogue_for(2024).unwrap();
    let typed = FormValues::from_json(catalogue, &complete_ehpad()).unwrap();
    let evaluation = evaluate(catalogue, "ehpad", &typed, None, &BTreeSet::new()).unwrap();
    let vacants = evaluation.indicator_value("taux_etp_vacants").unwrap() * 100.0;

    let csv = download(&app, &format!("{EXPORT}?layout=regional"), &ars).await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.bytes.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let header: Vec<String> = records[0].iter().map(str::to_owned).collect();
    assert_eq!(
        header, labels,
        "the header of the official regional export, byte for byte"
    );
    assert_eq!(
        records.len(),
        3,
        "the EHPAD and the IME of region 32 with ARS competence"
    );
    let ehpad = &records[1];
    let cell = |excel: &str| {
        let position = tdb_api::services::exports::regional::columns()
            .iter()
            .position(|c| c.excel == excel)
            .unwrap();
        ehpad.get(position).unwrap().to_owned()
    };
    assert_eq!(cell("E"), EHPAD);
    assert_eq!(cell("A"), "Hauts-de-France");
    assert_eq!(cell("K"), "En cours");
    assert_eq!(cell("L"), "590000001");
    assert_eq!(cell("FF"), "10", "Personnes GIR 1");
    assert_eq!(cell("HS"), "10", "ETP Direction/Encadrement");
    assert_eq!(
        cell("LG"),
        "40",
        "first « Nombre de personnes accompagnées dans l'effectif au 31.12 »"
    );
    assert_eq!(cell("LJ"), "40", "its duplicate");
    assert_eq!(cell("HL").parse::<f64>().unwrap(), (vacants * 1e8).round() / 1e8);
    assert_eq!(cell("D"), "", "Groupe homogène is not covered");
    // Catalogue 1.1: the rooms and the « dont » ETP sub-lines (both AMP columns, HZ and IH).
    assert_eq!(cell("DM"), "10", "Nombre total de chambres installées au 31.12");
    for excel in ["HT", "HU", "HZ", "IE", "IG", "IH", "IN", "IR", "IS"] {
        assert_eq!(cell(excel), "1", "{excel}");
    }
    assert_eq!(
        csv.disposition,
        "attachment; filename=\"export-tdbesms-2024-region-agg.csv\""
    );

    let xlsx = download(
        &app,
        &format!("{EXPORT}?layout=regional&format=xlsx&finess={EHPAD}"),
        &ars,
    )
    .await;
    assert_eq!((xlsx.status, xlsx.content_type.as_str()), (200, XLSX));
    assert_eq!(
        xlsx.disposition, "attachment; filename=\"export-tdbesms-2024-region-agg.xlsx\"",
        "the official name, whatever the filters"
    );
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx.bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), ["Restitutions"]);
    let range = workbook.worksheet_range("Restitutions").unwrap();
    let first: Vec<String> = (0..331)
        .map(|c| range.get_value((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(first, labels);
    assert_eq!(range.get_value((1, 4)), Some(&Data::String(EHPAD.to_owned())));
    assert_eq!(
        range.get_value((1, 161)),
        Some(&Data::Float(10.0)),
        "FF Personnes GIR 1"
    );
    assert_eq!(range.end(), Some((1, 330)));

    // 2020: the name the ATIH shipped that year, with an underscore (`region_agg`), as the pipelines read it.
    crate::support::fixtures::insert_campaign(&state, 2020, "archivee");
    let old = download(
        &app,
        "/api/v1/campaigns/2020/export?layout=regional&format=xlsx",
        &ars,
    )
    .await;
    assert_eq!(old.status, 200);
    assert_eq!(
        old.disposition,
        "attachment; filename=\"export-tdbesms-2020-region_agg.xlsx\""
    );
}

async fn exports_follow_the_scope_and_filters_and_are_audited(db: TestDb) {
    let state = filled(&db).await;
    let app = app(state.clone()).await;
    let structures = |text: String| -> Vec<String> {
        text.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_owned())
            .collect()
    };
    for (token, uri, expected) in [
        (auth::ars(&state, "32"), EXPORT.to_owned(), vec![EHPAD, IME]),
        (auth::cd(&state, "59"), EXPORT.to_owned(), vec![EHPAD]),
        (auth::esms(&state, &[IME]), EXPORT.to_owned(), vec![IME]),
        (
            auth::national(&state),
            format!("{EXPORT}?department=62"),
            vec!["620000011"],
        ),
        (
            auth::partner(&state, &["read"], None),
            format!("{EXPORT}?category=500&region=11"),
            vec!["750000011"],
        ),
        (
            auth::cd(&state, "59"),
            format!("{EXPORT}?finess=750000011"),
            vec![],
        ),
    ] {
        let export = download(&app, &uri, &token).await;
        assert_eq!(export.status, 200, "{uri}: {}", export.text());
        assert_eq!(structures(export.text()), expected, "{uri}");
    }
    let mut conn = state.pool.get().unwrap();
    let entries: Vec<(String, String, Option<String>)> = audit_log::table
        .filter(audit_log::action.eq("export"))
        .select((audit_log::actor, audit_log::channel, audit_log::detail))
        .order(audit_log::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(entries.len(), 6, "one audit entry per export");
    let (actor, channel, detail) = &entries[0];
    assert_eq!((actor.as_str(), channel.as_str()), ("agent@ars.test", "web"));
    let detail: Value = serde_json::from_str(detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["role"], "ars");
    assert_eq!(detail["scope"], "ArsRegion(\"32\")");
    assert_eq!(
        (detail["format"].as_str(), detail["layout"].as_str()),
        (Some("csv"), Some("wide"))
    );
    assert_eq!(detail["structures"], 2);
    assert_eq!(
        detail["values"].as_u64().unwrap() as usize,
        complete_ehpad().len() + 3
    );
    assert_eq!(detail["complete"], true);
    let partner: Value = serde_json::from_str(entries[4].2.as_deref().unwrap()).unwrap();
    assert_eq!(partner["filters"]["category"], "ehpad");
    assert_eq!(partner["filters"]["region"], "11");
}

async fn exports_refuse_what_they_cannot_do(db: TestDb) {
    let state = world(&db, "collecte");
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    for (token, uri, status, code) in [
        (
            auth::partner(&state, &["prefill:write"], Some("cnsa_errd")),
            EXPORT.to_owned(),
            403,
            "forbidden",
        ),
        (
            national.clone(),
            "/api/v1/campaigns/2031/export".to_owned(),
            404,
            "campaign_not_found",
        ),
        (
            national.clone(),
            format!("{EXPORT}?category=nope"),
            422,
            "validation_failed",
        ),
        (
            national.clone(),
            format!("{EXPORT}?format=pdf"),
            400,
            "invalid_query",
        ),
        (
            national.clone(),
            format!("{EXPORT}?layout=template"),
            400,
            "invalid_query",
        ),
        (
            auth::esms(&state, &[EHPAD]),
            "/api/v1/campaigns/2024/structures/750000011/template.xlsx".to_owned(),
            404,
            "structure_not_found",
        ),
        (
            auth::cd(&state, "59"),
            "/api/v1/campaigns/2024/organisations/620000001/template.xlsx".to_owned(),
            404,
            "organisation_not_found",
        ),
    ] {
        let answer = download(&app, &uri, &token).await;
        assert_eq!(answer.status, status, "{uri}: {}", answer.text());
        assert_eq!(answer.json()["code"], code, "{uri}");
        assert!(
            answer.content_type.starts_with("application/problem+json"),
            "{uri}"
        );
    }
    let anonymous = test::call_service(&app, test::TestRequest::get().uri(EXPORT).to_request()).await;
    assert_eq!(anonymous.status().as_u16(), 401);
}

/// A structure named like a formula is exported with a leading `'` (OWASP CSV injection); negative
/// numbers stay numbers.
async fn csv_cells_that_start_a_formula_are_neutralised(db: TestDb) {
    use tdb_api::db::schema::structures;
    let state = filled(&db).await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"clic\")";
    let mut conn = state.pool.get().unwrap();
    diesel::update(structures::table.filter(structures::finess.eq(EHPAD)))
        .set(structures::name.eq(formula))
        .execute(&mut conn)
        .unwrap();
    diesel::update(structures::table.filter(structures::finess.eq(IME)))
        .set(structures::name.eq("@SUM(1+1)|cmd"))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let fields = |csv: &Download| -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.bytes.as_slice());
        reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    };
    let regional = download(&app, &format!("{EXPORT}?layout=regional"), &national).await;
    assert_eq!(regional.status, 200, "{}", regional.text());
    let cells = fields(&regional);
    assert!(cells.contains(&format!("'{formula}")), "the name is neutralised");
    assert!(cells.contains(&"'@SUM(1+1)|cmd".to_owned()));
    assert!(
        cells.iter().all(|c| !c.starts_with(['=', '@', '+', '\t', '\r'])),
        "no cell starts a formula"
    );
    let wide = download(&app, &format!("{EXPORT}?finess={IME}"), &national).await;
    assert_eq!(wide.status, 200, "{}", wide.text());
    assert!(
        fields(&wide).contains(&"-12500".to_owned()),
        "a negative number stays a number"
    );
}

on_both_backends!(
    csv_cells_that_start_a_formula_are_neutralised,
    an_exported_csv_reimported_as_is_is_unchanged,
    an_exported_template_reimported_as_is_is_unchanged,
    xlsx_refusals_name_their_sheet_and_cell,
    the_regional_layout_has_the_official_header_and_values,
    exports_follow_the_scope_and_filters_and_are_audited,
    exports_refuse_what_they_cannot_do,
);
