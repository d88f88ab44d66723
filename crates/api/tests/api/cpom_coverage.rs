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
    seed::demo::run(&mut conn).unwrap();
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    // Structures under CPOM: members today of a contract `en_cours`, read straight from the tables.
    let members: Vec<(String, String, Option<String>)> = cpom_perimeter::table
        .inner_join(cpom_contracts::table)
        .filter(cpom_contracts::state.eq("en_cours"))
        .select((
            cpom_perimeter::structure_finess,
            cpom_perimeter::joined_on,
            cpom_perimeter::left_on,
        ))
        .load(&mut conn)
        .unwrap();
    let under: BTreeSet<String> = members
        .into_iter()
        .filter(|(_, joined, left)| {
            joined.as_str() <= today.as_str() && left.as_ref().is_none_or(|l| l.as_str() > today.as_str())
        })
        .map(|(f, _, _)| f)
        .collect();
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
