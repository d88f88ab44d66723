//! Drafts of the CPOM forms (contract terms, new contract, action sheets, objectives, values of free
//! objectives, amendments, committee records): the text fields (inputs, text areas, selects) of a form
//! are kept in the browser as they are typed, per person and form, with the version of the contract
//! they were typed on (see [`crate::drafts`]). When the form opens again, the entries typed on the same
//! version go back into the fields with the notice « n saisies non enregistrées ont été restaurées »,
//! those typed on another version are shown under their field; the draft is cleared once the form is
//! accepted by the server ([`super::form::Submit`]) or on « Abandonner ».

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::components::draft_notice;
use crate::drafts::{self, Earlier};
use crate::session::Session;

/// The draft of one CPOM form (cheap to copy into closures).
#[derive(Debug, Clone, Copy)]
pub struct FormDraft {
    key: StoredValue<Option<String>>,
    version: i64,
    /// Field name, its signal, and the value it had when the form opened.
    fields: StoredValue<Vec<(&'static str, RwSignal<String>, String)>>,
    /// How many entries were restored (0: no notice).
    restored: RwSignal<usize>,
    /// Entries typed on another version, by field name.
    earlier: RwSignal<BTreeMap<String, Earlier>>,
}

/// The `localStorage` key of a CPOM form of the signed-in person (`None` when signed out).
pub fn key_of(form: &str) -> Option<String> {
    let session = use_context::<Session>()?;
    session
        .email()
        .map(|email| drafts::key(&email, &format!("cpom:{form}")))
}

/// Whether the signed-in person has a draft of the CPOM form `form` (its panel then opens by itself).
pub fn exists(form: &str) -> bool {
    key_of(form).and_then(|key| drafts::load(&key)).is_some()
}

impl FormDraft {
    /// The draft of the CPOM form named `form` (`contrat:12:termes`…), typed on `version` of the
    /// resource (0 for a creation).
    pub fn new(form: &str, version: i64) -> Self {
        Self {
            key: StoredValue::new(key_of(form)),
            version,
            fields: StoredValue::new(Vec::new()),
            restored: RwSignal::new(0),
            earlier: RwSignal::new(BTreeMap::new()),
        }
    }

    /// Keeps field `name` in the draft; returns the signal for chaining.
    pub fn field(self, name: &'static str, signal: RwSignal<String>) -> RwSignal<String> {
        let initial = signal.get_untracked();
        self.fields.update_value(|f| f.push((name, signal, initial)));
        signal
    }

    fn texts(self, current: bool) -> BTreeMap<String, String> {
        self.fields.with_value(|fields| {
            fields
                .iter()
                .map(|(name, signal, initial)| {
                    let text = if current { signal.get() } else { initial.clone() };
                    ((*name).to_owned(), text)
                })
                .collect()
        })
    }

    /// Restores the stored draft into the fields (call once every field is declared, before the view
    /// is built) and keeps every later change.
    pub fn start(self) {
        let Some(key) = self.key.get_value() else {
            return;
        };
        if let Some(draft) = drafts::load(&key) {
            let current = self.texts(false);
            let restored = drafts::restore(draft, self.version, &current, &drafts::same_text);
            self.fields.with_value(|fields| {
                for (name, signal, _) in fields {
                    if let Some(text) = restored.apply.get(*name) {
                        signal.set(text.clone());
                    }
                }
            });
            self.restored.set(restored.apply.len());
            self.earlier.set(restored.earlier);
        }
        Effect::new(move |_| {
            let texts = self.texts(true);
            let saved = self.texts(false);
            let draft = self.earlier.with(|earlier| {
                drafts::snapshot(
                    self.version,
                    &texts,
                    &saved,
                    &BTreeMap::new(),
                    earlier,
                    &drafts::same_text,
                )
            });
            drafts::store(&key, draft.as_ref());
        });
    }

    /// Forgets the draft (the form was accepted): what the fields show is now the saved state.
    pub fn clear(self) {
        self.fields.update_value(|fields| {
            for (_, signal, initial) in fields.iter_mut() {
                *initial = signal.get_untracked();
            }
        });
        if let Some(key) = self.key.get_value() {
            drafts::store(&key, None);
        }
        self.restored.set(0);
        self.earlier.set(BTreeMap::new());
    }

    /// « Abandonner »: the fields show the values they opened with, the draft is removed.
    pub fn discard(self) {
        self.fields.with_value(|fields| {
            for (_, signal, initial) in fields {
                signal.set(initial.clone());
            }
        });
        self.clear();
    }

    /// `field` (the view of field `name`) followed by its entry of another version, if any.
    pub fn around(self, name: &'static str, field: AnyView) -> AnyView {
        view! { {field} {self.earlier_of(name)} }.into_any()
    }

    /// The notice of restored entries, inside the form: « Enregistrer » submits the form,
    /// « Abandonner » drops the draft.
    pub fn notice(self) -> AnyView {
        draft_notice::notice(
            self.restored.into(),
            Signal::derive(move || self.earlier.with(BTreeMap::len)),
            None,
            Signal::stored(false),
            Callback::new(move |()| self.discard()),
        )
    }

    /// The entry of field `name` typed on another version, under the field: take it or keep the
    /// current value.
    pub fn earlier_of(self, name: &'static str) -> AnyView {
        let pending = move || self.earlier.with(|e| e.get(name).cloned());
        let take = Callback::new(move |()| {
            if let Some(draft) = self.earlier.with_untracked(|e| e.get(name).cloned()) {
                self.fields.with_value(|fields| {
                    for (field, signal, _) in fields {
                        if *field == name {
                            signal.set(draft.text.clone());
                        }
                    }
                });
            }
            self.earlier.update(|e| {
                e.remove(name);
            });
        });
        let keep = Callback::new(move |()| {
            self.earlier.update(|e| {
                e.remove(name);
            });
        });
        (move || pending().map(|draft| draft_notice::earlier(&draft.text, take, keep))).into_any()
    }
}
