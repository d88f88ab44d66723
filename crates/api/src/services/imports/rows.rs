//! The row model of an import, whatever the input format (JSON, CSV wide or long): one row per input
//! record, with its FINESS and its values (item → raw JSON), checked later by the catalogue's rules.

use std::collections::HashMap;
use std::sync::Arc;

/// A cell that could not be read as a value of its item (CSV only): refused with `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableCell {
    /// Item code (column or `item` cell).
    pub item: Arc<str>,
    /// Stable code (`not_a_number`, `decimal_comma`, `percent_not_allowed`, `not_a_boolean`, `cell_error`).
    pub code: &'static str,
    /// French message.
    pub message: String,
}

/// One record of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Index in `rows` (from 0) for JSON, line number (header = 1) for CSV.
    pub row: u64,
    /// FINESS ET as sent.
    pub finess: String,
    /// Item → raw JSON value, in input order.
    pub values: Vec<(Arc<str>, serde_json::Value)>,
    /// Cells that could not be read (CSV), refused as values of this row.
    pub unreadable: Vec<UnreadableCell>,
}

impl ImportRow {
    /// Number of values of the row, unreadable cells included.
    pub fn len(&self) -> usize {
        self.values.len() + self.unreadable.len()
    }

    /// Whether the row carries no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Total number of values of an import.
pub fn value_count(rows: &[ImportRow]) -> usize {
    rows.iter().map(ImportRow::len).sum()
}

/// Shares one allocation per distinct item code across the rows of an import.
#[derive(Debug, Default)]
pub struct Interner(HashMap<String, Arc<str>>);

impl Interner {
    /// The shared code for `code`.
    pub fn get(&mut self, code: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(code) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(code);
        self.0.insert(code.to_owned(), Arc::clone(&shared));
        shared
    }
}
