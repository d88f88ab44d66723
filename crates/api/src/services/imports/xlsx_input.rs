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
//! Other sheets (the template's `Légende`) are skipped. Number cells are numbers (whole ones JSON
//! integers); text cells are read like CSV cells, a decimal comma accepted (`12 345,67`); boolean cells are booleans; date cells become
//! `AAAA-MM-JJ`; error cells (`#DIV/0!`) are refused `cell_error`. An empty cell carries no value.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read as _};
use std::sync::Arc;

use calamine::{Data, Reader as _, Xlsx};
use tdb_domain::Catalogue;
use tdb_domain::contract::{ImportSummary, ItemType};
use tdb_domain::values::number_json;

use super::bounds::{self, Counter};
use super::csv_input::{self, Layout};
use super::rows::{ImportRow, Interner, UnreadableCell};
use crate::error::{ApiError, ProblemCode};

/// The XLSX media type.
pub const MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The template's sheet marker (`A3`) and the first row of its items (0-based).
const CODE_HEADER: &str = "code";
const FIRST_ITEM_ROW: u32 = 3;
const VALUE_COLUMN: u32 = 2;

/// Where each value of an import came from: `(row, item)` → `(sheet, row, column)` (0-based, the sheet
/// by its index in `sheets`); the item is `None` for the cell naming the structure. A row names one
/// structure, so the FINESS is not part of the key. Kept compact (one small entry per value, with no
/// allocation of its own: the item codes are shared, the cell named only when a rejection is located),
/// as a sheet may hold a million lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cells {
    sheets: Vec<String>,
    places: HashMap<PlaceKey, (u32, u32, u32)>,
}

/// `(row, item)` of a value (the item `None` for the structure's cell).
type PlaceKey = (u64, Option<Arc<str>>);

impl Cells {
    fn insert(&mut self, row: u64, item: Option<&Arc<str>>, sheet: &str, cell: (u32, u32)) {
        if self.sheets.last().is_none_or(|last| last != sheet) {
            self.sheets.push(sheet.to_owned());
        }
        let index = u32::try_from(self.sheets.len() - 1).unwrap_or(u32::MAX);
        self.places
            .insert((row, item.map(Arc::clone)), (index, cell.0, cell.1));
    }

    /// Names the sheet and cell of every rejection of `summary` (a rejected value without a cell of
    /// its own, such as a duplicate, points at its structure's cell).
    pub fn locate(&self, summary: &mut ImportSummary) {
        for rejection in &mut summary.rejected {
            let key = (rejection.row, rejection.item.as_deref().map(Arc::from));
            let place = self.places.get(&key).or_else(|| self.places.get(&(key.0, None)));
            if let Some((sheet, r, c)) = place {
                rejection.sheet = self.sheets.get(*sheet as usize).cloned();
                rejection.cell = Some(cell_name(*r, *c));
            }
        }
    }
}

/// Reads an XLSX body for the items of `catalogue`. The parts of the file are checked first
/// ([`check_parts`]); sheets are then read cell by cell (never as a rows × columns grid), refusing a
/// sheet whose dimension or cells lie beyond the bounds (`docs/imports.md`, "Bounds").
pub fn parse(
    body: &[u8],
    layout: Layout,
    catalogue: &Catalogue,
) -> Result<(Vec<ImportRow>, Cells), ApiError> {
    check_parts(body)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(body)).map_err(|e| {
        bad(
            ProblemCode::MalformedXlsx,
            format!("Le classeur XLSX est illisible ({e})."),
        )
    })?;
    let reader = SheetReader {
        catalogue,
        interner: Interner::default(),
        max_columns: u32::try_from(bounds::max_columns(catalogue)).unwrap_or(u32::MAX),
        counter: Counter::default(),
    };
    reader.read(&mut workbook, layout)
}

/// Checks the zip parts of an XLSX body before anything is unpacked in memory: their number, and the
/// size of each once unpacked, declared and actual (read through, bounded: a declared size may lie).
pub fn check_parts(body: &[u8]) -> Result<(), ApiError> {
    let malformed = |e: &dyn std::fmt::Display| {
        bad(
            ProblemCode::MalformedXlsx,
            format!("Le classeur XLSX est illisible ({e})."),
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(body)).map_err(|e| malformed(&e))?;
    if zip.len() > bounds::MAX_XLSX_PARTS {
        return Err(bounds::too_large(format!(
            "Le classeur XLSX compte {} parties (au plus {}).",
            zip.len(),
            bounds::MAX_XLSX_PARTS
        )));
    }
    let mut total = 0_u64;
    for index in 0..zip.len() {
        let mut part = zip.by_index(index).map_err(|e| malformed(&e))?;
        let name = part.name().to_owned();
        let limit = if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            bounds::MAX_XLSX_STRINGS_BYTES
        } else {
            bounds::MAX_XLSX_PART_BYTES
        };
        let too_large = || {
            bounds::too_large(format!(
                "La partie « {name} » du classeur XLSX dépasse {} Mio une fois décompressée.",
                limit >> 20
            ))
        };
        if part.size() > limit {
            return Err(too_large());
        }
        let unpacked = std::io::copy(&mut (&mut part).take(limit + 1), &mut std::io::sink())
            .map_err(|e| malformed(&e))?;
        if unpacked > limit {
            return Err(too_large());
        }
        total += unpacked;
        if total > bounds::MAX_XLSX_TOTAL_BYTES {
            return Err(bounds::too_large(format!(
                "Le classeur XLSX dépasse {} Mio une fois décompressé.",
                bounds::MAX_XLSX_TOTAL_BYTES >> 20
            )));
        }
    }
    Ok(())
}

/// One row of a sheet: its 0-based index and its non-empty cells by column, ascending.
type SheetRow = (u32, Vec<(u32, Data)>);

/// A cell as read: its position and value.
type ReadCell = Result<Option<((u32, u32), Data)>, calamine::XlsxError>;

/// The cells of one sheet, read row by row from calamine's streaming cell reader (`next`).
struct SheetCells<F> {
    next_read: F,
    sheet: String,
    max_columns: u32,
    /// A cell read ahead: the first of the next row.
    next: Option<(u32, u32, Data)>,
    cells: usize,
    /// The end of the sheet's data was read (the reader must not be called again).
    done: bool,
}

impl<F: FnMut() -> ReadCell> SheetCells<F> {
    fn next_cell(&mut self) -> Result<Option<(u32, u32, Data)>, ApiError> {
        if let Some(cell) = self.next.take() {
            return Ok(Some(cell));
        }
        while !self.done {
            let cell = (self.next_read)().map_err(|e| {
                bad(
                    ProblemCode::MalformedXlsx,
                    format!("Feuil \"{}\" illisible ({e}).", self.sheet),
                )
            })?;
            let Some(((row, col), value)) = cell else {
                self.done = true;
                return Ok(None);
            };
            check_cell(&self.sheet, row, col, self.max_columns)?;
            if matches!(value, Data::Empty) {
                continue;
            }
            self.cells += 1;
            if self.cells > bounds::MAX_VALUES + bounds::MAX_ROWS {
                return Err(bounds::too_large(format!(
                    "La feuille « {} » compte plus de {} cellules.",
                    self.sheet,
                    bounds::MAX_VALUES + bounds::MAX_ROWS
                )));
            }
            return Ok(Some((row, col, value)));
        }
        Ok(None)
    }

    /// The next row holding a cell (cells of one row are consecutive in the file).
    fn next_row(&mut self) -> Result<Option<SheetRow>, ApiError> {
        let Some((row, col, value)) = self.next_cell()? else {
            return Ok(None);
        };
        let mut cells = vec![(col, value)];
        while let Some((r, c, v)) = self.next_cell()? {
            if r != row {
                self.next = Some((r, c, v));
                break;
            }
            cells.push((c, v));
        }
        cells.sort_by_key(|(c, _)| *c);
        Ok(Some((row, cells)))
    }

    /// The next row: `pending` first.
    fn rest(&mut self, pending: &mut Option<SheetRow>) -> Result<Option<SheetRow>, ApiError> {
        match pending.take() {
            Some(row) => Ok(Some(row)),
            None => self.next_row(),
        }
    }
}

/// Refuses a cell (or a dimension's last cell) beyond the bounds.
fn check_cell(sheet: &str, row: u32, col: u32, max_columns: u32) -> Result<(), ApiError> {
    if row as usize >= bounds::MAX_ROWS || col >= max_columns {
        return Err(bounds::too_large(format!(
            "Feuil \"{sheet}\" : la cellule {} dépasse les bornes d'un import ({} lignes, {max_columns} \
             colonnes).",
            cell_name(row, col),
            bounds::MAX_ROWS
        )));
    }
    Ok(())
}

/// The cell of `row` at column `col`.
fn at(row: &[(u32, Data)], col: u32) -> Option<&Data> {
    row.binary_search_by_key(&col, |(c, _)| *c)
        .ok()
        .map(|i| &row[i].1)
}

/// The cell `(row, col)` among the first rows of a sheet.
fn head_at(head: &[SheetRow], row: u32, col: u32) -> Option<&Data> {
    head.iter()
        .find(|(r, _)| *r == row)
        .and_then(|(_, cells)| at(cells, col))
}

/// Reads the sheets of a workbook.
struct SheetReader<'c> {
    catalogue: &'c Catalogue,
    interner: Interner,
    max_columns: u32,
    counter: Counter,
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
            let mut reader = workbook.worksheet_cells_reader(&name).map_err(|e| {
                bad(
                    ProblemCode::MalformedXlsx,
                    format!("Feuil \"{name}\" illisible ({e})."),
                )
            })?;
            // The declared dimension first: a sheet claiming cells beyond the bounds is refused
            // before any is read.
            let (last_row, last_col) = reader.dimensions().end;
            check_cell(&name, last_row, last_col, self.max_columns)?;
            let mut sheet = SheetCells {
                next_read: move || {
                    reader
                        .next_cell()
                        .map(|cell| cell.map(|c| (c.get_position(), Data::from(c.get_value().clone()))))
                },
                sheet: name.clone(),
                max_columns: self.max_columns,
                next: None,
                cells: 0,
                done: false,
            };
            // The first three rows decide the kind of the sheet.
            let mut head: Vec<SheetRow> = Vec::new();
            let mut pending = None;
            while let Some(row) = sheet.next_row()? {
                if row.0 < FIRST_ITEM_ROW {
                    head.push(row);
                } else {
                    pending = Some(row);
                    break;
                }
            }
            if is_template(&head) {
                let number = index as u64 + 1;
                let finess = text(head_at(&head, 0, 1)).unwrap_or_default();
                cells.insert(number, None, &name, (0, 1));
                let mut row = ImportRow {
                    row: number,
                    finess: finess.clone(),
                    values: Vec::new(),
                    unreadable: Vec::new(),
                };
                while let Some((r, line)) = sheet.rest(&mut pending)? {
                    self.template_line(&mut row, &mut cells, &name, r, &line);
                }
                self.counter.add(row.len())?;
                rows.push(row);
            } else if !table_read
                && head
                    .first()
                    .is_some_and(|(r, cells)| *r == 0 && cells.iter().any(|(_, d)| is_finess(Some(d))))
            {
                table_read = true;
                let header = &head[0].1;
                let mut table = Table::new(self.catalogue, layout, &name, header, self.max_columns)?;
                for (r, line) in head.iter().skip(1) {
                    self.table_line(&mut table, &mut rows, &mut cells, *r, line)?;
                }
                while let Some((r, line)) = sheet.rest(&mut pending)? {
                    self.table_line(&mut table, &mut rows, &mut cells, r, &line)?;
                }
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

    /// A line of a template sheet: the item code in `A`, its value in `C`.
    fn template_line(
        &mut self,
        row: &mut ImportRow,
        cells: &mut Cells,
        sheet: &str,
        r: u32,
        line: &[(u32, Data)],
    ) {
        let Some(code) = text(at(line, 0)).filter(|c| !c.is_empty()) else {
            return;
        };
        let item = self.interner.get(&code);
        if self.push(row, &item, at(line, VALUE_COLUMN)) {
            cells.insert(row.row, Some(&item), sheet, (r, VALUE_COLUMN));
        }
    }

    /// A line of a table sheet (wide or long).
    fn table_line(
        &mut self,
        table: &mut Table,
        rows: &mut Vec<ImportRow>,
        cells: &mut Cells,
        r: u32,
        line: &[(u32, Data)],
    ) -> Result<(), ApiError> {
        let number = u64::from(r) + 1;
        let row = match &table.kind {
            TableKind::Wide { columns } => {
                let finess = text(at(line, 0)).unwrap_or_default();
                let mut row = ImportRow {
                    row: number,
                    finess: finess.clone(),
                    values: Vec::new(),
                    unreadable: Vec::new(),
                };
                for (c, cell) in line {
                    let Some(Some(item)) = columns.get(*c as usize) else {
                        continue;
                    };
                    if self.push(&mut row, item, Some(cell)) {
                        cells.insert(number, Some(item), &table.sheet, (r, *c));
                    }
                }
                if finess.is_empty() && row.is_empty() {
                    return Ok(());
                }
                cells.insert(number, None, &table.sheet, (r, 0));
                row
            }
            TableKind::Long {
                finess: f,
                item: i,
                value: v,
            } => {
                let (f, i, v) = (*f, *i, *v);
                let finess = text(at(line, f)).unwrap_or_default();
                let code = text(at(line, i)).unwrap_or_default();
                if finess.is_empty() && code.is_empty() {
                    return Ok(());
                }
                let item = self.interner.get(&code);
                let mut row = ImportRow {
                    row: number,
                    finess: finess.clone(),
                    values: Vec::with_capacity(1),
                    unreadable: Vec::new(),
                };
                self.push(&mut row, &item, at(line, v));
                cells.insert(number, Some(&item), &table.sheet, (r, v));
                cells.insert(number, None, &table.sheet, (r, f));
                row
            }
        };
        self.counter.add(row.len())?;
        rows.push(row);
        Ok(())
    }

    /// Adds the value of `cell` for `item` to `row`; false for an empty cell.
    fn push(&self, row: &mut ImportRow, item: &Arc<str>, cell: Option<&Data>) -> bool {
        let def = self.catalogue.item(item);
        let read = match cell {
            None | Some(Data::Empty) => return false,
            Some(Data::String(s)) if s.trim().is_empty() => return false,
            Some(Data::String(s)) => csv_input::read_text(self.catalogue, def, s, true),
            Some(Data::Int(i)) => Ok((*i).into()),
            Some(Data::Float(f)) => Ok(number_json(*f)),
            Some(Data::Bool(b)) => Ok((*b).into()),
            Some(Data::DateTime(d)) => match d.as_datetime() {
                Some(at) if def.is_some_and(|d| d.item_type == ItemType::Date) => {
                    Ok(at.format("%Y-%m-%d").to_string().into())
                }
                _ => Ok(number_json(d.as_f64())),
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

fn is_template(head: &[SheetRow]) -> bool {
    is_finess(head_at(head, 0, 0))
        && text(head_at(head, 2, 0)).is_some_and(|t| t.eq_ignore_ascii_case(CODE_HEADER))
}

fn is_finess(cell: Option<&Data>) -> bool {
    text(cell).is_some_and(|t| t.eq_ignore_ascii_case("finess"))
}

/// A table sheet being read: its name and the meaning of its columns.
struct Table {
    sheet: String,
    kind: TableKind,
}

enum TableKind {
    /// Column index → item code (`None`: `finess` or an empty header cell).
    Wide { columns: Vec<Option<Arc<str>>> },
    /// Positions of `finess`, `item`, `value`.
    Long { finess: u32, item: u32, value: u32 },
}

impl Table {
    fn new(
        catalogue: &Catalogue,
        layout: Layout,
        sheet: &str,
        header: &[(u32, Data)],
        max_columns: u32,
    ) -> Result<Self, ApiError> {
        let _ = (catalogue, max_columns);
        let kind = match layout {
            Layout::Long => {
                let position = |name: &str| {
                    header
                        .iter()
                        .find(|(_, d)| text(Some(d)).is_some_and(|t| t.eq_ignore_ascii_case(name)))
                        .map(|(c, _)| *c)
                };
                let (Some(finess), Some(item), Some(value)) =
                    (position("finess"), position("item"), position("value"))
                else {
                    return Err(bad(
                        ProblemCode::InvalidXlsxHeader,
                        format!("Feuil \"{sheet}\" : un tableau long a trois colonnes finess, item, value."),
                    ));
                };
                TableKind::Long { finess, item, value }
            }
            Layout::Wide => {
                if !is_finess(at(header, 0)) {
                    return Err(bad(
                        ProblemCode::InvalidXlsxHeader,
                        format!(
                            "Feuil \"{sheet}\" : la cellule A1 doit valoir « finess », la ligne 1 porter les codes d'item."
                        ),
                    ));
                }
                let width = header.last().map_or(0, |(c, _)| *c as usize + 1);
                let mut columns: Vec<Option<Arc<str>>> = vec![None; width];
                let mut seen: HashSet<String> = HashSet::new();
                for (c, cell) in header.iter().filter(|(c, _)| *c > 0) {
                    let Some(code) = text(Some(cell)).filter(|c| !c.is_empty()) else {
                        continue;
                    };
                    if !seen.insert(code.clone()) {
                        return Err(bad(
                            ProblemCode::InvalidXlsxHeader,
                            format!("Feuil \"{sheet}\" : la colonne {} est répétée.", cell_name(0, *c)),
                        ));
                    }
                    columns[*c as usize] = Some(Arc::from(code.as_str()));
                }
                TableKind::Wide { columns }
            }
        };
        Ok(Self {
            sheet: sheet.to_owned(),
            kind,
        })
    }
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
}
