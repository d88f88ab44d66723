//! Validation of one value against its item (§1.3): JSON type, finiteness, size, sign, integer or two
//! decimals, explicit bounds, enum list, dates, `sans_objet`.

use super::{Date, MAX_ABS, Value, ValueError};
use crate::catalogue::Catalogue;
use crate::contract::{ItemDef, ItemType, ValueErrorCode};

fn expected(item: &ItemDef) -> &'static str {
    match item.item_type {
        ItemType::Bool => "un booléen (true ou false)",
        ItemType::Date => "une date au format AAAA-MM-JJ",
        ItemType::Enum => "un code de la liste des valeurs",
        _ => "un nombre",
    }
}

fn wrong_type(item: &ItemDef) -> ValueError {
    ValueError::new(
        &item.code,
        ValueErrorCode::WrongType,
        format!(
            "Type de valeur incorrect : la valeur attendue est {}.",
            expected(item)
        ),
    )
}

fn has_at_most_two_decimals(x: f64) -> bool {
    (x * 100.0).round() / 100.0 == x
}

/// Checks a number against the item's type and bounds (§1.3).
pub fn validate_number(item: &ItemDef, x: f64) -> Result<f64, ValueError> {
    let err = |code, message: String| Err(ValueError::new(&item.code, code, message));
    if !x.is_finite() {
        return err(
            ValueErrorCode::NotFinite,
            "La valeur doit être un nombre fini.".to_owned(),
        );
    }
    if item.item_type == ItemType::Score {
        let (min, max) = (item.min.unwrap_or(f64::MIN), item.max.unwrap_or(f64::MAX));
        if x < min || x > max {
            return err(
                ValueErrorCode::OutOfBounds,
                format!("La valeur doit être comprise entre {min} et {max}."),
            );
        }
        return Ok(x);
    }
    if x.abs() > MAX_ABS {
        return err(
            ValueErrorCode::TooLarge,
            "La valeur dépasse 1 000 000 000 000 en valeur absolue.".to_owned(),
        );
    }
    if x < 0.0 && !item.may_be_negative {
        return err(
            ValueErrorCode::Negative,
            "La valeur ne peut pas être négative.".to_owned(),
        );
    }
    match item.item_type {
        ItemType::Count if x.fract() != 0.0 => {
            return err(
                ValueErrorCode::NotAnInteger,
                "La valeur doit être un nombre entier.".to_owned(),
            );
        }
        ItemType::Days | ItemType::Etp | ItemType::Eur | ItemType::Mesure if !has_at_most_two_decimals(x) => {
            return err(
                ValueErrorCode::TooManyDecimals,
                "La valeur ne peut pas comporter plus de deux décimales.".to_owned(),
            );
        }
        _ => {}
    }
    if let Some(max) = item.max
        && x > max
    {
        return err(
            ValueErrorCode::OutOfBounds,
            format!("La valeur ne peut pas dépasser {max}."),
        );
    }
    if let Some(min) = item.min
        && x < min
    {
        return err(
            ValueErrorCode::OutOfBounds,
            format!("La valeur ne peut pas être inférieure à {min}."),
        );
    }
    Ok(x)
}

fn sans_objet(item: &ItemDef) -> Result<Value, ValueError> {
    if item.sans_objet_allowed {
        Ok(Value::SansObjet)
    } else {
        Err(ValueError::new(
            &item.code,
            ValueErrorCode::SansObjetNotAllowed,
            "La réponse « sans objet » n'est pas autorisée pour cet item.",
        ))
    }
}

pub(super) fn unknown_item(code: &str) -> ValueError {
    ValueError::new(
        code,
        ValueErrorCode::UnknownItem,
        format!("Code d'item inconnu : « {code} »."),
    )
}

/// Validates a JSON value for an item. `null` is the empty value: `Ok(None)`.
pub fn validate_value(
    catalogue: &Catalogue,
    item_code: &str,
    value: &serde_json::Value,
) -> Result<Option<Value>, ValueError> {
    let item = catalogue.item(item_code).ok_or_else(|| unknown_item(item_code))?;
    validate_json(item, value)
}

/// Validates a JSON value against an item definition.
pub fn validate_json(item: &ItemDef, value: &serde_json::Value) -> Result<Option<Value>, ValueError> {
    use serde_json::Value as J;
    let valid = match (item.item_type, value) {
        (_, J::Null) => return Ok(None),
        (_, J::String(s)) if s == "sans_objet" => sans_objet(item)?,
        (ItemType::Bool, J::Bool(b)) => Value::Bool(*b),
        (ItemType::Date, J::String(s)) => Value::Date(Date::parse(s).ok_or_else(|| {
            ValueError::new(
                &item.code,
                ValueErrorCode::InvalidDate,
                format!("« {s} » n'est pas une date valide (format AAAA-MM-JJ, date existante)."),
            )
        })?),
        (ItemType::Enum, J::String(s)) => validate_enum(item, s)?,
        (ItemType::Bool | ItemType::Date | ItemType::Enum, _) => return Err(wrong_type(item)),
        (_, J::Number(n)) => Value::Number(validate_number(item, n.as_f64().unwrap_or(f64::NAN))?),
        _ => return Err(wrong_type(item)),
    };
    Ok(Some(valid))
}

fn validate_enum(item: &ItemDef, s: &str) -> Result<Value, ValueError> {
    let values = item.values.as_deref().unwrap_or_default();
    if values.iter().any(|v| v == s) {
        Ok(Value::Enum(s.to_owned()))
    } else {
        Err(ValueError::new(
            &item.code,
            ValueErrorCode::InvalidEnum,
            format!(
                "Valeur « {s} » non autorisée ; valeurs possibles : {}.",
                values.join(", ")
            ),
        ))
    }
}

/// Validates an already typed value for an item (type, bounds, enum list, `sans_objet`).
pub fn validate_typed(item: &ItemDef, value: &Value) -> Result<(), ValueError> {
    match (item.item_type, value) {
        (_, Value::SansObjet) => sans_objet(item).map(drop),
        (ItemType::Bool, Value::Bool(_)) | (ItemType::Date, Value::Date(_)) => Ok(()),
        (ItemType::Enum, Value::Enum(s)) => validate_enum(item, s).map(drop),
        (ItemType::Bool | ItemType::Date | ItemType::Enum, _) => Err(wrong_type(item)),
        (_, Value::Number(x)) => validate_number(item, *x).map(drop),
        _ => Err(wrong_type(item)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::catalogue::catalogue_for;

    fn code_of(item: &str, value: serde_json::Value) -> Option<ValueErrorCode> {
        validate_value(catalogue_for(2024).unwrap(), item, &value)
            .err()
            .map(|e| e.code)
    }

    #[test]
    fn counts_are_non_negative_integers() {
        assert_eq!(code_of("admissions", json!(12)), None);
        assert_eq!(code_of("admissions", json!(12.0)), None);
        assert_eq!(
            code_of("admissions", json!(12.5)),
            Some(ValueErrorCode::NotAnInteger)
        );
        assert_eq!(code_of("admissions", json!(-1)), Some(ValueErrorCode::Negative));
        assert_eq!(
            code_of("admissions", json!("12")),
            Some(ValueErrorCode::WrongType)
        );
        assert_eq!(
            code_of("admissions", json!(true)),
            Some(ValueErrorCode::WrongType)
        );
        assert_eq!(code_of("admissions", json!(1e13)), Some(ValueErrorCode::TooLarge));
        assert_eq!(code_of("admissions", json!(1e12)), None);
    }

    #[test]
    fn two_decimals_rule_in_doubles() {
        assert_eq!(code_of("etp_reels_31_12", json!(12.35)), None);
        assert_eq!(
            code_of("etp_reels_31_12", json!(12.345)),
            Some(ValueErrorCode::TooManyDecimals)
        );
        assert_eq!(
            code_of("etp_reels_31_12", json!(0.1 + 0.2)),
            Some(ValueErrorCode::TooManyDecimals)
        );
        assert_eq!(code_of("etp_reels_31_12", json!(0.3)), None);
    }

    #[test]
    fn bounds_and_signs() {
        assert_eq!(code_of("jours_ouverture_hp", json!(366)), None);
        assert_eq!(
            code_of("jours_ouverture_hp", json!(366.01)),
            Some(ValueErrorCode::OutOfBounds)
        );
        assert_eq!(code_of("gmp_valide", json!(1000)), None);
        assert_eq!(
            code_of("gmp_valide", json!(1000.5)),
            Some(ValueErrorCode::OutOfBounds)
        );
        assert_eq!(
            code_of("gmp_valide", json!(-1)),
            Some(ValueErrorCode::OutOfBounds)
        );
        assert_eq!(
            code_of("pmp_valide", json!(800.25)),
            Some(ValueErrorCode::OutOfBounds)
        );
        assert_eq!(code_of("resultat_comptable", json!(-45000.5)), None);
        assert_eq!(
            code_of("depenses_realisees", json!(-1)),
            Some(ValueErrorCode::Negative)
        );
        assert_eq!(
            code_of("tresorerie", json!(-1e12 - 1.0)),
            Some(ValueErrorCode::TooLarge)
        );
    }

    #[test]
    fn not_finite_numbers_are_rejected() {
        let cat = catalogue_for(2024).unwrap();
        let item = cat.item("tresorerie").unwrap();
        assert_eq!(
            validate_number(item, f64::NAN).unwrap_err().code,
            ValueErrorCode::NotFinite
        );
        assert_eq!(
            validate_number(item, f64::INFINITY).unwrap_err().code,
            ValueErrorCode::NotFinite
        );
    }

    #[test]
    fn booleans_dates_enums_and_sans_objet() {
        assert_eq!(code_of("cpom_en_cours", json!(true)), None);
        assert_eq!(
            code_of("cpom_en_cours", json!(1)),
            Some(ValueErrorCode::WrongType)
        );
        assert_eq!(
            code_of("cpom_en_cours", json!("oui")),
            Some(ValueErrorCode::WrongType)
        );
        assert_eq!(code_of("date_debut_cpom", json!("2024-02-29")), None);
        assert_eq!(
            code_of("date_debut_cpom", json!("2023-02-29")),
            Some(ValueErrorCode::InvalidDate)
        );
        assert_eq!(
            code_of("date_debut_cpom", json!("2024-2-01")),
            Some(ValueErrorCode::InvalidDate)
        );
        assert_eq!(
            code_of("date_debut_cpom", json!(20240201)),
            Some(ValueErrorCode::WrongType)
        );
        assert_eq!(code_of("option_tarifaire", json!("global_avec_pui")), None);
        assert_eq!(
            code_of("option_tarifaire", json!("Global_avec_pui")),
            Some(ValueErrorCode::InvalidEnum)
        );
        assert_eq!(code_of("gmp_valide", json!("sans_objet")), None);
        assert_eq!(
            code_of("admissions", json!("sans_objet")),
            Some(ValueErrorCode::SansObjetNotAllowed)
        );
        assert_eq!(code_of("nope", json!(1)), Some(ValueErrorCode::UnknownItem));
        assert_eq!(code_of("admissions", json!(null)), None);
    }
}
