//! The `regional` layout: the 331 columns of the official regional export (labels, order and
//! duplicates exactly as shipped, one line per column in `regional_columns.rs`), filled for the items
//! and indicators of the catalogue; the other columns are kept, empty. Rates (indicators of unit `ratio`) are written
//! in percent (`11.97` for 0.1197), booleans `Oui`/`Non`, dates `AAAA-MM-JJ`. Decisions:
//! `docs/exports.md`.

use std::collections::{BTreeMap, BTreeSet};

use tdb_domain::contract::{FormState, IndicatorUnit, ItemType};
use tdb_domain::{Evaluation, FormValues, evaluate};

use super::cells::Cell;
use super::regional_columns::COLUMNS;
pub use super::regional_columns::{Column, Source};
use super::{Plan, StructureData};
use crate::services::values::parse_json;

/// Name of the sheet of the official file.
pub const SHEET: &str = "Restitutions";
/// Columns frozen at the left of the official file (freeze panes at `G2`).
pub const FROZEN_COLUMNS: u16 = 6;

/// The official file name: `export-tdbesms-2024-region-agg.xlsx`, and for campaign 2020
/// `export-tdbesms-2020-region_agg.xlsx` (an underscore: the name the ATIH shipped that year, which the
/// pipelines read as is). The same stem for CSV.
pub fn file_name(year: i32, extension: &str) -> String {
    let suffix = if year == 2020 { "region_agg" } else { "region-agg" };
    format!("export-tdbesms-{year}-{suffix}.{extension}")
}

/// Every column, in order.
pub fn columns() -> &'static [Column] {
    &COLUMNS
}

/// The header line.
pub fn header() -> Vec<String> {
    COLUMNS.iter().map(|c| c.label.to_owned()).collect()
}

/// The line of one structure.
pub fn row(plan: &Plan, data: StructureData<'_>) -> Vec<Cell> {
    let catalogue = plan.catalogue;
    let structure = data.structure;
    let stored: BTreeMap<String, serde_json::Value> = data
        .values
        .iter()
        .map(|(_, item, json, ..)| (item.clone(), parse_json(json)))
        .collect();
    let (values, _) = FormValues::from_json_lenient(catalogue, &stored);
    let evaluation = evaluate(catalogue, &structure.category, &values, None, &BTreeSet::new()).ok();
    let text = |s: &str| Cell::Text(s.to_owned());
    COLUMNS
        .iter()
        .map(|column| match column.source {
            Source::Empty => Cell::Empty,
            Source::Region => text(
                plan.regions
                    .get(&structure.region_code)
                    .unwrap_or(&structure.region_code),
            ),
            Source::Department => text(
                plan.departments
                    .get(&structure.department_code)
                    .unwrap_or(&structure.department_code),
            ),
            Source::Category => catalogue
                .categories()
                .iter()
                .find(|c| c.code == structure.category)
                .map_or_else(|| text(&structure.category), |c| text(&c.label)),
            Source::Finess => text(&structure.finess),
            Source::Name => text(&structure.name),
            Source::City => text(&structure.city),
            Source::Validation => validation(data),
            Source::FormState => text(state_label(data)),
            Source::OrganisationFiness => text(&structure.organisation_finess),
            Source::OrganisationName => text(&structure.organisation_name),
            Source::Item(code) => item_cell(plan, code, stored.get(code)),
            Source::Indicator(code) => indicator_cell(plan, code, evaluation.as_ref()),
        })
        .collect()
}

fn validation(data: StructureData<'_>) -> Cell {
    let Some(form) = data.form else {
        return Cell::Empty;
    };
    let by: Vec<&str> = [(form.ars_validated, "ARS"), (form.cd_validated, "CD")]
        .into_iter()
        .filter_map(|(done, who)| done.then_some(who))
        .collect();
    if by.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(by.join(", "))
    }
}

fn state_label(data: StructureData<'_>) -> &'static str {
    let state = data.form.map_or(FormState::NonCommence, |f| f.state);
    match state {
        FormState::NonCommence => "Non commencé",
        FormState::EnCours => "En cours",
        FormState::Soumis => "Soumis",
        FormState::CorrectionDemandee => "Correction demandée",
        FormState::Valide => "Validé",
        FormState::Cloture => "Clôturé",
    }
}

fn item_cell(plan: &Plan, code: &str, value: Option<&serde_json::Value>) -> Cell {
    let Some(value) = value else {
        return Cell::Empty;
    };
    let is_bool = plan
        .catalogue
        .item(code)
        .is_some_and(|i| i.item_type == ItemType::Bool);
    match value {
        serde_json::Value::String(s) if s == "sans_objet" => Cell::Text("Sans objet".to_owned()),
        serde_json::Value::String(s) => Cell::Text(s.clone()),
        serde_json::Value::Bool(b) if is_bool => Cell::Text(if *b { "Oui" } else { "Non" }.to_owned()),
        serde_json::Value::Number(n) => n.as_f64().map_or(Cell::Empty, Cell::Number),
        _ => Cell::Empty,
    }
}

fn indicator_cell(plan: &Plan, code: &str, evaluation: Option<&Evaluation<'_>>) -> Cell {
    let Some(value) = evaluation.and_then(|e| e.indicator_value(code)) else {
        return Cell::Empty;
    };
    if !value.is_finite() {
        return Cell::Empty;
    }
    let ratio = plan
        .catalogue
        .indicator(code)
        .is_some_and(|i| i.unit == IndicatorUnit::Ratio);
    Cell::Number(if ratio { percent(value) } else { value })
}

/// A fraction in percent, rounded to 8 decimals (removes the binary noise of `× 100`).
pub fn percent(fraction: f64) -> f64 {
    (fraction * 100.0 * 1e8).round() / 1e8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_official_shape() {
        assert_eq!(COLUMNS.len(), 331);
        assert_eq!(COLUMNS[0].excel, "A");
        assert_eq!(COLUMNS[330].excel, "LS");
        let covered = COLUMNS.iter().filter(|c| c.source != Source::Empty).count();
        assert_eq!(covered, 166, "147 in catalogue 1.0, 19 more with 1.1");
        assert_eq!(percent(0.1197), 11.97);
    }

    #[test]
    fn every_column_a_pipeline_reads_is_covered() {
        let spec: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/data/regional_export_header.json")).unwrap();
        let columns = spec["columns"].as_array().unwrap();
        assert_eq!(columns.len(), COLUMNS.len());
        let mut read = 0;
        for (official, ours) in columns.iter().zip(&COLUMNS) {
            assert_eq!(official["excel_column"].as_str(), Some(ours.excel));
            if official["used_by"].as_array().is_some_and(|u| !u.is_empty()) {
                read += 1;
                assert_ne!(ours.source, Source::Empty, "{} {}", ours.excel, ours.label);
            }
        }
        assert_eq!(
            read, 50,
            "41 columns read by controle_ehpad, 9 more by MATRICE_PH only"
        );
    }

    #[test]
    fn the_official_file_names() {
        assert_eq!(file_name(2024, "xlsx"), "export-tdbesms-2024-region-agg.xlsx");
        assert_eq!(file_name(2021, "csv"), "export-tdbesms-2021-region-agg.csv");
        assert_eq!(file_name(2020, "xlsx"), "export-tdbesms-2020-region_agg.xlsx");
    }

    #[test]
    fn every_mapped_code_exists_in_the_catalogue() {
        let catalogue = tdb_domain::catalogue_for(2024).unwrap();
        for column in &COLUMNS {
            match column.source {
                Source::Item(code) => assert!(catalogue.item(code).is_some(), "{code}"),
                Source::Indicator(code) => assert!(catalogue.indicator(code).is_some(), "{code}"),
                _ => {}
            }
        }
    }
}
