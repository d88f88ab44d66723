//! The catalogue of one campaign, loaded from its data file, validated, and compiled for evaluation.
//!
//! The files under `crates/domain/catalogue/` are generated from catalogue.md (`generate.py`) and
//! embedded at compile time (`shipped.rs`, [`catalogue_for`]). `loader.rs` checks them and turns
//! every expression into a [`Program`] over item and indicator indices, so evaluation never looks a
//! code up.

mod error;
mod loader;
mod shipped;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use error::CatalogueError;
pub use shipped::{FIRST_CAMPAIGN, LAST_CAMPAIGN, catalogue_for};

use crate::contract::{
    CatalogueDocument, CategoryDef, CompletionRule, ControlDef, IndicatorDef, ItemDef, Level, Severity,
};
use crate::expr::{Operand, Program, SumTable};

/// A resolved category code (`ehpad`, …), whatever was given: code, FINESS code or alias.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CategoryCode(String);

impl CategoryCode {
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The item codes of a catalogue in order, identifying the slot layout of
/// [`FormValues`](crate::values::FormValues).
#[derive(Debug, PartialEq, Eq)]
pub struct Layout {
    pub(crate) id: u64,
    pub(crate) codes: Vec<Box<str>>,
}

/// What evaluation needs of a raw item, kept small so the engine walks a compact array.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    /// Categories (bit per category index) in scope.
    pub(crate) scope: u64,
    /// Campaign at or after the first campaign.
    pub(crate) active: bool,
    /// Counts in the completion rate when it applies.
    pub(crate) required: bool,
    /// Axis 0–4.
    pub(crate) axis: u8,
}

/// A compiled indicator.
#[derive(Debug, Clone)]
pub(crate) struct Indicator {
    pub(crate) scope: u64,
    pub(crate) active: bool,
    pub(crate) condition: Option<Program>,
    pub(crate) formula: Program,
    /// Items of the formula, in order of first appearance.
    pub(crate) formula_items: Vec<u16>,
    /// Items of the formula and the condition, ascending index.
    pub(crate) dependencies: Vec<u16>,
    pub(crate) dialogue: bool,
}

/// A compiled control (the year-over-year control has no program).
#[derive(Debug, Clone)]
pub(crate) struct Control {
    pub(crate) scope: u64,
    pub(crate) condition: Option<Program>,
    pub(crate) expression: Option<Program>,
    pub(crate) blocking: bool,
    /// Items read directly or through an indicator, ascending index.
    pub(crate) dependencies: Vec<u16>,
}

/// What a change of one item can affect (see [`Catalogue::affected_by`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Affected {
    /// Indicators whose formula or condition reads the item, in catalogue order.
    pub indicators: Vec<String>,
    /// Control keys whose result may change: control codes, and `variation_annuelle.<indicator>` for
    /// the year-over-year control of each affected dialogue indicator; in result order (§9).
    pub controls: Vec<String>,
    /// Items whose applicability depends on this item (their condition reads it), in catalogue order.
    pub items: Vec<String>,
}

/// The catalogue of one campaign, ready to evaluate forms.
#[derive(Debug)]
pub struct Catalogue {
    pub(crate) doc: CatalogueDocument,
    raw: Cow<'static, str>,
    hash: u64,
    category_lookup: HashMap<String, u8>,
    pub(crate) items: Vec<Item>,
    item_index: HashMap<String, u16>,
    pub(crate) indicators: Vec<Indicator>,
    indicator_index: HashMap<String, u16>,
    pub(crate) controls: Vec<Control>,
    pub(crate) layout: Arc<Layout>,
    /// Position of each item's code in ascending ASCII order (to sort `missing` lists).
    pub(crate) ascii_rank: Vec<u16>,
    pub(crate) threshold_percent: u64,
    /// Conditions of the items that have one, in catalogue order.
    pub(crate) item_conditions: Vec<(u16, Program)>,
    /// Hash of the indicator codes in order: equal hashes mean equal indicator indices.
    pub(crate) indicator_layout: u64,
    /// Sums of items shared by indicator and control programs.
    pub(crate) sum_table: SumTable,
}

/// FNV-1a, 64 bits: a stable content hash (the same on every platform and build).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

impl Catalogue {
    /// Parses, validates and compiles a catalogue file.
    pub fn from_json(raw: impl Into<Cow<'static, str>>) -> Result<Self, CatalogueError> {
        loader::load(raw.into())
    }

    /// Version of the data dictionary this catalogue implements (`1.0` in 2019, `1.1` from 2020).
    pub fn version(&self) -> &str {
        &self.doc.catalogue_version
    }

    /// The campaign this catalogue applies to.
    pub fn campaign(&self) -> i32 {
        self.doc.campaign
    }

    /// Whether the campaign has a previous campaign to compare with: not the first covered one (2019,
    /// §1.1 and §6.3), whose year-over-year control is never evaluable.
    pub fn has_previous_campaign(&self) -> bool {
        self.campaign() > FIRST_CAMPAIGN
    }

    /// The file as shipped, byte for byte (what `GET /api/v1/catalogue/{campaign}` serves).
    pub fn raw_json(&self) -> &str {
        &self.raw
    }

    /// The parsed file.
    pub fn document(&self) -> &CatalogueDocument {
        &self.doc
    }

    /// FNV-1a 64 of the file bytes.
    pub fn content_hash(&self) -> u64 {
        self.hash
    }

    /// A strong HTTP entity tag for the file, quotes included: `"tdb-cat-1.1-2024-<16 hex>"`.
    pub fn etag(&self) -> String {
        format!(
            "\"tdb-cat-{}-{}-{:016x}\"",
            self.version(),
            self.campaign(),
            self.hash
        )
    }

    /// Threshold of the peer outlier alerts of the campaign: the catalogue's `peer_outliers.threshold`,
    /// or [`DEFAULT_THRESHOLD`](crate::stats::outliers::DEFAULT_THRESHOLD) (3.5) when it sets none.
    pub fn peer_outlier_threshold(&self) -> f64 {
        self.doc
            .peer_outliers
            .map_or(crate::stats::outliers::DEFAULT_THRESHOLD, |rule| rule.threshold)
    }

    /// Completion rule of the campaign (§5.1).
    pub fn completion_rule(&self) -> &CompletionRule {
        &self.doc.completion
    }

    /// Resolves a category code, a FINESS code or an accepted alias (§2.1).
    pub fn resolve_category(&self, code_or_finess_or_alias: &str) -> Option<CategoryCode> {
        let index = self.category_index(code_or_finess_or_alias)?;
        Some(CategoryCode(self.doc.categories[index].code.clone()))
    }

    pub(crate) fn category_index(&self, code_or_finess_or_alias: &str) -> Option<usize> {
        self.category_lookup
            .get(code_or_finess_or_alias)
            .map(|i| usize::from(*i))
    }

    /// The categories, in table order.
    pub fn categories(&self) -> &[CategoryDef] {
        &self.doc.categories
    }

    /// The raw items, in catalogue order.
    pub fn items(&self) -> &[ItemDef] {
        &self.doc.items
    }

    /// The indicators, in catalogue order.
    pub fn indicators(&self) -> &[IndicatorDef] {
        &self.doc.indicators
    }

    /// The controls, in table order.
    pub fn controls(&self) -> &[ControlDef] {
        &self.doc.controls
    }

    /// The definition of an item.
    pub fn item(&self, code: &str) -> Option<&ItemDef> {
        self.item_index(code).map(|i| &self.doc.items[i])
    }

    /// Position of an item in catalogue order.
    pub fn item_index(&self, code: &str) -> Option<usize> {
        self.item_index.get(code).map(|i| usize::from(*i))
    }

    /// The definition of an indicator.
    pub fn indicator(&self, code: &str) -> Option<&IndicatorDef> {
        self.indicator_index(code).map(|i| &self.doc.indicators[i])
    }

    /// Position of an indicator in catalogue order.
    pub fn indicator_index(&self, code: &str) -> Option<usize> {
        self.indicator_index.get(code).map(|i| usize::from(*i))
    }

    /// Items read by an indicator (formula and condition) or a control (expression, condition, and the
    /// items of the indicators it reads), in catalogue order. For the year-over-year control, pass
    /// `variation_annuelle.<indicator>`. `None` for an unknown code.
    pub fn dependencies(&self, code: &str) -> Option<Vec<&str>> {
        let indices = if let Some(i) = self.indicator_index(code) {
            &self.indicators[i].dependencies
        } else if let Some(ind) = code.strip_prefix("variation_annuelle.") {
            let i = self.indicator_index(ind)?;
            if !self.indicators[i].dialogue {
                return None;
            }
            &self.indicators[i].dependencies
        } else {
            let c = self
                .doc
                .controls
                .iter()
                .position(|c| c.code == code && !c.year_over_year)?;
            &self.controls[c].dependencies
        };
        Some(
            indices
                .iter()
                .map(|i| self.doc.items[usize::from(*i)].code.as_str())
                .collect(),
        )
    }

    /// What a change of `item_code` can affect: indicators, control keys and conditional items.
    /// `None` for an unknown item.
    pub fn affected_by(&self, item_code: &str) -> Option<Affected> {
        let item = u16::try_from(self.item_index(item_code)?).ok()?;
        let mut affected = Affected {
            indicators: Vec::new(),
            controls: Vec::new(),
            items: Vec::new(),
        };
        for (def, ind) in self.doc.indicators.iter().zip(&self.indicators) {
            if ind.dependencies.binary_search(&item).is_ok() {
                affected.indicators.push(def.code.clone());
            }
        }
        for (def, control) in self.doc.controls.iter().zip(&self.controls) {
            if def.year_over_year {
                for (ind_def, ind) in self.doc.indicators.iter().zip(&self.indicators) {
                    if ind_def.level == Level::Dialogue && ind.dependencies.binary_search(&item).is_ok() {
                        affected.controls.push(format!("{}.{}", def.code, ind_def.code));
                    }
                }
            } else if control.dependencies.binary_search(&item).is_ok() {
                affected.controls.push(def.code.clone());
            }
        }
        for (i, condition) in &self.item_conditions {
            if condition.operands().contains(&Operand::Item(item)) {
                affected.items.push(self.doc.items[usize::from(*i)].code.clone());
            }
        }
        Some(affected)
    }

    /// Severity of a control by index.
    pub(crate) fn control_severity(&self, control: usize) -> Severity {
        if self.controls[control].blocking {
            Severity::Bloquant
        } else {
            Severity::Alerte
        }
    }
}
