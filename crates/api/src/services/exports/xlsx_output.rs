//! XLSX exports of the table layouts: one sheet, the header on row 1, one line per structure (or per
//! value, long layout). Numbers are number cells, everything else text (FINESS stay text: `2A…`
//! FINESS are not numbers and leading zeros survive). The sheet is written row by row in constant
//! memory mode (rows go to a temporary file), the workbook is then assembled in memory.
//!
//! The `regional` layout follows the official file: sheet `Restitutions`, header in `A1:LS1` with the
//! number format of each official header cell, panes frozen at `G2`.

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

/// Writes the export of `plan` (a table layout) as a workbook.
pub fn write(conn: &mut DbConnection, plan: &Plan) -> Result<(Vec<u8>, Counts), ApiError> {
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
    let bytes = workbook.save_to_buffer().map_err(xlsx_error)?;
    Ok((bytes, counts))
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
