//! `GET /api/v1/campaigns/{year}/progress`: counts, means and shares checked against an independent
//! computation on a small world, scope, and the ranking of regions.

use std::collections::BTreeMap;

use actix_web::http::Method;
use actix_web::test;
use serde_json::Value;

use crate::on_both_backends;
use crate::structures::insert_form;
use crate::support::fixtures::{StructureFixture, insert_campaign, insert_structures, small_world};
use crate::support::matrix::{Case, Who, case, check};
use crate::support::{TestDb, app, state};

/// One structure of the world with its 2024 form: (FINESS, department, region, competence, organisation,
/// form as (state, filled, required)).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, i32, i32)>,
);

/// Which rows of [`WORLD`] a caller sees.
type Visible = fn(&Row) -> bool;

const WORLD: [Row; 8] = [
    (
        "590000011",
        "59",
        "32",
        "ARS_CD",
        "590000001",
        Some(("soumis", 140, 150)),
    ),
    (
        "590000021",
        "59",
        "32",
        "ARS",
        "590000001",
        Some(("valide", 120, 120)),
    ),
    (
        "620000011",
        "62",
        "32",
        "CD",
        "620000001",
        Some(("en_cours", 30, 110)),
    ),
    ("620000021", "62", "32", "ARS", "620000001", None),
    (
        "750000011",
        "75",
        "11",
        "ARS_CD",
        "750000001",
        Some(("correction_demandee", 134, 150)),
    ),
    (
        "770000011",
        "77",
        "11",
        "ARS",
        "750000001",
        Some(("valide", 100, 100)),
    ),
    (
        "670000011",
        "67",
        "44",
        "ARS",
        "670000001",
        Some(("non_commence", 0, 100)),
    ),
    ("130000011", "13", "93", "ARS", "130000001", None),
];

fn world(state: &tdb_api::state::AppState) {
    small_world(state);
    insert_structures(
        state,
        &[
            StructureFixture {
                finess: "620000021",
                category: "ssiad",
                organisation: "620000001",
                department: "62",
                competence: "ARS",
            },
            StructureFixture {
                finess: "770000011",
                category: "mas",
                organisation: "750000001",
                department: "77",
                competence: "ARS",
            },
            StructureFixture {
                finess: "670000011",
                category: "esat",
                organisation: "670000001",
                department: "67",
                competence: "ARS",
            },
            StructureFixture {
                finess: "130000011",
                category: "ime",
                organisation: "130000001",
                department: "13",
                competence: "ARS",
            },
        ],
    );
    insert_campaign(state, 2024, "collecte");
    insert_campaign(state, 2023, "archivee");
    for (finess, .., form) in WORLD {
        if let Some((form_state, filled, required)) = form {
            insert_form(state, 2024, finess, form_state, filled, required);
        }
    }
    insert_form(state, 2023, "130000011", "cloture", 100, 100);
}

/// Expected figures of one territory, computed directly from [`WORLD`].
#[derive(Debug, Default)]
struct Expected {
    structures: u64,
    states: BTreeMap<&'static str, u64>,
    completion: f64,
    reached: u64,
    valide: u64,
}

fn expected(rows: &[Row], key: impl Fn(&Row) -> &'static str) -> BTreeMap<&'static str, Expected> {
    let mut out: BTreeMap<&'static str, Expected> = BTreeMap::new();
    for row in rows {
        let e = out.entry(key(row)).or_default();
        e.structures += 1;
        let (form_state, filled, required) = row.5.unwrap_or(("non_commence", 0, 0));
        *e.states.entry(form_state).or_default() += 1;
        if required > 0 {
            e.completion += f64::from(filled) / f64::from(required);
            if 100 * filled >= 90 * required {
                e.reached += 1;
            }
        }
        if form_state == "valide" {
            e.valide += 1;
        }
    }
    out
}

fn assert_row(actual: &Value, expected: &Expected, label: &str) {
    let n = expected.structures as f64;
    assert_eq!(actual["structures"], expected.structures, "{label}");
    for state in [
        "non_commence",
        "en_cours",
        "soumis",
        "correction_demandee",
        "valide",
        "cloture",
    ] {
        assert_eq!(
            actual["states"][state].as_u64().unwrap(),
            expected.states.get(state).copied().unwrap_or(0),
            "{label} {state}"
        );
    }
    let close = |field: &str, value: f64| {
        let got = actual[field].as_f64().unwrap();
        assert!((got - value).abs() < 1e-12, "{label} {field}: {got} vs {value}");
    };
    close("mean_completion_rate", expected.completion / n);
    close("share_threshold_reached", expected.reached as f64 / n);
    close("share_validated", expected.valide as f64 / n);
}

async fn get(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    state: &tdb_api::state::AppState,
    who: Who,
    uri: &str,
) -> Value {
    let request = test::TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", who.header(state).unwrap()))
        .to_request();
    let response = test::call_service(app, request).await;
    assert_eq!(response.status(), 200, "{who:?} {uri}");
    test::read_body_json(response).await
}

/// Rows of the matrix for the progress endpoint.
pub fn progress_cases() -> Vec<Case> {
    use Who::*;
    let mut cases = vec![
        case(Anonymous, Method::GET, "/api/v1/campaigns/2024/progress", 401),
        case(National, Method::GET, "/api/v1/campaigns/2031/progress", 404),
        case(
            National,
            Method::GET,
            "/api/v1/campaigns/2024/progress?by=commune",
            400,
        ),
    ];
    for who in [
        Esms("590000011"),
        Og("590000001"),
        Ars("32"),
        Cd("59"),
        National,
        PartnerRead,
        PartnerWrite,
    ] {
        cases.push(case(
            who,
            Method::GET,
            "/api/v1/campaigns/2024/progress?by=region",
            200,
        ));
    }
    cases
}

async fn progress_follows_the_roles(db: TestDb) {
    let state = state(&db);
    world(&state);
    let app = app(state.clone()).await;
    check(&app, &state, &progress_cases()).await;
}

async fn national_figures_match_an_independent_computation(db: TestDb) {
    let state = state(&db);
    world(&state);
    let app = app(state.clone()).await;
    let body = get(
        &app,
        &state,
        Who::National,
        "/api/v1/campaigns/2024/progress?by=department",
    )
    .await;
    assert_eq!(body["by"], "department");
    assert_eq!(body["threshold_percent"], 90);
    let expected_departments = expected(&WORLD, |r| r.1);
    let territories = body["territories"].as_array().unwrap();
    let codes: Vec<&str> = territories.iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes, expected_departments.keys().copied().collect::<Vec<_>>());
    for t in territories {
        let code = t["code"].as_str().unwrap();
        assert_row(t, &expected_departments[code], code);
        assert_eq!(t["rank"], Value::Null);
    }
    assert_eq!(territories[1]["name"], "Nord");
    assert_eq!(territories[1]["region_code"], "32");
    let all = expected(&WORLD, |_| "total");
    assert_row(&body["total"], &all["total"], "total");
    assert_eq!(body["total"]["code"], Value::Null);

    let body = get(
        &app,
        &state,
        Who::National,
        "/api/v1/campaigns/2024/progress?by=region",
    )
    .await;
    let expected_regions = expected(&WORLD, |r| r.2);
    let territories = body["territories"].as_array().unwrap();
    for t in territories {
        let code = t["code"].as_str().unwrap();
        assert_row(t, &expected_regions[code], code);
        assert_eq!(t["region_code"], Value::Null);
    }
    let ranks: Vec<(&str, &str, u64)> = territories
        .iter()
        .map(|t| {
            (
                t["code"].as_str().unwrap(),
                t["name"].as_str().unwrap(),
                t["rank"].as_u64().unwrap(),
            )
        })
        .collect();
    // Île-de-France (0.9467) before Hauts-de-France (0.5515); Grand Est and PACA tie at 0: both third.
    assert_eq!(
        ranks,
        [
            ("11", "Île-de-France", 1),
            ("32", "Hauts-de-France", 2),
            ("44", "Grand Est", 3),
            ("93", "Provence-Alpes-Côte d'Azur", 3),
        ]
    );

    let body = get(
        &app,
        &state,
        Who::National,
        "/api/v1/campaigns/2023/progress?by=region",
    )
    .await;
    assert_eq!(body["threshold_percent"], 90);
    assert_eq!(body["total"]["states"]["cloture"], 1);
    assert_eq!(body["total"]["states"]["non_commence"], 7);
}

/// The category of each structure of [`WORLD`] (`small_world` and [`world`]'s own).
fn category_of(finess: &str) -> &'static str {
    match finess {
        "590000011" | "750000011" => "ehpad",
        "590000021" | "130000011" => "ime",
        "620000011" => "eanm",
        "620000021" => "ssiad",
        "770000011" => "mas",
        "670000011" => "esat",
        other => panic!("{other} is not in the world"),
    }
}

/// `categories` of a progress report: `(code, label, structures)` of the caller's scope, in the
/// catalogue's order (EHPAD, IME, ESAT, MAS, EANM, SSIAD…), named by the catalogue.
async fn the_categories_of_the_scope_are_counted_in_the_catalogue_order(db: TestDb) {
    let state = state(&db);
    world(&state);
    let app = app(state.clone()).await;
    let catalogue = tdb_domain::catalogue_for(2024).unwrap();
    let cases: [(Who, Visible); 3] = [
        (Who::National, |_| true),
        (Who::Ars("32"), |r| r.2 == "32" && r.3 != "CD"),
        (Who::PartnerWrite, |_| false),
    ];
    for (who, visible) in cases {
        let mut expected: Vec<(String, String, u64)> = Vec::new();
        for def in catalogue.categories() {
            let n = WORLD
                .iter()
                .filter(|r| visible(r) && category_of(r.0) == def.code.as_str())
                .count() as u64;
            if n > 0 {
                expected.push((def.code.to_string(), def.label.clone(), n));
            }
        }
        for uri in [
            "/api/v1/campaigns/2024/progress",
            "/api/v1/campaigns/2024/progress?by=region",
        ] {
            let body = get(&app, &state, who, uri).await;
            let categories: Vec<(String, String, u64)> = body["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["code"].as_str().unwrap().to_owned(),
                        c["label"].as_str().unwrap().to_owned(),
                        c["structures"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(categories, expected, "{who:?} {uri}");
        }
    }
}

async fn scoped_callers_see_their_own_figures(db: TestDb) {
    let state = state(&db);
    world(&state);
    let app = app(state.clone()).await;
    let cases: [(Who, Visible); 5] = [
        (Who::Ars("32"), |r| r.2 == "32" && r.3 != "CD"),
        (Who::Cd("62"), |r| r.1 == "62" && r.3 != "ARS"),
        (Who::Og("750000001"), |r| r.4 == "750000001"),
        (Who::Esms("590000011"), |r| r.0 == "590000011"),
        (Who::PartnerWrite, |_| false),
    ];
    for (who, visible) in cases {
        let rows: Vec<Row> = WORLD.iter().copied().filter(visible).collect();
        let body = get(&app, &state, who, "/api/v1/campaigns/2024/progress").await;
        let expected_departments = expected(&rows, |r| r.1);
        let territories = body["territories"].as_array().unwrap();
        assert_eq!(territories.len(), expected_departments.len(), "{who:?}");
        for t in territories {
            let code = t["code"].as_str().unwrap();
            assert_row(t, &expected_departments[code], &format!("{who:?} {code}"));
        }
        assert_eq!(body["total"]["structures"], rows.len(), "{who:?}");
        let body = get(&app, &state, who, "/api/v1/campaigns/2024/progress?by=region").await;
        for t in body["territories"].as_array().unwrap() {
            assert_eq!(t["rank"], 1, "{who:?}: a single region is ranked first");
        }
    }
}

on_both_backends!(
    progress_follows_the_roles,
    national_figures_match_an_independent_computation,
    scoped_callers_see_their_own_figures,
    the_categories_of_the_scope_are_counted_in_the_catalogue_order
);
