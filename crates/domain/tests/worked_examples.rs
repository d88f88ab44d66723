//! Every worked example of catalogue.md (§5.2, §6, §8), through the public JSON entry point.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};
use tdb_domain::contract::{
    ControlResult, ControlStatus, EvaluateRequest, EvaluationResult, IndicatorStatus, ItemState,
    ValueErrorCode,
};
use tdb_domain::{EvaluateError, ValueField, evaluate_request, evaluate_request_lenient};

fn values(pairs: &[(&str, Json)]) -> BTreeMap<String, Json> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn request(campaign: i32, category: &str, pairs: &[(&str, Json)]) -> EvaluateRequest {
    EvaluateRequest {
        campaign,
        category: category.to_owned(),
        values: values(pairs),
        previous_values: None,
        justified: Vec::new(),
        peer_reference: None,
    }
}

fn eval(campaign: i32, category: &str, pairs: &[(&str, Json)]) -> EvaluationResult {
    evaluate_request(&request(campaign, category, pairs)).unwrap()
}

fn control<'r>(result: &'r EvaluationResult, code: &str) -> &'r ControlResult {
    result
        .controls
        .iter()
        .find(|c| c.code == code && c.indicator.is_none())
        .unwrap()
}

const OCCUPATION: [(&str, f64); 4] = [
    ("journees_realisees_hp", 27740.0),
    ("journees_absence_moins_72h_hp", 310.0),
    ("places_financees_hp", 80.0),
    ("jours_ouverture_hp", 365.0),
];

fn occupation_inputs() -> Vec<(&'static str, Json)> {
    OCCUPATION.iter().map(|(k, v)| (*k, json!(v))).collect()
}

#[test]
fn s8_1_taux_occupation_hp() {
    let r = eval(2024, "500", &occupation_inputs());
    assert_eq!(r.category, "ehpad");
    let ind = &r.indicators["taux_occupation_hp"];
    assert_eq!(ind.status, IndicatorStatus::Ok);
    assert_eq!(ind.value, Some(0.9606164383561644));
    assert_eq!(ind.missing, None);
    let inputs: Vec<_> = ind
        .explanation
        .as_ref()
        .unwrap()
        .inputs
        .iter()
        .map(|i| (i.item.as_str(), i.value))
        .collect();
    assert_eq!(
        inputs,
        vec![
            ("journees_realisees_hp", Some(27740.0)),
            ("journees_absence_moins_72h_hp", Some(310.0)),
            ("places_financees_hp", Some(80.0)),
            ("jours_ouverture_hp", Some(365.0)),
        ]
    );
    assert_eq!(
        ind.explanation.as_ref().unwrap().formula,
        "(journees_realisees_hp + journees_absence_moins_72h_hp) / (places_financees_hp * jours_ouverture_hp)"
    );
}

#[test]
fn s8_1_variants_missing_division_by_zero_not_applicable() {
    let mut without = occupation_inputs();
    without.retain(|(k, _)| *k != "journees_absence_moins_72h_hp");
    let ind = &eval(2024, "ehpad", &without).indicators["taux_occupation_hp"];
    assert_eq!(ind.status, IndicatorStatus::MissingInput);
    assert_eq!(ind.value, None);
    assert_eq!(
        ind.missing.as_deref(),
        Some(&["journees_absence_moins_72h_hp".to_owned()][..])
    );
    let absent = ind
        .explanation
        .as_ref()
        .unwrap()
        .inputs
        .iter()
        .find(|i| i.item == "journees_absence_moins_72h_hp")
        .unwrap();
    assert_eq!((absent.state, absent.value), (ItemState::Empty, None));

    let mut zero = occupation_inputs();
    zero[2].1 = json!(0);
    let ind = &eval(2024, "ehpad", &zero).indicators["taux_occupation_hp"];
    assert_eq!((ind.status, ind.value), (IndicatorStatus::DivisionByZero, None));

    let r = eval(2024, "sessad", &occupation_inputs());
    let ind = &r.indicators["taux_occupation_hp"];
    assert_eq!((ind.status, ind.value), (IndicatorStatus::NotApplicable, None));
    // The establishment-only items sent for a service are kept but ignored.
    assert_eq!(
        r.ignored,
        vec!["jours_ouverture_hp", "journees_absence_moins_72h_hp"]
    );
}

#[test]
fn s8_2_taux_absenteisme() {
    let r = eval(
        2024,
        "ehpad",
        &[
            ("jours_absence_maladie_courte", json!(850)),
            ("jours_absence_maladie_moyenne", json!(420)),
            ("jours_absence_maladie_longue", json!(300)),
            ("jours_absence_maternite_paternite", json!(180)),
            ("jours_absence_at_mp", json!(150)),
            ("jours_absence_conges_speciaux", json!(60)),
            ("etp_reels_31_12", json!(52.5)),
        ],
    );
    let ind = &r.indicators["taux_absenteisme"];
    assert_eq!(
        (ind.status, ind.value),
        (IndicatorStatus::Ok, Some(0.10228310502283106))
    );
    assert_eq!(
        r.indicators["taux_absenteisme_maladie_courte"].value,
        Some(0.04435746901500326)
    );
    // The staff absence control reads the same inputs: 1 960 ≤ 52.5 × 365.
    let c = control(&r, "absences_personnel_superieures_etp");
    assert_eq!((c.status, c.passed), (ControlStatus::Evaluated, Some(true)));
}

#[test]
fn s8_3_taux_caf_and_its_control() {
    let r = eval(
        2024,
        "ehpad",
        &[
            ("resultat_comptable", json!(45000)),
            ("dotations_68", json!(180000)),
            ("reprises_78", json!(20000)),
            ("produits_cessions_775", json!(5000)),
            ("valeur_comptable_cessions_675", json!(3000)),
            ("quote_part_subventions_777", json!(12000)),
            ("autres_produits_exceptionnels_778", json!(2000)),
            ("produits_exploitation", json!(4200000)),
        ],
    );
    let ind = &r.indicators["taux_caf"];
    assert_eq!((ind.status, ind.value), (IndicatorStatus::Ok, Some(0.045)));
    let c = control(&r, "caf_hors_bornes");
    assert_eq!((c.status, c.passed), (ControlStatus::Evaluated, Some(true)));
}

#[test]
fn s8_4_gmp_and_gir_shares() {
    let gir = [10, 20, 15, 20, 5, 10];
    let pairs: Vec<(String, Json)> = gir
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("personnes_gir_{}", i + 1), json!(n)))
        .collect();
    let pairs: Vec<(&str, Json)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let r = eval(2024, "ehpad", &pairs);
    assert_eq!(r.indicators["score_gmp_calcule"].value, Some(588.125));
    assert_eq!(r.indicators["part_gir_2"].value, Some(0.25));
}

#[test]
fn s8_4_ime_without_ht_or_aj_counts_them_as_zero() {
    let r = eval(
        2024,
        "183",
        &[
            ("places_installees_ht", json!(0)),
            ("places_installees_aj", json!(0)),
            ("journees_realisees_hp", json!(9000)),
            ("journees_financees", json!(10000)),
            ("places_financees_hp", json!(50)),
            ("jours_ouverture_hp", json!(200)),
        ],
    );
    assert_eq!(r.category, "ime");
    let act = &r.indicators["taux_realisation_activite"];
    assert_eq!((act.status, act.value), (IndicatorStatus::Ok, Some(0.9)));
    let ht = act
        .explanation
        .as_ref()
        .unwrap()
        .inputs
        .iter()
        .find(|i| i.item == "journees_realisees_ht")
        .unwrap();
    assert_eq!((ht.state, ht.value), (ItemState::NotApplicable, Some(0.0)));
    assert_eq!(r.indicators["taux_occupation_global"].value, Some(0.9));
    assert_eq!(
        r.indicators["taux_occupation_ht"].status,
        IndicatorStatus::NotApplicable
    );
}

#[test]
fn s8_4_unknown_condition_lists_the_trigger_as_missing() {
    let r = eval(2024, "ehpad", &[]);
    let ind = &r.indicators["taux_occupation_ht"];
    assert_eq!(ind.status, IndicatorStatus::MissingInput);
    assert_eq!(
        ind.missing.clone().unwrap(),
        vec![
            "journees_realisees_ht",
            "jours_ouverture_ht",
            "places_financees_ht",
            "places_installees_ht"
        ]
    );
}

#[test]
fn s8_4_sans_objet_gmp() {
    let r = eval(2024, "ehpad", &[("gmp_valide", json!("sans_objet"))]);
    assert_eq!(
        r.indicators["score_gmp_valide"].status,
        IndicatorStatus::NotApplicable
    );
    assert!(!r.completion.missing.contains(&"gmp_valide".to_owned()));
    assert!(r.completion.missing.contains(&"pmp_valide".to_owned()));
    // The control comparing GMPs cannot be evaluated with a sans objet operand.
    assert_eq!(
        control(&r, "ecart_gmp_valide_calcule").status,
        ControlStatus::NotEvaluable
    );
}

#[test]
fn s8_4_non_owner_building_values_are_ignored() {
    let r = eval(
        2024,
        "ehpad",
        &[
            ("proprietaire_locaux", json!(false)),
            ("valeur_brute_constructions", json!(1_000_000)),
            ("amortissements_constructions", json!(400_000)),
        ],
    );
    assert_eq!(
        r.indicators["taux_vetuste_constructions"].status,
        IndicatorStatus::NotApplicable
    );
    assert_eq!(
        r.ignored,
        vec!["valeur_brute_constructions", "amortissements_constructions"]
    );
    assert_eq!(
        control(&r, "vetuste_constructions_hors_bornes").status,
        ControlStatus::NotApplicable
    );
}

/// An EHPAD with HT and AJ places, places approved for social aid, owner of its buildings and under a
/// CPOM (§5.2). Every applicable item is filled; the caller blanks some.
fn full_ehpad() -> Vec<(String, Json)> {
    let cat = tdb_domain::catalogue_for(2024).unwrap();
    // The example EHPAD of §5.2 fills catalogue 1.0 (the 2019 file); the 1.1 items, optional in 2024,
    // stay empty (tests/catalogue_1_1.rs covers them).
    let v1_0 = tdb_domain::catalogue_for(2019).unwrap();
    let mut out = Vec::new();
    for item in cat.items() {
        let in_scope = cat
            .document()
            .scopes
            .iter()
            .any(|s| s.code == item.scope && s.members.iter().any(|m| m == "ehpad"));
        if !in_scope || v1_0.item(&item.code).is_none() {
            continue;
        }
        use tdb_domain::contract::ItemType as T;
        let v = match item.item_type {
            T::Bool => json!(true),
            T::Date => json!("2022-01-01"),
            T::Enum => json!(item.values.as_ref().unwrap()[0]),
            T::Score => json!(500),
            _ => json!(10),
        };
        out.push((item.code.clone(), v));
    }
    // Make the breakdowns add up and the ratios plausible, so that no control fails.
    let coherent = [
        ("personnes_accompagnees_31_12", 60),
        ("places_installees_hp", 60),
        ("personnes_provenance_domicile", 15),
        ("personnes_provenance_etablissement_sante", 15),
        ("personnes_provenance_esms", 15),
        ("personnes_provenance_inconnue", 15),
        ("personnes_age_moins_6", 0),
        ("personnes_age_6_15", 0),
        ("personnes_age_16_19", 0),
        ("personnes_age_20_39", 0),
        ("personnes_age_40_59", 0),
        ("personnes_age_60_74", 10),
        ("personnes_age_75_84", 20),
        ("personnes_age_85_plus", 30),
        ("journees_financees", 30),
        ("sorties_definitives", 50),
        ("etp_reels_31_12", 110),
        ("effectif_total_31_12", 80),
        ("etp_vacants_31_12", 20),
        ("produits_exploitation", 1000),
    ];
    for (code, v) in coherent {
        out.iter_mut().find(|(k, _)| k == code).unwrap().1 = json!(v);
    }
    out
}

fn eval_owned(campaign: i32, pairs: &[(String, Json)]) -> EvaluationResult {
    let borrowed: Vec<(&str, Json)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    eval(campaign, "ehpad", &borrowed)
}

#[test]
fn s5_2_denominator_of_the_example_ehpad() {
    let full = full_ehpad();
    let r = eval_owned(2024, &full);
    let c = &r.completion;
    assert_eq!((c.filled, c.required), (150, 150));
    let axes: Vec<u32> = (0..5).map(|a| c.by_axis[&a.to_string()].required).collect();
    assert_eq!(axes, vec![6, 54, 35, 41, 14]);
    assert!(c.by_axis.values().all(|a| a.counted));
    assert_eq!((c.threshold, c.finance_counted, c.rate), (0.9, true, 1.0));

    let r2022 = eval_owned(2022, &full);
    let c = &r2022.completion;
    assert_eq!((c.required, c.threshold, c.finance_counted), (109, 0.8, false));
    assert!(!c.by_axis["3"].counted);
    assert_eq!(c.by_axis["3"].required, 41);
}

fn blank(full: &[(String, Json)], n: usize, axis_of: impl Fn(&str) -> u8, axis: u8) -> Vec<(String, Json)> {
    let mut left = n;
    full.iter()
        .map(|(k, v)| {
            // Blank unconditional axis items that no condition reads, so the denominator stays put.
            let is_trigger =
                ["cpom_en_cours", "proprietaire_locaux"].contains(&k.as_str()) || k.starts_with("places_");
            if left > 0 && axis_of(k) == axis && !is_trigger {
                left -= 1;
                (k.clone(), Json::Null)
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

#[test]
fn s5_2_threshold_is_an_integer_comparison() {
    let cat = tdb_domain::catalogue_for(2024).unwrap();
    let axis_of = |code: &str| cat.item(code).unwrap().axis;
    let full = full_ehpad();

    let r = eval_owned(2024, &blank(&full, 14, axis_of, 1));
    let c = &r.completion;
    assert_eq!((c.filled, c.required), (136, 150));
    assert_eq!(c.rate, 136.0 / 150.0);
    assert!(c.reached);
    assert_eq!(c.missing.len(), 14);

    let r = eval_owned(2024, &blank(&full, 15, axis_of, 1));
    assert_eq!((r.completion.filled, r.completion.reached), (135, true));
    let r = eval_owned(2024, &blank(&full, 16, axis_of, 1));
    assert_eq!((r.completion.filled, r.completion.reached), (134, false));
    assert!(!r.completion.can_submit);

    // 2022: 109 in the denominator, 88 filled is enough (8 800 ≥ 8 720), 87 is not.
    let r = eval_owned(2022, &blank(&full, 21, axis_of, 1));
    assert_eq!(
        (r.completion.filled, r.completion.required, r.completion.reached),
        (88, 109, true)
    );
    let r = eval_owned(2022, &blank(&full, 22, axis_of, 1));
    assert_eq!((r.completion.filled, r.completion.reached), (87, false));
    // Finance items left empty do not matter before 2023.
    let r = eval_owned(2022, &blank(&full, 41, axis_of, 3));
    assert_eq!((r.completion.filled, r.completion.required), (109, 109));
    assert_eq!(r.completion.by_axis["3"].filled, 0);
}

#[test]
fn s5_2_unknown_condition_keeps_items_out_of_both_counts() {
    let mut full = full_ehpad();
    for (k, v) in &mut full {
        if k == "places_installees_ht" {
            *v = Json::Null;
        }
    }
    let r = eval_owned(2024, &full);
    // The trigger is missing; the three HT items it conditions are out of both counts.
    assert_eq!((r.completion.filled, r.completion.required), (146, 147));
    assert_eq!(r.completion.missing, vec!["places_installees_ht"]);
}

#[test]
fn sustainable_development_items_start_in_2021() {
    let full = full_ehpad();
    let r2020 = eval_owned(2020, &full);
    let r2021 = eval_owned(2021, &full);
    assert_eq!(
        r2021.completion.by_axis["4"].required - r2020.completion.by_axis["4"].required,
        6
    );
    assert_eq!(
        r2020.indicators["consommation_energie_m2"].status,
        IndicatorStatus::NotApplicable
    );
    assert_eq!(
        r2021.indicators["consommation_energie_m2"].status,
        IndicatorStatus::Ok
    );
    assert!(r2020.ignored.contains(&"demarche_qvt".to_owned()));
}

#[test]
fn s6_controls_submission_and_justifications() {
    let mut full = full_ehpad();
    for (k, v) in &mut full {
        match k.as_str() {
            // Activity 30 / 10 = 3: above 120 %, blocking.
            "journees_financees" => *v = json!(10),
            // The provenance breakdown (4 × 10) differs from the caseload (60): blocking.
            k if k.starts_with("personnes_provenance_") => *v = json!(10),
            // The GIR breakdown (6 × 10) differs from the caseload (50): an alert.
            "personnes_accompagnees_31_12" => *v = json!(50),
            _ => {}
        }
    }
    let r = eval_owned(2024, &full);
    assert!(
        r.submission
            .blocking
            .contains(&"realisation_activite_au_dessus_120".to_owned())
    );
    assert!(r.submission.alerts.contains(&"gir_egal_effectif".to_owned()));
    assert_eq!(r.submission.alerts, r.submission.unjustified_alerts);
    assert!(r.completion.reached && !r.completion.can_submit);
    let c = control(&r, "provenance_egale_effectif");
    assert_eq!((c.status, c.passed), (ControlStatus::Evaluated, Some(false)));

    // Result order: the table controls (24 in 1.0, 29 in 1.1), then one year-over-year entry per
    // dialogue indicator in scope.
    let cat = tdb_domain::catalogue_for(2024).unwrap();
    let n = cat.controls().iter().filter(|c| !c.year_over_year).count();
    assert_eq!(n, 29);
    let codes: Vec<&str> = r.controls.iter().take(n).map(|c| c.code.as_str()).collect();
    let table: Vec<&str> = cat.controls().iter().take(n).map(|c| c.code.as_str()).collect();
    assert_eq!(codes, table);
    let yoy: Vec<&str> = r.controls[n..]
        .iter()
        .map(|c| c.indicator.as_deref().unwrap())
        .collect();
    assert_eq!(yoy.first(), Some(&"taux_realisation_activite"));
    assert!(!yoy.contains(&"taux_realisation_activite_seances"));
    assert!(
        r.controls[n..]
            .iter()
            .all(|c| c.status == ControlStatus::NotEvaluable)
    );
}

#[test]
fn s6_justified_alerts_allow_submission() {
    let mut full = full_ehpad();
    let clean = eval_owned(2024, &full);
    assert!(clean.submission.blocking.is_empty() && clean.submission.alerts.is_empty());
    assert!(clean.completion.can_submit);
    full.iter_mut().find(|(k, _)| k == "personnes_gir_1").unwrap().1 = json!(11);
    let first = eval_owned(2024, &full);
    assert_eq!(first.submission.alerts, vec!["gir_egal_effectif"]);
    assert!(!first.completion.can_submit);
    let borrowed: Vec<(&str, Json)> = full.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut req = request(2024, "ehpad", &borrowed);
    req.justified = first.submission.alerts.clone();
    let r = evaluate_request(&req).unwrap();
    assert!(r.submission.unjustified_alerts.is_empty());
    assert!(r.completion.can_submit);
}

#[test]
fn s6_3_year_over_year() {
    let current = occupation_inputs();
    let mut previous = occupation_inputs();
    previous[0].1 = json!(20000);
    let mut req = request(2024, "ehpad", &current);
    req.previous_values = Some(values(&previous));
    let r = evaluate_request(&req).unwrap();
    let yoy = r
        .controls
        .iter()
        .find(|c| c.indicator.as_deref() == Some("taux_occupation_hp"))
        .unwrap();
    // (20 000 + 310) / 29 200 = 0.6955… → 0.9606…: +38 %, beyond 30 %.
    assert_eq!(
        (yoy.code.as_str(), yoy.status, yoy.passed),
        ("variation_annuelle", ControlStatus::Evaluated, Some(false))
    );
    assert!(
        r.submission
            .alerts
            .contains(&"variation_annuelle.taux_occupation_hp".to_owned())
    );
    assert!(
        r.submission
            .unjustified_alerts
            .contains(&"variation_annuelle.taux_occupation_hp".to_owned())
    );

    req.justified = vec!["variation_annuelle.taux_occupation_hp".to_owned()];
    let r = evaluate_request(&req).unwrap();
    assert!(
        !r.submission
            .unjustified_alerts
            .contains(&"variation_annuelle.taux_occupation_hp".to_owned())
    );

    req.previous_values = Some(values(&current));
    let r = evaluate_request(&req).unwrap();
    let yoy = r
        .controls
        .iter()
        .find(|c| c.indicator.as_deref() == Some("taux_occupation_hp"))
        .unwrap();
    assert_eq!((yoy.status, yoy.passed), (ControlStatus::Evaluated, Some(true)));

    // A previous value of 0 cannot be compared.
    let mut zero = occupation_inputs();
    zero[0].1 = json!(0);
    zero[1].1 = json!(0);
    req.previous_values = Some(values(&zero));
    let r = evaluate_request(&req).unwrap();
    let yoy = r
        .controls
        .iter()
        .find(|c| c.indicator.as_deref() == Some("taux_occupation_hp"))
        .unwrap();
    assert_eq!(yoy.status, ControlStatus::NotEvaluable);

    // For a service the indicator is not applicable, and its year-over-year entry is not listed.
    let r = eval(2024, "sessad", &current);
    assert!(
        r.controls
            .iter()
            .all(|c| c.indicator.as_deref() != Some("taux_occupation_hp"))
    );
}

#[test]
fn s6_3_year_over_year_is_not_evaluable_in_the_first_campaign() {
    // §1.1 and §6.3: campaign 2019 has no previous campaign; values sent as the previous year's,
    // which would fail the control in 2020 (+38 %), are not compared.
    let mut previous = occupation_inputs();
    previous[0].1 = json!(20000);
    for (campaign, expected) in [
        (2019, (ControlStatus::NotEvaluable, None)),
        (2020, (ControlStatus::Evaluated, Some(false))),
    ] {
        let mut req = request(campaign, "ehpad", &occupation_inputs());
        req.previous_values = Some(values(&previous));
        let r = evaluate_request(&req).unwrap();
        let yoy = r
            .controls
            .iter()
            .find(|c| c.indicator.as_deref() == Some("taux_occupation_hp"))
            .unwrap();
        assert_eq!((yoy.status, yoy.passed), expected, "campaign {campaign}");
        if campaign == 2019 {
            assert!(
                r.controls
                    .iter()
                    .filter(|c| c.code == "variation_annuelle")
                    .all(|c| c.status == ControlStatus::NotEvaluable),
                "no year-over-year entry is evaluated in 2019"
            );
            assert!(r.submission.alerts.is_empty());
        }
    }
}

#[test]
fn request_errors_list_every_bad_value() {
    let mut req = request(
        2024,
        "ehpad",
        &[
            ("admissions", json!(1.5)),
            ("inconnu", json!(1)),
            ("etp_reels_31_12", json!(2)),
        ],
    );
    req.previous_values = Some(values(&[("gmp_valide", json!(2000))]));
    let Err(EvaluateError::InvalidValues(rejected)) = evaluate_request(&req) else {
        panic!("expected InvalidValues")
    };
    let got: Vec<(String, ValueErrorCode)> = rejected.iter().map(|r| (r.path(), r.error.code)).collect();
    assert_eq!(
        got,
        vec![
            ("/values/admissions".to_owned(), ValueErrorCode::NotAnInteger),
            ("/values/inconnu".to_owned(), ValueErrorCode::UnknownItem),
            (
                "/previous_values/gmp_valide".to_owned(),
                ValueErrorCode::OutOfBounds
            ),
        ]
    );
    assert_eq!(rejected[2].field, ValueField::PreviousValues);

    assert_eq!(
        evaluate_request(&request(2018, "ehpad", &[])).unwrap_err(),
        EvaluateError::CampaignNotCovered { campaign: 2018 }
    );
    assert_eq!(
        evaluate_request(&request(2024, "460", &[])).unwrap_err(),
        EvaluateError::UnknownCategory {
            category: "460".into()
        }
    );
    assert_eq!(eval(2024, "437", &[]).category, "eam");
}

#[test]
fn lenient_evaluation_reports_invalid_values_and_treats_them_as_empty() {
    let mut inputs = occupation_inputs();
    inputs[1].1 = json!(-3);
    inputs.push(("inconnu", json!(true)));
    let r = evaluate_request_lenient(&request(2024, "ehpad", &inputs)).unwrap();
    let invalid = r.invalid.unwrap();
    assert_eq!(
        invalid.keys().collect::<Vec<_>>(),
        vec!["inconnu", "journees_absence_moins_72h_hp"]
    );
    assert_eq!(
        invalid["journees_absence_moins_72h_hp"].code,
        ValueErrorCode::Negative
    );
    assert_eq!(
        r.indicators["taux_occupation_hp"].status,
        IndicatorStatus::MissingInput
    );
}

#[test]
fn result_serializes_with_the_field_names_of_section_9() {
    let r = eval(2024, "ehpad", &occupation_inputs());
    let v = serde_json::to_value(&r).unwrap();
    for key in [
        "category",
        "campaign",
        "indicators",
        "completion",
        "controls",
        "submission",
        "ignored",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert!(v.get("invalid").is_none());
    for key in [
        "rate",
        "filled",
        "required",
        "threshold",
        "finance_counted",
        "reached",
        "missing",
        "by_axis",
        "can_submit",
    ] {
        assert!(v["completion"].get(key).is_some(), "{key}");
    }
    assert_eq!(v["indicators"]["taux_occupation_hp"]["status"], "ok");
    assert_eq!(v["indicators"]["taux_caf"]["status"], "missing_input");
    assert_eq!(v["indicators"]["taux_caf"]["value"], Json::Null);
    assert!(v["indicators"]["taux_occupation_hp"].get("missing").is_none());
    assert_eq!(v["controls"][0]["passed"], true);
    assert_eq!(v["controls"][0]["severity"], "alerte");
    let caf = v["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "caf_hors_bornes")
        .unwrap();
    assert_eq!(
        (&caf["status"], &caf["passed"]),
        (&json!("not_evaluable"), &Json::Null)
    );
    assert_eq!(v["completion"]["by_axis"]["3"]["counted"], true);
    let back: EvaluationResult = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}
