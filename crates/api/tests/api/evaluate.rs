//! `POST /api/v1/evaluate`.

use actix_web::test;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{TestDb, app, state};

async fn post(db: &TestDb, body: Value) -> (u16, Value) {
    let app = app(state(db)).await;
    let request = test::TestRequest::post()
        .uri("/api/v1/evaluate")
        .set_json(body)
        .to_request();
    let response = test::call_service(&app, request).await;
    let status = response.status().as_u16();
    (status, test::read_body_json(response).await)
}

async fn computes_the_worked_example_of_the_catalogue(db: TestDb) {
    let (status, body) = post(
        &db,
        json!({"campaign": 2024, "category": "500", "values": {
            "journees_realisees_hp": 27740, "journees_absence_moins_72h_hp": 310,
            "places_financees_hp": 80, "jours_ouverture_hp": 365}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["category"], "ehpad");
    assert_eq!(body["campaign"], 2024);
    let occupation = &body["indicators"]["taux_occupation_hp"];
    assert_eq!(occupation["status"], "ok");
    assert_eq!(occupation["value"].as_f64(), Some(0.960_616_438_356_164_4));
    assert!(
        occupation["explanation"]["formula"]
            .as_str()
            .unwrap()
            .contains("journees_realisees_hp")
    );
    assert_eq!(body["indicators"]["taux_absenteisme"]["status"], "missing_input");
    let completion = &body["completion"];
    assert_eq!(completion["threshold"], 0.9);
    assert_eq!(completion["finance_counted"], true);
    assert_eq!(completion["reached"], false);
    assert_eq!(completion["can_submit"], false);
    for axis in ["0", "1", "2", "3", "4"] {
        assert!(completion["by_axis"][axis]["required"].is_u64(), "axis {axis}");
    }
    let controls = body["controls"].as_array().unwrap();
    assert_eq!(controls[0]["code"], "occupation_hp_au_dessus_100");
    assert_eq!(controls[0]["passed"], true);
    assert!(
        controls
            .iter()
            .any(|c| c["code"] == "variation_annuelle" && c["indicator"].is_string())
    );
    assert!(body["submission"]["blocking"].is_array());
}

async fn lists_every_invalid_value_with_its_path(db: TestDb) {
    let (status, body) = post(
        &db,
        json!({"campaign": 2024, "category": "ehpad",
               "values": {"places_financees_hp": -1, "jours_ouverture_hp": 400, "code_inconnu": 3,
                          "proprietaire_locaux": 1, "journees_realisees_hp": 12.345, "personnes_gir_1": 10},
               "previous_values": {"gmp_valide": 1200}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "validation_failed");
    let mut paths: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/previous_values/gmp_valide",
            "/values/code_inconnu",
            "/values/journees_realisees_hp",
            "/values/jours_ouverture_hp",
            "/values/places_financees_hp",
            "/values/proprietaire_locaux",
        ]
    );
    for error in body["errors"].as_array().unwrap() {
        assert!(
            !error["code"].as_str().unwrap().is_empty() && !error["message"].as_str().unwrap().is_empty()
        );
    }
}

async fn unknown_category_and_uncovered_campaign_are_404(db: TestDb) {
    let (status, body) = post(&db, json!({"campaign": 2024, "category": "999", "values": {}})).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("unknown_category")));
    let (status, body) = post(&db, json!({"campaign": 2018, "category": "ehpad", "values": {}})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("campaign_not_covered"))
    );
    let (status, body) = post(&db, json!({"campaign": 2024, "category": "437", "values": {}})).await;
    assert_eq!(
        (status, body["category"].as_str()),
        (200, Some("eam")),
        "legacy alias resolved"
    );
}

async fn malformed_bodies_are_400_not_500(db: TestDb) {
    let (status, body) = post(
        &db,
        json!({"campaign": "2024", "category": "ehpad", "values": {}}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("malformed_json")));
    let (status, body) = post(
        &db,
        json!({"campaign": 2024, "category": "ehpad", "values": [1, 2]}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("malformed_json")));
}

/// The year-over-year entries of an answer: `(indicator, status, passed)`.
fn year_over_year(body: &Value) -> Vec<(String, String, Value)> {
    body["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["code"] == "variation_annuelle")
        .map(|c| {
            let text = |v: &Value| v.as_str().unwrap().to_owned();
            (text(&c["indicator"]), text(&c["status"]), c["passed"].clone())
        })
        .collect()
}

async fn the_first_campaign_has_no_year_over_year_comparison(db: TestDb) {
    let values = json!({"journees_realisees_hp": 27740, "journees_absence_moins_72h_hp": 310,
                        "places_financees_hp": 80, "jours_ouverture_hp": 365});
    let previous = json!({"journees_realisees_hp": 14000, "journees_absence_moins_72h_hp": 310,
                          "places_financees_hp": 80, "jours_ouverture_hp": 365});
    let body_for = |campaign: i32| json!({"campaign": campaign, "category": "ehpad", "values": values, "previous_values": previous});
    let (status, later) = post(&db, body_for(2020)).await;
    assert_eq!(status, 200, "{later}");
    assert!(
        year_over_year(&later).contains(&(
            "taux_occupation_hp".to_owned(),
            "evaluated".to_owned(),
            json!(false)
        )),
        "in 2020 the occupation rate doubled: the control fails"
    );
    let (status, first) = post(&db, body_for(2019)).await;
    assert_eq!(status, 200, "{first}");
    let entries = year_over_year(&first);
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|(_, status, passed)| status == "not_evaluable" && passed.is_null()),
        "{entries:?}"
    );
    assert_eq!(first["submission"]["alerts"], json!([]));
}

on_both_backends!(
    computes_the_worked_example_of_the_catalogue,
    lists_every_invalid_value_with_its_path,
    unknown_category_and_uncovered_campaign_are_404,
    malformed_bodies_are_400_not_500,
    the_first_campaign_has_no_year_over_year_comparison,
);
