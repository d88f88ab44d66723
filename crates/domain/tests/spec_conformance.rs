//! The shipped catalogue files say exactly what catalogue.md says.
//!
//! This test reads `shared/spec/catalogue.md` beside the repository clone, parses its tables on its own
//! (independently of `catalogue/generate.py`), and compares every category, scope set, item, indicator
//! and control, and the completion rule of each campaign, with the shipped files. When the document is
//! absent it says so and checks nothing (`TDB_SHARED_DIR` names `shared/` when it is elsewhere, e.g. for
//! a worktree). From campaign 2020 the files are catalogue 1.1: catalogue.md plus
//! `catalogue/additions_1_1.json`, each addition right after the item or control it names; those are
//! checked against that file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::Value;
use tdb_domain::catalogue::{FIRST_CAMPAIGN, LAST_CAMPAIGN};
use tdb_domain::catalogue_for;
use tdb_domain::contract::{CatalogueDocument, ItemType, Severity};

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec/catalogue.md");
const ADDITIONS: &str = include_str!("../catalogue/additions_1_1.json");

fn additions() -> Value {
    serde_json::from_str(ADDITIONS).unwrap()
}

/// `codes` with the additions of `kind` (`items`, `controls`) inserted after their anchors when the
/// campaign has catalogue 1.1.
fn with_additions(mut codes: Vec<String>, kind: &str, campaign: i32) -> Vec<String> {
    let additions = additions();
    if i64::from(campaign) < additions["from_campaign"].as_i64().unwrap() {
        return codes;
    }
    for entry in additions[kind].as_array().unwrap() {
        let after = codes
            .iter()
            .position(|c| c == entry["after"].as_str().unwrap())
            .unwrap();
        codes.insert(after + 1, entry["code"].as_str().unwrap().to_owned());
    }
    codes
}

/// The scope of an indicator in a campaign file: the dictionary's, or the narrower one of catalogue
/// 1.1's `indicator_scopes` (docs/catalogue.md, decision 21).
fn indicator_scope(campaign: i32, code: &str, spec: String) -> String {
    let additions = additions();
    if i64::from(campaign) < additions["from_campaign"].as_i64().unwrap() {
        return spec;
    }
    additions["indicator_scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == code)
        .map_or(spec, |e| e["scope"].as_str().unwrap().to_owned())
}

fn check_added_items(doc: &CatalogueDocument) {
    let additions = additions();
    let from = additions["from_campaign"].as_i64().unwrap();
    let required_from = additions["required_from_campaign"].as_i64().unwrap();
    for entry in additions["items"].as_array().unwrap() {
        let code = entry["code"].as_str().unwrap();
        let item = doc.items.iter().find(|i| i.code == code);
        if i64::from(doc.campaign) < from {
            assert!(item.is_none(), "{code} in {}", doc.campaign);
            continue;
        }
        let item = item.unwrap_or_else(|| panic!("{code} not shipped in {}", doc.campaign));
        assert_eq!(item.label, entry["label"].as_str().unwrap(), "{code}");
        assert_eq!(i64::from(item.axis), entry["axis"].as_i64().unwrap(), "{code}");
        assert_eq!(
            type_code(item.item_type),
            entry["type"].as_str().unwrap(),
            "{code}"
        );
        assert_eq!(item.scope, entry["scope"].as_str().unwrap(), "{code}");
        assert_eq!(
            item.sans_objet_allowed,
            entry["sans_objet_allowed"].as_bool().unwrap()
        );
        assert_eq!(item.required, i64::from(doc.campaign) >= required_from, "{code}");
        assert_eq!(i64::from(item.first_campaign), from, "{code}");
        assert!(item.condition.is_none() && item.prefill.is_none() && item.values.is_none());
        assert!(item.min.is_none() && item.max.is_none() && !item.may_be_negative && item.unit.is_none());
    }
}

fn check_added_controls(doc: &CatalogueDocument) {
    let additions = additions();
    let from = additions["from_campaign"].as_i64().unwrap();
    for entry in additions["controls"].as_array().unwrap() {
        let code = entry["code"].as_str().unwrap();
        let control = doc.controls.iter().find(|c| c.code == code);
        if i64::from(doc.campaign) < from {
            assert!(control.is_none(), "{code} in {}", doc.campaign);
            continue;
        }
        let control = control.unwrap();
        let severity = serde_json::to_value(control.severity).unwrap();
        assert_eq!(severity, entry["severity"], "{code}");
        assert_eq!(control.scope.as_deref(), entry["scope"].as_str(), "{code}");
        assert_eq!(
            control.condition.as_deref(),
            entry["condition"].as_str(),
            "{code}"
        );
        assert_eq!(
            control.expression.as_deref(),
            entry["expression"].as_str(),
            "{code}"
        );
        assert_eq!(control.message, entry["message"].as_str().unwrap(), "{code}");
        assert!(!control.year_over_year, "{code}");
    }
}

fn is_added(code: &str) -> bool {
    let additions = additions();
    ["items", "controls"]
        .iter()
        .flat_map(|k| additions[*k].as_array().unwrap().clone())
        .any(|e| e["code"] == code)
}

struct Table {
    section: String,
    rows: Vec<Vec<String>>,
}

fn tables(text: &str) -> Vec<Table> {
    let mut out = Vec::new();
    let mut section = String::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if let Some(h) = lines[i]
            .strip_prefix("### ")
            .or_else(|| lines[i].strip_prefix("## "))
        {
            section = h.to_owned();
        }
        if lines[i].starts_with('|') && lines.get(i + 1).is_some_and(|l| l.starts_with("|---")) {
            let mut rows = Vec::new();
            i += 2;
            while i < lines.len() && lines[i].starts_with('|') {
                let inner = lines[i].trim().trim_start_matches('|').trim_end_matches('|');
                rows.push(inner.split(" | ").map(|c| c.trim().to_owned()).collect());
                i += 1;
            }
            out.push(Table {
                section: section.clone(),
                rows,
            });
            continue;
        }
        i += 1;
    }
    out
}

/// Text between the first pair of backquotes, if any.
fn tick(cell: &str) -> Option<String> {
    let start = cell.find('`')?;
    let end = cell[start + 1..].find('`')? + start + 1;
    Some(cell[start + 1..end].to_owned())
}

fn ticks(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

fn dash_or_tick(cell: &str) -> Option<String> {
    if cell == "—" {
        None
    } else {
        Some(tick(cell).unwrap_or_else(|| panic!("no code in {cell}")))
    }
}

fn number_after<'a>(cell: &'a str, marker: &str) -> Option<f64> {
    let rest: &'a str = &cell[cell.find(marker)? + marker.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn first_campaign(cell: &str) -> i32 {
    number_after(cell, "from campaign").map_or(2019, |n| n as i32)
}

fn type_code(t: ItemType) -> String {
    serde_json::to_value(t).unwrap().as_str().unwrap().to_owned()
}

fn check_items(doc: &CatalogueDocument, tables: &[Table]) -> usize {
    let shipped: BTreeMap<&str, _> = doc.items.iter().map(|i| (i.code.as_str(), i)).collect();
    let mut seen = Vec::new();
    for table in tables
        .iter()
        .filter(|t| t.section.starts_with("3.") && t.rows.first().is_some_and(|r| r.len() == 8))
    {
        let axis: u8 = table.section[2..3].parse().unwrap();
        for r in &table.rows {
            let code = tick(&r[0]).unwrap();
            let item = shipped
                .get(code.as_str())
                .unwrap_or_else(|| panic!("item {code} not shipped"));
            let ctx = format!("item {code}");
            assert_eq!(item.label, r[1], "{ctx}");
            assert_eq!(item.axis, axis, "{ctx}");
            assert_eq!(type_code(item.item_type), tick(&r[2]).unwrap(), "{ctx}");
            assert_eq!(item.may_be_negative, r[2].contains("may be negative"), "{ctx}");
            assert_eq!(item.scope, tick(&r[3]).unwrap(), "{ctx}");
            assert_eq!(item.required, r[4] == "yes", "{ctx}");
            assert_eq!(item.condition, dash_or_tick(&r[5]), "{ctx}");
            let prefill = item
                .prefill
                .map(|p| serde_json::to_value(p).unwrap().as_str().unwrap().to_owned());
            assert_eq!(prefill, dash_or_tick(&r[6]), "{ctx}");
            let notes = &r[7];
            assert_eq!(
                item.sans_objet_allowed,
                notes.contains("`sans_objet` allowed"),
                "{ctx}"
            );
            assert_eq!(item.first_campaign, first_campaign(notes), "{ctx}");
            if item.item_type == ItemType::Score {
                let (min, rest) = notes.split_once(" ≤ x ≤ ").unwrap();
                assert_eq!(item.min, min.parse().ok(), "{ctx}");
                assert_eq!(item.max, number_after(rest, ""), "{ctx}");
            } else {
                assert_eq!(item.min, None, "{ctx}");
                assert_eq!(item.max, number_after(notes, "; ≤"), "{ctx}");
            }
            let values = notes.strip_prefix("values: ").map(ticks);
            assert_eq!(item.values, values, "{ctx}");
            seen.push(code);
        }
    }
    let shipped_codes: Vec<&str> = doc.items.iter().map(|i| i.code.as_str()).collect();
    let count = seen.len();
    assert_eq!(
        with_additions(seen, "items", doc.campaign),
        shipped_codes,
        "items, in catalogue order"
    );
    check_added_items(doc);
    count
}

fn check_indicators(doc: &CatalogueDocument, tables: &[Table]) -> usize {
    let shipped: BTreeMap<&str, _> = doc.indicators.iter().map(|i| (i.code.as_str(), i)).collect();
    let mut seen = Vec::new();
    for table in tables
        .iter()
        .filter(|t| t.section.starts_with("4.") && t.rows.first().is_some_and(|r| r.len() == 9))
    {
        let axis: u8 = table.section[2..3].parse().unwrap();
        for r in &table.rows {
            let code = tick(&r[0]).unwrap();
            let ind = shipped
                .get(code.as_str())
                .unwrap_or_else(|| panic!("indicator {code} not shipped"));
            let ctx = format!("indicator {code}");
            let as_code = |v: serde_json::Value| v.as_str().unwrap().to_owned();
            assert_eq!(ind.label, r[1], "{ctx}");
            assert_eq!(ind.axis, axis, "{ctx}");
            assert_eq!(
                as_code(serde_json::to_value(ind.level).unwrap()),
                tick(&r[2]).unwrap(),
                "{ctx}"
            );
            assert_eq!(
                as_code(serde_json::to_value(ind.unit).unwrap()),
                tick(&r[3]).unwrap(),
                "{ctx}"
            );
            assert_eq!(
                as_code(serde_json::to_value(ind.direction).unwrap()),
                tick(&r[4]).unwrap(),
                "{ctx}"
            );
            assert_eq!(
                ind.scope,
                indicator_scope(doc.campaign, &code, tick(&r[5]).unwrap()),
                "{ctx}"
            );
            assert_eq!(ind.first_campaign, first_campaign(&r[5]), "{ctx}");
            assert_eq!(ind.condition, dash_or_tick(&r[6]), "{ctx}");
            assert_eq!(ind.formula, tick(&r[7]).unwrap(), "{ctx}");
            let basis = if r[8].contains("choice") {
                "choice"
            } else {
                "confirmed"
            };
            assert_eq!(as_code(serde_json::to_value(ind.basis).unwrap()), basis, "{ctx}");
            seen.push(code);
        }
    }
    let shipped_codes: Vec<&str> = doc.indicators.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(seen, shipped_codes, "indicators, in catalogue order");
    seen.len()
}

fn check_controls(doc: &CatalogueDocument, tables: &[Table]) -> usize {
    let table = tables.iter().find(|t| t.section.starts_with("6.2")).unwrap();
    let spec_codes: Vec<String> = table.rows.iter().map(|r| tick(&r[0]).unwrap()).collect();
    let shipped_codes: Vec<&str> = doc.controls.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(
        with_additions(spec_codes, "controls", doc.campaign),
        shipped_codes,
        "controls, in table order"
    );
    check_added_controls(doc);
    let from_spec: Vec<_> = doc.controls.iter().filter(|c| !is_added(&c.code)).collect();
    assert_eq!(table.rows.len(), from_spec.len());
    for (r, control) in table.rows.iter().zip(from_spec) {
        let code = tick(&r[0]).unwrap();
        let ctx = format!("control {code}");
        assert_eq!(control.code, code, "{ctx}");
        let severity = match tick(&r[1]).unwrap().as_str() {
            "bloquant" => Severity::Bloquant,
            "alerte" => Severity::Alerte,
            other => panic!("{ctx}: severity {other}"),
        };
        assert_eq!(control.severity, severity, "{ctx}");
        assert_eq!(control.message, r[5], "{ctx}");
        if r[2].starts_with('`') {
            assert!(!control.year_over_year, "{ctx}");
            assert_eq!(control.scope, tick(&r[2]), "{ctx}");
            assert_eq!(control.condition, dash_or_tick(&r[3]), "{ctx}");
            assert_eq!(control.expression, tick(&r[4]), "{ctx}");
        } else {
            assert!(control.year_over_year && r[4].contains("§6.3"), "{ctx}");
            assert_eq!(
                (&control.scope, &control.condition, &control.expression),
                (&None, &None, &None)
            );
        }
    }
    table.rows.len()
}

fn check_categories_and_scopes(doc: &CatalogueDocument, tables: &[Table]) {
    let cats = tables.iter().find(|t| t.section.starts_with("2.1")).unwrap();
    assert_eq!(cats.rows.len(), doc.categories.len());
    for (r, c) in cats.rows.iter().zip(&doc.categories) {
        assert_eq!(c.code, tick(&r[0]).unwrap());
        assert_eq!(c.label, r[1]);
        assert_eq!(c.finess, tick(&r[2]).unwrap());
        assert_eq!(c.aliases, ticks(&r[3]));
        assert_eq!(
            serde_json::to_value(c.public).unwrap(),
            tick(&r[4]).unwrap().as_str()
        );
        assert_eq!(
            serde_json::to_value(c.kind).unwrap(),
            tick(&r[5]).unwrap().as_str()
        );
        assert_eq!(c.seances, r[6] == "true");
        assert_eq!(
            serde_json::to_value(c.funder).unwrap(),
            tick(&r[7]).unwrap().as_str()
        );
    }
    let scopes = tables.iter().find(|t| t.section.starts_with("2.2")).unwrap();
    assert_eq!(scopes.rows.len(), doc.scopes.len());
    for (r, s) in scopes.rows.iter().zip(&doc.scopes) {
        assert_eq!(
            (s.code.clone(), s.members.clone()),
            (tick(&r[0]).unwrap(), ticks(&r[2]))
        );
    }
}

fn check_completion_rules(tables: &[Table]) {
    let table = tables.iter().find(|t| t.section.starts_with("5.1")).unwrap();
    for campaign in FIRST_CAMPAIGN..=LAST_CAMPAIGN {
        let row = table
            .rows
            .iter()
            .find(|r| {
                let years: Vec<i32> = r[0]
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|s| s.parse().ok())
                    .collect();
                match years.as_slice() {
                    [only] if r[0].contains("onwards") => campaign >= *only,
                    [only] => campaign == *only,
                    [from, to] => (*from..=*to).contains(&campaign),
                    _ => false,
                }
            })
            .unwrap_or_else(|| panic!("no completion rule for {campaign}"));
        let rule = catalogue_for(campaign).unwrap().completion_rule();
        assert_eq!(
            format!("{} %", rule.threshold_percent),
            row[1],
            "campaign {campaign}"
        );
        assert_eq!(rule.finance_counted, row[2] == "counted", "campaign {campaign}");
    }
}

#[test]
fn shipped_catalogue_matches_catalogue_md() {
    let path = std::env::var("TDB_SHARED_DIR")
        .map_or_else(|_| SPEC.to_owned(), |dir| format!("{dir}/spec/catalogue.md"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {path} not found (shared/ is not beside the clone; set TDB_SHARED_DIR)");
        return;
    };
    let tables = tables(&text);
    let version = text
        .lines()
        .next()
        .and_then(|l| l.split("(catalogue ").nth(1))
        .map(|v| v.trim_end_matches(')'));
    for campaign in FIRST_CAMPAIGN..=LAST_CAMPAIGN {
        let cat = catalogue_for(campaign).unwrap();
        let expected_version: Option<String> = if campaign < 2020 {
            version.map(str::to_owned)
        } else {
            additions()["version"].as_str().map(str::to_owned)
        };
        assert_eq!(Some(cat.version().to_owned()), expected_version);
        let doc = cat.document();
        assert_eq!(check_items(doc, &tables), 169);
        assert_eq!(check_indicators(doc, &tables), 114);
        assert_eq!(check_controls(doc, &tables), 25);
        check_categories_and_scopes(doc, &tables);
    }
    check_completion_rules(&tables);
}
