//! Small helpers every service shares about stored values: their JSON text, their typed reading by a
//! catalogue, the source of typed values, and the time format of the API.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, SecondsFormat};
use tdb_domain::values::number_json;
use tdb_domain::{Catalogue, FormValues};

/// Source of a value typed by the structure.
pub const SAISIE: &str = "saisie";

/// A stored JSON value (`null` when unreadable). A whole number is read as a JSON integer, so that
/// the values stored as `80.0` before whole numbers were written as integers also come back as `80`.
pub fn parse_json(text: &str) -> serde_json::Value {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Number(n)) if n.is_f64() => {
            n.as_f64().map_or(serde_json::Value::Null, number_json)
        }
        Ok(value) => value,
        Err(_) => serde_json::Value::Null,
    }
}

/// Stored values are valid when written; one that a later catalogue refuses is left empty (and logged).
pub fn typed_values<'a>(
    catalogue: &Catalogue,
    rows: impl Iterator<Item = (&'a String, &'a String)>,
) -> FormValues {
    let map: BTreeMap<String, serde_json::Value> = rows
        .map(|(item, json)| (item.clone(), parse_json(json)))
        .collect();
    let (values, rejected) = FormValues::from_json_lenient(catalogue, &map);
    for error in rejected {
        tracing::warn!(item = %error.item, code = ?error.code, "stored value refused by the catalogue");
    }
    values
}

/// RFC 3339 in UTC, to the second (`2024-05-12T08:30:00Z`).
pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_whole_numbers_are_read_as_integers() {
        let legacy = parse_json("80.0");
        assert!(legacy.is_i64(), "{legacy}");
        assert_eq!(legacy.to_string(), "80");
        assert_eq!(parse_json("58.4").to_string(), "58.4");
        assert_eq!(
            parse_json("{\"from\": 1.0}").to_string(),
            "{\"from\":1.0}",
            "only bare values"
        );
        assert_eq!(parse_json("\"2022-01-01\""), serde_json::json!("2022-01-01"));
        assert_eq!(parse_json("oops"), serde_json::Value::Null);
    }
}
