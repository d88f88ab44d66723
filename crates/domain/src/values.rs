//! Raw values: their validation per item type and bounds (§1.3, §3), and the typed form values the
//! engine evaluates.
//!
//! A value is checked once, at the boundary (form input, import, partner push); the engine then
//! works on [`FormValues`], a slot per catalogue item, without re-parsing JSON.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::catalogue::{Catalogue, Layout};
use crate::contract::{InvalidValue, ItemDef, ItemType, ValueErrorCode};

/// Largest absolute value of any number except a score (§1.3).
pub const MAX_ABS: f64 = 1e12;

/// A calendar date that exists in the Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses exactly `YYYY-MM-DD` (year 0001–9999) and checks that the day exists.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u16> {
            b[range].iter().try_fold(0u16, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
            })
        };
        let year = digits(0..4)?;
        let month = u8::try_from(digits(5..7)?).ok()?;
        let day = u8::try_from(digits(8..10)?).ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days_in_month).contains(&day)).then_some(Date { year, month, day })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A valid value of an item.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number (count, days, etp, eur, score, mesure).
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(Date),
    /// An enum code.
    Enum(String),
    /// The explicit answer `"sans_objet"`.
    SansObjet,
}

impl Value {
    /// The number this value stands for in expressions: booleans are 1 and 0; dates, enums and
    /// `sans_objet` never appear in expressions and give 0.
    pub fn number(&self) -> f64 {
        match self {
            Value::Number(x) => *x,
            Value::Bool(true) => 1.0,
            Value::Bool(false) | Value::Date(_) | Value::Enum(_) | Value::SansObjet => 0.0,
        }
    }

    /// The JSON form of the value (what an API stores and returns).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Number(x) => serde_json::Number::from_f64(*x).map_or(serde_json::Value::Null, Into::into),
            Value::Bool(b) => (*b).into(),
            Value::Date(d) => d.to_string().into(),
            Value::Enum(code) => code.clone().into(),
            Value::SansObjet => "sans_objet".into(),
        }
    }
}

/// A rejected value: which item, a stable code, and a French message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{item}: {message}")]
pub struct ValueError {
    /// Item code as sent.
    pub item: String,
    /// Stable snake_case code.
    pub code: ValueErrorCode,
    /// French message for the user.
    pub message: String,
}

impl ValueError {
    fn new(item: &str, code: ValueErrorCode, message: impl Into<String>) -> Self {
        Self {
            item: item.to_owned(),
            code,
            message: message.into(),
        }
    }

    /// The `invalid` entry of an evaluation result.
    pub fn to_invalid(&self) -> InvalidValue {
        InvalidValue {
            code: self.code,
            message: self.message.clone(),
        }
    }
}

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

fn unknown_item(code: &str) -> ValueError {
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

/// What a slot holds, for the engine (kept beside the values so evaluation reads two small arrays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotKind {
    Empty,
    SansObjet,
    Value,
}

/// The values of one form: one slot per catalogue item, `None` when empty.
#[derive(Debug, Clone, PartialEq)]
pub struct FormValues {
    layout: Arc<Layout>,
    slots: Vec<Option<Value>>,
    /// Per slot: empty, sans objet or a value.
    pub(crate) kinds: Vec<SlotKind>,
    /// Per slot: the number the value stands for in expressions (0 when empty).
    pub(crate) numbers: Vec<f64>,
}

impl FormValues {
    /// An empty form for the items of `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Self {
        let n = catalogue.items().len();
        Self {
            layout: Arc::clone(&catalogue.layout),
            slots: vec![None; n],
            kinds: vec![SlotKind::Empty; n],
            numbers: vec![0.0; n],
        }
    }

    fn put(&mut self, index: usize, value: Option<Value>) {
        let (kind, number) = match &value {
            None => (SlotKind::Empty, 0.0),
            Some(Value::SansObjet) => (SlotKind::SansObjet, 0.0),
            Some(v) => (SlotKind::Value, v.number()),
        };
        self.kinds[index] = kind;
        self.numbers[index] = number;
        self.slots[index] = value;
    }

    /// Validates every value; fails with every rejected item (unknown codes included), in code order.
    pub fn from_json(
        catalogue: &Catalogue,
        values: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Self, Vec<ValueError>> {
        let (form, errors) = Self::from_json_lenient(catalogue, values);
        if errors.is_empty() { Ok(form) } else { Err(errors) }
    }

    /// Validates every value, keeping the valid ones; rejected values are left empty and returned.
    pub fn from_json_lenient(
        catalogue: &Catalogue,
        values: &BTreeMap<String, serde_json::Value>,
    ) -> (Self, Vec<ValueError>) {
        let mut form = Self::new(catalogue);
        let mut errors = Vec::new();
        for (code, json) in values {
            let Some(index) = catalogue.item_index(code) else {
                errors.push(unknown_item(code));
                continue;
            };
            match validate_json(&catalogue.items()[index], json) {
                Ok(value) => form.put(index, value),
                Err(e) => errors.push(e),
            }
        }
        (form, errors)
    }

    /// Sets (or, with `None`, empties) one item after validating the value.
    pub fn set(&mut self, catalogue: &Catalogue, code: &str, value: Option<Value>) -> Result<(), ValueError> {
        let index = catalogue
            .item_index(code)
            .filter(|_| self.layout == catalogue.layout);
        let index = index.ok_or_else(|| unknown_item(code))?;
        if let Some(v) = &value {
            validate_typed(&catalogue.items()[index], v)?;
        }
        self.put(index, value);
        Ok(())
    }

    /// The value of an item, if any.
    pub fn get(&self, code: &str) -> Option<&Value> {
        let index = self.layout.codes.iter().position(|c| &**c == code)?;
        self.slots[index].as_ref()
    }

    /// The non-empty values, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.layout
            .codes
            .iter()
            .zip(&self.slots)
            .filter_map(|(c, v)| Some((&**c, v.as_ref()?)))
    }

    /// Number of non-empty values.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// True when no item has a value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// These values in the layout of `catalogue`; values of items it does not have are dropped.
    pub(crate) fn in_layout_of(&self, catalogue: &Catalogue) -> Cow<'_, FormValues> {
        if Arc::ptr_eq(&self.layout, &catalogue.layout) || *self.layout == *catalogue.layout {
            return Cow::Borrowed(self);
        }
        let mut form = Self::new(catalogue);
        for (code, value) in self.layout.codes.iter().zip(&self.slots) {
            if let (Some(i), Some(v)) = (catalogue.item_index(code), value) {
                form.put(i, Some(v.clone()));
            }
        }
        Cow::Owned(form)
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

    #[test]
    fn dates_follow_the_gregorian_calendar() {
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2024-04-31").is_none());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("0000-01-01").is_none());
        assert_eq!(Date::parse("2024-01-05").unwrap().to_string(), "2024-01-05");
    }

    #[test]
    fn form_values_report_every_bad_item() {
        let cat = catalogue_for(2024).unwrap();
        let input: BTreeMap<String, serde_json::Value> = [
            ("admissions".to_owned(), json!(3)),
            ("zzz".to_owned(), json!(1)),
            ("sorties_deces".to_owned(), json!(-2)),
        ]
        .into_iter()
        .collect();
        let errors = FormValues::from_json(cat, &input).unwrap_err();
        let items: Vec<_> = errors.iter().map(|e| (e.item.as_str(), e.code)).collect();
        assert_eq!(
            items,
            vec![
                ("sorties_deces", ValueErrorCode::Negative),
                ("zzz", ValueErrorCode::UnknownItem)
            ]
        );
        let (form, _) = FormValues::from_json_lenient(cat, &input);
        assert_eq!(form.get("admissions"), Some(&Value::Number(3.0)));
        assert_eq!(form.len(), 1);
    }

    #[test]
    fn typed_values_are_checked_too() {
        let cat = catalogue_for(2024).unwrap();
        let mut form = FormValues::new(cat);
        assert!(form.set(cat, "admissions", Some(Value::Number(4.0))).is_ok());
        assert_eq!(
            form.set(cat, "admissions", Some(Value::Bool(true)))
                .unwrap_err()
                .code,
            ValueErrorCode::WrongType
        );
        assert_eq!(
            form.set(cat, "gmp_valide", Some(Value::Number(1200.0)))
                .unwrap_err()
                .code,
            ValueErrorCode::OutOfBounds
        );
        assert_eq!(
            Value::Date(Date::parse("2024-01-05").unwrap()).to_json(),
            json!("2024-01-05")
        );
        assert_eq!(
            form.iter().collect::<Vec<_>>(),
            vec![("admissions", &Value::Number(4.0))]
        );
    }
}
