//! `tdb seed --demo` and `tdb seed --national`: what they load, that users can log in, idempotence.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::test;
use diesel::prelude::*;
use serde_json::Value;
use tdb_api::auth::password;
use tdb_api::db::schema::{api_clients, campaigns, form_values, forms, structures, user_structures, users};
use tdb_api::seed;
use tdb_api::services::exports::regional::{self, Source};

use crate::on_both_backends;
use crate::support::{TestDb, app, auth, state};

async fn demo_seed_loads_a_realistic_world(db: TestDb) {
    let state = state(&db);
    let mut conn = state.pool.get().unwrap();
    let summary = seed::demo::run(&mut conn, seed::Calendar::reference()).unwrap();
    assert!(!summary.already_loaded);
    assert!((550..=650).contains(&summary.structures), "{summary:?}");

    let categories: BTreeSet<String> = structures::table
        .select(structures::category)
        .load(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(categories.len(), 20, "{categories:?}");
    let hdf: BTreeSet<String> = structures::table
        .filter(structures::region_code.eq("32"))
        .select(structures::department_code)
        .load(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        hdf.into_iter().collect::<Vec<_>>(),
        ["02", "59", "60", "62", "80"]
    );
    let regions: BTreeSet<String> = structures::table
        .select(structures::region_code)
        .load(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(regions.into_iter().collect::<Vec<_>>(), ["11", "32", "44"]);

    let accounts: Vec<(String, String, String)> = users::table
        .select((users::email, users::role, users::password_hash))
        .order(users::role)
        .load(&mut conn)
        .unwrap();
    let roles: Vec<&str> = accounts.iter().map(|a| a.1.as_str()).collect();
    assert_eq!(roles, ["ars", "cd", "esms", "national", "og"]);
    for (email, role, hash) in &accounts {
        let credential = summary.credentials.iter().find(|c| c.login == *email).unwrap();
        assert_eq!(credential.role, role);
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            password::verify(hash, &credential.secret),
            "{email} cannot log in"
        );
        assert!(!password::verify(hash, "wrong password"));
    }
    let (scopes, source, secret_hash): (String, Option<String>, String) = api_clients::table
        .find("cnsa-demo")
        .select((api_clients::scopes, api_clients::source, api_clients::secret_hash))
        .first(&mut conn)
        .unwrap();
    assert_eq!(
        (scopes.as_str(), source.as_deref()),
        ("read prefill:write", Some("cnsa_errd"))
    );
    let partner = summary.credentials.iter().find(|c| c.role == "partner").unwrap();
    assert!(password::verify(&secret_hash, &partner.secret));
    let (esms_structure, category): (String, String) = user_structures::table
        .inner_join(structures::table)
        .select((structures::finess, structures::category))
        .first(&mut conn)
        .unwrap();
    assert_eq!(category, "ehpad");
    assert!(esms_structure.starts_with("59"));

    let phases: Vec<(i32, String)> = campaigns::table
        .select((campaigns::year, campaigns::phase))
        .order(campaigns::year)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        phases,
        [
            (2022, "archivee".to_owned()),
            (2023, "restitution".to_owned()),
            (2024, "collecte".to_owned())
        ]
    );
    let states: Vec<(i32, String)> = forms::table
        .select((forms::campaign_year, forms::state))
        .load(&mut conn)
        .unwrap();
    let mut by_year: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
    for (year, form_state) in states {
        by_year.entry(year).or_default().insert(form_state);
    }
    assert_eq!(by_year[&2022].iter().collect::<Vec<_>>(), ["cloture"]);
    assert_eq!(by_year[&2023].iter().collect::<Vec<_>>(), ["cloture"]);
    for expected in [
        "non_commence",
        "en_cours",
        "soumis",
        "correction_demandee",
        "valide",
    ] {
        assert!(by_year[&2024].contains(expected), "no {expected} form in 2024");
    }
    assert_valid_form_evaluates_cleanly(&mut conn);

    let again = seed::demo::run(&mut conn, seed::Calendar::reference()).unwrap();
    assert!(again.already_loaded);
    assert_eq!(again.credentials, summary.credentials);
    let count: i64 = structures::table.count().get_result(&mut conn).unwrap();
    assert_eq!(usize::try_from(count).unwrap(), summary.structures);
    drop(conn);

    let app = app(state.clone()).await;
    let request = test::TestRequest::get()
        .uri("/api/v1/campaigns/2024/progress?by=region")
        .insert_header(("Authorization", auth::national(&state)))
        .to_request();
    let body: Value = test::call_and_read_body_json(&app, request).await;
    let ranks: Vec<u64> = body["territories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["rank"].as_u64().unwrap())
        .collect();
    let mut sorted = ranks.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 2, 3]);
    assert_eq!(body["total"]["structures"], summary.structures);
}

/// A validated EHPAD form of 2024: stored values pass the catalogue, reach the threshold, fail no
/// blocking control, and its cached completion is the engine's.
fn assert_valid_form_evaluates_cleanly(conn: &mut tdb_api::db::DbConnection) {
    let (finess, filled, required): (String, i32, i32) = forms::table
        .inner_join(structures::table)
        .filter(forms::campaign_year.eq(2024))
        .filter(forms::state.eq("valide"))
        .filter(structures::category.eq("ehpad"))
        .select((structures::finess, forms::filled, forms::required))
        .first(conn)
        .unwrap();
    let rows: Vec<(String, String)> = form_values::table
        .filter(form_values::campaign_year.eq(2024))
        .filter(form_values::structure_finess.eq(&finess))
        .select((form_values::item_code, form_values::value_json))
        .load(conn)
        .unwrap();
    let values: BTreeMap<String, Value> = rows
        .into_iter()
        .map(|(code, json)| (code, serde_json::from_str(&json).unwrap()))
        .collect();
    let catalogue = tdb_domain::catalogue_for(2024).unwrap();
    let typed = tdb_domain::FormValues::from_json(catalogue, &values).unwrap();
    let evaluation = tdb_domain::evaluate(catalogue, "ehpad", &typed, None, &BTreeSet::new()).unwrap();
    let result = evaluation.to_result();
    assert_eq!(
        (result.completion.filled, result.completion.required),
        (u32::try_from(filled).unwrap(), u32::try_from(required).unwrap())
    );
    assert!(evaluation.can_submit(), "{finess}: {:?}", result.submission);
    // Catalogue 1.1: the sub-lines and rooms are filled, within their totals and the beds.
    for code in [
        "etp_direction_encadrement_detail_superieur_total",
        "etp_socio_educatif_detail_superieur_total",
        "etp_paramedical_detail_superieur_total",
        "etp_medical_detail_superieur_total",
        "chambres_superieures_places_installees",
    ] {
        let control = result.controls.iter().find(|c| c.code == code).unwrap();
        assert_eq!(control.passed, Some(true), "{finess}: {code}");
    }
    let ok = result
        .indicators
        .values()
        .filter(|i| i.status == tdb_domain::contract::IndicatorStatus::Ok)
        .count();
    let applicable = result
        .indicators
        .values()
        .filter(|i| i.status != tdb_domain::contract::IndicatorStatus::NotApplicable)
        .count();
    assert_eq!(ok, applicable, "every applicable indicator of a full form is ok");
}

async fn national_seed_spreads_structures_over_every_department(db: TestDb) {
    let state = state(&db);
    let mut conn = state.pool.get().unwrap();
    let mut calls = Vec::new();
    let summary = seed::national::run(&mut conn, 300, |done, total| calls.push((done, total))).unwrap();
    assert_eq!(summary.structures, 300);
    assert_eq!(calls.last(), Some(&(300, 300)));
    let departments: BTreeSet<String> = structures::table
        .select(structures::department_code)
        .load(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(departments.len(), 101);
    let per_year: Vec<(i32, i64)> = forms::table
        .group_by(forms::campaign_year)
        .select((forms::campaign_year, diesel::dsl::count_star()))
        .order(forms::campaign_year)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        per_year.iter().map(|(y, _)| *y).collect::<Vec<_>>(),
        [2022, 2023, 2024]
    );
    for (year, n) in &per_year {
        assert!((250..=300).contains(n), "{year}: {n} forms");
    }
    let values: i64 = form_values::table.count().get_result(&mut conn).unwrap();
    assert_eq!(usize::try_from(values).unwrap(), summary.values);
    let finess: Vec<String> = structures::table
        .select(structures::finess)
        .load(&mut conn)
        .unwrap();
    assert!(
        finess.iter().all(|f| tdb_api::services::structures::is_finess(f)),
        "{finess:?}"
    );

    let again = seed::national::run(&mut conn, 300, |_, _| {}).unwrap();
    assert_eq!(again.already_present, Some(300));
    drop(conn);
    regional_export_fills_every_column_the_pipelines_read(&state).await;
}

/// On the national seed (the world above, not another one): the regional export of campaign 2023 (the
/// last published one), for every column the ARS pipelines read (`used_by` in the official header),
/// counts the non-empty cells among the rows of the categories the pipeline concerns — EHPAD for
/// `controle_ehpad`, PH categories for `MATRICE_PH` — and requires values in each. Before catalogue 1.1,
/// DM (rooms) and the 18 « - Dont … » ETP columns were empty everywhere.
async fn regional_export_fills_every_column_the_pipelines_read(state: &tdb_api::state::AppState) {
    let app = app(state.clone()).await;
    let request = test::TestRequest::get()
        .uri("/api/v1/campaigns/2023/export?layout=regional")
        .insert_header(("Authorization", auth::national(state)))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 200);
    let body = test::read_body(response).await;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body.as_ref());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let spec: Value = serde_json::from_str(include_str!("../data/regional_export_header.json")).unwrap();
    let catalogue = tdb_domain::catalogue_for(2023).unwrap();
    let label = |code: &str| {
        catalogue
            .categories()
            .iter()
            .find(|c| c.code == code)
            .unwrap()
            .label
            .clone()
    };
    let ehpad = label("ehpad");
    let ph: BTreeSet<String> = catalogue
        .categories()
        .iter()
        .filter(|c| c.public != tdb_domain::contract::Public::Pa)
        .map(|c| c.label.clone())
        .collect();
    let category = |row: &csv::StringRecord| row.get(2).unwrap().to_owned();
    let ehpad_rows: Vec<&csv::StringRecord> = rows.iter().filter(|r| category(r) == ehpad).collect();
    let ph_rows: Vec<&csv::StringRecord> = rows.iter().filter(|r| ph.contains(&category(r))).collect();
    assert!(
        ehpad_rows.len() >= 50 && ph_rows.len() >= 50,
        "{} {}",
        ehpad_rows.len(),
        ph_rows.len()
    );
    let sources: Vec<Source> = regional::columns().iter().map(|c| c.source).collect();
    let mut checked = 0;
    for column in spec["columns"].as_array().unwrap() {
        let users = column["used_by"].as_array().unwrap();
        let position = usize::try_from(column["position"].as_u64().unwrap() - 1).unwrap();
        let excel = column["excel_column"].as_str().unwrap();
        let name = column["label"].as_str().unwrap();
        let filled = |rows: &[&csv::StringRecord]| {
            rows.iter()
                .filter(|r| !r.get(position).unwrap().is_empty())
                .count()
        };
        if users.iter().any(|u| u == "controle_ehpad") {
            let n = filled(&ehpad_rows);
            eprintln!("controle_ehpad {excel:>2} {n:>3}/{} {name}", ehpad_rows.len());
            // At least half the EHPAD rows: 3 % have no form, a tenth of the others are 93 % filled.
            assert!(
                2 * n >= ehpad_rows.len(),
                "{excel} « {name} »: {n}/{} EHPAD rows",
                ehpad_rows.len()
            );
            // controle_ehpad averages the values (`MOY3`: `float(str(v))`): any text would fail its
            // query. (E, the FINESS, is text: `2A…` in Corsica.)
            let numeric = matches!(sources[position], Source::Item(_) | Source::Indicator(_));
            for row in ehpad_rows.iter().filter(|_| numeric) {
                let cell = row.get(position).unwrap();
                assert!(cell.is_empty() || cell.parse::<f64>().is_ok(), "{excel}: {cell}");
            }
            checked += 1;
        }
        if users.iter().any(|u| u == "MATRICE_PH") {
            let n = filled(&ph_rows);
            eprintln!("MATRICE_PH     {excel:>2} {n:>3}/{} {name}", ph_rows.len());
            // IR (médecin coordonnateur) is an EHPAD item: it has no value for a PH structure.
            let ehpad_only = sources[position] == Source::Item("etp_medical_medecin_coordonnateur");
            if ehpad_only {
                assert_eq!(n, 0, "{excel}");
            } else {
                assert!(n > 0, "{excel} « {name} »: no value among the PH rows");
            }
        }
    }
    assert_eq!(checked, 41);
}

/// What a newcomer sees on the demo seeded today: the current campaign in collecte with a deadline ahead,
/// and the demo `esms` user's form editable, partly filled, with a prefilled value and an alert.
async fn the_demo_seeded_today_is_live_for_the_structure_user(db: TestDb) {
    let state = state(&db);
    let calendar = seed::Calendar::today();
    let summary = seed::demo::run(&mut state.pool.get().unwrap(), calendar).unwrap();
    let esms = summary.credentials.iter().find(|c| c.role == "esms").unwrap();
    let app = app(state.clone()).await;
    let login = test::TestRequest::post()
        .uri("/api/v1/auth/login")
        .peer_addr("10.0.0.9:50000".parse().unwrap())
        .set_json(serde_json::json!({"email": esms.login, "password": esms.secret}))
        .to_request();
    let answer = test::call_service(&app, login).await;
    assert_eq!(answer.status(), 200);
    let body: Value = test::read_body_json(answer).await;
    let bearer = format!("Bearer {}", body["access_token"].as_str().unwrap());
    let get = |uri: String| {
        test::TestRequest::get()
            .uri(&uri)
            .insert_header(("Authorization", bearer.clone()))
            .to_request()
    };

    let campaigns: Value = test::call_and_read_body_json(&app, get("/api/v1/campaigns".to_owned())).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
        .to_string();
    let open: Vec<&Value> = campaigns
        .as_array()
        .or_else(|| campaigns["items"].as_array())
        .unwrap()
        .iter()
        .filter(|c| c["phase"] == "collecte")
        .collect();
    assert_eq!(open.len(), 1, "{campaigns}");
    let year = open[0]["year"].as_i64().unwrap();
    assert_eq!(year, i64::from(calendar.current_year()));
    let closes = open[0]["dates"]["collecte_closes_on"].as_str().unwrap();
    let opened = open[0]["dates"]["collecte_opens_on"].as_str().unwrap();
    assert!(closes > today.as_str(), "deadline {closes} is not after {today}");
    assert!(opened <= today.as_str(), "collecte opens {opened}, after {today}");

    let finess = esms.scope.trim_start_matches("structure ");
    let form: Value = test::call_and_read_body_json(
        &app,
        get(format!("/api/v1/campaigns/{year}/structures/{finess}/form")),
    )
    .await;
    assert_eq!(form["editable"], true, "{}", form["state"]);
    assert_eq!(form["state"], "en_cours");
    let rate = form["evaluation"]["completion"]["rate"].as_f64().unwrap();
    assert!(rate > 0.3 && rate < 0.9, "completion {rate}");
    let prefilled = form["values"]
        .as_object()
        .unwrap()
        .values()
        .filter(|v| v["prefill_source"].is_string())
        .count();
    assert!(prefilled > 0, "no prefilled value");
    let alerts = form["evaluation"]["submission"]["unjustified_alerts"]
        .as_array()
        .unwrap();
    assert!(
        alerts.iter().any(|a| a == "gir_egal_effectif"),
        "alerts: {alerts:?}"
    );
}

/// The demo's published campaign is frozen at seeding, so the cached alert count of each form of the
/// open campaign (what the review queue shows) includes its peer outlier flags (`ecart_pairs.…`), as
/// its document does: every form of 2024 on the reference calendar, checked one by one.
async fn the_demo_queue_counts_the_peer_flags_of_the_open_campaign(db: TestDb) {
    let state = state(&db);
    seed::demo::run(&mut state.pool.get().unwrap(), seed::Calendar::reference()).unwrap();
    let cached: Vec<(String, i32)> = forms::table
        .inner_join(structures::table)
        .filter(forms::campaign_year.eq(2024))
        .select((forms::structure_finess, forms::alert_count))
        .load(&mut state.pool.get().unwrap())
        .unwrap();
    assert!(cached.len() >= 20, "{}", cached.len());
    let app = app(state.clone()).await;
    let national = auth::national(&state);
    let mut flagged = 0;
    for (finess, count) in &cached {
        let request = test::TestRequest::get()
            .uri(&format!("/api/v1/campaigns/2024/structures/{finess}/form"))
            .insert_header(("Authorization", national.clone()))
            .to_request();
        let form: Value = test::call_and_read_body_json(&app, request).await;
        let alerts = form["evaluation"]["submission"]["alerts"].as_array().unwrap();
        if alerts
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("ecart_pairs."))
        {
            flagged += 1;
        }
        assert_eq!(
            usize::try_from(*count).unwrap(),
            alerts.len(),
            "{finess}: cached {count}, document {alerts:?}"
        );
    }
    assert!(
        flagged > 0,
        "no form of 2024 has a peer flag: the check would prove nothing"
    );
}

on_both_backends!(
    the_demo_queue_counts_the_peer_flags_of_the_open_campaign,
    the_demo_seeded_today_is_live_for_the_structure_user,
    demo_seed_loads_a_realistic_world,
    national_seed_spreads_structures_over_every_department
);
