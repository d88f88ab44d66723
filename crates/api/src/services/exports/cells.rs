//! The cells of an export, typed once and rendered by each format: CSV text that the importer reads
//! back (`.` decimal point, `true`/`false`), or XLSX numbers and text.

use crate::services::values::parse_json;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (dates, enum codes, `sans_objet`, labels).
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

impl Cell {
    /// The cell of a stored value (JSON text).
    pub fn of_json(json: &str) -> Self {
        match parse_json(json) {
            serde_json::Value::Number(n) => n.as_f64().map_or(Self::Empty, Self::Number),
            serde_json::Value::Bool(b) => Self::Bool(b),
            serde_json::Value::String(s) => Self::Text(s),
            _ => Self::Empty,
        }
    }

    /// The CSV text of the cell: numbers without exponent and with a `.` decimal point (integers
    /// without decimals), booleans `true`/`false`, text neutralised against formula injection
    /// ([`neutralise`]).
    pub fn csv_text(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(text) => neutralise(text),
            Self::Number(n) => number_text(*n),
            Self::Bool(b) => b.to_string(),
        }
    }
}

/// A text cell as a spreadsheet will not run it (OWASP, "CSV Injection"): a text starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return (a formula for Excel, LibreOffice, Google Sheets:
/// `=HYPERLINK(…)`, `@SUM(…)|cmd`) gets a leading `'`, and the CSV writer quotes the cell when its
/// text needs it. Only text cells: numbers (negative ones too) are written as numbers.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A number as the importer reads it: no exponent, `.` decimal point, integers without `.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_become_cells_the_importer_reads_back() {
        assert_eq!(Cell::of_json("4210000.5").csv_text(), "4210000.5");
        assert_eq!(Cell::of_json("12").csv_text(), "12");
        assert_eq!(Cell::of_json("12.0").csv_text(), "12");
        assert_eq!(Cell::of_json("-0.05").csv_text(), "-0.05");
        assert_eq!(Cell::of_json("1000000000000").csv_text(), "1000000000000");
        assert_eq!(Cell::of_json("true").csv_text(), "true");
        assert_eq!(Cell::of_json("\"2022-01-01\"").csv_text(), "2022-01-01");
        assert_eq!(Cell::of_json("null"), Cell::Empty);
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn text_cells_starting_a_formula_are_neutralised_numbers_are_not() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "@SUM(1+1)|cmd",
            "+1",
            "-1+2",
            "\tx",
            "\rx",
        ] {
            let text = Cell::Text(formula.to_owned()).csv_text();
            assert_eq!(text, format!("'{formula}"));
        }
        assert_eq!(
            Cell::Text("EHPAD Les Mimosas".to_owned()).csv_text(),
            "EHPAD Les Mimosas"
        );
        assert_eq!(Cell::Text("2022-01-01".to_owned()).csv_text(), "2022-01-01");
        assert_eq!(Cell::Number(-12.5).csv_text(), "-12.5");
        assert_eq!(Cell::of_json("-3").csv_text(), "-3");
    }
}
