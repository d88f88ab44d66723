//! Peer outlier alerts (`ecart_pairs.<indicator>`) through the public entry points: worked examples
//! with exact doubles, the MAD = 0 fallback, withheld groups, the threshold per campaign, and the
//! property that a value at the group median never flags.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::json;
use tdb_domain::contract::{
    ControlResult, ControlStatus, EvaluateRequest, EvaluationResult, GroupSpread, IndicatorReference,
    PeerReference, Severity,
};
use tdb_domain::stats::outliers::{DEFAULT_THRESHOLD, beyond, group_spread, robust_z};
use tdb_domain::stats::sort_values;
use tdb_domain::{
    Catalogue, FormValues, OutlierReference, catalogue_for, evaluate_request, evaluate_with_peers,
};

/// Occupation `days ÷ (10 places × 100 days)`: 4120 days give 412 %.
fn request(days: u32, reference: Option<PeerReference>) -> EvaluateRequest {
    EvaluateRequest {
        campaign: 2024,
        category: "500".to_owned(),
        values: BTreeMap::from([
            ("journees_realisees_hp".to_owned(), json!(days)),
            ("journees_absence_moins_72h_hp".to_owned(), json!(0)),
            ("places_financees_hp".to_owned(), json!(10)),
            ("jours_ouverture_hp".to_owned(), json!(100)),
        ]),
        previous_values: None,
        justified: Vec::new(),
        peer_reference: reference,
    }
}

fn spread(values: &[f64]) -> GroupSpread {
    let mut v = values.to_vec();
    sort_values(&mut v);
    group_spread(&v)
}

/// Nine EHPAD of the region around 96 % (median 0.96, MAD 0.02…), and a national group.
fn reference(region: GroupSpread, national: GroupSpread) -> PeerReference {
    PeerReference {
        campaign: 2023,
        category: "ehpad".to_owned(),
        region: Some("32".to_owned()),
        frozen_at: None,
        indicators: BTreeMap::from([(
            "taux_occupation_hp".to_owned(),
            IndicatorReference {
                national,
                region: Some(region),
            },
        )]),
    }
}

fn regional() -> GroupSpread {
    spread(&[0.9, 0.93, 0.95, 0.96, 0.96, 0.97, 0.98, 1.0, 1.02])
}

fn withheld() -> GroupSpread {
    spread(&[0.9, 0.95, 1.0])
}

fn entry<'r>(result: &'r EvaluationResult, indicator: &str) -> &'r ControlResult {
    result
        .controls
        .iter()
        .find(|c| c.code == "ecart_pairs" && c.indicator.as_deref() == Some(indicator))
        .unwrap()
}

#[test]
fn a_value_far_from_the_region_is_an_alert_with_its_explanation() {
    let result = evaluate_request(&request(4120, Some(reference(regional(), withheld())))).unwrap();
    assert_eq!(result.indicators["taux_occupation_hp"].value, Some(4.12));
    let e = entry(&result, "taux_occupation_hp");
    assert_eq!(
        (e.severity, e.status, e.passed),
        (Severity::Alerte, ControlStatus::Evaluated, Some(false))
    );
    // z = 0.6745 × (4.12 − 0.96) ÷ 0.020000000000000018 = 106.5709999999999.
    assert_eq!(
        e.message,
        "Valeur très éloignée de celles des structures comparables : votre valeur 412,0\u{202f}% ; \
         médiane des EHPAD de la région 96,0\u{202f}% ; écart robuste 106,6 (seuil 3,5). Vérifiez la \
         saisie ou justifiez la valeur."
    );
    assert!(
        result
            .submission
            .alerts
            .contains(&"ecart_pairs.taux_occupation_hp".to_owned())
    );
    assert!(
        result
            .submission
            .unjustified_alerts
            .contains(&"ecart_pairs.taux_occupation_hp".to_owned())
    );
    // One entry per dialogue indicator in scope; the others have no reference: not evaluable.
    let entries: Vec<_> = result
        .controls
        .iter()
        .filter(|c| c.code == "ecart_pairs")
        .collect();
    let yoy = result
        .controls
        .iter()
        .filter(|c| c.code == "variation_annuelle")
        .count();
    assert_eq!(entries.len(), yoy);
    assert!(
        entries
            .iter()
            .filter(|c| c.indicator.as_deref() != Some("taux_occupation_hp"))
            .all(|c| c.status != ControlStatus::Evaluated)
    );

    let mut justified = request(4120, Some(reference(regional(), withheld())));
    justified.justified = vec!["ecart_pairs.taux_occupation_hp".to_owned()];
    let result = evaluate_request(&justified).unwrap();
    assert!(
        result
            .submission
            .alerts
            .contains(&"ecart_pairs.taux_occupation_hp".to_owned())
    );
    assert!(
        !result
            .submission
            .unjustified_alerts
            .iter()
            .any(|k| k.starts_with("ecart_pairs."))
    );
}

#[test]
fn a_typical_value_passes_and_no_reference_means_no_entry() {
    let result = evaluate_request(&request(990, Some(reference(regional(), withheld())))).unwrap();
    let e = entry(&result, "taux_occupation_hp");
    assert_eq!((e.status, e.passed), (ControlStatus::Evaluated, Some(true)));
    assert!(
        !result
            .submission
            .alerts
            .iter()
            .any(|k| k.starts_with("ecart_pairs"))
    );
    let result = evaluate_request(&request(4120, None)).unwrap();
    assert!(!result.controls.iter().any(|c| c.code == "ecart_pairs"));
}

#[test]
fn the_national_group_flags_when_the_region_is_withheld() {
    let national = spread(&[0.8, 0.9, 0.92, 0.95, 0.96, 0.97, 0.99, 1.0]);
    let result = evaluate_request(&request(4120, Some(reference(withheld(), national)))).unwrap();
    let e = entry(&result, "taux_occupation_hp");
    assert_eq!(e.passed, Some(false));
    assert!(
        e.message.contains("médiane nationale des EHPAD 95,5\u{202f}%"),
        "{}",
        e.message
    );
}

#[test]
fn withheld_groups_give_no_flag() {
    let result = evaluate_request(&request(4120, Some(reference(withheld(), withheld())))).unwrap();
    let e = entry(&result, "taux_occupation_hp");
    assert_eq!((e.status, e.passed), (ControlStatus::NotEvaluable, None));
    assert!(
        !result
            .submission
            .alerts
            .iter()
            .any(|k| k.starts_with("ecart_pairs"))
    );
}

#[test]
fn a_mad_of_zero_falls_back_on_the_iqr() {
    // Median 1, MAD 0, q1 1, q3 1.5: 3 is 1.349 × 2 ÷ 0.5 = 5.396 away.
    let group = spread(&[1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0]);
    assert_eq!(robust_z(3.0, &group), Some(5.396));
    let result = evaluate_request(&request(3000, Some(reference(group, withheld())))).unwrap();
    let e = entry(&result, "taux_occupation_hp");
    assert_eq!(e.passed, Some(false));
    assert!(e.message.contains("écart robuste 5,4"), "{}", e.message);
    // No spread at all (IQR 0 too): nothing to measure with, no flag.
    let flat = spread(&[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0]);
    let result = evaluate_request(&request(3000, Some(reference(flat, withheld())))).unwrap();
    assert_eq!(
        entry(&result, "taux_occupation_hp").status,
        ControlStatus::NotEvaluable
    );
}

#[test]
fn the_threshold_is_set_per_campaign_in_the_catalogue() {
    let shipped = catalogue_for(2024).unwrap();
    assert_eq!(shipped.peer_outlier_threshold(), DEFAULT_THRESHOLD);
    let raw = shipped.raw_json().trim_end();
    let lenient = Catalogue::from_json(format!(
        "{},\"peer_outliers\":{{\"threshold\":120.0}}}}",
        &raw[..raw.len() - 1]
    ))
    .unwrap();
    assert_eq!(lenient.peer_outlier_threshold(), 120.0);
    let values = |days: u32| FormValues::from_json(shipped, &request(days, None).values).unwrap();
    let reference = OutlierReference::new(shipped, &reference(regional(), withheld()));
    let outcome = |catalogue: &Catalogue| {
        let evaluation = evaluate_with_peers(
            catalogue,
            "ehpad",
            &values(4120),
            None,
            &BTreeSet::new(),
            Some(&reference),
        )
        .unwrap();
        let o = evaluation
            .peer_outcomes()
            .iter()
            .find(|o| o.z_region.is_some())
            .unwrap();
        (o.passed, o.z_region)
    };
    // z = 106.57…: beyond 3.5 in the shipped 2024 catalogue, within 120 in a catalogue that sets 120.
    let z = Some(106.5709999999999);
    assert_eq!(outcome(shipped), (Some(false), z));
    assert_eq!(outcome(&lenient), (Some(true), z));
    let refused = format!(
        "{},\"peer_outliers\":{{\"threshold\":0}}}}",
        &raw[..raw.len() - 1]
    );
    assert!(Catalogue::from_json(refused).is_err());
}

proptest! {
    #[test]
    fn a_value_at_the_group_median_never_flags(
        mut values in proptest::collection::vec(-1e6f64..1e6, 0..60),
        threshold in 0.01f64..10.0,
    ) {
        sort_values(&mut values);
        let group = group_spread(&values);
        if let Some(median) = group.median {
            let z = robust_z(median, &group);
            prop_assert!(z.is_none_or(|z| z == 0.0 && !beyond(z, threshold)));
        } else {
            prop_assert!(values.len() < 5 && group.withheld);
        }
    }
}
