//! XLSX imports (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`) into rows, with
//! the place of every cell so that each refusal names its sheet and cell.
//!
//! Two kinds of sheet are read, in workbook order:
//! * **template sheets** (see `services::exports::template`): `A1` `finess`, `B1` the FINESS, `A3`
//!   `code`; from row 4, the item code in column `A` and its value in column `C`. One row per sheet:
//!   `row` is the sheet's number in the workbook (from 1). A refused row points at `B1`.
//! * **table sheets**: the first row holds `finess` (a wide table: `finess` then item codes; with
//!   `?layout=long`: `finess,item,value`), like a CSV; `row` is the Excel line number (header = 1).
//!   Only the first table sheet is read.
//!
//! Other sheets (the template's `Légende`) are skipped. Number cells are numbers; text cells are read
//! like CSV cells, a decimal comma accepted (`58,4`); boolean cells are booleans; date cells become
//! `AAAA-MM-JJ`; error cells (`#DIV/0!`) are refused `cell_error`. An empty cell carries no value.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, Range, Reader as _, Xlsx};
use tdb_domain::Catalogue;
use tdb_domain::contract::{ImportSummary, ItemType};

use super::csv_input::{self, Layout};
use super::rows::{ImportRow, Interner, UnreadableCell};
use crate::error::{ApiError, ProblemCode};

/// The XLSX media type.
pub const MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The template's sheet marker (`A3`) and the first row of its items (0-based).
const CODE_HEADER: &str = "code";
const FIRST_ITEM_ROW: u32 = 3;
const VALUE_COLUMN: u32 = 2;

/// Where each value of an import came from: `(row, FINESS, item)` → `(sheet, cell)`; the item is
/// `None` for the cell naming the structure.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cells(HashMap<(u64, String, Option<String>), (String, String)>);

impl Cells {
    fn insert(&mut self, row: u64, finess: &str, item: Option<&str>, sheet: &str, cell: String) {
        self.0.insert(
            (row, finess.to_owned(), item.map(str::to_owned)),
            (sheet.to_owned(), cell),
        );
    }

    /// Names the sheet and cell of every rejection of `summary` (a rejected value without a cell of
    /// its own, such as a duplicate, points at its structure's cell).
    pub fn locate(&self, summary: &mut ImportSummary) {
        for rejection in &mut summary.rejected {
            let key = (rejection.row, rejection.finess.clone(), rejection.item.clone());
            let place = self.0.get(&key).or_else(|| self.0.get(&(key.0, key.1, None)));
            if let Some((sheet, cell)) = place {
                rejection.sheet = Some(sheet.clone());
                rejection.cell = Some(cell.clone());
            }
        }
    }
}

/// Reads an XLSX body for the items of `catalogue`.
pub fn parse(
    body: &[u8],
    layout: Layout,
    catalogue: &Catalogue,
) -> Result<(Vec<ImportRow>, Cells), ApiError> {
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(body)).map_err(|e| {
        bad(
            ProblemCode::MalformedXlsx,
            format!("Le classeur XLSX est illisible ({e})."),
        )
    })?;
    let reader = SheetReader {
        catalogue,
        interner: Interner::default(),
    };
    reader.read(&mut workbook, layout)
}

/// Reads the sheets of a workbook.
struct SheetReader<'c> {
    catalogue: &'c Catalogue,
    interner: Interner,
}

impl SheetReader<'_> {
    fn read(
        mut self,
        workbook: &mut Xlsx<Cursor<&[u8]>>,
        layout: Layout,
    ) -> Result<(Vec<ImportRow>, Cells), ApiError> {
        let mut rows = Vec::new();
        let mut cells = Cells::default();
        let mut table_read = false;
        for (index, name) in workbook.sheet_names().into_iter().enumerate() {
            let range = workbook.worksheet_range(&name).map_err(|e| {
                bad(
                    ProblemCode::MalformedXlsx,
                    format!("Feuil \"{name}\" illisible ({e})."),
                )
            })?;
            if is_template(&range) {
                rows.push(self.template(&range, &name, index as u64 + 1, &mut cells));
            } else if !table_read && first_row_has_finess(&range) {
                table_read = true;
                let table = match layout {
                    Layout::Long => self.long(&range, &name, &mut cells)?,
                    Layout::Wide => self.wide(&range, &name, &mut cells)?,
                };
                rows.extend(table);
            }
        }
        if rows.is_empty() {
            return Err(bad(
                ProblemCode::InvalidXlsxLayout,
                "Aucune feuille lisible : attendu un modèle tdb (A1 « finess », A3 « code ») ou un tableau \
                 dont la première ligne contient « finess »."
                    .to_owned(),
            ));
        }
        Ok((rows, cells))
    }

    fn template(&mut self, range: &Range<Data>, sheet: &str, number: u64, cells: &mut Cells) -> ImportRow {
        let finess = text(at(range, 0, 1)).unwrap_or_default();
        cells.insert(number, &finess, None, sheet, "B1".to_owned());
        let mut row = ImportRow {
            row: number,
            finess: finess.clone(),
            values: Vec::new(),
            unreadable: Vec::new(),
        };
        let last = range.end().map_or(0, |(r, _)| r);
        for r in FIRST_ITEM_ROW..=last {
            let Some(code) = text(at(range, r, 0)).filter(|c| !c.is_empty()) else {
                continue;
            };
            let item = self.interner.get(&code);
            let place = cell_name(r, VALUE_COLUMN);
            if self.push(&mut row, &item, at(range, r, VALUE_COLUMN)) {
                cells.insert(number, &finess, Some(&code), sheet, place);
            }
        }
        row
    }

    fn wide(
        &mut self,
        range: &Range<Data>,
        sheet: &str,
        cells: &mut Cells,
    ) -> Result<Vec<ImportRow>, ApiError> {
        let (first_row, first_col, last_row, last_col) = bounds(range);
        if first_row != 0 || first_col != 0 || !is_finess(at(range, 0, 0)) {
            return Err(bad(
                ProblemCode::InvalidXlsxHeader,
                format!(
                    "Feuil \"{sheet}\" : la cellule A1 doit valoir « finess », la ligne 1 porter les codes d'item."
                ),
            ));
        }
        let mut columns: Vec<(u32, Arc<str>)> = Vec::new();
        for c in 1..=last_col {
            let Some(code) = text(at(range, 0, c)).filter(|c| !c.is_empty()) else {
                continue;
            };
            if columns.iter().any(|(_, known)| **known == *code) {
                return Err(bad(
                    ProblemCode::InvalidXlsxHeader,
                    format!("Feuil \"{sheet}\" : la colonne {} est répétée.", cell_name(0, c)),
                ));
            }
            columns.push((c, self.interner.get(&code)));
        }
        let mut rows = Vec::new();
        for r in 1..=last_row {
            let finess = text(at(range, r, 0)).unwrap_or_default();
            let line = u64::from(r) + 1;
            let mut row = ImportRow {
                row: line,
                finess: finess.clone(),
                values: Vec::with_capacity(columns.len()),
                unreadable: Vec::new(),
            };
            for (c, item) in &columns {
                if self.push(&mut row, item, at(range, r, *c)) {
                    cells.insert(line, &finess, Some(item), sheet, cell_name(r, *c));
                }
            }
            if finess.is_empty() && row.is_empty() {
                continue;
            }
            cells.insert(line, &finess, None, sheet, cell_name(r, 0));
            rows.push(row);
        }
        Ok(rows)
    }

    fn long(
        &mut self,
        range: &Range<Data>,
        sheet: &str,
        cells: &mut Cells,
    ) -> Result<Vec<ImportRow>, ApiError> {
        let (_, _, last_row, last_col) = bounds(range);
        let position = |name: &str| {
            (0..=last_col).find(|c| text(at(range, 0, *c)).is_some_and(|t| t.eq_ignore_ascii_case(name)))
        };
        let (Some(f), Some(i), Some(v)) = (position("finess"), position("item"), position("value")) else {
            return Err(bad(
                ProblemCode::InvalidXlsxHeader,
                format!("Feuil \"{sheet}\" : un tableau long a trois colonnes finess, item, value."),
            ));
        };
        let mut rows = Vec::new();
        for r in 1..=last_row {
            let finess = text(at(range, r, f)).unwrap_or_default();
            let code = text(at(range, r, i)).unwrap_or_default();
            if finess.is_empty() && code.is_empty() {
                continue;
            }
            let line = u64::from(r) + 1;
            let item = self.interner.get(&code);
            let mut row = ImportRow {
                row: line,
                finess: finess.clone(),
                values: Vec::with_capacity(1),
                unreadable: Vec::new(),
            };
            self.push(&mut row, &item, at(range, r, v));
            cells.insert(line, &finess, Some(&code), sheet, cell_name(r, v));
            cells.insert(line, &finess, None, sheet, cell_name(r, f));
            rows.push(row);
        }
        Ok(rows)
    }

    /// Adds the value of `cell` for `item` to `row`; false for an empty cell.
    fn push(&self, row: &mut ImportRow, item: &Arc<str>, cell: Option<&Data>) -> bool {
        let def = self.catalogue.item(item);
        let read = match cell {
            None | Some(Data::Empty) => return false,
            Some(Data::String(s)) if s.trim().is_empty() => return false,
            Some(Data::String(s)) => csv_input::read_text(self.catalogue, def, s, true),
            Some(Data::Int(i)) => Ok((*i).into()),
            Some(Data::Float(f)) => Ok(number(*f)),
            Some(Data::Bool(b)) => Ok((*b).into()),
            Some(Data::DateTime(d)) => match d.as_datetime() {
                Some(at) if def.is_some_and(|d| d.item_type == ItemType::Date) => {
                    Ok(at.format("%Y-%m-%d").to_string().into())
                }
                _ => Ok(number(d.as_f64())),
            },
            Some(Data::DateTimeIso(s)) => Ok(s.chars().take(10).collect::<String>().into()),
            Some(Data::DurationIso(s)) => Ok(s.clone().into()),
            Some(Data::Error(e)) => Err((
                "cell_error",
                format!("La cellule contient une erreur Excel ({e}) au lieu d'une valeur."),
            )),
        };
        match read {
            Ok(value) => row.values.push((Arc::clone(item), value)),
            Err((code, message)) => row.unreadable.push(UnreadableCell {
                item: Arc::clone(item),
                code,
                message,
            }),
        }
        true
    }
}

/// A number cell as JSON: whole numbers as integers (`12`, not `12.0`).
fn number(f: f64) -> serde_json::Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        serde_json::Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

fn is_template(range: &Range<Data>) -> bool {
    is_finess(at(range, 0, 0)) && text(at(range, 2, 0)).is_some_and(|t| t.eq_ignore_ascii_case(CODE_HEADER))
}

fn first_row_has_finess(range: &Range<Data>) -> bool {
    let (_, _, _, last_col) = bounds(range);
    range.start().is_some_and(|(r, _)| r == 0) && (0..=last_col).any(|c| is_finess(at(range, 0, c)))
}

fn is_finess(cell: Option<&Data>) -> bool {
    text(cell).is_some_and(|t| t.eq_ignore_ascii_case("finess"))
}

/// `(first row, first column, last row, last column)` of the used range (zeros when empty).
fn bounds(range: &Range<Data>) -> (u32, u32, u32, u32) {
    let (first_row, first_col) = range.start().unwrap_or_default();
    let (last_row, last_col) = range.end().unwrap_or_default();
    (first_row, first_col, last_row, last_col)
}

fn at(range: &Range<Data>, row: u32, col: u32) -> Option<&Data> {
    range.get_value((row, col))
}

/// The text of a cell (numbers as written, e.g. a FINESS typed as a number).
fn text(cell: Option<&Data>) -> Option<String> {
    match cell? {
        Data::String(s) => Some(s.trim().to_owned()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 => Some(format!("{f:.0}")),
        Data::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

/// The A1 name of a 0-based cell (`C12`).
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

fn bad(code: ProblemCode, detail: String) -> ApiError {
    ApiError::BadRequest { code, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_follow_excel() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 2), "C12");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 330), "LS1");
    }

    #[test]
    fn whole_numbers_stay_integers() {
        assert_eq!(number(12.0), serde_json::json!(12));
        assert_eq!(number(12.5), serde_json::json!(12.5));
    }
}
