//! A per-process cache of serialised form documents, keyed by the form's [`FormStamp`].
//!
//! The document of a form is derived data: its rows, its structure, its campaign's phase, the form of
//! campaign N−1 and the compiled-in catalogue. A read first takes the form's stamp (one indexed
//! statement that also checks the caller's scope) and serves the cached body only when it was computed
//! under an equal stamp; any write bumps the version, so a stale entry is never served and nothing
//! needs invalidating — across replicas too, since each compares with what the database says now.
//!
//! Whoever stores an entry must have read the stamp before (or in the same snapshot as) the rows the
//! document was computed from: the content is then at least as new as its key, and an entry whose key
//! is already stale is simply never matched again.
//!
//! A write also keeps, beside the document it answers, the form's stored values at its new version: the
//! next write of the same form (a person typing) plans on them instead of reading them again, under
//! the same rule (they are used only under an equal stamp, and the write checks the version under its
//! lock before writing).
//!
//! A write answered with its summary (`Prefer: return=minimal`, the web app's choice) keeps its document
//! unbuilt ([`Unbuilt`]: the parts it is made of, evaluated): the first read that wants it builds and
//! serialises it, and keeps the body. A person typing value after value thus does not pay for building
//! and serialising a document nobody reads; a write whose form had no entry (nothing to estimate its
//! size from) serialises at once.
//!
//! Bounded in bytes (documents and values; a document kept unbuilt counts as large as the body it
//! replaced until it is serialised), one entry per form, oldest entries evicted first. A capacity of 0
//! disables it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use actix_web::web::Bytes;
use tdb_domain::contract::FormDocument;

use super::stored::StoredValues;
use crate::db::repo::forms::FormStamp;
use crate::db::repo::values::ValueRow;
use crate::error::ApiError;

/// A form document, serialised once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormBody {
    /// Version of the form (the `ETag`).
    pub version: i64,
    /// The JSON document.
    pub json: Bytes,
}

impl FormBody {
    /// Serialises a document.
    pub fn of(document: &FormDocument) -> Result<Self, ApiError> {
        let json = serde_json::to_vec(document).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Self {
            version: document.version,
            json: Bytes::from(json),
        })
    }
}

/// A form's document not built yet, as a write answered with its summary leaves it: built by the first
/// read that wants it.
pub trait Unbuilt: std::fmt::Debug + Send + Sync {
    /// The form's stored values.
    fn values(&self) -> &Arc<StoredValues>;
    /// The document.
    fn build(&self) -> FormDocument;
}

/// The cache (shared by every worker of the process).
#[derive(Debug)]
pub struct FormCache {
    capacity: usize,
    inner: Mutex<Entries>,
}

/// A form: campaign year and FINESS.
type FormKey = (i32, String);

/// What is kept of a form, computed under `stamp`.
#[derive(Debug)]
struct Entry {
    stamp: FormStamp,
    document: Kept,
    /// The stored values, when a write kept them.
    values: Option<Arc<StoredValues>>,
    /// Bytes of the document counted against the capacity (its body's, or an estimate).
    document_size: usize,
    /// Bytes counted against the capacity.
    size: usize,
}

/// A form's document as kept: serialised, or as a write left it (built and serialised by the first read).
#[derive(Debug, Clone)]
enum Kept {
    Body(FormBody),
    Unbuilt(Arc<dyn Unbuilt>),
}

#[derive(Debug, Default)]
struct Entries {
    by_form: HashMap<FormKey, Entry>,
    /// Forms in insertion order, oldest first.
    order: VecDeque<FormKey>,
    bytes: usize,
}

impl FormCache {
    /// A cache holding at most `capacity` bytes of documents.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Entries::default()),
        }
    }

    /// The body of the form of `year` computed under `stamp`, if cached (a document kept unbuilt is
    /// built and serialised now, and kept so).
    pub fn get(&self, year: i32, stamp: &FormStamp) -> Option<FormBody> {
        match self.with_entry(year, stamp, |entry| entry.document.clone())? {
            Kept::Body(body) => Some(body),
            Kept::Unbuilt(unbuilt) => {
                // A document that does not serialise is a miss: the read computes it again, and fails.
                let body = FormBody::of(&unbuilt.build()).ok()?;
                self.serialised(year, stamp, &body);
                Some(body)
            }
        }
    }

    /// The stored values of the form of `year` at `stamp`, if a write kept them.
    pub fn values(&self, year: i32, stamp: &FormStamp) -> Option<Arc<StoredValues>> {
        self.with_entry(year, stamp, |entry| entry.values.clone())
            .flatten()
    }

    /// Keeps `body`, the document of the form of `year` computed under `stamp`, replacing the form's
    /// previous entry; evicts the oldest forms beyond the capacity.
    pub fn put(&self, year: i32, stamp: FormStamp, body: FormBody) {
        self.insert(year, stamp, body, None);
    }

    /// [`put`](Self::put) for a write, which also keeps the form's stored `values` at `stamp`.
    pub fn put_written(&self, year: i32, stamp: FormStamp, body: FormBody, values: Arc<StoredValues>) {
        self.insert(year, stamp, body, Some(values));
    }

    /// [`put_written`](Self::put_written) for a write whose answer is not the document: keeps it
    /// `unbuilt`, with its values, when the form has an entry (whose document size stands for its own
    /// until a read serialises it), builds and serialises it otherwise.
    pub fn keep_written(
        &self,
        year: i32,
        stamp: FormStamp,
        unbuilt: impl Unbuilt + 'static,
    ) -> Result<(), ApiError> {
        let key = (year, stamp.structure.finess.clone());
        let values = Arc::clone(unbuilt.values());
        let estimate = self.entries().by_form.get(&key).map(|entry| entry.document_size);
        let (document, document_size) = match estimate {
            Some(size) => (Kept::Unbuilt(Arc::new(unbuilt)), size),
            None => {
                let body = FormBody::of(&unbuilt.build())?;
                let size = body.json.len();
                (Kept::Body(body), size)
            }
        };
        self.store(key, stamp, (document, document_size), Some(values));
        Ok(())
    }

    fn with_entry<T>(&self, year: i32, stamp: &FormStamp, read: impl FnOnce(&Entry) -> T) -> Option<T> {
        if self.capacity == 0 {
            return None;
        }
        let entries = self.entries();
        let entry = entries.by_form.get(&(year, stamp.structure.finess.clone()))?;
        (entry.stamp == *stamp).then(|| read(entry))
    }

    fn insert(&self, year: i32, stamp: FormStamp, body: FormBody, values: Option<Arc<StoredValues>>) {
        let key = (year, stamp.structure.finess.clone());
        let size = body.json.len();
        self.store(key, stamp, (Kept::Body(body), size), values);
    }

    /// Keeps `document` (of `document_size` bytes) and `values` for `key` under `stamp`. What it
    /// replaces or evicts is dropped after the lock is released.
    fn store(
        &self,
        key: FormKey,
        stamp: FormStamp,
        (document, document_size): (Kept, usize),
        values: Option<Arc<StoredValues>>,
    ) {
        let size = document_size + values.as_deref().map_or(0, |v| values_size(v.rows()));
        if size > self.capacity {
            return;
        }
        let entry = Entry {
            stamp,
            document,
            values,
            document_size,
            size,
        };
        let mut entries = self.entries();
        let replaced = entries.by_form.insert(key.clone(), entry);
        match &replaced {
            Some(old) => entries.bytes -= old.size,
            None => entries.order.push_back(key),
        }
        entries.bytes += size;
        let evicted = entries.evict_beyond(self.capacity);
        drop(entries);
        drop((replaced, evicted));
    }

    /// Replaces the unbuilt document of the form of `year` at `stamp` by its `body`, counting
    /// its real size (nothing when the entry has moved on).
    fn serialised(&self, year: i32, stamp: &FormStamp, body: &FormBody) {
        let mut entries = self.entries();
        let Entries { by_form, bytes, .. } = &mut *entries;
        let Some(entry) = by_form.get_mut(&(year, stamp.structure.finess.clone())) else {
            return;
        };
        if entry.stamp != *stamp || matches!(entry.document, Kept::Body(_)) {
            return;
        }
        let document = std::mem::replace(&mut entry.document, Kept::Body(body.clone()));
        *bytes = *bytes + body.json.len() - entry.document_size;
        entry.size = entry.size + body.json.len() - entry.document_size;
        entry.document_size = body.json.len();
        let evicted = entries.evict_beyond(self.capacity);
        drop(entries);
        drop((document, evicted));
    }

    /// Bytes held.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.entries().bytes
    }

    fn entries(&self) -> MutexGuard<'_, Entries> {
        // The entries stay consistent even if a holder panicked: every update is complete before unlock.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Entries {
    /// Evicts the oldest forms until at most `capacity` bytes are held; answers them (to drop outside
    /// the lock).
    fn evict_beyond(&mut self, capacity: usize) -> Vec<Entry> {
        let mut evicted = Vec::new();
        while self.bytes > capacity {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(entry) = self.by_form.remove(&oldest) {
                self.bytes -= entry.size;
                evicted.push(entry);
            }
        }
        evicted
    }
}

/// The bytes a form's values take: the rows and their texts.
fn values_size(values: &[ValueRow]) -> usize {
    let text = |s: &str| s.len();
    let optional = |s: &Option<String>| s.as_deref().map_or(0, text);
    values
        .iter()
        .map(|v| {
            std::mem::size_of::<ValueRow>()
                + text(&v.structure_finess)
                + text(&v.item_code)
                + text(&v.value_json)
                + text(&v.source)
                + text(&v.author)
                + optional(&v.batch_id)
                + optional(&v.prefill_value_json)
                + optional(&v.prefill_source)
                + optional(&v.override_reason)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::repo::forms::StructureContext;

    fn stamp(finess: &str, version: i64) -> FormStamp {
        FormStamp {
            structure: StructureContext {
                finess: finess.to_owned(),
                category: "ehpad".to_owned(),
                competence: "ARS_CD".to_owned(),
                region: "32".to_owned(),
            },
            phase: Some("collecte".to_owned()),
            version: Some(version),
            previous_version: None,
            last_message: None,
            cpom: None,
            reference: None,
        }
    }

    fn body(version: i64, size: usize) -> FormBody {
        FormBody {
            version,
            json: Bytes::from(vec![b' '; size]),
        }
    }

    #[test]
    fn serves_only_under_an_equal_stamp() {
        let cache = FormCache::new(1000);
        cache.put(2024, stamp("a", 3), body(3, 10));
        assert_eq!(cache.get(2024, &stamp("a", 3)), Some(body(3, 10)));
        assert_eq!(cache.get(2024, &stamp("a", 4)), None);
        assert_eq!(cache.get(2023, &stamp("a", 3)), None);
        let mut moved = stamp("a", 3);
        moved.phase = Some("fiabilisation".to_owned());
        assert_eq!(cache.get(2024, &moved), None);
        moved = stamp("a", 3);
        moved.last_message = Some(1);
        assert_eq!(cache.get(2024, &moved), None);
        cache.put(2024, stamp("a", 4), body(4, 20));
        assert_eq!(cache.get(2024, &stamp("a", 3)), None);
        assert_eq!(cache.get(2024, &stamp("a", 4)), Some(body(4, 20)));
        assert_eq!(cache.bytes(), 20);
    }

    #[test]
    fn evicts_the_oldest_forms_beyond_the_capacity() {
        let cache = FormCache::new(100);
        cache.put(2024, stamp("a", 1), body(1, 40));
        cache.put(2024, stamp("b", 1), body(1, 40));
        cache.put(2024, stamp("a", 2), body(2, 40));
        cache.put(2024, stamp("c", 1), body(1, 40));
        assert_eq!(cache.get(2024, &stamp("a", 2)), None);
        assert!(cache.get(2024, &stamp("b", 1)).is_some());
        assert!(cache.get(2024, &stamp("c", 1)).is_some());
        assert_eq!(cache.bytes(), 80);
        cache.put(2024, stamp("d", 1), body(1, 101));
        assert_eq!(cache.get(2024, &stamp("d", 1)), None);
        assert_eq!(cache.bytes(), 80);
    }

    fn value(item: &str) -> ValueRow {
        ValueRow {
            campaign_year: 2024,
            structure_finess: "a".to_owned(),
            item_code: item.to_owned(),
            value_json: "12".to_owned(),
            source: "saisie".to_owned(),
            batch_id: None,
            locked: false,
            prefill_value_json: None,
            prefill_source: None,
            override_reason: None,
            author: "someone@example.fr".to_owned(),
            updated_at: chrono::NaiveDateTime::default(),
            version: 1,
        }
    }

    fn stored(items: &[&str]) -> Arc<StoredValues> {
        let catalogue = tdb_domain::catalogue_for(2024).expect("the 2024 catalogue");
        Arc::new(StoredValues::new(
            catalogue,
            items.iter().map(|i| value(i)).collect(),
        ))
    }

    fn rows_of(values: Option<Arc<StoredValues>>) -> Option<Vec<ValueRow>> {
        values.map(|v| v.rows().to_vec())
    }

    #[test]
    fn a_write_keeps_the_values_under_its_stamp_and_counts_them() {
        let cache = FormCache::new(10_000);
        let values = stored(&["admissions", "places_installees_hp"]);
        cache.put_written(2024, stamp("a", 4), body(4, 10), Arc::clone(&values));
        let kept = cache.values(2024, &stamp("a", 4)).expect("kept");
        assert!(Arc::ptr_eq(&kept, &values));
        assert_eq!(kept.typed().len(), 2);
        assert_eq!(rows_of(cache.values(2024, &stamp("a", 3))), None);
        assert_eq!(cache.get(2024, &stamp("a", 4)), Some(body(4, 10)));
        assert_eq!(cache.bytes(), 10 + values_size(values.rows()));
        assert!(values_size(values.rows()) > 2 * std::mem::size_of::<ValueRow>());
        // A read's entry has no values: the next write reads them.
        cache.put(2024, stamp("a", 5), body(5, 10));
        assert_eq!(rows_of(cache.values(2024, &stamp("a", 5))), None);
        assert_eq!(cache.bytes(), 10);
    }

    /// A document kept as if unbuilt.
    #[derive(Debug)]
    struct Built(FormDocument, Arc<StoredValues>);

    impl Unbuilt for Built {
        fn values(&self) -> &Arc<StoredValues> {
            &self.1
        }
        fn build(&self) -> FormDocument {
            self.0.clone()
        }
    }

    fn document(version: i64) -> FormDocument {
        serde_json::from_value(serde_json::json!({
            "campaign": 2024, "finess": "a", "category": "ehpad", "state": "en_cours",
            "version": version, "editable": true,
            "validation": {"required": [], "validated": [], "awaiting": []},
            "values": {}, "justifications": {}, "corrections": [], "previous_campaign_used": false,
            "evaluation": {"category": "ehpad", "campaign": 2024, "indicators": {},
                "completion": {"rate": 0.5, "filled": 1, "required": 2, "threshold": 0.9,
                    "finance_counted": true, "reached": false, "can_submit": false, "missing": ["places"],
                    "by_axis": {}},
                "controls": [], "submission": {"blocking": [], "alerts": [], "unjustified_alerts": []},
                "ignored": []},
        }))
        .expect("a form document")
    }

    #[test]
    fn a_write_answered_by_its_summary_keeps_its_document_unbuilt_until_a_read_wants_it() {
        let cache = FormCache::new(100_000);
        let values = stored(&["admissions"]);
        // No entry to estimate from: serialised at once.
        cache
            .keep_written(2024, stamp("a", 4), Built(document(4), Arc::clone(&values)))
            .expect("kept");
        let first = FormBody::of(&document(4)).expect("serialised");
        assert_eq!(cache.bytes(), first.json.len() + values_size(values.rows()));
        {
            let entries = cache.entries();
            assert!(matches!(
                entries.by_form[&(2024, "a".to_owned())].document,
                Kept::Body(_)
            ));
        }
        // The next write keeps its document, counted as large as the body it replaces.
        cache.put(2024, stamp("a", 5), body(5, 1000));
        cache
            .keep_written(2024, stamp("a", 6), Built(document(6), Arc::clone(&values)))
            .expect("kept");
        {
            let entries = cache.entries();
            assert!(matches!(
                entries.by_form[&(2024, "a".to_owned())].document,
                Kept::Unbuilt(_)
            ));
        }
        assert_eq!(cache.bytes(), 1000 + values_size(values.rows()));
        assert_eq!(
            rows_of(cache.values(2024, &stamp("a", 6))),
            Some(values.rows().to_vec())
        );
        assert_eq!(cache.get(2024, &stamp("a", 5)), None);
        // The first read serialises it, keeps the body and counts its real size.
        let served = cache.get(2024, &stamp("a", 6)).expect("served");
        assert_eq!(served, FormBody::of(&document(6)).expect("serialised"));
        assert_eq!(served.version, 6);
        assert_eq!(cache.bytes(), served.json.len() + values_size(values.rows()));
        {
            let entries = cache.entries();
            assert!(matches!(
                entries.by_form[&(2024, "a".to_owned())].document,
                Kept::Body(_)
            ));
        }
        assert_eq!(cache.get(2024, &stamp("a", 6)), Some(served));
    }

    #[test]
    fn a_zero_capacity_disables_it() {
        let cache = FormCache::new(0);
        cache.put(2024, stamp("a", 1), body(1, 1));
        assert_eq!(cache.get(2024, &stamp("a", 1)), None);
        assert_eq!(cache.bytes(), 0);
    }
}
