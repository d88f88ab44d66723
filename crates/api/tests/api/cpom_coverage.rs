//! CPOM coverage on the demo data, checked against an independent computation from the tables, and
//! the demo's contracts seen by the demo users.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::Value;
use tdb_api::db::schema::{cpom_contracts, cpom_perimeter, structures};
use tdb_api::seed;

use crate::forms_fixtures::send;
use crate::on_both_backends;
use crate::support::{TestDb, app, auth, state};

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-12)
}

async fn coverage_matches_an_independent_computation(db: TestDb) {
    let state = state(&db);
    let mut conn = state.pool.get().unwrap();
    seed::demo::run(&mut conn, seed::Calendar::reference()).unwrap();
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let under = under_cpom_today(&mut conn, &today);
    assert!(under.len() >= 4, "the demo has contracts in force: {under:?}");
    // The ARS of Hauts-de-France sees the active structures of region 32 whose competence includes it.
    let seen: Vec<(String, String, String, String)> = structures::table
        .filter(structures::region_code.eq("32"))
        .filter(structures::competence.eq_any(["ARS", "ARS_CD"]))
        .filter(structures::active.eq(true))
        .select((
            structures::finess,
            structures::department_code,
            structures::organisation_finess,
            structures::category,
        ))
        .load(&mut conn)
        .unwrap();
    drop(conn);
    // Per department: (structures, under CPOM, managing bodies, managing bodies under CPOM).
    let mut expected: BTreeMap<String, (i64, i64, BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut missing = BTreeSet::new();
    for (finess, department, organisation, category) in &seen {
        let entry = expected.entry(department.clone()).or_default();
        entry.0 += 1;
        entry.2.insert(organisation.clone());
        if under.contains(finess) {
            entry.1 += 1;
            entry.3.insert(organisation.clone());
        } else if category == "ehpad" {
            missing.insert(finess.clone());
        }
    }

    let app = app(state.clone()).await;
    let answer = send(
        &app,
        Method::GET,
        "/api/v1/cpom/coverage?by=department",
        Some(&auth::ars(&state, "32")),
        None,
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let territories = answer.body["territories"].as_array().unwrap();
    assert_eq!(
        territories
            .iter()
            .map(|t| t["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>(),
        expected.keys().cloned().collect::<Vec<_>>()
    );
    let mut structure_shares = Vec::new();
    let mut organisation_shares = Vec::new();
    let (mut all, mut all_under, mut bodies, mut bodies_under) = (0, 0, 0, 0);
    for t in territories {
        let (n, u, orgs, orgs_under) = &expected[t["code"].as_str().unwrap()];
        assert_eq!(t["structures"], *n);
        assert_eq!(t["structures_under_cpom"], *u);
        assert_eq!(t["organisations"], orgs.len());
        assert_eq!(t["organisations_under_cpom"], orgs_under.len());
        let share = *u as f64 / *n as f64;
        let org_share = orgs_under.len() as f64 / orgs.len() as f64;
        assert!(close(&t["structure_share"], share), "{t}");
        assert!(close(&t["organisation_share"], org_share), "{t}");
        structure_shares.push(share);
        organisation_shares.push(org_share);
        (all, all_under) = (all + n, all_under + u);
        (bodies, bodies_under) = (bodies + orgs.len(), bodies_under + orgs_under.len());
    }
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let structures_summary = &answer.body["structure_share"];
    assert!(close(&structures_summary["mean"], all_under as f64 / all as f64));
    assert!(close(&structures_summary["min"], min(&structure_shares)));
    assert!(close(&structures_summary["max"], max(&structure_shares)));
    let organisations_summary = &answer.body["organisation_share"];
    assert!(close(
        &organisations_summary["mean"],
        bodies_under as f64 / bodies as f64
    ));
    assert!(close(&organisations_summary["min"], min(&organisation_shares)));
    assert!(close(&organisations_summary["max"], max(&organisation_shares)));
    // The spread is real: some department is better covered than another.
    assert!(max(&structure_shares) > min(&structure_shares));
    let listed: BTreeSet<String> = answer.body["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["finess"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, missing);

    // The demo users see their contracts; the structure sees the one covering it.
    for token in [auth::og(&state, &og_of_demo(&state)), auth::cd(&state, "59")] {
        let listed = send(
            &app,
            Method::GET,
            "/api/v1/cpom/contracts",
            Some(&token),
            None,
            None,
        )
        .await;
        assert!(!listed.body.as_array().unwrap().is_empty(), "{}", listed.body);
    }
}

/// Structures under CPOM on `today`, read straight from the tables: members that day of a contract
/// that has run (`en_cours`, `echu`, or `resilie` after that day) whose dates include the day.
fn under_cpom_today(conn: &mut tdb_api::db::DbConnection, today: &str) -> BTreeSet<String> {
    type Member = (
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
    );
    let members: Vec<Member> = cpom_perimeter::table
        .inner_join(cpom_contracts::table)
        .select((
            cpom_perimeter::structure_finess,
            cpom_perimeter::joined_on,
            cpom_perimeter::left_on,
            cpom_contracts::state,
            cpom_contracts::start_date,
            cpom_contracts::end_date,
            cpom_contracts::terminated_on,
        ))
        .load(conn)
        .unwrap();
    members
        .into_iter()
        .filter(|(_, joined, left, state, start, end, terminated)| {
            let ran = match state.as_str() {
                "en_cours" | "echu" => true,
                "resilie" => terminated.as_deref().is_some_and(|t| t > today),
                _ => false,
            };
            ran && start.as_str() <= today
                && today <= end.as_str()
                && joined.as_str() <= today
                && left.as_deref().is_none_or(|l| l > today)
        })
        .map(|(f, ..)| f)
        .collect()
}

/// Issue 19, point 6: one answer to « is this structure under a CPOM today? ». For EHPAD of the demo
/// listed by the coverage page as without CPOM past the legal deadline, and for EHPAD under a
/// contract, the fiche says the same thing, whatever the form declared (the demo's forms declare
/// CPOM the contracts do not record: the contradiction of the issue). Under a contract, the fiche
/// gives that contract's end.
async fn fiche_and_coverage_agree_on_cpom(db: TestDb) {
    let state = state(&db);
    let mut conn = state.pool.get().unwrap();
    seed::demo::run(&mut conn, seed::Calendar::reference()).unwrap();
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let under = under_cpom_today(&mut conn, &today);
    let declared: BTreeSet<String> = {
        use tdb_api::db::schema::form_values;
        form_values::table
            .filter(form_values::campaign_year.eq(2024))
            .filter(form_values::item_code.eq("cpom_en_cours"))
            .filter(form_values::value_json.eq("true"))
            .select(form_values::structure_finess)
            .load(&mut conn)
            .unwrap()
            .into_iter()
            .collect()
    };
    let ends: BTreeMap<String, String> = cpom_perimeter::table
        .inner_join(cpom_contracts::table)
        .filter(cpom_contracts::state.eq("en_cours"))
        .select((cpom_perimeter::structure_finess, cpom_contracts::end_date))
        .load::<(String, String)>(&mut conn)
        .unwrap()
        .into_iter()
        .collect();
    drop(conn);
    let app = app(state.clone()).await;
    let token = auth::ars(&state, "32");
    let coverage = send(
        &app,
        Method::GET,
        "/api/v1/cpom/coverage?by=department",
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(coverage.status, 200, "{}", coverage.body);
    let missing: Vec<String> = coverage.body["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["finess"].as_str().unwrap().to_owned())
        .collect();
    // The contradiction of the issue is in the checked sample: a form says « CPOM en cours » while the
    // coverage page lists the structure as missing.
    let contradicted: Vec<&String> = missing.iter().filter(|f| declared.contains(*f)).collect();
    assert!(
        !contradicted.is_empty(),
        "the demo has forms declaring a CPOM no contract records"
    );
    let mut sample: Vec<(String, bool)> = contradicted
        .iter()
        .take(4)
        .map(|f| ((*f).clone(), false))
        .collect();
    sample.extend(
        missing
            .iter()
            .filter(|f| !declared.contains(*f))
            .take(2)
            .map(|f| (f.clone(), false)),
    );
    sample.extend(
        under
            .iter()
            .filter(|f| !missing.contains(f))
            .take(4)
            .map(|f| (f.clone(), true)),
    );
    assert!(sample.iter().filter(|(_, u)| *u).count() >= 2, "{sample:?}");
    for (finess, is_under) in &sample {
        let fiche = send(
            &app,
            Method::GET,
            &format!("/api/v1/structures/{finess}/fiche?campaign=2024"),
            Some(&auth::national(&state)),
            None,
            None,
        )
        .await;
        assert_eq!(fiche.status, 200, "{finess}: {}", fiche.body);
        let identity = &fiche.body["identity"];
        assert_eq!(identity["cpom"], *is_under, "{finess}: {identity}");
        if *is_under {
            assert_eq!(identity["cpom_ends_on"], ends[finess].as_str(), "{finess}");
        } else {
            assert!(identity["cpom_ends_on"].is_null(), "{finess}: {identity}");
        }
    }
}

/// A committee planned months ago and never recorded comes back `late`; a held one does not.
async fn a_committee_due_and_never_held_is_late(db: TestDb) {
    let state = state(&db);
    let mut conn = state.pool.get().unwrap();
    seed::demo::run(&mut conn, seed::Calendar::reference()).unwrap();
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    use tdb_api::db::schema::cpom_committees;
    let committees: Vec<(i64, i64, String, Option<String>)> = cpom_committees::table
        .select((
            cpom_committees::id,
            cpom_committees::contract_id,
            cpom_committees::scheduled_on,
            cpom_committees::held_on,
        ))
        .load(&mut conn)
        .unwrap();
    // Make one committee due four months ago and never recorded.
    let (overdue, contract, _, _) = committees[0].clone();
    let four_months_ago = (chrono::Utc::now().date_naive() - chrono::Months::new(4))
        .format("%Y-%m-%d")
        .to_string();
    diesel::update(cpom_committees::table.find(overdue))
        .set((
            cpom_committees::scheduled_on.eq(&four_months_ago),
            cpom_committees::held_on.eq(None::<String>),
        ))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let app = app(state.clone()).await;
    let detail = send(
        &app,
        Method::GET,
        &format!("/api/v1/cpom/contracts/{contract}"),
        Some(&auth::national(&state)),
        None,
        None,
    )
    .await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    let listed = detail.body["committees"].as_array().unwrap();
    assert!(!listed.is_empty());
    for committee in listed {
        let late =
            committee["held_on"].is_null() && committee["scheduled_on"].as_str().unwrap() < today.as_str();
        assert_eq!(committee["late"], late, "{committee}");
        if committee["id"] == overdue {
            assert_eq!(committee["late"], true, "{committee}");
        }
    }
}

/// The managing body of the demo `og` user.
fn og_of_demo(state: &tdb_api::state::AppState) -> String {
    use tdb_api::db::schema::users;
    let mut conn = state.pool.get().unwrap();
    users::table
        .filter(users::email.eq("siege.og@demo.tdb.fr"))
        .select(users::organisation_finess)
        .first::<Option<String>>(&mut conn)
        .unwrap()
        .unwrap()
}

on_both_backends!(coverage_matches_an_independent_computation);
on_both_backends!(fiche_and_coverage_agree_on_cpom);
on_both_backends!(a_committee_due_and_never_held_is_late);
