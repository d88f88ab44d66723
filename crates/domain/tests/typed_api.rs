//! The typed entry point the server uses: validated values in, a compact evaluation out, the wire
//! result only when asked for.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use tdb_domain::contract::{ConditionState, ControlStatus, IndicatorStatus, ItemState};
use tdb_domain::evaluate::previous_catalogue;
use tdb_domain::{Catalogue, EvaluateError, FormValues, Value, catalogue_for, evaluate};

fn form(campaign: i32, pairs: &[(&str, f64)]) -> FormValues {
    let cat = catalogue_for(campaign).unwrap();
    let mut values = FormValues::new(cat);
    for (code, v) in pairs {
        values.set(cat, code, Some(Value::Number(*v))).unwrap();
    }
    values
}

#[test]
fn compact_evaluation_and_its_accessors() {
    let cat = catalogue_for(2024).unwrap();
    let values = form(
        2024,
        &[("journees_realisees_ht", 100.0), ("places_financees_ht", 2.0)],
    );
    let e = evaluate(cat, "500", &values, None, &BTreeSet::new()).unwrap();
    assert_eq!(e.category(), "ehpad");
    let ht = e.indicator("taux_occupation_ht").unwrap();
    assert_eq!(ht.status, IndicatorStatus::MissingInput);
    assert_eq!(
        e.missing(ht).collect::<Vec<_>>(),
        vec!["jours_ouverture_ht", "places_installees_ht"]
    );
    // A sparse form does not reach the threshold, so it counts in no peer group.
    assert!(!e.completion().reached && !e.can_submit());
    let index = cat.indicator_index("taux_occupation_ht").unwrap();
    assert_eq!(e.peer_value(index), None);

    // Item states, as the web app reads them to show only the items that apply.
    assert_eq!(e.item_state("journees_realisees_ht"), Some(ItemState::Value));
    assert_eq!(e.item_state("jours_ouverture_ht"), Some(ItemState::Empty));
    assert_eq!(e.item_state("inconnu"), None);
    let sessad = evaluate(cat, "sessad", &values, None, &BTreeSet::new()).unwrap();
    assert_eq!(
        sessad.item_state("journees_realisees_ht"),
        Some(ItemState::NotApplicable)
    );

    let result = e.to_result();
    let explanation = result.indicators["taux_occupation_ht"]
        .explanation
        .as_ref()
        .unwrap();
    assert_eq!(explanation.condition.as_deref(), Some("places_installees_ht > 0"));
    assert_eq!(explanation.condition_state, Some(ConditionState::Unknown));
    let last = explanation.inputs.last().unwrap();
    assert_eq!(
        (last.item.as_str(), last.state, last.value),
        ("places_installees_ht", ItemState::Empty, None)
    );
}

#[test]
fn previous_campaign_feeds_the_year_over_year_control() {
    let inputs = [
        ("journees_realisees_hp", 27740.0),
        ("journees_absence_moins_72h_hp", 310.0),
        ("places_financees_hp", 80.0),
        ("jours_ouverture_hp", 365.0),
    ];
    let previous_cat = previous_catalogue(2024).unwrap();
    assert_eq!(previous_cat.campaign(), 2023);
    assert_eq!(previous_catalogue(2019).unwrap().campaign(), 2019);
    let previous = evaluate(
        previous_cat,
        "ehpad",
        &form(2023, &inputs),
        None,
        &BTreeSet::new(),
    )
    .unwrap();
    let mut current = inputs;
    current[0].1 = 14000.0;
    let cat = catalogue_for(2024).unwrap();
    let e = evaluate(
        cat,
        "ehpad",
        &form(2024, &current),
        Some(&previous),
        &BTreeSet::new(),
    )
    .unwrap();
    let result = e.to_result();
    let yoy = result
        .controls
        .iter()
        .find(|c| c.indicator.as_deref() == Some("taux_occupation_hp"))
        .unwrap();
    assert_eq!((yoy.status, yoy.passed), (ControlStatus::Evaluated, Some(false)));
    assert!(
        result
            .submission
            .unjustified_alerts
            .contains(&"variation_annuelle.taux_occupation_hp".to_owned())
    );

    let justified: BTreeSet<String> = ["variation_annuelle.taux_occupation_hp".to_owned()].into();
    let e = evaluate(cat, "ehpad", &form(2024, &current), Some(&previous), &justified).unwrap();
    assert!(
        !e.to_result()
            .submission
            .unjustified_alerts
            .contains(&"variation_annuelle.taux_occupation_hp".to_owned())
    );
}

#[test]
fn the_first_campaign_ignores_a_previous_evaluation_as_the_browser_loads_it() {
    // The web app compiles the catalogue it gets from the API: the rule holds for that copy too.
    let served = Catalogue::from_json(catalogue_for(2019).unwrap().raw_json().to_owned()).unwrap();
    assert!(!served.has_previous_campaign());
    assert!(catalogue_for(2020).unwrap().has_previous_campaign());
    let inputs = [
        ("journees_realisees_hp", 27740.0),
        ("journees_absence_moins_72h_hp", 310.0),
        ("places_financees_hp", 80.0),
        ("jours_ouverture_hp", 365.0),
    ];
    let mut earlier = inputs;
    earlier[0].1 = 14000.0;
    let previous = evaluate(&served, "ehpad", &form(2019, &earlier), None, &BTreeSet::new()).unwrap();
    let e = evaluate(
        &served,
        "ehpad",
        &form(2019, &inputs),
        Some(&previous),
        &BTreeSet::new(),
    )
    .unwrap();
    let result = e.to_result();
    let yoy: Vec<_> = result
        .controls
        .iter()
        .filter(|c| c.code == "variation_annuelle")
        .map(|c| (c.status, c.passed))
        .collect();
    assert!(!yoy.is_empty());
    assert!(
        yoy.iter().all(|s| *s == (ControlStatus::NotEvaluable, None)),
        "{yoy:?}"
    );
    assert!(result.submission.alerts.is_empty());
}

#[test]
fn unknown_category_and_json_form_values() {
    let cat = catalogue_for(2024).unwrap();
    let values = FormValues::new(cat);
    assert!(matches!(
        evaluate(cat, "460", &values, None, &BTreeSet::new()),
        Err(EvaluateError::UnknownCategory { category }) if category == "460"
    ));
    let json: BTreeMap<String, serde_json::Value> = [
        ("gmp_valide".to_owned(), json!("sans_objet")),
        ("cpom_en_cours".to_owned(), json!(false)),
    ]
    .into();
    let values = FormValues::from_json(cat, &json).unwrap();
    assert_eq!(values.get("gmp_valide"), Some(&Value::SansObjet));
    let e = evaluate(cat, "ehpad", &values, None, &BTreeSet::new()).unwrap();
    assert_eq!(
        e.indicator("score_gmp_valide").unwrap().status,
        IndicatorStatus::NotApplicable
    );
    // cpom_en_cours = false: the CPOM dates and the SI axis item leave the denominator.
    let missing = e.to_result().completion.missing;
    assert!(
        !missing
            .iter()
            .any(|m| m == "date_debut_cpom" || m == "si_axe_cpom")
    );
}
