//! Live evaluation in the browser: the values being typed are validated and evaluated by the domain
//! engine (`tdb_domain::evaluate`, the very rules of the server) before anything is saved.
//!
//! The catalogue comes from the API (`GET /api/v1/catalogue/{year}`) and is compiled by
//! `Catalogue::from_json`, so the wasm embeds no catalogue file (docs/decisions/004); a catalogue file
//! is compiled once per session ([`compiled`]), whatever the number of forms opened. When the server
//! used the previous campaign for the year-over-year control, that form and catalogue are loaded too
//! and evaluated the same way, once, so live alerts match the server's. The reference distribution of the
//! structure's category (`GET …/peer-reference`, fetched once) gives the peer outlier alerts
//! (`ecart_pairs.<indicator>`) while typing, computed as the server computes them.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use tdb_domain::catalogue::{CatalogueError, fnv1a64};
use tdb_domain::contract::{EvaluationResult, FormValueEntry, ItemDef, ItemState, ItemType};
use tdb_domain::values::validate_json;
use tdb_domain::{Catalogue, Evaluation, FormValues, OutlierReference, evaluate, evaluate_with_peers};

use crate::format;

thread_local! {
    /// The catalogues compiled in this page, by the content hash of their file.
    static COMPILED: RefCell<Vec<(u64, &'static Catalogue)>> = const { RefCell::new(Vec::new()) };
}

/// The catalogue of the file `json`, compiled on its first use in this page and kept for the page's
/// life: a campaign's file is the same for every form of the campaign, so an officer opening form after
/// form compiles it once. Kept by content (at most one per catalogue file the server serves).
pub fn compiled(json: String) -> Result<&'static Catalogue, CatalogueError> {
    let hash = fnv1a64(json.as_bytes());
    if let Some(known) = COMPILED.with_borrow(|c| c.iter().find(|(h, _)| *h == hash).map(|(_, c)| *c)) {
        return Ok(known);
    }
    let catalogue: &'static Catalogue = Box::leak(Box::new(Catalogue::from_json(json)?));
    COMPILED.with_borrow_mut(|c| c.push((hash, catalogue)));
    Ok(catalogue)
}

/// What the engine needs for one form: its catalogue, category, and the previous campaign if used.
pub struct Engine {
    /// Catalogue of the campaign.
    pub catalogue: &'static Catalogue,
    /// Category of the structure.
    pub category: String,
    /// The evaluation of campaign N−1, when the server used it (made once, for every keystroke).
    previous: Option<Evaluation<'static>>,
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
    /// The engine of a form of `category` under `catalogue`; `previous`: the catalogue and stored values
    /// of campaign N−1 when the server used them, evaluated here once.
    pub fn new(
        catalogue: &'static Catalogue,
        category: String,
        previous: Option<(&'static Catalogue, BTreeMap<String, serde_json::Value>)>,
        peers: Option<OutlierReference>,
    ) -> Self {
        let previous = previous.and_then(|(catalogue, values)| {
            let (form, _) = FormValues::from_json_lenient(catalogue, &values);
            evaluate(catalogue, &category, &form, None, &BTreeSet::new()).ok()
        });
        Self {
            catalogue,
            category,
            previous,
            peers,
        }
    }

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
        let (form, _) = FormValues::from_json_lenient(self.catalogue, &values);
        let result = evaluate_with_peers(
            self.catalogue,
            &self.category,
            &form,
            self.previous.as_ref(),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn file(year: i32) -> String {
        tdb_domain::catalogue_for(year).unwrap().raw_json().to_owned()
    }

    #[test]
    fn a_catalogue_file_is_compiled_once_per_page() {
        let first = compiled(file(2025)).unwrap();
        let again = compiled(file(2025)).unwrap();
        assert!(std::ptr::eq(first, again));
        let other = compiled(file(2024)).unwrap();
        assert!(!std::ptr::eq(first, other));
        assert_eq!((first.campaign(), other.campaign()), (2025, 2024));
        assert!(compiled("{".to_owned()).is_err());
    }

    /// A complete EHPAD form of `catalogue` (every item of its scope), with `journees` days realised.
    fn ehpad(catalogue: &Catalogue, journees: f64) -> BTreeMap<String, serde_json::Value> {
        let scope: Vec<&str> = catalogue
            .document()
            .scopes
            .iter()
            .filter(|s| s.members.iter().any(|m| m == "ehpad"))
            .map(|s| s.code.as_str())
            .collect();
        let mut values: BTreeMap<String, serde_json::Value> = catalogue
            .items()
            .iter()
            .filter(|i| scope.contains(&i.scope.as_str()))
            .map(|i| {
                let v = match i.item_type {
                    ItemType::Bool => serde_json::json!(true),
                    ItemType::Date => serde_json::json!("2022-01-01"),
                    ItemType::Enum => serde_json::json!(i.values.as_ref().unwrap()[0]),
                    ItemType::Score => serde_json::json!(700),
                    _ => serde_json::json!(10),
                };
                (i.code.clone(), v)
            })
            .collect();
        for (code, v) in [
            ("places_installees_hp", 60.0),
            ("places_financees_hp", 60.0),
            ("jours_ouverture_hp", 365.0),
            ("journees_realisees_hp", journees),
            ("journees_financees", 21000.0),
        ] {
            values.insert(code.to_owned(), serde_json::json!(v));
        }
        values
    }

    #[test]
    fn the_previous_campaign_evaluated_once_judges_every_keystroke_as_the_engine_does() {
        let (catalogue, previous) = (compiled(file(2025)).unwrap(), compiled(file(2024)).unwrap());
        let engine = Engine::new(
            catalogue,
            "ehpad".to_owned(),
            Some((previous, ehpad(previous, 20000.0))),
            None,
        );
        let typed: BTreeMap<String, String> = ehpad(catalogue, 12000.0)
            .iter()
            .map(|(code, v)| (code.clone(), entry_text(v)))
            .collect();
        let live = engine.evaluate(&typed, &BTreeSet::new()).unwrap();
        // The same as evaluating N−1 at each call, as the server does for each form.
        let (before, _) = FormValues::from_json_lenient(previous, &ehpad(previous, 20000.0));
        let before = evaluate(previous, "ehpad", &before, None, &BTreeSet::new()).unwrap();
        let (now, _) = FormValues::from_json_lenient(catalogue, &live.values);
        let expected = evaluate(catalogue, "ehpad", &now, Some(&before), &BTreeSet::new())
            .unwrap()
            .to_result();
        assert_eq!(live.result, expected);
        let varies = |live: &Live| {
            live.result
                .controls
                .iter()
                .any(|c| c.code == "variation_annuelle" && c.passed == Some(false))
        };
        assert!(varies(&live), "the days realised fell by 40 % from N−1");
        let without = Engine::new(catalogue, "ehpad".to_owned(), None, None);
        assert!(!varies(&without.evaluate(&typed, &BTreeSet::new()).unwrap()));
    }
}
