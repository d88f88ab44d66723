//! The state of the form page, shared by its panels: the stored document, the entries being typed, the
//! live evaluation of those entries, the selected tab, and the message area.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use leptos::prelude::*;
use tdb_domain::contract::{Authority, FormDocument, FormPatchSummary, FormState, Role};
use wasm_bindgen::JsCast;

use crate::drafts::{self, Earlier};
use crate::live::{self, Engine, Live};

/// Kind of the message shown after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    /// Done.
    Success,
    /// Refused or failed.
    Error,
}

/// Signals of the form page (cheap to copy into every closure).
#[derive(Clone, Copy)]
pub struct FormCtx {
    /// Campaign year.
    pub year: i32,
    /// FINESS of the structure.
    pub finess: StoredValue<String>,
    /// The form as last read from the server.
    pub doc: RwSignal<FormDocument>,
    /// The text of every input, by item code.
    pub drafts: RwSignal<BTreeMap<String, String>>,
    /// Reasons typed for overriding prefilled values, by item code.
    pub reasons: RwSignal<BTreeMap<String, String>>,
    /// Errors the server reported on the last save, by item code.
    pub server_errors: RwSignal<BTreeMap<String, String>>,
    /// The engine's evaluation of the drafts.
    pub live: Memo<Option<Live>>,
    /// The valid entries that differ from the stored values (what a save would send), computed once
    /// per change for every field that asks.
    unsaved: Memo<BTreeMap<String, serde_json::Value>>,
    /// The engine (catalogue of the campaign).
    pub engine: StoredValue<Rc<Engine>, LocalStorage>,
    /// Selected tab: axis 0 to 4.
    pub tab: RwSignal<u8>,
    /// Message of the last action.
    pub flash: RwSignal<Option<(FlashKind, String)>>,
    /// Correction requests being written by a reviewer, by item code.
    pub requests: RwSignal<BTreeMap<String, String>>,
    /// Role of the signed-in user.
    pub role: Option<Role>,
    /// How many unsaved entries were restored from the drafts when the page opened (0: no notice).
    pub restored: RwSignal<usize>,
    /// Drafts typed on an earlier version of the form, shown next to the current values, by item code.
    pub earlier: RwSignal<BTreeMap<String, Earlier>>,
}

impl FormCtx {
    /// The page state of a loaded form. For a person who may write (`email` given), the drafts kept in
    /// the browser are restored (see [`crate::drafts`]) and every change is kept there until saved.
    pub fn new(doc: FormDocument, engine: Rc<Engine>, role: Option<Role>, email: Option<String>) -> Self {
        let year = doc.campaign;
        let finess = StoredValue::new(doc.finess.clone());
        let writer = matches!(role, Some(Role::Esms | Role::Og)) && doc.editable;
        let key = email
            .filter(|_| writer)
            .map(|email| drafts::key(&email, &drafts::form_key(year, &doc.finess)));
        let mut texts = live::drafts_of(&doc.values);
        let mut restored = drafts::Restored::default();
        if let Some(draft) = key.as_deref().and_then(drafts::load) {
            restored = drafts::restore(draft, doc.version, &texts, &|code, a, b| {
                same_entry(&engine, code, a, b)
            });
            texts.extend(restored.apply.clone());
        }
        let drafts = RwSignal::new(texts);
        let reasons = RwSignal::new(restored.reasons);
        let earlier = RwSignal::new(restored.earlier);
        let restored = RwSignal::new(restored.apply.len());
        let doc = RwSignal::new(doc);
        let engine = StoredValue::new_local(engine);
        if let Some(key) = key {
            // Kept as typed: every change of the entries, reasons or pending choices rewrites the draft.
            Effect::new(move |_| {
                let draft = doc.with(|d| {
                    let saved = live::drafts_of(&d.values);
                    drafts.with(|texts| {
                        reasons.with(|reasons| {
                            earlier.with(|earlier| {
                                engine.with_value(|e| {
                                    drafts::snapshot(
                                        d.version,
                                        texts,
                                        &saved,
                                        reasons,
                                        earlier,
                                        &|code, a, b| same_entry(e, code, a, b),
                                    )
                                })
                            })
                        })
                    })
                });
                drafts::store(&key, draft.as_ref());
            });
        }
        let live = Memo::new(move |_| {
            let justified: BTreeSet<String> = doc.with(|d| d.justifications.keys().cloned().collect());
            drafts.with(|drafts| engine.with_value(|e| e.evaluate(drafts, &justified)))
        });
        let unsaved = Memo::new(move |_| {
            live.with(|live| {
                live.as_ref().map_or_else(BTreeMap::new, |live| {
                    doc.with(|d| live::changes(&live.values, &d.values))
                })
            })
        });
        Self {
            year,
            finess,
            doc,
            drafts,
            reasons,
            server_errors: RwSignal::new(BTreeMap::new()),
            live,
            unsaved,
            engine,
            tab: RwSignal::new(0),
            flash: RwSignal::new(None),
            requests: RwSignal::new(BTreeMap::new()),
            role,
            restored,
            earlier,
        }
    }

    /// Drops the restored drafts (« Abandonner »): the fields show the saved values again.
    pub fn discard_drafts(&self) {
        self.drafts.set(self.doc.with(|d| live::drafts_of(&d.values)));
        self.reasons.set(BTreeMap::new());
        self.earlier.set(BTreeMap::new());
        self.restored.set(0);
    }

    /// Whether the signed-in user may write values now.
    pub fn writable(&self) -> bool {
        matches!(self.role, Some(Role::Esms | Role::Og)) && self.doc.with(|d| d.editable)
    }

    /// Why the signed-in user cannot write the form, when they cannot (the notice of a read-only form).
    pub fn read_only_reason(&self) -> Option<&'static str> {
        self.doc
            .with(|d| read_only_reason(self.role, d.state, d.editable))
    }

    /// Moves the keyboard focus to the first field (in the catalogue's order) the engine or the server
    /// refused, opening its tab: the person sees what to correct where they are.
    pub fn focus_first_error(&self) {
        let first = self.engine.with_value(|e| {
            let live = self.live.with_untracked(|l| {
                l.as_ref()
                    .map(|l| l.errors.keys().cloned().collect::<BTreeSet<_>>())
                    .unwrap_or_default()
            });
            let server = self
                .server_errors
                .with_untracked(|s| s.keys().cloned().collect::<BTreeSet<_>>());
            e.catalogue
                .items()
                .iter()
                .find(|i| live.contains(&i.code) || server.contains(&i.code))
                .map(|i| i.code.clone())
        });
        if let Some(code) = first {
            self.focus_item(&code);
        }
    }

    /// The reviewing authority of the signed-in user, if any.
    pub fn authority(&self) -> Option<Authority> {
        match self.role {
            Some(Role::Ars) => Some(Authority::Ars),
            Some(Role::Cd) => Some(Authority::Cd),
            _ => None,
        }
    }

    /// Label of an item (its code when unknown).
    pub fn item_label(&self, code: &str) -> String {
        self.engine.with_value(|e| {
            e.catalogue
                .item(code)
                .map_or_else(|| code.to_owned(), |i| i.label.clone())
        })
    }

    /// The values that differ from the stored ones (what a save would send).
    pub fn changes(&self) -> BTreeMap<String, serde_json::Value> {
        self.unsaved.get()
    }

    /// Whether the entry of item `code` differs from its stored value.
    pub fn changed(&self, code: &str) -> bool {
        self.unsaved.with(|c| c.contains_key(code))
    }

    /// Whether some entry is unsaved or invalid.
    pub fn dirty(&self) -> bool {
        !self.unsaved.with(BTreeMap::is_empty)
            || self
                .live
                .with(|l| l.as_ref().is_some_and(|l| !l.errors.is_empty()))
    }

    /// Shows the tab of an item and moves the keyboard focus to its input.
    pub fn focus_item(&self, code: &str) {
        let axis = self
            .engine
            .with_value(|e| e.catalogue.item(code).map(|i| i.axis))
            .unwrap_or(0);
        self.tab.set(axis);
        let id = format!("item-{code}");
        request_animation_frame(move || {
            let element = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(element) = element {
                let _ = element.focus();
            }
        });
    }

    /// Shows the message of an action.
    pub fn say(&self, kind: FlashKind, message: impl Into<String>) {
        self.flash.set(Some((kind, message.into())));
    }

    /// Replaces the document by the server's answer; `reset_drafts` also replaces the entries.
    pub fn replace(&self, doc: FormDocument, reset_drafts: bool) {
        if reset_drafts {
            self.drafts.set(live::drafts_of(&doc.values));
            self.reasons.set(BTreeMap::new());
        }
        self.server_errors.set(BTreeMap::new());
        self.doc.set(doc);
    }

    /// Applies the summary of a saved change (`PATCH` with `Prefer: return=minimal`) to the document:
    /// the named items as the server stored them, the new version, state and completion; the entries
    /// become the saved values.
    pub fn apply(&self, summary: FormPatchSummary) {
        self.doc.update(|doc| apply_summary(doc, summary));
        self.drafts.set(self.doc.with(|d| live::drafts_of(&d.values)));
        self.reasons.set(BTreeMap::new());
        self.server_errors.set(BTreeMap::new());
    }
}

/// The document `doc` after the change `summary` describes.
fn apply_summary(doc: &mut FormDocument, summary: FormPatchSummary) {
    doc.version = summary.version;
    doc.state = summary.state;
    doc.editable = summary.editable;
    doc.updated_at = summary.updated_at;
    for item in &summary.absent {
        doc.values.remove(item);
    }
    doc.values.extend(summary.values);
    let completion = &mut doc.evaluation.completion;
    completion.rate = summary.completion_rate;
    completion.reached = summary.threshold_reached;
    completion.can_submit = summary.can_submit;
    doc.evaluation.submission = summary.submission;
    doc.cpom_alerts = summary.cpom_alerts;
}

/// Why a form in `state` is read-only for `role` (`editable`: the server lets the structure write it
/// now); `None` when the person may write.
pub fn read_only_reason(role: Option<Role>, state: FormState, editable: bool) -> Option<&'static str> {
    match role {
        Some(Role::Esms | Role::Og) if editable => None,
        Some(Role::Esms | Role::Og) => Some(match state {
            FormState::Soumis => {
                "Lecture seule : formulaire soumis, en attente de l'examen de l'autorité de contrôle."
            }
            FormState::Valide => "Lecture seule : le formulaire est validé.",
            _ => "Lecture seule : la campagne n'est plus ouverte à la saisie.",
        }),
        Some(Role::Ars | Role::Cd) => {
            Some("Lecture seule : l'autorité de contrôle examine et valide, la structure saisit.")
        }
        Some(Role::National) => Some("Lecture seule : le niveau national consulte sans saisir."),
        Some(Role::Partner) | None => Some("Lecture seule : votre accès ne permet pas la saisie."),
    }
}

/// Whether two texts typed for `code` are the same value (`12` and `12,0`; texts that do not read are
/// compared as typed).
fn same_entry(engine: &Engine, code: &str, a: &str, b: &str) -> bool {
    if a.trim() == b.trim() {
        return true;
    }
    let Some(item) = engine.catalogue.item(code) else {
        return false;
    };
    match (live::parse_entry(item, a), live::parse_entry(item, b)) {
        (Ok(x), Ok(y)) => live::same_value(&x, &y),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_only_form_says_why() {
        assert_eq!(read_only_reason(Some(Role::Esms), FormState::EnCours, true), None);
        assert_eq!(
            read_only_reason(Some(Role::Og), FormState::CorrectionDemandee, true),
            None
        );
        let submitted = read_only_reason(Some(Role::Esms), FormState::Soumis, false).unwrap();
        assert!(submitted.contains("soumis"), "{submitted}");
        let valid = read_only_reason(Some(Role::Og), FormState::Valide, false).unwrap();
        assert!(valid.contains("validé"), "{valid}");
        let closed = read_only_reason(Some(Role::Esms), FormState::Cloture, false).unwrap();
        assert!(closed.contains("campagne"), "{closed}");
        let ars = read_only_reason(Some(Role::Ars), FormState::Soumis, true).unwrap();
        assert!(ars.contains("autorité de contrôle"), "{ars}");
        assert!(read_only_reason(Some(Role::National), FormState::Valide, false).is_some());
    }
}
