//! Peer outlier alerts (`ecart_pairs.<indicator>`): computed on PATCH against the last frozen campaign,
//! the same on `POST /evaluate` given the reference, justification required before submission, counted
//! in the review queue; the reference endpoint (figures, ETag, refusals).

use actix_web::http::Method;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};
use tdb_api::db::schema::{benchmark_snapshot_inputs, benchmark_snapshots};
use tdb_api::state::AppState;

use crate::forms_fixtures::{EHPAD, YEAR, complete_ehpad, form_url, send, world};
use crate::on_both_backends;
use crate::support::{TestDb, app, auth, fixtures};

/// The frozen campaign the flags compare with.
const FROZEN: i32 = YEAR - 1;

/// Occupation rates of the six EHPAD of region 32 frozen in 2023: median 0.525, MAD 0.015.
const REGION_32: [f64; 6] = [0.50, 0.51, 0.52, 0.53, 0.54, 0.55];

/// Campaign 2023 in `restitution`, frozen with six EHPAD of region 32 that reached the threshold (and
/// one that did not, which must not count), each with only `taux_occupation_hp`.
fn freeze_reference(state: &AppState) {
    fixtures::insert_campaign(state, FROZEN, "restitution");
    let catalogue = tdb_domain::catalogue_for(FROZEN).unwrap();
    let index = catalogue.indicator_index("taux_occupation_hp").unwrap();
    let values = |v: f64| {
        let mut all: Vec<Option<f64>> = vec![None; catalogue.indicators().len()];
        all[index] = Some(v);
        serde_json::to_string(&all).unwrap()
    };
    let mut conn = state.pool.get().unwrap();
    diesel::insert_into(benchmark_snapshots::table)
        .values((
            benchmark_snapshots::campaign_year.eq(FROZEN),
            benchmark_snapshots::frozen_at.eq(Utc::now().naive_utc()),
            benchmark_snapshots::structures.eq(7),
        ))
        .execute(&mut conn)
        .unwrap();
    let rows: Vec<(String, bool, f64)> = REGION_32
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("5900001{i:02}"), true, *v))
        .chain([("590000199".to_owned(), false, 9.0)])
        .collect();
    for (finess, reached, v) in rows {
        diesel::insert_into(benchmark_snapshot_inputs::table)
            .values((
                benchmark_snapshot_inputs::campaign_year.eq(FROZEN),
                benchmark_snapshot_inputs::structure_finess.eq(finess),
                benchmark_snapshot_inputs::category.eq("ehpad"),
                benchmark_snapshot_inputs::region_code.eq("32"),
                benchmark_snapshot_inputs::department_code.eq("59"),
                benchmark_snapshot_inputs::reached.eq(reached),
                benchmark_snapshot_inputs::values_json.eq(values(v)),
            ))
            .execute(&mut conn)
            .unwrap();
    }
}

/// Type-7 median of sorted values, written out here.
fn median(sorted: &[f64]) -> f64 {
    let h = (sorted.len() - 1) as f64 * 0.5;
    let lo = h.floor() as usize;
    if lo + 1 >= sorted.len() {
        sorted[lo]
    } else {
        sorted[lo] + (h - lo as f64) * (sorted[lo + 1] - sorted[lo])
    }
}

fn peer_entry<'a>(evaluation: &'a Value, indicator: &str) -> &'a Value {
    evaluation["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "ecart_pairs" && c["indicator"] == indicator)
        .unwrap_or_else(|| panic!("no ecart_pairs entry for {indicator}: {evaluation}"))
}

const KEY: &str = "ecart_pairs.taux_occupation_hp";

async fn flags_on_patch_and_evaluate_justified_before_submission_counted_in_the_queue(db: TestDb) {
    let state = world(&db, "collecte");
    freeze_reference(&state);
    let esms = auth::esms(&state, &[EHPAD]);
    let ars = auth::ars(&state, "32");
    let app = app(state.clone()).await;

    // A complete, coherent EHPAD whose occupation (about 95 %) is far from the 52.5 % of its region.
    let values = complete_ehpad();
    let filled = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&esms),
        Some("\"0\""),
        Some(json!({"values": values})),
    )
    .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    let evaluation = &filled.body["evaluation"];
    let x = evaluation["indicators"]["taux_occupation_hp"]["value"]
        .as_f64()
        .unwrap();
    let entry = peer_entry(evaluation, "taux_occupation_hp");
    assert_eq!(
        (&entry["severity"], &entry["status"], &entry["passed"]),
        (&json!("alerte"), &json!("evaluated"), &json!(false)),
        "{entry}"
    );
    // Independent figures: median 0.525, MAD = median(|v − 0.525|) = 0.015; the unreached 9.0 left out.
    let mut sorted = REGION_32.to_vec();
    let m = median(&sorted);
    sorted = sorted.iter().map(|v| (v - m).abs()).collect();
    sorted.sort_by(f64::total_cmp);
    let mad = median(&sorted);
    let z = 0.6745 * (x - m) / mad;
    assert!(z > 3.5, "z = {z}");
    let message = entry["message"].as_str().unwrap();
    let shown_z = format!("{z:.1}").replace('.', ",");
    assert!(
        message.contains("médiane des EHPAD de la région 52,5\u{202f}%")
            && message.contains(&format!("écart robuste {shown_z}"))
            && message.contains("votre valeur "),
        "{message}"
    );
    assert!(
        evaluation["submission"]["unjustified_alerts"]
            .as_array()
            .unwrap()
            .contains(&json!(KEY))
    );

    // The same flag from POST /evaluate given the reference the web app fetches: the same entry.
    let reference = send(
        &app,
        Method::GET,
        &format!("/api/v1/campaigns/{YEAR}/peer-reference?category=ehpad&region=32"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(reference.status, 200, "{}", reference.body);
    let evaluated = send(
        &app,
        Method::POST,
        "/api/v1/evaluate",
        None,
        None,
        Some(json!({"campaign": YEAR, "category": "ehpad", "values": values,
                    "peer_reference": reference.body})),
    )
    .await;
    assert_eq!(evaluated.status, 200, "{}", evaluated.body);
    assert_eq!(peer_entry(&evaluated.body, "taux_occupation_hp"), entry);
    let ecart = |e: &Value| -> Vec<Value> {
        e["controls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["code"] == "ecart_pairs")
            .cloned()
            .collect()
    };
    assert_eq!(ecart(&evaluated.body), ecart(evaluation));
    assert_eq!(evaluated.body["submission"], evaluation["submission"]);

    // Not submittable until justified.
    let refused = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/submit"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (409, Some("cannot_submit")),
        "{}",
        refused.body
    );
    assert_eq!(
        refused.body["errors"][0]["path"],
        format!("/justifications/{KEY}")
    );
    let justified = send(
        &app,
        Method::PUT,
        &form_url(EHPAD, &format!("/justifications/{KEY}")),
        Some(&esms),
        None,
        Some(json!({"text": "Capacité réduite pendant les travaux : le taux de 2023 était bas."})),
    )
    .await;
    assert_eq!(justified.status, 200, "{}", justified.body);
    assert_eq!(justified.body["evaluation"]["completion"]["can_submit"], true);
    let submitted = send(
        &app,
        Method::POST,
        &form_url(EHPAD, "/submit"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);

    // The review queue counts it.
    let queue = send(
        &app,
        Method::GET,
        &format!("/api/v1/structures?awaiting=me&campaign={YEAR}"),
        Some(&ars),
        None,
        None,
    )
    .await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let item = queue.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["finess"] == EHPAD)
        .unwrap_or_else(|| panic!("{}", queue.body));
    let alerts = submitted.body["evaluation"]["submission"]["alerts"]
        .as_array()
        .unwrap();
    assert!(alerts.contains(&json!(KEY)));
    assert_eq!(item["form"]["alert_count"].as_u64(), Some(alerts.len() as u64));
}

async fn a_typical_value_passes_and_without_a_frozen_campaign_nothing_flags(db: TestDb) {
    let state = world(&db, "collecte");
    let esms = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let filled = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&esms),
        Some("\"0\""),
        Some(json!({"values": complete_ehpad()})),
    )
    .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    assert!(
        !filled.body["evaluation"]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "ecart_pairs")
    );
    // Frozen since: the next read compares (the form's cached document does not hide it).
    freeze_reference(&state);
    let read = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&esms), None, None).await;
    assert_eq!(
        peer_entry(&read.body["evaluation"], "taux_occupation_hp")["passed"],
        false
    );
    // 52 %, typical of the group (z = 0.6745 × (0.52 − 0.525) ÷ 0.015 ≈ −0.22), passes.
    let typical = send(
        &app,
        Method::PATCH,
        &form_url(EHPAD, ""),
        Some(&esms),
        read.etag.as_deref(),
        Some(
            json!({"values": {"journees_realisees_hp": 520, "journees_absence_moins_72h_hp": 0,
                               "places_financees_hp": 10, "jours_ouverture_hp": 100}}),
        ),
    )
    .await;
    assert_eq!(typical.status, 200, "{}", typical.body);
    let evaluation = &typical.body["evaluation"];
    assert_eq!(
        evaluation["indicators"]["taux_occupation_hp"]["value"].as_f64(),
        Some(0.52)
    );
    let entry = peer_entry(evaluation, "taux_occupation_hp");
    assert_eq!(
        (&entry["status"], &entry["passed"]),
        (&json!("evaluated"), &json!(true)),
        "{entry}"
    );
    assert!(
        !evaluation["submission"]["alerts"]
            .as_array()
            .unwrap()
            .contains(&json!(KEY))
    );
}

async fn the_reference_endpoint_gives_the_figures_with_an_etag(db: TestDb) {
    let state = world(&db, "collecte");
    freeze_reference(&state);
    let esms = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let url = format!("/api/v1/campaigns/{YEAR}/peer-reference?category=500&region=32");
    let first = send(&app, Method::GET, &url, Some(&esms), None, None).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        (first.body["campaign"].as_i64(), &first.body["category"]),
        (Some(i64::from(FROZEN)), &json!("ehpad"))
    );
    let group = &first.body["indicators"]["taux_occupation_hp"]["region"];
    assert_eq!(group["n"], 6);
    assert_eq!(group["withheld"], false);
    assert_eq!(group["median"].as_f64(), Some(median(&REGION_32)));
    assert!((group["mad"].as_f64().unwrap() - 0.015).abs() < 1e-12, "{group}");
    assert_eq!(first.body["indicators"]["taux_occupation_hp"]["national"]["n"], 6);
    // Indicators without counted values: their groups are withheld (n = 0).
    assert_eq!(
        first.body["indicators"]["taux_absenteisme"]["national"]["withheld"],
        true
    );
    let tag = first.etag.clone().unwrap();

    let request = actix_web::test::TestRequest::get()
        .uri(&url)
        .insert_header(("Authorization", esms.clone()))
        .insert_header(("If-None-Match", tag.clone()))
        .to_request();
    let response = actix_web::test::call_service(&app, request).await;
    assert_eq!(response.status().as_u16(), 304);
    assert_eq!(response.headers().get("ETag").unwrap().to_str().unwrap(), tag);

    let no_earlier = send(
        &app,
        Method::GET,
        &format!("/api/v1/campaigns/{FROZEN}/peer-reference?category=ehpad"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(
        (no_earlier.status, no_earlier.body["code"].as_str()),
        (404, Some("no_peer_reference"))
    );
    let unknown = send(
        &app,
        Method::GET,
        &format!("/api/v1/campaigns/{YEAR}/peer-reference?category=zzz&region=99"),
        Some(&esms),
        None,
        None,
    )
    .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    let paths: Vec<&str> = unknown.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/query/category", "/query/region"]);
    let pusher = auth::partner(&state, &["prefill:write"], Some("cnsa_errd"));
    let refused = send(&app, Method::GET, &url, Some(&pusher), None, None).await;
    assert_eq!(refused.status, 403);
}

async fn a_published_campaign_not_frozen_yet_is_frozen_for_the_reference(db: TestDb) {
    let state = world(&db, "collecte");
    fixtures::insert_campaign(&state, FROZEN, "restitution");
    let esms = auth::esms(&state, &[EHPAD]);
    let app = app(state.clone()).await;
    let read = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&esms), None, None).await;
    assert!(
        !read.body["evaluation"]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "ecart_pairs")
    );
    let url = format!("/api/v1/campaigns/{YEAR}/peer-reference?category=ehpad");
    let reference = send(&app, Method::GET, &url, Some(&esms), None, None).await;
    assert_eq!(reference.status, 200, "{}", reference.body);
    assert_eq!(reference.body["campaign"].as_i64(), Some(i64::from(FROZEN)));
    assert!(reference.body["frozen_at"].is_string());
    assert_eq!(
        reference.body["indicators"]["taux_occupation_hp"]["national"]["withheld"],
        true
    );
    // From then on the form compares (every group withheld here: not evaluable, no alert).
    let read = send(&app, Method::GET, &form_url(EHPAD, ""), Some(&esms), None, None).await;
    assert_eq!(
        peer_entry(&read.body["evaluation"], "taux_occupation_hp")["status"],
        "not_evaluable"
    );
}

on_both_backends!(
    a_published_campaign_not_frozen_yet_is_frozen_for_the_reference,
    flags_on_patch_and_evaluate_justified_before_submission_counted_in_the_queue,
    a_typical_value_passes_and_without_a_frozen_campaign_nothing_flags,
    the_reference_endpoint_gives_the_figures_with_an_etag,
);
