//! XLSX exports of the table layouts: one sheet, the header on row 1, one line per structure (or per
//! value, long layout). Numbers are number cells, everything else text (FINESS stay text: `2A…`
//! FINESS are not numbers and leading zeros survive). The sheet is written row by row in constant
//! memory mode (rows go to a temporary file), the workbook is then assembled into an anonymous
//! temporary file ([`Built`]) that the route streams: the server's memory does not follow the export's
//! size.
//!
//! The `regional` layout follows the official file: sheet `Restitutions`, header in `A1:LS1` with the
//! number format of each official header cell, panes frozen at `G2`.

use std::fs::File;
use std::io::{Seek, SeekFrom};

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::cells::Cell;
use super::rows::Table;
use super::{Counts, Layout, Plan, StructureData, Visitor, for_each_structure, regional};
use crate::db::DbConnection;
use crate::error::{ApiError, ProblemCode};

/// The XLSX media type.
pub const MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Lines of a sheet (Excel's limit), header included.
pub const MAX_ROWS: u64 = 1_048_576;

/// A built workbook: an anonymous temporary file (gone once closed), positioned at its start.
#[derive(Debug)]
pub struct Built {
    /// The file, to be read from its start.
    pub file: File,
    /// Its size in bytes.
    pub len: u64,
}

/// Assembles `workbook` into an anonymous temporary file.
pub fn save(workbook: &mut Workbook) -> Result<Built, ApiError> {
    let io = |e: std::io::Error| ApiError::Internal(format!("fichier temporaire du classeur : {e}"));
    let mut file = tempfile::tempfile().map_err(io)?;
    workbook.save_to_writer(&mut file).map_err(xlsx_error)?;
    let len = file.stream_position().map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(Built { file, len })
}

/// Writes the export of `plan` (a table layout) as a workbook.
pub fn write(conn: &mut DbConnection, plan: &Plan) -> Result<(Built, Counts), ApiError> {
    let mut workbook = Workbook::new();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    let table = Table::new(plan);
    let header = table.header();
    if plan.request.layout == Layout::Regional {
        regional_header(sheet, &header).map_err(xlsx_error)?;
    } else {
        sheet.set_name("export").map_err(xlsx_error)?;
        let bold = Format::new().set_bold();
        for (col, label) in header.iter().enumerate() {
            sheet
                .write_string_with_format(0, column(col)?, label, &bold)
                .map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 1).map_err(xlsx_error)?;
    }
    let mut sink = Sink {
        table,
        sheet,
        next_row: 1,
        failure: None,
    };
    let counts = for_each_structure(conn, plan, &mut sink)?;
    Ok((save(&mut workbook)?, counts))
}

fn regional_header(sheet: &mut Worksheet, header: &[String]) -> Result<(), XlsxError> {
    sheet.set_name(regional::SHEET)?;
    for (col, (label, spec)) in header.iter().zip(regional::columns()).enumerate() {
        let format = Format::new().set_num_format(spec.header_format);
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, label, &format)?;
    }
    sheet.set_freeze_panes(1, regional::FROZEN_COLUMNS)?;
    Ok(())
}

struct Sink<'p, 's> {
    table: Table<'p>,
    sheet: &'s mut Worksheet,
    next_row: u64,
    failure: Option<ApiError>,
}

impl Visitor for Sink<'_, '_> {
    fn structure(&mut self, data: StructureData<'_>) -> Result<(), ApiError> {
        let (sheet, next_row, failure) = (&mut *self.sheet, &mut self.next_row, &mut self.failure);
        self.table.rows(data, |cells| {
            if failure.is_none()
                && let Err(error) = write_row(sheet, *next_row, &cells)
            {
                *failure = Some(error);
            }
            *next_row += 1;
        });
        self.failure.take().map_or(Ok(()), Err)
    }
}

fn write_row(sheet: &mut Worksheet, row: u64, cells: &[Cell]) -> Result<(), ApiError> {
    if row >= MAX_ROWS {
        return Err(ApiError::Unprocessable {
            code: ProblemCode::ExportTooLarge,
            detail: format!(
                "L'export dépasse les {MAX_ROWS} lignes d'une feuille XLSX : demandez-le en CSV ou filtrez-le."
            ),
        });
    }
    let row = u32::try_from(row).unwrap_or(u32::MAX);
    for (col, cell) in cells.iter().enumerate() {
        let col = column(col)?;
        match cell {
            Cell::Empty => {}
            Cell::Text(text) => {
                sheet.write_string(row, col, text).map_err(xlsx_error)?;
            }
            Cell::Number(n) => {
                sheet.write_number(row, col, *n).map_err(xlsx_error)?;
            }
            Cell::Bool(b) => {
                sheet
                    .write_string(row, col, if *b { "oui" } else { "non" })
                    .map_err(xlsx_error)?;
            }
        }
    }
    Ok(())
}

fn column(index: usize) -> Result<u16, ApiError> {
    u16::try_from(index).map_err(|_| ApiError::Internal(format!("column {index} beyond XLSX limits")))
}

/// An XLSX writing failure (a defect: the layouts stay within the format's limits).
pub fn xlsx_error(error: XlsxError) -> ApiError {
    ApiError::Internal(format!("XLSX writing failed: {error}"))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn a_saved_workbook_is_read_from_its_start_with_its_length() {
        let mut workbook = Workbook::new();
        workbook
            .add_worksheet_with_constant_memory()
            .unwrap()
            .write_string(0, 0, "finess")
            .unwrap();
        let mut built = save(&mut workbook).unwrap();
        let mut bytes = Vec::new();
        built.file.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes.len() as u64, built.len);
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip from its first byte");
        let mut read: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = calamine::Reader::worksheet_range_at(&mut read, 0)
            .unwrap()
            .unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&calamine::Data::String("finess".to_owned()))
        );
    }
}
