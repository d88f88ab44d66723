//! What-if simulation: positions against the frozen figures recomputed here, nothing saved, scopes.

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::campaigns;
use tdb_api::state::AppState;

use crate::forms_fixtures::{EHPAD, YEAR, complete_ehpad, form_url, send, snapshot, world};
use crate::on_both_backends;
use crate::support::fixtures::{self, StructureFixture};
use crate::support::{TestDb, app, auth};

/// Five more EHPAD of the Nord, with EHPAD 590000011 a departmental group of six.
const OTHERS: [&str; 5] = ["590000031", "590000041", "590000051", "590000061", "590000071"];

/// Six complete EHPAD forms of the Nord in 2024 (days 20,000 + 700 × i), then the campaign moved to
/// `restitution` (frozen at the first read).
async fn frozen_world(db: &TestDb) -> AppState {
    let state = world(db, "collecte");
    let fixtures: Vec<StructureFixture> = OTHERS
        .iter()
        .map(|finess| StructureFixture {
            finess,
            category: "ehpad",
            organisation: "590000001",
            department: "59",
            competence: "ARS_CD",
        })
        .collect();
    fixtures::insert_structures(&state, &fixtures);
    let og = auth::og(&state, "590000001");
    let app = app(state.clone()).await;
    for (i, finess) in std::iter::once(EHPAD).chain(OTHERS).enumerate() {
        let mut values = complete_ehpad();
        values.insert("journees_realisees_hp".to_owned(), json!(20_000 + 700 * i));
        let answer = send(
            &app,
            Method::PATCH,
            &form_url(finess, ""),
            Some(&og),
            Some("\"0\""),
            Some(json!({"values": values})),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body["evaluation"]["completion"]["reached"], true);
    }
    let mut conn = state.pool.get().unwrap();
    diesel::update(campaigns::table.find(YEAR))
        .set(campaigns::phase.eq("restitution"))
        .execute(&mut conn)
        .unwrap();
    state
}

/// Occupation of a form with `days` realised, from the complete EHPAD's other items.
fn occupation(days: f64) -> f64 {
    let v = complete_ehpad();
    let n = |item: &str| v[item].as_f64().unwrap();
    (days + n("journees_absence_moins_72h_hp")) / (n("places_financees_hp") * n("jours_ouverture_hp"))
}

fn indicator<'a>(simulation: &'a Value, code: &str) -> &'a Value {
    simulation["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == code)
        .unwrap()
}

async fn simulate_matches_a_recomputation_from_the_frozen_figures(db: TestDb) {
    let state = frozen_world(&db).await;
    let esms = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let url = format!("/api/v1/campaigns/{YEAR}/structures/{EHPAD}/simulate");
    let before = snapshot(&state, EHPAD);

    // Unchanged: the simulated figures are the benchmark's.
    let same = send(
        &app,
        Method::POST,
        &url,
        Some(&esms),
        None,
        Some(json!({"values": {}})),
    )
    .await;
    assert_eq!(same.status, 200, "{}", same.body);
    assert!(same.body["frozen_at"].is_string(), "{}", same.body);
    assert_eq!(same.body["changed"], json!([]));
    let benchmark = send(
        &app,
        Method::GET,
        &format!("/api/v1/campaigns/{YEAR}/structures/{EHPAD}/benchmark"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(benchmark.status, 200, "{}", benchmark.body);
    for (sim, bench) in same.body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .zip(benchmark.body["indicators"].as_array().unwrap())
    {
        assert_eq!(sim["indicator"], bench["indicator"]);
        assert_eq!(sim["current"], bench["value"], "{}", sim["indicator"]);
        assert_eq!(sim["simulated"], bench["value"], "{}", sim["indicator"]);
        for level in ["department", "region", "national"] {
            assert_eq!(
                sim[level]["current"], bench[level]["position"],
                "{} {level}",
                sim["indicator"]
            );
            assert_eq!(
                sim[level]["simulated"], bench[level]["position"],
                "{} {level}",
                sim["indicator"]
            );
            assert_eq!(sim[level]["n"], bench[level]["n"]);
        }
    }

    // From the lowest occupation (20,000 days) to above every other: recomputed here.
    let days = 24_000.0;
    let changed = send(
        &app,
        Method::POST,
        &url,
        Some(&esms),
        None,
        Some(json!({"values": {"journees_realisees_hp": days}})),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["changed"], json!(["journees_realisees_hp"]));
    let occ = indicator(&changed.body, "taux_occupation_hp");
    let v = occupation(days);
    assert_eq!(occ["simulated"].as_f64(), Some(v));
    assert_eq!(occ["current"].as_f64(), Some(occupation(20_000.0)));
    // The group as frozen: the six occupations; the structure's own one replaced by v.
    let others: Vec<f64> = (1..6).map(|i| occupation(f64::from(20_000 + 700 * i))).collect();
    let higher = others.iter().filter(|x| **x > v).count();
    let lower = others.iter().filter(|x| **x < v).count();
    let equal = others.iter().filter(|x| **x == v).count() + 1;
    let department = &occ["department"]["simulated"];
    assert_eq!(department["rank"].as_u64(), Some(higher as u64 + 1), "{occ}");
    assert_eq!(department["position"].as_u64(), Some(lower as u64 + 1));
    let percentile = 100.0 * (lower as f64 + 0.5 * equal as f64) / 6.0;
    assert_eq!(department["percentile"].as_f64(), Some(percentile));
    assert_eq!(department["quartile"], 4);
    assert_eq!(occ["department"]["current"]["rank"], 6);
    // The box plot does not move: the published statistics of the group.
    assert_eq!(occ["department"]["n"], 6);
    let mut frozen: Vec<f64> = others.clone();
    frozen.push(occupation(20_000.0));
    frozen.sort_by(f64::total_cmp);
    assert_eq!(occ["department"]["stats"]["max"].as_f64(), Some(frozen[5]));

    // Nothing saved.
    assert_eq!(snapshot(&state, EHPAD), before);

    // A bad value: 422 naming it, nothing saved.
    let bad = send(
        &app,
        Method::POST,
        &url,
        Some(&esms),
        None,
        Some(json!({"values": {"journees_realisees_hp": -3}})),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.body["errors"][0]["path"], "/values/journees_realisees_hp");
}

async fn nobody_simulates_outside_their_scope(db: TestDb) {
    let state = frozen_world(&db).await;
    let app = app(state.clone()).await;
    let body = || Some(json!({"values": {"journees_realisees_hp": 21_000}}));
    let url = |finess: &str| format!("/api/v1/campaigns/{YEAR}/structures/{finess}/simulate");
    let esms = auth::esms(&state, &[EHPAD]);
    // A structure: its own values only, never another's (same department, same managing body).
    let other = send(&app, Method::POST, &url(OTHERS[0]), Some(&esms), None, body()).await;
    assert_eq!(
        (other.status, other.body["code"].as_str()),
        (404, Some("structure_not_found"))
    );
    let own = send(&app, Method::POST, &url(EHPAD), Some(&esms), None, body()).await;
    assert_eq!(own.status, 200, "{}", own.body);
    // An ARS: only in its region.
    let ars_32 = auth::ars(&state, "32");
    assert_eq!(
        send(&app, Method::POST, &url(OTHERS[0]), Some(&ars_32), None, body())
            .await
            .status,
        200
    );
    assert_eq!(
        send(&app, Method::POST, &url("750000011"), Some(&ars_32), None, body())
            .await
            .status,
        404
    );
    let ars_11 = auth::ars(&state, "11");
    assert_eq!(
        send(&app, Method::POST, &url("750000011"), Some(&ars_11), None, body())
            .await
            .status,
        200
    );
    assert_eq!(
        send(&app, Method::POST, &url(EHPAD), Some(&ars_11), None, body())
            .await
            .status,
        404
    );
    // Partners: as the benchmark, with `read` only.
    let reader = auth::partner(&state, &["read"], None);
    assert_eq!(
        send(&app, Method::POST, &url(EHPAD), Some(&reader), None, body())
            .await
            .status,
        200
    );
    let pusher = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    assert_eq!(
        send(&app, Method::POST, &url(EHPAD), Some(&pusher), None, body())
            .await
            .status,
        404
    );
    assert_eq!(
        send(&app, Method::POST, &url(EHPAD), None, None, body())
            .await
            .status,
        401
    );
}

on_both_backends!(
    simulate_matches_a_recomputation_from_the_frozen_figures,
    nobody_simulates_outside_their_scope,
);
