//! The bounds of an import file, checked while reading and before anything large is built: a file
//! beyond them is refused 413 `import_too_large` (nothing read further, nothing written).
//!
//! The bounds follow the catalogue and the national scale (22,000 structures × ~100 items): an import
//! holds at most [`MAX_VALUES`] values and [`MAX_ROWS`] rows; a wide table at most
//! [`max_columns`] columns (one per item of the catalogue, the `finess` column, and a margin for
//! ignored columns); an XLSX file at most [`MAX_XLSX_PART_BYTES`] per part once unpacked
//! ([`MAX_XLSX_STRINGS_BYTES`] for its shared strings, which are held in memory) and
//! [`MAX_XLSX_TOTAL_BYTES`] in all.

use tdb_domain::Catalogue;

use crate::error::{ApiError, ProblemCode};

/// Values of one import (the national campaign is about 2.2 million).
pub const MAX_VALUES: usize = 3_000_000;
/// Rows (lines, structures) of one import; also Excel's limit of a sheet.
pub const MAX_ROWS: usize = 1_048_576;
/// Columns beyond the catalogue's items (labels, comments…) a wide table may carry.
pub const EXTRA_COLUMNS: usize = 64;
/// Bytes of one part of an XLSX file once unpacked (a sheet, the styles…).
pub const MAX_XLSX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// Bytes of the shared strings of an XLSX file once unpacked (read in memory).
pub const MAX_XLSX_STRINGS_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes of all the parts of an XLSX file once unpacked.
pub const MAX_XLSX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// Parts of an XLSX file.
pub const MAX_XLSX_PARTS: usize = 10_000;

/// Columns of a wide table for `catalogue`: `finess`, one per item, and [`EXTRA_COLUMNS`].
pub fn max_columns(catalogue: &Catalogue) -> usize {
    catalogue.items().len() + 1 + EXTRA_COLUMNS
}

/// The 413 `import_too_large` refusal.
pub fn too_large(detail: String) -> ApiError {
    ApiError::TooLarge {
        code: ProblemCode::ImportTooLarge,
        detail,
    }
}

/// Counts rows and values while a file is read, refusing past the bounds.
#[derive(Debug, Default)]
pub struct Counter {
    rows: usize,
    values: usize,
}

impl Counter {
    /// One more row of `values` values.
    pub fn add(&mut self, values: usize) -> Result<(), ApiError> {
        self.rows += 1;
        self.values += values;
        if self.rows > MAX_ROWS {
            return Err(too_large(format!(
                "L'import dépasse {MAX_ROWS} lignes : découpez le fichier."
            )));
        }
        if self.values > MAX_VALUES {
            return Err(too_large(format!(
                "L'import dépasse {MAX_VALUES} valeurs : découpez le fichier."
            )));
        }
        Ok(())
    }
}
