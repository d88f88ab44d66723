//! Raw values: their validation per item type and bounds (§1.3, §3), and the typed form values the
//! engine evaluates.
//!
//! A value is checked once, at the boundary (form input, import, partner push), by
//! [`validate_value`]; the engine then works on [`FormValues`], a slot per catalogue item, without
//! re-parsing JSON.

mod form;
mod validate;

pub use form::FormValues;
pub(crate) use form::SlotKind;
pub use validate::{validate_json, validate_number, validate_typed, validate_value};

use crate::contract::{InvalidValue, ValueErrorCode};

/// Largest absolute value of any number except a score (§1.3).
pub const MAX_ABS: f64 = 1e12;

/// Largest whole number a double holds exactly (2^53): beyond it a double is written as it is.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// A number as JSON: a whole number is a JSON integer (`80`, not `80.0`), so that what was imported
/// or typed as an integer comes back as one (forms, history, exports); others stay doubles. A number
/// that is not finite is `null` (validation refuses it first).
pub fn number_json(x: f64) -> serde_json::Value {
    if x.fract() == 0.0 && x.abs() <= EXACT_INTEGERS {
        return (x as i64).into();
    }
    serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, Into::into)
}

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

    /// The JSON form of the value (what an API stores and returns): a whole number is a JSON integer
    /// (`80`, never `80.0`, see [`number_json`]).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Number(x) => number_json(*x),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_gregorian_calendar() {
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2024-04-31").is_none());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("0000-01-01").is_none());
        assert_eq!(Date::parse("2024-01-05").unwrap().to_string(), "2024-01-05");
        assert_eq!(
            Value::Date(Date::parse("2024-01-05").unwrap()).to_json(),
            serde_json::json!("2024-01-05")
        );
    }

    #[test]
    fn whole_numbers_are_stored_as_json_integers() {
        let stored = Value::Number(80.0).to_json();
        assert!(stored.is_i64(), "{stored} must be an integer");
        assert_eq!(stored.to_string(), "80");
        assert_eq!(Value::Number(-45000.0).to_json().to_string(), "-45000");
        assert_eq!(Value::Number(1e12).to_json().to_string(), "1000000000000");
        assert_eq!(Value::Number(58.4).to_json().to_string(), "58.4");
        assert_eq!(Value::Number(0.8).to_json().to_string(), "0.8");
    }
}
