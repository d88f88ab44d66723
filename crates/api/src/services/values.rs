//! Small helpers every service shares about stored values: their JSON text, their typed reading by a
//! catalogue, the source of typed values, and the time format of the API.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, SecondsFormat};
use tdb_domain::{Catalogue, FormValues};

/// Source of a value typed by the structure.
pub const SAISIE: &str = "saisie";

/// A stored JSON value (`null` when unreadable).
pub fn parse_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
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
