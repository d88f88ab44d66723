//! Validation and compilation of a catalogue file into a [`Catalogue`].
//!
//! Checks, each failing with a precise [`CatalogueError`]: JSON shape, code syntax, duplicate codes,
//! scope sets and their members, item attributes, every expression (parses, has the right shape,
//! refers only to what its place allows). Then every expression is compiled to a [`Program`].

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::{Catalogue, CatalogueError, Control, Indicator, Item, Layout, fnv1a64};
use crate::contract::{CatalogueDocument, ItemType, Level, Severity};
use crate::expr::{Expr, MAX_DEPTH, Operand, Program, SumTable, parse};

fn is_code(code: &str) -> bool {
    let mut bytes = code.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_code(what: &'static str, code: &str) -> Result<(), CatalogueError> {
    if is_code(code) {
        Ok(())
    } else {
        Err(CatalogueError::InvalidCode {
            what,
            code: code.to_owned(),
        })
    }
}

/// What an expression may refer to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Item or indicator condition: unconditional numeric or boolean items.
    Condition,
    /// Indicator formula: numeric or boolean items.
    Formula,
    /// Control expression or condition: items and indicators.
    Control,
}

struct Names<'d> {
    doc: &'d CatalogueDocument,
    items: HashMap<&'d str, u16>,
    indicators: HashMap<&'d str, u16>,
    controls: HashSet<&'d str>,
    scopes: HashMap<&'d str, u64>,
}

impl Names<'_> {
    fn scope(&self, owner: impl FnOnce() -> String, scope: &str) -> Result<u64, CatalogueError> {
        self.scopes
            .get(scope)
            .copied()
            .ok_or_else(|| CatalogueError::UnknownScope {
                owner: owner(),
                scope: scope.to_owned(),
            })
    }

    /// Parses and compiles an expression written at `place_name`, checking its references.
    fn compile(&self, text: &str, place: Place, place_name: &str) -> Result<Program, CatalogueError> {
        let expr = parse(text).map_err(|error| CatalogueError::Parse {
            place: place_name.to_owned(),
            error,
        })?;
        self.check_shape(&expr, place, place_name)?;
        let program = Program::compile(&expr, &mut |code: &str| self.resolve(code, place, place_name))?;
        if program.depth() > MAX_DEPTH {
            return Err(CatalogueError::InvalidExpression {
                place: place_name.to_owned(),
                reason: "nested too deeply (at most 16 pending operands)",
            });
        }
        Ok(program)
    }

    fn check_shape(&self, expr: &Expr, place: Place, place_name: &str) -> Result<(), CatalogueError> {
        let invalid = |reason| {
            Err(CatalogueError::InvalidExpression {
                place: place_name.to_owned(),
                reason,
            })
        };
        match place {
            Place::Formula if !expr.is_arithmetic() => {
                invalid("a formula uses only numbers, item codes, + - * /, parentheses and sum(…)")
            }
            Place::Condition | Place::Control if !expr.is_boolean() => {
                invalid("must be a comparison, and, or, true or false")
            }
            _ => Ok(()),
        }
    }

    fn resolve(&self, code: &str, place: Place, place_name: &str) -> Result<Operand, CatalogueError> {
        let refuse = |reason| {
            Err(CatalogueError::InvalidReference {
                place: place_name.to_owned(),
                code: code.to_owned(),
                reason,
            })
        };
        if let Some(&i) = self.items.get(code) {
            let def = &self.doc.items[usize::from(i)];
            if matches!(def.item_type, ItemType::Date | ItemType::Enum) {
                return refuse("date and enum items never appear in expressions");
            }
            if place == Place::Condition && def.condition.is_some() {
                return refuse("a condition refers only to unconditional items");
            }
            return Ok(Operand::Item(i));
        }
        if let Some(&i) = self.indicators.get(code) {
            if place == Place::Control {
                return Ok(Operand::Indicator(i));
            }
            return refuse("only controls refer to indicators; formulas and conditions read raw items");
        }
        if self.controls.contains(code) {
            return refuse("a control code is not a value");
        }
        Err(CatalogueError::UnknownCode {
            place: place_name.to_owned(),
            code: code.to_owned(),
        })
    }
}

/// Collects the item indices an expression reads, expanding indicators into their own items.
fn item_dependencies(programs: &[Option<&Program>], indicators: &[Indicator]) -> Vec<u16> {
    let mut out = Vec::new();
    for program in programs.iter().flatten() {
        for operand in program.operands() {
            match *operand {
                Operand::Item(i) => out.push(i),
                Operand::Indicator(i) => out.extend(&indicators[usize::from(i)].dependencies),
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn index16(i: usize, what: &'static str) -> Result<u16, CatalogueError> {
    u16::try_from(i).map_err(|_| CatalogueError::InvalidDefinition {
        owner: format!("catalogue {what}"),
        reason: "more than 65 535 definitions".to_owned(),
    })
}

pub(super) fn load(raw: Cow<'static, str>) -> Result<Catalogue, CatalogueError> {
    let doc: CatalogueDocument = serde_json::from_str(&raw).map_err(|e| CatalogueError::Json {
        message: e.to_string(),
    })?;
    let hash = fnv1a64(raw.as_bytes());
    let rule = &doc.completion;
    if !(1..=100).contains(&rule.threshold_percent) {
        return Err(CatalogueError::InvalidDefinition {
            owner: "completion rule".to_owned(),
            reason: format!("threshold {} % is not within 1–100", rule.threshold_percent),
        });
    }
    if let Some(rule) = &doc.peer_outliers
        && !(rule.threshold.is_finite() && rule.threshold > 0.0)
    {
        return Err(CatalogueError::InvalidDefinition {
            owner: "peer outlier rule".to_owned(),
            reason: format!("threshold {} is not a positive number", rule.threshold),
        });
    }

    // Categories: codes, FINESS codes and aliases share one lookup.
    if doc.categories.len() > 64 {
        return Err(CatalogueError::InvalidDefinition {
            owner: "categories".to_owned(),
            reason: "at most 64 categories".to_owned(),
        });
    }
    let mut category_lookup = HashMap::new();
    for (i, cat) in doc.categories.iter().enumerate() {
        check_code("category", &cat.code)?;
        let index = u8::try_from(i).unwrap_or(u8::MAX);
        for key in std::iter::once(&cat.code)
            .chain(std::iter::once(&cat.finess))
            .chain(&cat.aliases)
        {
            if category_lookup.insert(key.clone(), index).is_some() {
                return Err(CatalogueError::DuplicateCode {
                    what: "category, FINESS code or alias",
                    code: key.clone(),
                });
            }
        }
    }
    let category_bit: HashMap<&str, u64> = doc
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.as_str(), 1u64 << i))
        .collect();

    let mut scopes = HashMap::new();
    for scope in &doc.scopes {
        check_code("scope", &scope.code)?;
        let mut mask = 0;
        for member in &scope.members {
            let bit = category_bit
                .get(member.as_str())
                .ok_or_else(|| CatalogueError::UnknownCategory {
                    scope: scope.code.clone(),
                    category: member.clone(),
                })?;
            mask |= bit;
        }
        if scopes.insert(scope.code.as_str(), mask).is_some() {
            return Err(CatalogueError::DuplicateCode {
                what: "scope",
                code: scope.code.clone(),
            });
        }
    }

    // One namespace for items, indicators and controls (§1.2).
    let mut seen = HashSet::new();
    let mut items = HashMap::new();
    let mut indicators = HashMap::new();
    let mut controls = HashSet::new();
    for (i, item) in doc.items.iter().enumerate() {
        check_code("item", &item.code)?;
        if !seen.insert(item.code.as_str()) {
            return Err(CatalogueError::DuplicateCode {
                what: "item",
                code: item.code.clone(),
            });
        }
        items.insert(item.code.as_str(), index16(i, "items")?);
    }
    for (i, ind) in doc.indicators.iter().enumerate() {
        check_code("indicator", &ind.code)?;
        if !seen.insert(ind.code.as_str()) {
            return Err(CatalogueError::DuplicateCode {
                what: "indicator",
                code: ind.code.clone(),
            });
        }
        indicators.insert(ind.code.as_str(), index16(i, "indicators")?);
    }
    for control in &doc.controls {
        check_code("control", &control.code)?;
        if !seen.insert(control.code.as_str()) {
            return Err(CatalogueError::DuplicateCode {
                what: "control",
                code: control.code.clone(),
            });
        }
        controls.insert(control.code.as_str());
    }
    let names = Names {
        doc: &doc,
        items,
        indicators,
        controls,
        scopes,
    };
    let campaign = doc.campaign;

    let mut compiled_items = Vec::with_capacity(doc.items.len());
    let mut item_conditions = Vec::new();
    for (i, item) in doc.items.iter().enumerate() {
        check_item(item)?;
        let owner = || format!("item '{}'", item.code);
        let condition = item
            .condition
            .as_deref()
            .map(|c| names.compile(c, Place::Condition, &format!("condition of item '{}'", item.code)))
            .transpose()?;
        if let Some(condition) = condition {
            item_conditions.push((index16(i, "items")?, condition));
        }
        compiled_items.push(Item {
            scope: names.scope(owner, &item.scope)?,
            active: campaign >= item.first_campaign,
            required: item.required,
            axis: item.axis,
        });
    }

    let mut compiled_indicators: Vec<Indicator> = Vec::with_capacity(doc.indicators.len());
    for ind in &doc.indicators {
        if !(1..=4).contains(&ind.axis) {
            return Err(CatalogueError::InvalidDefinition {
                owner: format!("indicator '{}'", ind.code),
                reason: format!("axis {} is not 1–4", ind.axis),
            });
        }
        let formula = names.compile(
            &ind.formula,
            Place::Formula,
            &format!("formula of indicator '{}'", ind.code),
        )?;
        let condition = ind
            .condition
            .as_deref()
            .map(|c| {
                names.compile(
                    c,
                    Place::Condition,
                    &format!("condition of indicator '{}'", ind.code),
                )
            })
            .transpose()?;
        let formula_items = formula
            .operands()
            .iter()
            .filter_map(|o| match o {
                Operand::Item(i) => Some(*i),
                Operand::Indicator(_) => None,
            })
            .collect();
        let dependencies = item_dependencies(&[Some(&formula), condition.as_ref()], &[]);
        compiled_indicators.push(Indicator {
            scope: names.scope(|| format!("indicator '{}'", ind.code), &ind.scope)?,
            active: campaign >= ind.first_campaign,
            condition,
            formula,
            formula_items,
            dependencies,
            dialogue: ind.level == Level::Dialogue,
        });
    }

    let mut compiled_controls = Vec::with_capacity(doc.controls.len());
    for control in &doc.controls {
        let owner = || format!("control '{}'", control.code);
        let blocking = control.severity == Severity::Bloquant;
        if control.year_over_year {
            if control.scope.is_some() || control.condition.is_some() || control.expression.is_some() {
                return Err(CatalogueError::InvalidDefinition {
                    owner: owner(),
                    reason: "the year-over-year control takes its scope from each indicator and has no \
                             condition or expression"
                        .to_owned(),
                });
            }
            compiled_controls.push(Control {
                scope: 0,
                condition: None,
                expression: None,
                blocking,
                dependencies: Vec::new(),
            });
            continue;
        }
        let (Some(scope), Some(expression)) = (&control.scope, &control.expression) else {
            return Err(CatalogueError::InvalidDefinition {
                owner: owner(),
                reason: "a control needs a scope and an expression".to_owned(),
            });
        };
        let expression = names.compile(
            expression,
            Place::Control,
            &format!("expression of control '{}'", control.code),
        )?;
        let condition = control
            .condition
            .as_deref()
            .map(|c| {
                names.compile(
                    c,
                    Place::Control,
                    &format!("condition of control '{}'", control.code),
                )
            })
            .transpose()?;
        let dependencies = item_dependencies(&[Some(&expression), condition.as_ref()], &compiled_indicators);
        compiled_controls.push(Control {
            scope: names.scope(owner, scope)?,
            condition,
            expression: Some(expression),
            blocking,
            dependencies,
        });
    }

    // Sums of items read by indicators and controls are computed once per evaluation. Item conditions
    // keep their own: they run before every item's number is settled.
    let mut sum_table = SumTable::default();
    let indicator_programs = compiled_indicators
        .iter_mut()
        .flat_map(|i| std::iter::once(&mut i.formula).chain(i.condition.as_mut()));
    let control_programs = compiled_controls
        .iter_mut()
        .flat_map(|c| c.expression.as_mut().into_iter().chain(c.condition.as_mut()));
    for program in indicator_programs.chain(control_programs) {
        program.share_sums(&mut sum_table);
    }

    let codes: Vec<Box<str>> = doc.items.iter().map(|i| Box::from(i.code.as_str())).collect();
    let layout = Arc::new(Layout {
        id: fnv1a64(codes.join("\n").as_bytes()),
        codes,
    });
    let mut order: Vec<usize> = (0..doc.items.len()).collect();
    order.sort_by(|a, b| doc.items[*a].code.cmp(&doc.items[*b].code));
    let mut ascii_rank = vec![0u16; order.len()];
    for (rank, item) in order.into_iter().enumerate() {
        ascii_rank[item] = index16(rank, "items")?;
    }
    let item_index = names.items.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    let indicator_index = names
        .indicators
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    let threshold_percent = u64::from(doc.completion.threshold_percent);
    let indicator_codes: Vec<&str> = doc.indicators.iter().map(|i| i.code.as_str()).collect();
    let indicator_layout = fnv1a64(indicator_codes.join("\n").as_bytes());
    Ok(Catalogue {
        hash,
        category_lookup,
        items: compiled_items,
        item_index,
        indicators: compiled_indicators,
        indicator_index,
        controls: compiled_controls,
        layout,
        ascii_rank,
        threshold_percent,
        item_conditions,
        indicator_layout,
        sum_table,
        raw,
        doc,
    })
}

fn check_item(item: &crate::contract::ItemDef) -> Result<(), CatalogueError> {
    let invalid = |reason: &str| {
        Err(CatalogueError::InvalidDefinition {
            owner: format!("item '{}'", item.code),
            reason: reason.to_owned(),
        })
    };
    if item.axis > 4 {
        return invalid("axis must be 0–4");
    }
    if (item.item_type == ItemType::Enum) != item.values.as_ref().is_some_and(|v| !v.is_empty()) {
        return invalid("an enum item, and only an enum item, lists its values");
    }
    if let Some(labels) = &item.value_labels {
        let codes: Vec<&String> = item.values.iter().flatten().collect();
        if labels.len() != codes.len()
            || codes
                .iter()
                .any(|c| labels.get(*c).is_none_or(|l| l.trim().is_empty()))
        {
            return invalid(
                "value_labels gives one non-empty label to each of the item's values, and only to them",
            );
        }
    }
    if item.item_type == ItemType::Score && (item.min.is_none() || item.max.is_none()) {
        return invalid("a score item has both bounds");
    }
    if let (Some(min), Some(max)) = (item.min, item.max)
        && min > max
    {
        return invalid("min is greater than max");
    }
    if item.may_be_negative && item.item_type != ItemType::Eur {
        return invalid("only eur items may be negative");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
