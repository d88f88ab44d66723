//! Property tests: the engine never panics, peer statistics keep their order, ranks follow the
//! direction, and the shares of a complete breakdown add up to 1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Value as Json, json};
use tdb_domain::contract::{Direction, EvaluateRequest, IndicatorStatus};
use tdb_domain::stats::{peer_stats, position, sort_values, summary};
use tdb_domain::{EvaluateError, catalogue_for, evaluate_request, evaluate_request_lenient};

fn item_codes() -> Vec<String> {
    catalogue_for(2024)
        .unwrap()
        .items()
        .iter()
        .map(|i| i.code.clone())
        .collect()
}

fn any_code() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(item_codes()),
        1 => "[a-z_]{1,12}",
        1 => ".{0,8}",
    ]
}

fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        (0u32..100_000).prop_map(Json::from),
        (0u32..10_000_000).prop_map(|c| json!(f64::from(c) / 100.0)),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |x| x.is_finite())
            .prop_map(Json::from),
        Just(json!("sans_objet")),
        Just(json!("2024-02-29")),
        Just(json!("m22")),
        ".{0,10}".prop_map(Json::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Json::from),
            proptest::collection::btree_map("[a-z]{1,3}", inner, 0..3)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

fn any_values() -> impl Strategy<Value = BTreeMap<String, Json>> {
    proptest::collection::btree_map(any_code(), any_json(), 0..60)
}

fn any_category() -> impl Strategy<Value = String> {
    let mut known: Vec<String> = catalogue_for(2024)
        .unwrap()
        .categories()
        .iter()
        .map(|c| c.code.clone())
        .collect();
    known.extend(["500", "437", "460", "EHPAD", ""].map(str::to_owned));
    proptest::sample::select(known)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn evaluation_never_panics(
        campaign in 2017i32..2029,
        category in any_category(),
        values in any_values(),
        previous in proptest::option::of(any_values()),
        justified in proptest::collection::vec("[a-z_.]{0,30}", 0..4),
    ) {
        let req = EvaluateRequest { campaign, category, values, previous_values: previous, justified,
            peer_reference: None };
        match evaluate_request_lenient(&req) {
            Ok(result) => {
                prop_assert_eq!(result.indicators.len(), 114);
                prop_assert!(result.completion.filled <= result.completion.required);
                let invalid = result.invalid.unwrap();
                for (code, indicator) in &result.indicators {
                    prop_assert_eq!(indicator.value.is_some(), indicator.status == IndicatorStatus::Ok, "{}", code);
                    if let Some(v) = indicator.value {
                        prop_assert!(v.is_finite(), "{} = {}", code, v);
                    }
                }
                // The strict entry point accepts the request exactly when nothing was rejected.
                let strict = evaluate_request(&req);
                let previous_rejected = matches!(&strict, Err(EvaluateError::InvalidValues(r))
                    if r.iter().all(|r| r.field == tdb_domain::ValueField::PreviousValues));
                prop_assert!(strict.is_ok() || !invalid.is_empty() || previous_rejected);
            }
            Err(EvaluateError::CampaignNotCovered { .. }) => prop_assert!(!(2019..=2026).contains(&campaign)),
            Err(EvaluateError::UnknownCategory { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn quantiles_are_monotone_and_bounded(mut values in proptest::collection::vec(-1e12f64..1e12, 1..200)) {
        sort_values(&mut values);
        let s = summary(&values).unwrap();
        prop_assert!(s.min <= s.d1 && s.d1 <= s.q1 && s.q1 <= s.median, "{:?}", s);
        prop_assert!(s.median <= s.q3 && s.q3 <= s.d9 && s.d9 <= s.max, "{:?}", s);
        prop_assert_eq!((s.min, s.max), (values[0], values[values.len() - 1]));
        let stats = peer_stats(&values);
        prop_assert_eq!(stats.withheld, values.len() < 5);
        prop_assert_eq!(stats.stats.is_some(), values.len() >= 5);
    }

    #[test]
    fn mean_of_small_decimal_values_is_bounded(mut values in proptest::collection::vec(0u32..100_000, 1..200)) {
        let mut values: Vec<f64> = values.iter_mut().map(|c| f64::from(*c) / 100.0).collect();
        sort_values(&mut values);
        let s = summary(&values).unwrap();
        prop_assert!(s.min <= s.mean && s.mean <= s.max, "{:?}", s);
    }

    #[test]
    fn ranks_follow_the_direction(
        mut values in proptest::collection::vec(0u32..50, 5..60),
        a in 0u32..50,
        b in 0u32..50,
    ) {
        let mut values: Vec<f64> = values.iter_mut().map(|v| f64::from(*v)).collect();
        sort_values(&mut values);
        let n = values.len() as f64;
        let (lo, hi) = (f64::from(a.min(b)), f64::from(a.max(b)));
        let higher = |v| position(&values, v, Direction::HigherBetter).unwrap();
        let lower = |v| position(&values, v, Direction::LowerBetter).unwrap();
        let neutral = |v| position(&values, v, Direction::Neutral).unwrap();
        prop_assert!(higher(hi).rank <= higher(lo).rank);
        prop_assert!(lower(lo).rank <= lower(hi).rank);
        prop_assert!(higher(hi).percentile >= higher(lo).percentile);
        prop_assert!(lower(lo).percentile >= lower(hi).percentile);
        prop_assert_eq!(neutral(lo).rank, None);
        prop_assert!(neutral(lo).position <= neutral(hi).position);
        prop_assert!(higher(lo).quartile <= higher(hi).quartile);
        for v in [lo, hi] {
            let p = higher(v);
            prop_assert!(p.percentile >= 0.0 && p.percentile <= 100.0);
            // Ranks run from 1; a value of the group is better than exactly rank − 1 values.
            prop_assert!(p.rank.unwrap() >= 1 && f64::from(p.rank.unwrap()) <= n + 1.0);
            let better = values.iter().filter(|x| **x > v).count();
            prop_assert_eq!(p.rank.unwrap() as usize, better + 1);
        }
    }

    #[test]
    fn shares_of_a_complete_breakdown_add_up_to_one(
        gir in proptest::collection::vec(0u32..500, 6),
        ages in proptest::collection::vec(0u32..500, 8),
        etp in proptest::collection::vec(0u32..100_000, 11),
        groups in proptest::collection::vec(0u64..100_000_000_000, 3),
    ) {
        // An EHPAD accompanies no one under 20: the children's bands are out of its scope
        // (docs/catalogue.md, decision 21) and typed 0.
        let ages: Vec<u32> = ages.iter().enumerate().map(|(i, a)| if i < 3 { 0 } else { *a }).collect();
        prop_assume!(gir.iter().any(|g| *g > 0) && ages.iter().any(|a| *a > 0));
        prop_assume!(etp.iter().any(|e| *e > 0) && groups.iter().any(|g| *g > 0));
        let cat = catalogue_for(2024).unwrap();
        let mut values = BTreeMap::new();
        for (i, g) in gir.iter().enumerate() {
            values.insert(format!("personnes_gir_{}", i + 1), json!(g));
        }
        let age_items: Vec<&str> = cat.items().iter().map(|i| i.code.as_str())
            .filter(|c| c.starts_with("personnes_age_")).collect();
        for (code, a) in age_items.iter().zip(&ages) {
            values.insert((*code).to_owned(), json!(a));
        }
        let etp_items: Vec<&str> = cat.indicators().iter().filter_map(|i| i.code.strip_prefix("part_"))
            .filter(|c| c.starts_with("etp_")).collect();
        for (code, e) in etp_items.iter().zip(&etp) {
            values.insert((*code).to_owned(), json!(f64::from(*e) / 100.0));
        }
        for (i, g) in groups.iter().enumerate() {
            values.insert(format!("depenses_groupe_{}", i + 1), json!(*g as f64 / 100.0));
        }
        let req = EvaluateRequest { campaign: 2024, category: "ehpad".into(), values,
            previous_values: None, justified: Vec::new(), peer_reference: None };
        let result = evaluate_request(&req).unwrap();
        for prefix in ["part_gir_", "part_age_", "part_etp_", "part_depenses_groupe_"] {
            let shares: Vec<f64> = result.indicators.iter().filter(|(c, _)| c.starts_with(prefix))
                .filter(|(_, r)| r.status != tdb_domain::contract::IndicatorStatus::NotApplicable)
                .map(|(c, r)| r.value.unwrap_or_else(|| panic!("{c}: {:?}", r.status))).collect();
            prop_assert!(shares.len() >= 3);
            let total: f64 = shares.iter().sum();
            prop_assert!((total - 1.0).abs() <= 1e-9, "{} sums to {}", prefix, total);
        }
    }
}
