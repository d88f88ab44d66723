//! Live evaluation in the browser: the values being typed are validated and evaluated by the domain
//! engine (`tdb_domain::evaluate`, the very rules of the server) before anything is saved.
//!
//! The catalogue comes from the API (`GET /api/v1/catalogue/{year}`) and is compiled by
//! `Catalogue::from_json`, so the wasm embeds no catalogue file (docs/decisions/004). When the server
//! used the previous campaign for the year-over-year control, that form and catalogue are loaded too
//! and evaluated the same way, so live alerts match the server's. The reference distribution of the
//! structure's category (`GET …/peer-reference`, fetched once) gives the peer outlier alerts
//! (`ecart_pairs.<indicator>`) while typing, computed as the server computes them.

use std::collections::{BTreeMap, BTreeSet};

use tdb_domain::contract::{EvaluationResult, FormValueEntry, ItemDef, ItemState, ItemType};
use tdb_domain::values::validate_json;
use tdb_domain::{Catalogue, FormValues, OutlierReference, evaluate, evaluate_with_peers};

use crate::format;

/// What the engine needs for one form: its catalogue, category, and the previous campaign if used.
pub struct Engine {
    /// Catalogue of the campaign.
    pub catalogue: Catalogue,
    /// Category of the structure.
    pub category: String,
    /// Catalogue and values of campaign N−1, when the server used them.
    pub previous: Option<(Catalogue, BTreeMap<String, serde_json::Value>)>,
    /// The peer outlier reference compiled for the catalogue, when a campaign before is frozen.
    pub peers: Option<OutlierReference>,
}

/// The live state of a form: evaluation of the valid values, item states and the rejected entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    /// Indicators, completion, controls and submission readiness (§9).
    pub result: EvaluationResult,
    /// State of every item for the structure (whether it applies).
    pub states: BTreeMap<String, ItemState>,
    /// French message of each entry that is not a valid value, by item code.
    pub errors: BTreeMap<String, String>,
    /// The valid entries as JSON values (null for empty), by item code.
    pub values: BTreeMap<String, serde_json::Value>,
}

impl Live {
    /// Whether the item `code` applies to the structure (the engine knows it and does not mark it
    /// not applicable): the fields shown.
    pub fn applies(&self, code: &str) -> bool {
        self.states
            .get(code)
            .is_some_and(|s| *s != ItemState::NotApplicable)
    }
}

impl Engine {
    /// Evaluates the entries being typed (`drafts`: the text of each input), with the justified alerts;
    /// `None` when the engine does not know the structure's category.
    pub fn evaluate(&self, drafts: &BTreeMap<String, String>, justified: &BTreeSet<String>) -> Option<Live> {
        let mut errors = BTreeMap::new();
        let mut values = BTreeMap::new();
        for (code, text) in drafts {
            let Some(item) = self.catalogue.item(code) else {
                continue;
            };
            match parse_entry(item, text) {
                Ok(json) => {
                    values.insert(code.clone(), json);
                }
                Err(message) => {
                    errors.insert(code.clone(), message);
                }
            }
        }
        let (form, _) = FormValues::from_json_lenient(&self.catalogue, &values);
        let previous = self.previous.as_ref().and_then(|(catalogue, values)| {
            let (form, _) = FormValues::from_json_lenient(catalogue, values);
            evaluate(catalogue, &self.category, &form, None, &BTreeSet::new()).ok()
        });
        let result = evaluate_with_peers(
            &self.catalogue,
            &self.category,
            &form,
            previous.as_ref(),
            justified,
            self.peers.as_ref(),
        )
        .ok()?;
        let states = self
            .catalogue
            .items()
            .iter()
            .filter_map(|i| Some((i.code.clone(), result.item_state(&i.code)?)))
            .collect();
        Some(Live {
            result: result.to_result(),
            states,
            errors,
            values,
        })
    }
}

/// The JSON value of what was typed for an item, validated by the engine; a French message otherwise.
pub fn parse_entry(item: &ItemDef, text: &str) -> Result<serde_json::Value, String> {
    let text = text.trim();
    let json = match item.item_type {
        _ if text.is_empty() => serde_json::Value::Null,
        _ if text == "sans_objet" => serde_json::Value::from(text),
        ItemType::Bool => match text {
            "true" => serde_json::Value::Bool(true),
            "false" => serde_json::Value::Bool(false),
            _ => return Err("Choisissez « Oui » ou « Non ».".to_owned()),
        },
        ItemType::Date | ItemType::Enum => serde_json::Value::from(text),
        _ => {
            let number =
                format::parse_number(text).ok_or_else(|| format!("« {text} » n'est pas un nombre."))?;
            serde_json::Number::from_f64(number)
                .map(serde_json::Value::Number)
                .ok_or_else(|| format!("« {text} » n'est pas un nombre."))?
        }
    };
    validate_json(item, &json).map(|_| json).map_err(|e| e.message)
}

/// The text an input shows for a stored value.
pub fn entry_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.as_f64().map(format::number).unwrap_or_default(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The text of every stored value, by item code.
pub fn drafts_of(values: &BTreeMap<String, FormValueEntry>) -> BTreeMap<String, String> {
    values
        .iter()
        .map(|(code, entry)| (code.clone(), entry_text(&entry.value)))
        .collect()
}

/// Whether two values are the same value (numbers compared as numbers: `12` equals `12.0`).
pub fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The entries that differ from the stored values: the patch to send.
pub fn changes(
    live: &BTreeMap<String, serde_json::Value>,
    stored: &BTreeMap<String, FormValueEntry>,
) -> BTreeMap<String, serde_json::Value> {
    live.iter()
        .filter(|(code, value)| {
            let before = stored.get(*code).map_or(&serde_json::Value::Null, |e| &e.value);
            !same_value(value, before)
        })
        .map(|(code, value)| (code.clone(), value.clone()))
        .collect()
}
