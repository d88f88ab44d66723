//! XLSX templates: a workbook to fill in offline and import back (`POST …/imports`, XLSX body).
//!
//! A first sheet `Légende` explains the colours; then one sheet per structure, named by its FINESS:
//! `A1` `finess`, `B1` the FINESS, `C1` its name; `A2` `campagne`, `B2` the year, `C2` the category;
//! row 3 the headers (`code`, `libellé`, `valeur`, `unité`, `source`, `mise à jour`); then one item
//! per row from row 4, in catalogue order, for the items that apply to the structure's category. The
//! value column `C` holds the current value: cells filled by the structure are blue, cells pushed by a
//! partner (FINESS, CNSA, CPOM) are yellow with a note naming the source and the date. Only
//! columns `A` (code) and `C` (value) and cell `B1` are read back (`services::imports::xlsx_input`).

use std::collections::{HashMap, HashSet};

use rust_xlsxwriter::{Color, Format, Note, Workbook, Worksheet, XlsxError};
use tdb_domain::contract::{ItemDef, ItemType};

use super::cells::Cell;
use super::xlsx_output::{Built, save, xlsx_error};
use super::{Counts, Plan, StructureData, Visitor, for_each_structure};
use crate::db::DbConnection;
use crate::error::ApiError;

/// Name of the legend sheet (not read back).
pub const LEGEND: &str = "Légende";
/// Row (0-based) of the column headers of a structure sheet.
pub const HEADER_ROW: u32 = 2;
/// Column (0-based) of the values.
pub const VALUE_COLUMN: u16 = 2;
/// Header of the code column, which marks a template sheet (cell `A3`).
pub const CODE_HEADER: &str = "code";

/// Fill of the values typed by the structure.
const SAISIE_FILL: u32 = 0x00DD_EBF7;
/// Fill of the values pushed by a partner.
const PREFILL_FILL: u32 = 0x00FF_F2CC;

/// Writes the template of the plan's structures.
pub fn write(conn: &mut DbConnection, plan: &Plan) -> Result<(Built, Counts), ApiError> {
    let mut workbook = Workbook::new();
    legend(workbook.add_worksheet(), plan).map_err(xlsx_error)?;
    let mut sink = Sink {
        plan,
        workbook: &mut workbook,
        scopes: scopes(plan),
        formats: Formats::new(),
    };
    let counts = for_each_structure(conn, plan, &mut sink)?;
    Ok((save(&mut workbook)?, counts))
}

/// Categories of every scope set.
fn scopes(plan: &Plan) -> HashMap<String, HashSet<String>> {
    plan.catalogue
        .document()
        .scopes
        .iter()
        .map(|s| (s.code.clone(), s.members.iter().cloned().collect()))
        .collect()
}

struct Formats {
    bold: Format,
    saisie: Format,
    prefill: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            bold: Format::new().set_bold(),
            saisie: Format::new().set_background_color(Color::RGB(SAISIE_FILL)),
            prefill: Format::new().set_background_color(Color::RGB(PREFILL_FILL)),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

struct Sink<'p, 'w> {
    plan: &'p Plan,
    workbook: &'w mut Workbook,
    scopes: HashMap<String, HashSet<String>>,
    formats: Formats,
}

impl Visitor for Sink<'_, '_> {
    fn structure(&mut self, data: StructureData<'_>) -> Result<(), ApiError> {
        let sheet = self.workbook.add_worksheet();
        structure_sheet(sheet, self.plan, &self.scopes, &self.formats, data).map_err(xlsx_error)
    }
}

fn structure_sheet(
    sheet: &mut Worksheet,
    plan: &Plan,
    scopes: &HashMap<String, HashSet<String>>,
    formats: &Formats,
    data: StructureData<'_>,
) -> Result<(), XlsxError> {
    let structure = data.structure;
    let catalogue = plan.catalogue;
    let year = plan.request.year;
    sheet.set_name(&structure.finess)?;
    sheet.write_string_with_format(0, 0, "finess", &formats.bold)?;
    sheet.write_string(0, 1, &structure.finess)?;
    sheet.write_string(0, 2, &structure.name)?;
    sheet.write_string_with_format(1, 0, "campagne", &formats.bold)?;
    sheet.write_number(1, 1, year)?;
    let category = catalogue
        .categories()
        .iter()
        .find(|c| c.code == structure.category)
        .map_or(structure.category.as_str(), |c| c.label.as_str());
    sheet.write_string(1, 2, category)?;
    for (col, title) in [CODE_HEADER, "libellé", "valeur", "unité", "source", "mise à jour"]
        .into_iter()
        .enumerate()
    {
        sheet.write_string_with_format(HEADER_ROW, col as u16, title, &formats.bold)?;
    }
    let stored: HashMap<&str, (&str, &str, chrono::NaiveDateTime)> = data
        .values
        .iter()
        .map(|(_, item, json, source, at)| (item.as_str(), (json.as_str(), source.as_str(), *at)))
        .collect();
    let applies = |item: &ItemDef| {
        item.first_campaign <= year
            && scopes
                .get(&item.scope)
                .is_some_and(|members| members.contains(&structure.category))
    };
    for (row, item) in (HEADER_ROW + 1..).zip(catalogue.items().iter().filter(|i| applies(i))) {
        sheet.write_string(row, 0, &item.code)?;
        sheet.write_string_with_format(row, 1, &item.label, &formats.wrap)?;
        sheet.write_string(row, 3, unit(item))?;
        if let Some((json, source, at)) = stored.get(item.code.as_str()) {
            let partner = *source != crate::services::values::SAISIE;
            let format = if partner {
                &formats.prefill
            } else {
                &formats.saisie
            };
            write_value(sheet, row, Cell::of_json(json), format)?;
            sheet.write_string(row, 4, source_label(source))?;
            sheet.write_string(row, 5, at.format("%d/%m/%Y").to_string())?;
            if partner {
                let note = Note::new(format!(
                    "Valeur transmise par {} le {}.",
                    source_label(source),
                    at.format("%d/%m/%Y")
                ))
                .set_author("tdb");
                sheet.insert_note(row, VALUE_COLUMN, &note)?;
            }
        }
    }
    sheet.set_column_width(0, 36)?;
    sheet.set_column_width(1, 70)?;
    sheet.set_column_width(2, 16)?;
    sheet.set_column_width(3, 22)?;
    sheet.set_column_width(4, 22)?;
    sheet.set_column_width(5, 12)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

fn write_value(sheet: &mut Worksheet, row: u32, cell: Cell, format: &Format) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            sheet.write_string_with_format(row, VALUE_COLUMN, text, format)?;
        }
        Cell::Number(n) => {
            sheet.write_number_with_format(row, VALUE_COLUMN, n, format)?;
        }
        Cell::Bool(b) => {
            sheet.write_string_with_format(row, VALUE_COLUMN, if b { "oui" } else { "non" }, format)?;
        }
    }
    Ok(())
}

/// The unit column: what to type in the value cell.
fn unit(item: &ItemDef) -> String {
    match item.item_type {
        ItemType::Count => "nombre entier".to_owned(),
        ItemType::Days => "jours".to_owned(),
        ItemType::Etp => "ETP".to_owned(),
        ItemType::Eur => "€".to_owned(),
        ItemType::Bool => "oui / non".to_owned(),
        ItemType::Date => "date AAAA-MM-JJ".to_owned(),
        ItemType::Score => "points".to_owned(),
        ItemType::Mesure => item.unit.clone().unwrap_or_default(),
        ItemType::Enum => format!(
            "code : {}",
            item.values.as_deref().unwrap_or_default().join(" | ")
        ),
    }
}

/// French name of a source.
pub fn source_label(source: &str) -> &str {
    match source {
        "saisie" => "saisie de la structure",
        "finess" => "FINESS",
        "cnsa_errd" => "CNSA (ERRD)",
        "cnsa_galaad" => "CNSA (Galaad)",
        "cpom" => "CPOM",
        other => other,
    }
}

fn legend(sheet: &mut Worksheet, plan: &Plan) -> Result<(), XlsxError> {
    let formats = Formats::new();
    sheet.set_name(LEGEND)?;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "Tableau de bord de la performance — campagne {}",
            plan.request.year
        ),
        &formats.bold,
    )?;
    let lines = [
        "Une feuille par structure, nommée par son FINESS. Saisissez les valeurs dans la colonne C « valeur ».",
        "Ne modifiez ni la cellule B1 (FINESS) ni la colonne A (codes des items) : elles servent à l'import.",
        "Nombres avec une virgule ou un point décimal, des espaces entre les milliers acceptés (12 345,67) ; booléens « oui » ou « non » ;",
        "dates au format AAAA-MM-JJ ; listes : l'un des codes de la colonne « unité ». Une cellule vide n'efface rien.",
        "Renvoyez le classeur tel quel : POST /api/v1/campaigns/{année}/imports (type XLSX).",
    ];
    for (row, line) in lines.into_iter().enumerate() {
        sheet.write_string(row as u32 + 2, 0, line)?;
    }
    sheet.write_string_with_format(8, 0, "Valeur saisie par la structure", &formats.saisie)?;
    sheet.write_string_with_format(
        9,
        0,
        "Valeur transmise par un partenaire (FINESS, CNSA, CPOM) : la source et la date sont en commentaire",
        &formats.prefill,
    )?;
    sheet.set_column_width(0, 110)?;
    Ok(())
}
