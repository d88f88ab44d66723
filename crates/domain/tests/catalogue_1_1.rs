//! Catalogue 1.1 (docs/catalogue.md, « Catalogue 1.1 »): the rooms and the « dont » ETP sub-lines, their
//! controls (sub-lines ≤ their total, rooms ≤ beds), and the campaign rule (absent in 2019, optional in
//! 2020–2025, counted in the completion rate from 2026).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use serde_json::{Value, json};
use tdb_domain::contract::{ControlStatus, EvaluateRequest, EvaluationResult, Severity};
use tdb_domain::{catalogue_for, evaluate_request};

/// The 19 items of 1.1 and the categories each applies to (scope set).
const ITEMS: [(&str, &str); 19] = [
    ("chambres_installees_31_12", "etablissements"),
    ("etp_direction_encadrement_medical", "tous"),
    ("etp_direction_encadrement_autre", "tous"),
    ("etp_socio_educatif_aide_medico_psychologique", "tous"),
    ("etp_socio_educatif_animateur", "tous"),
    ("etp_socio_educatif_moniteur_educateur", "tous"),
    ("etp_socio_educatif_educateur_specialise", "tous"),
    ("etp_socio_educatif_assistant_social", "tous"),
    ("etp_socio_educatif_autre", "tous"),
    ("etp_paramedical_infirmier", "tous"),
    ("etp_paramedical_aide_medico_psychologique", "tous"),
    ("etp_paramedical_aide_soignant", "tous"),
    ("etp_paramedical_kinesitherapeute", "tous"),
    ("etp_paramedical_psychomotricien", "tous"),
    ("etp_paramedical_ergotherapeute", "tous"),
    ("etp_paramedical_orthophoniste", "tous"),
    ("etp_paramedical_autre", "tous"),
    ("etp_medical_medecin_coordonnateur", "ehpad"),
    ("etp_medical_autre", "tous"),
];

const CONTROLS: [(&str, Severity); 5] = [
    (
        "etp_direction_encadrement_detail_superieur_total",
        Severity::Bloquant,
    ),
    ("etp_socio_educatif_detail_superieur_total", Severity::Bloquant),
    ("etp_paramedical_detail_superieur_total", Severity::Bloquant),
    ("etp_medical_detail_superieur_total", Severity::Bloquant),
    ("chambres_superieures_places_installees", Severity::Alerte),
];

fn run(campaign: i32, category: &str, values: &Value) -> EvaluationResult {
    let values: BTreeMap<String, Value> = serde_json::from_value(values.clone()).unwrap();
    evaluate_request(&EvaluateRequest {
        campaign,
        category: category.to_owned(),
        values,
        previous_values: None,
        justified: Vec::new(),
        peer_reference: None,
    })
    .unwrap()
}

fn control(result: &EvaluationResult, code: &str) -> (ControlStatus, Option<bool>) {
    let c = result.controls.iter().find(|c| c.code == code).unwrap();
    (c.status, c.passed)
}

/// An EHPAD's ETP by function with every sub-line, summing exactly to each total.
fn ehpad_staff() -> Value {
    json!({
        "places_installees_hp": 80, "places_installees_ht": 4,
        "chambres_installees_31_12": 78,
        "etp_direction_encadrement": 3.5,
        "etp_direction_encadrement_medical": 0.5, "etp_direction_encadrement_autre": 3,
        "etp_socio_educatif": 4.2,
        "etp_socio_educatif_aide_medico_psychologique": 1.2, "etp_socio_educatif_animateur": 1.5,
        "etp_socio_educatif_moniteur_educateur": 0, "etp_socio_educatif_educateur_specialise": 0.5,
        "etp_socio_educatif_assistant_social": 0.3, "etp_socio_educatif_autre": 0.7,
        "etp_paramedical": 30.1,
        "etp_paramedical_infirmier": 7.3, "etp_paramedical_aide_medico_psychologique": 2.1,
        "etp_paramedical_aide_soignant": 17.4, "etp_paramedical_kinesitherapeute": 0.5,
        "etp_paramedical_psychomotricien": 0.4, "etp_paramedical_ergotherapeute": 0.6,
        "etp_paramedical_orthophoniste": 0, "etp_paramedical_autre": 1.8,
        "etp_medical": 1.1,
        "etp_medical_medecin_coordonnateur": 0.6, "etp_medical_autre": 0.5
    })
}

#[test]
fn the_items_and_controls_exist_from_2020_as_catalogue_1_1() {
    let old = catalogue_for(2019).unwrap();
    assert_eq!(old.version(), "1.0");
    for (code, _) in ITEMS {
        assert!(old.item(code).is_none(), "{code} is not in catalogue 1.0 (2019)");
    }
    for campaign in 2020..=2026 {
        let cat = catalogue_for(campaign).unwrap();
        assert_eq!(cat.version(), "1.1", "{campaign}");
        assert!(cat.etag().starts_with(&format!("\"tdb-cat-1.1-{campaign}-")));
        for (code, scope) in ITEMS {
            let item = cat.item(code).unwrap();
            assert_eq!(
                (item.scope.as_str(), item.first_campaign),
                (scope, 2020),
                "{code}"
            );
            assert_eq!(item.required, campaign >= 2026, "{code} in {campaign}");
            assert_eq!(item.axis, if code.starts_with("etp_") { 2 } else { 1 }, "{code}");
        }
        let controls = &cat.document().controls;
        for (code, severity) in CONTROLS {
            let c = controls.iter().find(|c| c.code == code).unwrap();
            assert_eq!(c.severity, severity, "{code}");
        }
    }
    // Each sub-line follows its total (or the sub-line before it) in catalogue order.
    let cat = catalogue_for(2024).unwrap();
    let order: Vec<&str> = cat.items().iter().map(|i| i.code.as_str()).collect();
    let at = |code: &str| order.iter().position(|c| *c == code).unwrap();
    assert_eq!(
        at("etp_direction_encadrement_medical"),
        at("etp_direction_encadrement") + 1
    );
    assert_eq!(at("etp_socio_educatif_autre"), at("etp_socio_educatif") + 6);
    assert_eq!(at("etp_paramedical_autre"), at("etp_paramedical") + 8);
    assert_eq!(at("etp_medical_autre"), at("etp_medical") + 2);
    assert_eq!(
        at("chambres_installees_31_12"),
        at("places_habilitees_aide_sociale") + 1
    );
}

#[test]
fn sub_lines_within_their_totals_pass() {
    let result = run(2024, "ehpad", &ehpad_staff());
    for (code, _) in CONTROLS {
        assert_eq!(
            control(&result, code),
            (ControlStatus::Evaluated, Some(true)),
            "{code}"
        );
    }
    assert!(result.ignored.is_empty(), "{:?}", result.ignored);
}

#[test]
fn a_sub_line_set_above_its_total_blocks_submission() {
    for (item, value, code) in [
        (
            "etp_direction_encadrement_autre",
            json!(3.02),
            "etp_direction_encadrement_detail_superieur_total",
        ),
        (
            "etp_socio_educatif_autre",
            json!(0.72),
            "etp_socio_educatif_detail_superieur_total",
        ),
        (
            "etp_paramedical_aide_soignant",
            json!(17.42),
            "etp_paramedical_detail_superieur_total",
        ),
        (
            "etp_medical_medecin_coordonnateur",
            json!(0.62),
            "etp_medical_detail_superieur_total",
        ),
    ] {
        let mut values = ehpad_staff();
        values[item] = value;
        let result = run(2026, "ehpad", &values);
        assert_eq!(
            control(&result, code),
            (ControlStatus::Evaluated, Some(false)),
            "{item}"
        );
        assert!(result.submission.blocking.contains(&code.to_owned()), "{item}");
        assert!(!result.completion.can_submit, "{item}");
    }
    // One hundredth within the total is fine: sub-lines may leave part of the total unassigned.
    let mut values = ehpad_staff();
    values["etp_paramedical_autre"] = json!(1.79);
    let result = run(2026, "ehpad", &values);
    assert_eq!(
        control(&result, "etp_paramedical_detail_superieur_total"),
        (ControlStatus::Evaluated, Some(true))
    );
}

#[test]
fn the_sub_line_controls_wait_for_every_sub_line() {
    let mut values = ehpad_staff();
    values
        .as_object_mut()
        .unwrap()
        .remove("etp_paramedical_orthophoniste");
    let result = run(2024, "ehpad", &values);
    assert_eq!(
        control(&result, "etp_paramedical_detail_superieur_total"),
        (ControlStatus::NotEvaluable, None)
    );
}

#[test]
fn the_medecin_coordonnateur_is_an_ehpad_item() {
    // Outside the EHPAD it does not apply (0 in the control), and a value sent for it is ignored.
    let mut values = ehpad_staff();
    values["etp_medical_autre"] = json!(1.1);
    let result = run(2024, "mas", &values);
    assert_eq!(result.ignored, ["etp_medical_medecin_coordonnateur"]);
    assert_eq!(
        control(&result, "etp_medical_detail_superieur_total"),
        (ControlStatus::Evaluated, Some(true))
    );
}

#[test]
fn rooms_above_the_beds_raise_an_alert() {
    let mut values = ehpad_staff();
    values["chambres_installees_31_12"] = json!(85);
    let result = run(2024, "ehpad", &values);
    assert_eq!(
        control(&result, "chambres_superieures_places_installees"),
        (ControlStatus::Evaluated, Some(false))
    );
    assert_eq!(
        result.submission.alerts,
        ["chambres_superieures_places_installees"]
    );
    // An establishment without accommodation answers 0 (no « sans objet »: the export must stay
    // numeric for the pipelines); a service has no rooms item.
    let result = run(
        2024,
        "esat",
        &json!({"chambres_installees_31_12": 0, "places_installees_hp": 40, "places_installees_ht": 0}),
    );
    assert_eq!(
        control(&result, "chambres_superieures_places_installees"),
        (ControlStatus::Evaluated, Some(true))
    );
    let refused = evaluate_request(&EvaluateRequest {
        campaign: 2024,
        category: "esat".to_owned(),
        values: BTreeMap::from([("chambres_installees_31_12".to_owned(), json!("sans_objet"))]),
        previous_values: None,
        justified: Vec::new(),
        peer_reference: None,
    });
    assert!(refused.is_err());
    let result = run(2024, "ssiad", &json!({"chambres_installees_31_12": 3}));
    assert_eq!(result.ignored, ["chambres_installees_31_12"]);
    assert_eq!(
        control(&result, "chambres_superieures_places_installees"),
        (ControlStatus::NotApplicable, None)
    );
}

#[test]
fn the_new_items_count_in_the_completion_rate_from_2026_only() {
    // Only the 1.1 items, filled.
    let mut only_new = ehpad_staff();
    only_new
        .as_object_mut()
        .unwrap()
        .retain(|code, _| ITEMS.iter().any(|(c, _)| c == code));
    assert_eq!(only_new.as_object().unwrap().len(), 19);
    // Optional in 2020–2025: already collected (and often validated) campaigns keep their rate.
    for campaign in 2020..=2025 {
        let empty = run(campaign, "ehpad", &json!({})).completion;
        let filled = run(campaign, "ehpad", &only_new).completion;
        assert_eq!(
            (filled.filled, filled.required),
            (0, empty.required),
            "{campaign}"
        );
        assert!(
            !empty.missing.iter().any(|m| ITEMS.iter().any(|(c, _)| c == m)),
            "{campaign}"
        );
    }
    // From 2026: the rooms and 18 sub-lines for an EHPAD, the rooms and 17 for an MAS (no médecin
    // coordonnateur), 17 for a service (no rooms).
    let required = |campaign: i32, category: &str| run(campaign, category, &json!({})).completion.required;
    assert_eq!(required(2026, "ehpad"), required(2025, "ehpad") + 19);
    assert_eq!(required(2026, "mas"), required(2025, "mas") + 18);
    assert_eq!(required(2026, "ssiad"), required(2025, "ssiad") + 17);
    let filled = run(2026, "ehpad", &only_new).completion;
    assert_eq!(filled.filled, 19);
    assert_eq!(filled.by_axis["1"].filled, 1);
    assert_eq!(filled.by_axis["2"].filled, 18);
    let missing = run(2026, "ehpad", &json!({})).completion.missing;
    for (code, _) in ITEMS {
        assert!(missing.contains(&code.to_owned()), "{code}");
    }
}

/// Decision 21 (issue 19): the children's age shares are out of an EHPAD's scope from catalogue 1.1
/// on, so the engine (server and web app alike) reports them not applicable there and hides them;
/// a structure for disabled children keeps them, and 2019 (catalogue 1.0) is untouched.
#[test]
fn childrens_age_shares_do_not_apply_to_an_ehpad() {
    use tdb_domain::contract::IndicatorStatus;
    let status = |campaign: i32, category: &str, code: &str| {
        let req = EvaluateRequest {
            campaign,
            category: category.to_owned(),
            values: BTreeMap::new(),
            previous_values: None,
            justified: Vec::new(),
            peer_reference: None,
        };
        evaluate_request(&req).unwrap().indicators[code].status
    };
    for code in ["part_age_moins_6", "part_age_6_15", "part_age_16_19"] {
        assert_eq!(
            status(2024, "ehpad", code),
            IndicatorStatus::NotApplicable,
            "{code}"
        );
        assert_ne!(
            status(2024, "ime", code),
            IndicatorStatus::NotApplicable,
            "{code}"
        );
        assert_ne!(
            status(2019, "ehpad", code),
            IndicatorStatus::NotApplicable,
            "{code}"
        );
    }
    for code in ["part_age_60_74", "part_age_85_plus"] {
        assert_ne!(
            status(2024, "ehpad", code),
            IndicatorStatus::NotApplicable,
            "{code}"
        );
    }
}
