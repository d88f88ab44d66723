//! Drafts: what a person typed and has not saved yet, kept in the browser's `localStorage` so that no
//! typed value is ever lost (a reload, a crash, an expired session, a sign-out).
//!
//! - **Key**: `tdb.brouillon:<email>:<form>`, one entry per person and form; `<form>` is
//!   `formulaire:<year>:<finess>` for the form of a structure ([`form_key`]) or
//!   `cpom:<what>` for a CPOM form (`cpom:contrat:12:termes`…, see `pages/cpom/form.rs`).
//! - **Value** ([`Draft`]): the version of the form the entries were typed on, the unsaved text of each
//!   field, the override reasons typed with them, and the entries of an earlier version the person has
//!   not decided about yet. Never a token, never anything else of the session.
//! - **Written** on every keystroke that changes what is unsaved ([`snapshot`]); **removed** when
//!   nothing is unsaved any more (after a save, or « Abandonner »).
//! - **Restored** when the form opens ([`restore`]): entries typed on the version now shown are put back
//!   into the fields (and the page says how many, [`restored_notice`]); entries typed on another version
//!   are **not** written over the current values: they are shown next to them ([`earlier_value`]) and
//!   the person takes or drops each one.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Prefix of every draft key in `localStorage`.
pub const PREFIX: &str = "tdb.brouillon";

/// An entry typed on an earlier version of the form, waiting for the person's choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier {
    /// The text typed.
    pub text: String,
    /// The version of the form it was typed on.
    pub version: i64,
}

/// The drafts of one person on one form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// Version of the form (or resource) the entries were typed on.
    pub version: i64,
    /// Unsaved text of each field, by field (item code, or field name of a CPOM form).
    pub entries: BTreeMap<String, String>,
    /// Override reasons typed with the entries, by field.
    pub reasons: BTreeMap<String, String>,
    /// Entries typed on an earlier version, not yet taken or dropped, by field.
    pub earlier: BTreeMap<String, Earlier>,
}

fn texts_json(texts: &BTreeMap<String, String>) -> Value {
    Value::Object(
        texts
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn texts_of(value: &Value) -> BTreeMap<String, String> {
    value.as_object().map_or_else(BTreeMap::new, |map| {
        map.iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect()
    })
}

impl Draft {
    /// The JSON stored: `{"version": 4, "entries": {…}, "reasons": {…}, "earlier": {"f": {"text": …,
    /// "version": 3}}}` (empty maps left out but `entries`).
    pub fn to_json(&self) -> String {
        let mut object = Map::new();
        object.insert("version".to_owned(), Value::from(self.version));
        object.insert("entries".to_owned(), texts_json(&self.entries));
        if !self.reasons.is_empty() {
            object.insert("reasons".to_owned(), texts_json(&self.reasons));
        }
        if !self.earlier.is_empty() {
            let earlier = self
                .earlier
                .iter()
                .map(|(field, e)| {
                    let mut entry = Map::new();
                    entry.insert("text".to_owned(), Value::String(e.text.clone()));
                    entry.insert("version".to_owned(), Value::from(e.version));
                    (field.clone(), Value::Object(entry))
                })
                .collect();
            object.insert("earlier".to_owned(), Value::Object(earlier));
        }
        Value::Object(object).to_string()
    }

    /// Reads what [`Self::to_json`] wrote; `None` when it is not a draft.
    pub fn from_json(text: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(text).ok()?;
        let earlier = value["earlier"].as_object().map_or_else(BTreeMap::new, |map| {
            map.iter()
                .filter_map(|(field, e)| {
                    let text = e["text"].as_str()?.to_owned();
                    Some((
                        field.clone(),
                        Earlier {
                            text,
                            version: e["version"].as_i64()?,
                        },
                    ))
                })
                .collect()
        });
        Some(Self {
            version: value["version"].as_i64()?,
            entries: texts_of(&value["entries"]),
            reasons: texts_of(&value["reasons"]),
            earlier,
        })
    }
}

/// The `localStorage` key of the drafts of `email` on `form`.
pub fn key(email: &str, form: &str) -> String {
    format!("{PREFIX}:{}:{form}", email.trim().to_ascii_lowercase())
}

/// The `<form>` part of the key of a structure's form for a campaign.
pub fn form_key(year: i32, finess: &str) -> String {
    format!("formulaire:{year}:{finess}")
}

/// What a draft gives back when its form opens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Restored {
    /// Texts to put back into the fields (typed on the version shown).
    pub apply: BTreeMap<String, String>,
    /// Override reasons to put back (of the applied entries).
    pub reasons: BTreeMap<String, String>,
    /// Entries of another version, to show next to the current values.
    pub earlier: BTreeMap<String, Earlier>,
}

/// Merges `draft` with the form as it is now (`version`, `current` text of each field). `same(field,
/// a, b)` says whether two texts are the same value (`12` and `12,0`); entries equal to the current
/// value are dropped, whatever their version.
pub fn restore(
    draft: Draft,
    version: i64,
    current: &BTreeMap<String, String>,
    same: &dyn Fn(&str, &str, &str) -> bool,
) -> Restored {
    let now = |field: &str| current.get(field).map_or("", String::as_str);
    let mut restored = Restored::default();
    for (field, text) in draft.entries {
        if same(&field, &text, now(&field)) {
            continue;
        }
        if draft.version == version {
            if let Some(reason) = draft.reasons.get(&field) {
                restored.reasons.insert(field.clone(), reason.clone());
            }
            restored.apply.insert(field, text);
        } else {
            let earlier = Earlier {
                text,
                version: draft.version,
            };
            restored.earlier.insert(field, earlier);
        }
    }
    for (field, earlier) in draft.earlier {
        if !same(&field, &earlier.text, now(&field)) {
            restored.earlier.entry(field).or_insert(earlier);
        }
    }
    restored
}

/// The draft to keep for the fields as typed (`texts`) over the saved ones (`saved`), on `version`;
/// `None` when nothing is unsaved (the key is then removed).
pub fn snapshot(
    version: i64,
    texts: &BTreeMap<String, String>,
    saved: &BTreeMap<String, String>,
    reasons: &BTreeMap<String, String>,
    earlier: &BTreeMap<String, Earlier>,
    same: &dyn Fn(&str, &str, &str) -> bool,
) -> Option<Draft> {
    let entries: BTreeMap<String, String> = texts
        .iter()
        .filter(|(field, text)| !same(field, text, saved.get(*field).map_or("", String::as_str)))
        .map(|(field, text)| (field.clone(), text.clone()))
        .collect();
    let reasons: BTreeMap<String, String> = reasons
        .iter()
        .filter(|(field, reason)| entries.contains_key(*field) && !reason.trim().is_empty())
        .map(|(f, r)| (f.clone(), r.clone()))
        .collect();
    (!entries.is_empty() || !earlier.is_empty()).then(|| Draft {
        version,
        entries,
        reasons,
        earlier: earlier.clone(),
    })
}

/// Texts compared as typed, blanks around ignored.
pub fn same_text(_field: &str, a: &str, b: &str) -> bool {
    a.trim() == b.trim()
}

/// A count in French (`1 234`, narrow no-break space between thousands).
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// « 3 saisies non enregistrées ont été restaurées » (singular for one).
pub fn restored_notice(n: usize) -> String {
    if n <= 1 {
        format!("{} saisie non enregistrée a été restaurée.", count(n))
    } else {
        format!("{} saisies non enregistrées ont été restaurées.", count(n))
    }
}

/// The sentence about entries typed on an earlier version (singular for one).
pub fn earlier_notice(n: usize) -> String {
    if n <= 1 {
        format!(
            "{} saisie faite sur une version antérieure est affichée à côté de la valeur actuelle : \
             choisissez celle à garder.",
            count(n)
        )
    } else {
        format!(
            "{} saisies faites sur une version antérieure sont affichées à côté des valeurs actuelles : \
             choisissez celles à garder.",
            count(n)
        )
    }
}

/// What is shown next to a field whose draft was typed on an earlier version.
pub fn earlier_value(text: &str) -> String {
    let shown = match text.trim() {
        "true" => "Oui",
        "false" => "Non",
        "sans_objet" => "Sans objet",
        "" => "(vide)",
        other => other,
    };
    format!("Valeur en brouillon : {shown} (saisie sur une version antérieure)")
}

/// The draft stored under `key`, if any (an unreadable one is ignored).
pub fn load(key: &str) -> Option<Draft> {
    let text = crate::local_storage()?.get_item(key).ok()??;
    Draft::from_json(&text)
}

/// Stores `draft` under `key`, or removes the key for `None`.
pub fn store(key: &str, draft: Option<&Draft>) {
    let Some(storage) = crate::local_storage() else {
        return;
    };
    match draft {
        Some(draft) => {
            let _ = storage.set_item(key, &draft.to_json());
        }
        None => {
            let _ = storage.remove_item(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn keys_are_per_person_and_form() {
        assert_eq!(
            key(" Direction.EHPAD@demo.tdb.fr ", &form_key(2024, "591000005")),
            "tdb.brouillon:direction.ehpad@demo.tdb.fr:formulaire:2024:591000005"
        );
        assert_ne!(
            key("a@x.fr", &form_key(2024, "591000005")),
            key("b@x.fr", &form_key(2024, "591000005"))
        );
        assert_ne!(
            key("a@x.fr", &form_key(2024, "591000005")),
            key("a@x.fr", &form_key(2023, "591000005"))
        );
    }

    #[test]
    fn a_snapshot_keeps_only_what_is_unsaved_and_nothing_when_all_is_saved() {
        let saved = map(&[("a", "1"), ("b", "2"), ("c", "")]);
        let texts = map(&[("a", "1"), ("b", "20"), ("c", "7")]);
        let reasons = map(&[("b", "Erreur de saisie corrigée"), ("a", "sans objet ici")]);
        let draft = snapshot(4, &texts, &saved, &reasons, &BTreeMap::new(), &same_text).unwrap();
        assert_eq!(draft.version, 4);
        assert_eq!(draft.entries, map(&[("b", "20"), ("c", "7")]));
        assert_eq!(draft.reasons, map(&[("b", "Erreur de saisie corrigée")]));
        assert_eq!(
            snapshot(4, &saved, &saved, &reasons, &BTreeMap::new(), &same_text),
            None
        );
        // The JSON holds the version and the texts only.
        let json = draft.to_json();
        assert_eq!(
            json,
            r#"{"entries":{"b":"20","c":"7"},"reasons":{"b":"Erreur de saisie corrigée"},"version":4}"#
        );
        assert_eq!(Draft::from_json(&json), Some(draft));
        assert_eq!(Draft::from_json("pas du JSON"), None);
    }

    #[test]
    fn a_draft_of_the_current_version_goes_back_into_the_fields() {
        let draft = Draft {
            version: 4,
            entries: map(&[("b", "20"), ("c", "7"), ("d", "3")]),
            reasons: map(&[("b", "Erreur de saisie corrigée")]),
            earlier: BTreeMap::new(),
        };
        let current = map(&[("b", "2"), ("c", ""), ("d", "3")]);
        let restored = restore(draft, 4, &current, &same_text);
        assert_eq!(restored.apply, map(&[("b", "20"), ("c", "7")]));
        assert_eq!(restored.reasons, map(&[("b", "Erreur de saisie corrigée")]));
        assert!(restored.earlier.is_empty());
    }

    #[test]
    fn a_draft_of_an_older_version_is_shown_next_to_the_current_value_never_written_over_it() {
        let draft = Draft {
            version: 3,
            entries: map(&[("b", "20"), ("c", "7")]),
            reasons: map(&[("b", "Erreur de saisie corrigée")]),
            earlier: [(
                "e".to_owned(),
                Earlier {
                    text: "9".to_owned(),
                    version: 2,
                },
            )]
            .into(),
        };
        // Someone saved the form in between: b is now 25, c took the value typed.
        let current = map(&[("b", "25"), ("c", "7"), ("e", "1")]);
        let restored = restore(draft, 5, &current, &same_text);
        assert!(restored.apply.is_empty());
        assert!(restored.reasons.is_empty());
        assert_eq!(
            restored.earlier,
            [
                (
                    "b".to_owned(),
                    Earlier {
                        text: "20".to_owned(),
                        version: 3
                    }
                ),
                (
                    "e".to_owned(),
                    Earlier {
                        text: "9".to_owned(),
                        version: 2
                    }
                ),
            ]
            .into()
        );
        // Pending choices stay in the draft even when nothing else is unsaved.
        let kept = snapshot(
            5,
            &current,
            &current,
            &BTreeMap::new(),
            &restored.earlier,
            &same_text,
        )
        .unwrap();
        assert!(kept.entries.is_empty());
        assert_eq!(kept.earlier.len(), 2);
    }

    #[test]
    fn values_are_compared_as_values_when_the_page_says_so() {
        let same = |_: &str, a: &str, b: &str| a.replace(',', ".").parse::<f64>().ok() == b.parse().ok();
        let draft = Draft {
            version: 1,
            entries: map(&[("a", "12,0")]),
            ..Draft::default()
        };
        assert!(restore(draft, 1, &map(&[("a", "12")]), &same).apply.is_empty());
    }

    #[test]
    fn notices_agree_in_number_and_write_numbers_the_french_way() {
        assert_eq!(restored_notice(1), "1 saisie non enregistrée a été restaurée.");
        assert_eq!(
            restored_notice(3),
            "3 saisies non enregistrées ont été restaurées."
        );
        assert_eq!(
            restored_notice(1234),
            "1\u{202f}234 saisies non enregistrées ont été restaurées."
        );
        assert!(earlier_notice(1).starts_with("1 saisie faite sur une version antérieure est affichée"));
        assert!(earlier_notice(2).starts_with("2 saisies faites sur une version antérieure sont affichées"));
        assert_eq!(
            earlier_value("true"),
            "Valeur en brouillon : Oui (saisie sur une version antérieure)"
        );
        assert_eq!(
            earlier_value("27 740"),
            "Valeur en brouillon : 27 740 (saisie sur une version antérieure)"
        );
    }
}
