//! A form's stored values at one version, read once and kept together: their rows (provenance, for the
//! document and for planning the next write) and their typed values (for the engine). A write derives
//! the next version's from the previous one's, changing only what it writes, instead of parsing every
//! stored value again.

use tdb_domain::{Catalogue, FormValues, Value};

use crate::db::repo::values::ValueRow;
use crate::error::ApiError;
use crate::services::values::typed_values;

/// The rows of a form's values (sorted by item code) and the same values typed.
#[derive(Debug)]
pub struct StoredValues {
    rows: Vec<ValueRow>,
    typed: FormValues,
}

impl StoredValues {
    /// The values of `rows` (sorted by item code) under `catalogue`.
    pub fn new(catalogue: &Catalogue, rows: Vec<ValueRow>) -> Self {
        let typed = typed_values(catalogue, rows.iter().map(|v| (&v.item_code, &v.value_json)));
        Self { rows, typed }
    }

    /// The values after a write: `rows` (sorted by item code) are those of `before` with the `changes`
    /// (item, typed value) written.
    pub fn after<'a>(
        catalogue: &Catalogue,
        before: &Self,
        rows: Vec<ValueRow>,
        changes: impl IntoIterator<Item = (&'a str, Option<Value>)>,
    ) -> Result<Self, ApiError> {
        let mut typed = before.typed.clone();
        for (item, value) in changes {
            typed
                .set(catalogue, item, value)
                .map_err(|e| ApiError::Internal(format!("{item}: {}", e.message)))?;
        }
        Ok(Self { rows, typed })
    }

    /// The rows, sorted by item code.
    pub fn rows(&self) -> &[ValueRow] {
        &self.rows
    }

    /// The typed values.
    pub fn typed(&self) -> &FormValues {
        &self.typed
    }
}
