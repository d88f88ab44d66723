//! The state of the form page, shared by its panels: the stored document, the entries being typed, the
//! live evaluation of those entries, the selected tab, and the message area.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use leptos::prelude::*;
use tdb_domain::contract::{Authority, FormDocument, Role};
use wasm_bindgen::JsCast;

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
}

impl FormCtx {
    /// The page state of a loaded form.
    pub fn new(doc: FormDocument, engine: Rc<Engine>, role: Option<Role>) -> Self {
        let year = doc.campaign;
        let finess = StoredValue::new(doc.finess.clone());
        let drafts = RwSignal::new(live::drafts_of(&doc.values));
        let doc = RwSignal::new(doc);
        let engine = StoredValue::new_local(engine);
        let live = Memo::new(move |_| {
            let justified: BTreeSet<String> = doc.with(|d| d.justifications.keys().cloned().collect());
            drafts.with(|drafts| engine.with_value(|e| e.evaluate(drafts, &justified)))
        });
        Self {
            year,
            finess,
            doc,
            drafts,
            reasons: RwSignal::new(BTreeMap::new()),
            server_errors: RwSignal::new(BTreeMap::new()),
            live,
            engine,
            tab: RwSignal::new(0),
            flash: RwSignal::new(None),
            requests: RwSignal::new(BTreeMap::new()),
            role,
        }
    }

    /// Whether the signed-in user may write values now.
    pub fn writable(&self) -> bool {
        matches!(self.role, Some(Role::Esms | Role::Og)) && self.doc.with(|d| d.editable)
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
        self.live.with(|live| {
            live.as_ref().map_or_else(BTreeMap::new, |live| {
                self.doc.with(|d| live::changes(&live.values, &d.values))
            })
        })
    }

    /// Whether some entry is unsaved or invalid.
    pub fn dirty(&self) -> bool {
        !self.changes().is_empty()
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
}
