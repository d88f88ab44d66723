//! Each way a catalogue file can be wrong fails the load with its own precise error.
#![allow(clippy::unwrap_used)]

use super::*;

fn minimal() -> serde_json::Value {
    serde_json::json!({
        "catalogue_version": "1.0", "campaign": 2024, "source": "test",
        "completion": {"threshold_percent": 90, "finance_counted": true, "legal_basis": "x"},
        "categories": [{"code": "ehpad", "label": "E", "finess": "500", "aliases": ["501"], "public": "PA",
                        "type": "etablissement", "seances": false, "funder": "ARS_CD"}],
        "scopes": [{"code": "tous", "definition": "all", "members": ["ehpad"]}],
        "items": [
            {"code": "a", "label": "A", "axis": 1, "type": "count", "unit": null, "scope": "tous",
             "required": true, "condition": null, "prefill": null, "min": null, "max": null,
             "may_be_negative": false, "sans_objet_allowed": false, "values": null, "first_campaign": 2019},
            {"code": "b", "label": "B", "axis": 1, "type": "count", "unit": null, "scope": "tous",
             "required": true, "condition": "a > 0", "prefill": null, "min": null, "max": null,
             "may_be_negative": false, "sans_objet_allowed": false, "values": null, "first_campaign": 2019},
            {"code": "d", "label": "D", "axis": 0, "type": "date", "unit": null, "scope": "tous",
             "required": false, "condition": null, "prefill": null, "min": null, "max": null,
             "may_be_negative": false, "sans_objet_allowed": false, "values": null, "first_campaign": 2019}
        ],
        "indicators": [
            {"code": "ia", "label": "IA", "axis": 1, "level": "dialogue", "unit": "ratio",
             "direction": "neutral", "scope": "tous", "condition": null, "formula": "b / a",
             "basis": "choice", "first_campaign": 2019}
        ],
        "controls": [
            {"code": "ca", "severity": "alerte", "scope": "tous", "condition": null,
             "expression": "ia <= 1", "message": "m", "year_over_year": false}
        ]
    })
}

fn load_value(v: &serde_json::Value) -> Result<Catalogue, CatalogueError> {
    load(Cow::Owned(v.to_string()))
}

#[test]
fn loads_a_valid_file_and_expands_control_dependencies() {
    let cat = load_value(&minimal()).unwrap();
    assert_eq!(cat.dependencies("ca").unwrap(), vec!["a", "b"]);
    assert_eq!(cat.resolve_category("501").unwrap().as_str(), "ehpad");
}

#[test]
fn unknown_code_in_a_formula() {
    let mut v = minimal();
    v["indicators"][0]["formula"] = "b / zz".into();
    let err = load_value(&v).unwrap_err();
    assert_eq!(
        err,
        CatalogueError::UnknownCode {
            place: "formula of indicator 'ia'".into(),
            code: "zz".into()
        }
    );
    assert_eq!(err.to_string(), "unknown code 'zz' in formula of indicator 'ia'");
}

#[test]
fn duplicate_code_across_items_and_indicators() {
    let mut v = minimal();
    v["indicators"][0]["code"] = "a".into();
    assert_eq!(
        load_value(&v).unwrap_err(),
        CatalogueError::DuplicateCode {
            what: "indicator",
            code: "a".into()
        }
    );
}

#[test]
fn duplicate_category_alias() {
    let mut v = minimal();
    v["categories"][0]["aliases"] = serde_json::json!(["500"]);
    assert!(
        matches!(load_value(&v).unwrap_err(), CatalogueError::DuplicateCode { code, .. } if code == "500")
    );
}

#[test]
fn unknown_scope() {
    let mut v = minimal();
    v["items"][1]["scope"] = "nulle_part".into();
    assert_eq!(
        load_value(&v).unwrap_err(),
        CatalogueError::UnknownScope {
            owner: "item 'b'".into(),
            scope: "nulle_part".into()
        }
    );
}

#[test]
fn unknown_category_in_a_scope() {
    let mut v = minimal();
    v["scopes"][0]["members"] = serde_json::json!(["ehpad", "xyz"]);
    assert_eq!(
        load_value(&v).unwrap_err(),
        CatalogueError::UnknownCategory {
            scope: "tous".into(),
            category: "xyz".into()
        }
    );
}

#[test]
fn formula_that_does_not_parse() {
    let mut v = minimal();
    v["indicators"][0]["formula"] = "b / (a".into();
    let err = load_value(&v).unwrap_err();
    assert!(
        matches!(&err, CatalogueError::Parse { place, error } if place == "formula of indicator 'ia'" && error.at == 6),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "formula of indicator 'ia' does not parse: at byte 6: expected ')', found end of text"
    );
}

#[test]
fn wrong_references_and_shapes() {
    let cases = [
        (
            "/indicators/0/formula",
            "b / d",
            "date and enum items never appear in expressions",
        ),
        (
            "/indicators/0/formula",
            "b / ia",
            "only controls refer to indicators; formulas and conditions read raw items",
        ),
        (
            "/indicators/0/condition",
            "b > 0",
            "a condition refers only to unconditional items",
        ),
        ("/indicators/0/formula", "ca", "a control code is not a value"),
    ];
    for (pointer, text, reason) in cases {
        let mut v = minimal();
        *v.pointer_mut(pointer).unwrap() = text.into();
        let err = load_value(&v).unwrap_err();
        assert!(
            matches!(&err, CatalogueError::InvalidReference { reason: r, .. } if *r == reason),
            "{err}"
        );
    }
    let mut v = minimal();
    v["indicators"][0]["formula"] = "a > 0".into();
    assert!(matches!(
        load_value(&v).unwrap_err(),
        CatalogueError::InvalidExpression { .. }
    ));
    let mut v = minimal();
    v["indicators"][0]["formula"] = format!("{}a{}", "(a + ".repeat(16), ")".repeat(16)).into();
    let err = load_value(&v).unwrap_err();
    assert!(
        matches!(&err, CatalogueError::InvalidExpression { reason, .. } if reason.starts_with("nested")),
        "{err}"
    );
    let mut v = minimal();
    v["controls"][0]["expression"] = "ia + 1".into();
    assert!(matches!(
        load_value(&v).unwrap_err(),
        CatalogueError::InvalidExpression { .. }
    ));
}

#[test]
fn invalid_json_and_invalid_codes() {
    assert!(matches!(
        load(Cow::Borrowed("{")).unwrap_err(),
        CatalogueError::Json { .. }
    ));
    let mut v = minimal();
    v["items"][0]["extra"] = true.into();
    assert!(
        matches!(load_value(&v).unwrap_err(), CatalogueError::Json { message } if message.contains("extra"))
    );
    let mut v = minimal();
    v["items"][0]["code"] = "Bad".into();
    assert_eq!(
        load_value(&v).unwrap_err(),
        CatalogueError::InvalidCode {
            what: "item",
            code: "Bad".into()
        }
    );
}

#[test]
fn option_labels_cover_exactly_the_codes_of_an_enum() {
    let mut v = minimal();
    v["items"][2] = serde_json::json!({"code": "d", "label": "D", "axis": 0, "type": "enum", "unit": null,
        "scope": "tous", "required": false, "condition": null, "prefill": null, "min": null, "max": null,
        "may_be_negative": false, "sans_objet_allowed": false, "values": ["x_y", "z"],
        "value_labels": {"x_y": "X et Y", "z": "Zed"}, "first_campaign": 2019});
    let cat = load_value(&v).unwrap();
    assert_eq!(
        cat.item("d").unwrap().value_labels.as_ref().unwrap()["x_y"],
        "X et Y"
    );
    for labels in [
        serde_json::json!({"x_y": "X et Y"}),
        serde_json::json!({"x_y": "X et Y", "z": "Zed", "w": "W"}),
        serde_json::json!({"x_y": "X et Y", "w": "W"}),
        serde_json::json!({"x_y": "X et Y", "z": " "}),
    ] {
        v["items"][2]["value_labels"] = labels.clone();
        assert!(
            matches!(load_value(&v), Err(CatalogueError::InvalidDefinition { .. })),
            "{labels}"
        );
    }
}

#[test]
fn every_shipped_option_has_a_french_label() {
    for campaign in 2019..=crate::catalogue::LAST_CAMPAIGN {
        let cat = crate::catalogue_for(campaign).unwrap();
        for item in cat.items().iter().filter(|i| i.values.is_some()) {
            let labels = item
                .value_labels
                .as_ref()
                .unwrap_or_else(|| panic!("{campaign} {}", item.code));
            for code in item.values.iter().flatten() {
                assert_ne!(&labels[code], code, "{campaign} {}: label of {code}", item.code);
            }
        }
    }
}
