//! CSV imports, wide (`finess` then one column per item) or long (`finess,item,value`), into rows.
//!
//! UTF-8, with or without a byte order mark. The separator is `,` or `;`, read from the header line
//! (whichever appears more often). Cells are trimmed; an empty cell carries no value (it never empties
//! an item). Cells are read by the type of their item: numbers as [`number_text`] reads them (a `.`
//! decimal point, or a decimal comma when the separator is `;`; French thousands separators; `%` on a
//! rate item); booleans are `true`/`false`/`oui`/`non` (any case); dates, enum
//! codes and `sans_objet` are taken as written. Row numbers are line numbers (the header is line 1).

use std::collections::HashSet;
use std::sync::Arc;

use tdb_domain::Catalogue;
use tdb_domain::contract::{ItemDef, ItemType};

use super::bounds::{self, Counter};
use super::number_text;
use super::rows::{ImportRow, Interner, UnreadableCell};
use crate::error::{ApiError, ProblemCode};

/// The two CSV layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `finess` then one column per item code (the default).
    #[default]
    Wide,
    /// `finess,item,value`: one value per line.
    Long,
}

/// Reads a CSV body for the items of `catalogue`.
pub fn parse(body: &[u8], layout: Layout, catalogue: &Catalogue) -> Result<Vec<ImportRow>, ApiError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let separator = separator(body);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(false)
        .from_reader(body);
    let mut records = reader.records();
    let header = match records.next() {
        Some(record) => record.map_err(csv_error)?,
        None => return Err(bad(ProblemCode::EmptyFile, "Le fichier CSV est vide.".to_owned())),
    };
    let max_columns = bounds::max_columns(catalogue);
    if header.len() > max_columns {
        return Err(bounds::too_large(format!(
            "L'en-tête CSV compte {} colonnes (au plus {max_columns} : finess et une par item du catalogue).",
            header.len()
        )));
    }
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let reader = CellReader {
        catalogue,
        decimal_comma: separator == b';',
    };
    match layout {
        Layout::Wide => wide(records, &header, &reader),
        Layout::Long => long(records, &header, &reader),
    }
}

fn wide(
    records: csv::StringRecordsIter<'_, &[u8]>,
    header: &[String],
    reader: &CellReader<'_>,
) -> Result<Vec<ImportRow>, ApiError> {
    if !header.first().is_some_and(|h| h.eq_ignore_ascii_case("finess")) {
        return Err(bad(
            ProblemCode::InvalidCsvHeader,
            "La première colonne d'un CSV large doit s'appeler « finess », les suivantes sont des codes \
             d'item (ou utilisez layout=long : finess,item,value)."
                .to_owned(),
        ));
    }
    let mut interner = Interner::default();
    let mut columns: Vec<(Arc<str>, Option<&ItemDef>)> = Vec::with_capacity(header.len() - 1);
    let mut seen: HashSet<&str> = HashSet::with_capacity(header.len());
    for (index, name) in header.iter().enumerate() {
        let fresh = seen.insert(name.as_str());
        if index > 0 && (name.is_empty() || !fresh) {
            return Err(bad(
                ProblemCode::InvalidCsvHeader,
                format!("En-tête CSV : la colonne {} est vide ou répétée.", index + 1),
            ));
        }
        if index > 0 {
            columns.push((interner.get(name), reader.catalogue.item(name)));
        }
    }
    let mut rows = Vec::new();
    let mut counter = Counter::default();
    for record in records {
        let record = record.map_err(csv_error)?;
        let mut row = new_row(&record);
        for ((item, def), cell) in columns.iter().zip(record.iter().skip(1)) {
            reader.push(&mut row, item, *def, cell);
        }
        counter.add(row.len())?;
        rows.push(row);
    }
    Ok(rows)
}

fn long(
    records: csv::StringRecordsIter<'_, &[u8]>,
    header: &[String],
    reader: &CellReader<'_>,
) -> Result<Vec<ImportRow>, ApiError> {
    let position = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(finess), Some(item), Some(value), 3) = (
        position("finess"),
        position("item"),
        position("value"),
        header.len(),
    ) else {
        return Err(bad(
            ProblemCode::InvalidCsvHeader,
            "Un CSV long a exactement trois colonnes : finess, item, value.".to_owned(),
        ));
    };
    let mut interner = Interner::default();
    let mut rows = Vec::new();
    let mut counter = Counter::default();
    for record in records {
        let record = record.map_err(csv_error)?;
        counter.add(1)?;
        let cell = |i: usize| record.get(i).unwrap_or_default().trim();
        let mut row = ImportRow {
            row: line_of(&record),
            finess: cell(finess).to_owned(),
            values: Vec::with_capacity(1),
            unreadable: Vec::new(),
        };
        let code = cell(item);
        reader.push(
            &mut row,
            &interner.get(code),
            reader.catalogue.item(code),
            cell(value),
        );
        rows.push(row);
    }
    Ok(rows)
}

fn new_row(record: &csv::StringRecord) -> ImportRow {
    ImportRow {
        row: line_of(record),
        finess: record.get(0).unwrap_or_default().trim().to_owned(),
        values: Vec::with_capacity(record.len().saturating_sub(1)),
        unreadable: Vec::new(),
    }
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

/// `;` when the header line has more semicolons than commas, else `,`.
fn separator(body: &[u8]) -> u8 {
    let line = body.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| line.iter().filter(|b| **b == c).count();
    if count(b';') > count(b',') { b';' } else { b',' }
}

/// Reads the text of a cell by the type of its item, under the rules of CSV cells (for the text
/// cells of other inputs: XLSX). `decimal_comma` accepts `58,4`.
pub fn read_text(
    catalogue: &Catalogue,
    def: Option<&ItemDef>,
    text: &str,
    decimal_comma: bool,
) -> Result<serde_json::Value, (&'static str, String)> {
    CellReader {
        catalogue,
        decimal_comma,
    }
    .read(def, text.trim())
}

/// Reads cells by the type of their item.
struct CellReader<'c> {
    catalogue: &'c Catalogue,
    decimal_comma: bool,
}

impl CellReader<'_> {
    /// Adds the value of a cell to `row` (nothing for an empty cell).
    fn push(&self, row: &mut ImportRow, item: &Arc<str>, def: Option<&ItemDef>, cell: &str) {
        let text = cell.trim();
        if text.is_empty() {
            return;
        }
        match self.read(def, text) {
            Ok(value) => row.values.push((Arc::clone(item), value)),
            Err((code, message)) => row.unreadable.push(UnreadableCell {
                item: Arc::clone(item),
                code,
                message,
            }),
        }
    }

    fn read(&self, def: Option<&ItemDef>, text: &str) -> Result<serde_json::Value, (&'static str, String)> {
        let Some(def) = def else {
            return Ok(text.into());
        };
        if text == "sans_objet" {
            return Ok(text.into());
        }
        match def.item_type {
            ItemType::Bool => match text.to_lowercase().as_str() {
                "true" | "oui" => Ok(true.into()),
                "false" | "non" => Ok(false.into()),
                _ => Err((
                    "not_a_boolean",
                    format!("« {text} » n'est pas un booléen : écrivez true, false, oui ou non."),
                )),
            },
            ItemType::Date | ItemType::Enum => Ok(text.into()),
            _ => number_text::read(text, self.decimal_comma, def.is_rate()),
        }
    }
}

fn csv_error(error: csv::Error) -> ApiError {
    let line = error.position().map_or(0, csv::Position::line);
    let detail = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            format!("Ligne {line} : le fichier doit être encodé en UTF-8 (avec ou sans BOM).")
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("Ligne {line} : {len} cellule(s) au lieu de {expected_len} (celles de l'en-tête)."),
        _ => format!("Ligne {line} : CSV illisible ({error})."),
    };
    bad(ProblemCode::MalformedCsv, detail)
}

fn bad(code: ProblemCode, detail: String) -> ApiError {
    ApiError::BadRequest { code, detail }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tdb_domain::catalogue_for;

    use super::*;

    fn rows(body: &str, layout: Layout) -> Vec<ImportRow> {
        parse(body.as_bytes(), layout, catalogue_for(2024).unwrap()).unwrap()
    }

    fn values(row: &ImportRow) -> Vec<(String, serde_json::Value)> {
        row.values
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn wide_csv_with_bom_semicolons_and_decimal_commas() {
        let body = "\u{FEFF}finess;etp_reels_31_12;places_installees_hp;cpom_en_cours;date_debut_cpom\n\
                    590000011;12,5;80;oui;2022-01-01\n750000011;;;NON;\n";
        let rows = rows(body, Layout::Wide);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].row, rows[0].finess.as_str()), (2, "590000011"));
        assert_eq!(
            values(&rows[0]),
            vec![
                ("etp_reels_31_12".to_owned(), json!(12.5)),
                ("places_installees_hp".to_owned(), json!(80)),
                ("cpom_en_cours".to_owned(), json!(true)),
                ("date_debut_cpom".to_owned(), json!("2022-01-01")),
            ]
        );
        assert_eq!(values(&rows[1]), vec![("cpom_en_cours".to_owned(), json!(false))]);
    }

    #[test]
    fn decimal_commas_are_refused_with_the_comma_separator() {
        let rows = rows("finess,etp_reels_31_12\n590000011,\"12,5\"\n", Layout::Wide);
        assert!(rows[0].values.is_empty());
        assert_eq!(rows[0].unreadable[0].code, "decimal_comma");
        assert!(rows[0].unreadable[0].message.contains("« ; »"));
    }

    #[test]
    fn unreadable_cells_are_kept_with_their_reason() {
        let rows = rows(
            "finess;etp_reels_31_12;cpom_en_cours\n1;1 20;peut-être\n",
            Layout::Wide,
        );
        let codes: Vec<_> = rows[0].unreadable.iter().map(|c| c.code).collect();
        assert_eq!(codes, ["not_a_number", "not_a_boolean"]);
    }

    #[test]
    fn thousands_separators_and_percent_signs_follow_the_item() {
        let body = "finess;etp_reels_31_12;produits_exploitation;places_installees_hp\n\
                    1;1\u{A0}234,5;12\u{202F}345,67;80 %\n";
        let rows = rows(body, Layout::Wide);
        assert_eq!(
            values(&rows[0]),
            vec![
                ("etp_reels_31_12".to_owned(), json!(1234.5)),
                ("produits_exploitation".to_owned(), json!(12345.67)),
            ]
        );
        assert_eq!(rows[0].unreadable[0].code, "percent_not_allowed");

        let catalogue = catalogue_for(2024).unwrap();
        let mut rate = catalogue.item("gmp_valide").unwrap().clone();
        rate.unit = Some(ItemDef::RATE_UNIT.to_owned());
        assert_eq!(read_text(catalogue, Some(&rate), " 80 % ", false), Ok(json!(0.8)));
    }

    #[test]
    fn long_csv_gives_one_row_per_line() {
        let rows = rows(
            "item,finess,value\nplaces_installees_hp,590000011,80\ncode_inconnu,590000011,x\n",
            Layout::Long,
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].row, 3);
        assert_eq!(values(&rows[1]), vec![("code_inconnu".to_owned(), json!("x"))]);
    }

    #[test]
    fn bad_headers_and_files_are_refused() {
        let catalogue = catalogue_for(2024).unwrap();
        let code = |body: &[u8], layout| {
            parse(body, layout, catalogue)
                .map_err(|e| e.code().as_str())
                .err()
        };
        assert_eq!(code(b"", Layout::Wide), Some("empty_file"));
        assert_eq!(code(b"structure,a\n", Layout::Wide), Some("invalid_csv_header"));
        assert_eq!(code(b"finess,a,a\n", Layout::Wide), Some("invalid_csv_header"));
        assert_eq!(code(b"finess,item\n", Layout::Long), Some("invalid_csv_header"));
        assert_eq!(code(b"finess,a\n1,2,3\n", Layout::Wide), Some("malformed_csv"));
        assert_eq!(code(b"finess,a\n1,\xff\n", Layout::Wide), Some("malformed_csv"));
    }
}
