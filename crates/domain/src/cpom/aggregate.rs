//! Aggregation of an indicator over a perimeter of structures (docs/cpom.md, "Agrégation").
//!
//! The catalogue formula is rewritten, once, as a quotient of two *linear forms* over items
//! (`Σ cᵢ·itemᵢ + c₀`). Over a perimeter each linear form is summed structure by structure (a constant
//! term counts once per structure) and the quotient is taken last: a rate over two EHPAD is the total
//! numerator over the total denominator, not the mean of the two rates.
//!
//! Per unit:
//! * `ratio`, `jours`, `points`, `etp_par_personne`, `kwh_m2`: the formula must be a quotient whose
//!   denominator depends on items ([`Aggregation::RatioOfSums`]); otherwise (a single pushed score such
//!   as `gmp_valide`) the indicator is [`Aggregation::NotAggregable`];
//! * `personnes`, `nombre`: counts, summed over the perimeter ([`Aggregation::Sum`]); the formula must
//!   be linear.

use std::collections::BTreeMap;

use crate::contract::{IndicatorDef, IndicatorUnit};
use crate::expr::{BinOp, Expr, parse};

/// `Σ coefficient · item + constant`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Linear {
    /// Coefficient of each item code.
    pub terms: BTreeMap<String, f64>,
    /// Constant term.
    pub constant: f64,
}

impl Linear {
    fn constant(value: f64) -> Self {
        Self {
            terms: BTreeMap::new(),
            constant: value,
        }
    }

    fn item(code: &str) -> Self {
        Self {
            terms: BTreeMap::from([(code.to_owned(), 1.0)]),
            constant: 0.0,
        }
    }

    /// The value when the form has no item term.
    fn as_constant(&self) -> Option<f64> {
        self.terms.is_empty().then_some(self.constant)
    }

    fn scale(mut self, factor: f64) -> Self {
        self.terms.values_mut().for_each(|c| *c *= factor);
        self.constant *= factor;
        self
    }

    fn add(mut self, other: Self) -> Self {
        for (code, c) in other.terms {
            *self.terms.entry(code).or_insert(0.0) += c;
        }
        self.constant += other.constant;
        self
    }

    /// The item codes the form reads.
    pub fn items(&self) -> impl Iterator<Item = &str> {
        self.terms.keys().map(String::as_str)
    }

    /// The value for one structure, or the first missing item.
    pub fn eval<'a>(&'a self, value: &impl Fn(&str) -> Option<f64>) -> Result<f64, &'a str> {
        self.terms.iter().try_fold(self.constant, |acc, (code, c)| {
            value(code).map(|v| acc + c * v).ok_or(code.as_str())
        })
    }
}

/// A quotient of two linear forms (the denominator may be a constant).
#[derive(Debug, Clone, PartialEq)]
struct Quotient {
    num: Linear,
    den: Linear,
}

impl Quotient {
    fn linear(num: Linear) -> Self {
        Self {
            num,
            den: Linear::constant(1.0),
        }
    }

    fn as_constant(&self) -> Option<f64> {
        Some(self.num.as_constant()? / self.den.as_constant()?)
    }
}

/// The quotient form of `expr`, or `None` when it is not one (a product of items, a sum of
/// quotients with item denominators, a comparison).
fn quotient(expr: &Expr) -> Option<Quotient> {
    match expr {
        Expr::Number(n) => Some(Quotient::linear(Linear::constant(*n))),
        Expr::Ref(code) => Some(Quotient::linear(Linear::item(code))),
        Expr::Bool(_) => None,
        Expr::Neg(inner) => {
            let q = quotient(inner)?;
            Some(Quotient {
                num: q.num.scale(-1.0),
                den: q.den,
            })
        }
        Expr::Sum(terms) => terms
            .iter()
            .try_fold(Quotient::linear(Linear::constant(0.0)), |acc, term| {
                add(acc, quotient(term)?, 1.0)
            }),
        Expr::Binary(op, left, right) => {
            let (l, r) = (quotient(left)?, quotient(right)?);
            match op {
                BinOp::Add => add(l, r, 1.0),
                BinOp::Sub => add(l, r, -1.0),
                BinOp::Mul => multiply(l, r),
                BinOp::Div => divide(l, r),
                _ => None,
            }
        }
    }
}

/// `l + sign·r`, when both denominators are constants.
fn add(l: Quotient, r: Quotient, sign: f64) -> Option<Quotient> {
    let (dl, dr) = (l.den.as_constant()?, r.den.as_constant()?);
    Some(Quotient::linear(
        l.num.scale(1.0 / dl).add(r.num.scale(sign / dr)),
    ))
}

/// `l · r`, when one side is a constant.
fn multiply(l: Quotient, r: Quotient) -> Option<Quotient> {
    let (k, q) = match (l.as_constant(), r.as_constant()) {
        (Some(k), _) => (k, r),
        (_, Some(k)) => (k, l),
        _ => return None,
    };
    Some(Quotient {
        num: q.num.scale(k),
        den: q.den,
    })
}

/// `l / r`: `(a/c) / (b/d) = (a·d) / (b·c)` when `c` and `d` are constants, or a division by a
/// constant.
fn divide(l: Quotient, r: Quotient) -> Option<Quotient> {
    if let Some(k) = r.as_constant() {
        return (k != 0.0).then(|| Quotient {
            num: l.num,
            den: l.den.scale(k),
        });
    }
    let (c, d) = (l.den.as_constant()?, r.den.as_constant()?);
    Some(Quotient {
        num: l.num.scale(d),
        den: r.num.scale(c),
    })
}

/// How an indicator is computed over a perimeter.
#[derive(Debug, Clone, PartialEq)]
pub enum Aggregation {
    /// `Σ num / Σ den` over the structures.
    RatioOfSums {
        /// Numerator of one structure.
        num: Linear,
        /// Denominator of one structure.
        den: Linear,
    },
    /// `Σ form` over the structures (counts).
    Sum(Linear),
    /// Not aggregable; the French reason.
    NotAggregable(String),
}

/// Why an aggregated value cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AggregateError {
    /// The indicator has no aggregation over a perimeter.
    #[error("{0}")]
    NotAggregable(String),
    /// The perimeter is empty.
    #[error("le périmètre ne compte aucune structure")]
    EmptyPerimeter,
    /// An item is missing for a structure.
    #[error("donnée « {item} » manquante pour la structure {structure}")]
    Missing {
        /// Structure (FINESS ET).
        structure: String,
        /// Item code.
        item: String,
    },
    /// The summed denominator is zero.
    #[error("dénominateur nul sur le périmètre")]
    ZeroDenominator,
}

/// The aggregation of `indicator` (see the module documentation for the rule per unit).
pub fn aggregation_for(indicator: &IndicatorDef) -> Aggregation {
    let not_aggregable = || {
        Aggregation::NotAggregable(format!(
            "l'indicateur « {} » ne se calcule pas comme un rapport de sommes : il ne s'agrège pas sur un \
             périmètre, suivez-le structure par structure",
            indicator.code
        ))
    };
    let Some(q) = parse(&indicator.formula).ok().as_ref().and_then(quotient) else {
        return not_aggregable();
    };
    match indicator.unit {
        IndicatorUnit::Personnes | IndicatorUnit::Nombre => match q.den.as_constant() {
            Some(d) if d != 0.0 => Aggregation::Sum(q.num.scale(1.0 / d)),
            _ => not_aggregable(),
        },
        _ if q.den.as_constant().is_some() => not_aggregable(),
        _ => Aggregation::RatioOfSums {
            num: q.num,
            den: q.den,
        },
    }
}

impl Aggregation {
    /// The value over `structures`, each given as `(finess, item lookup)`.
    pub fn compute<F>(&self, structures: &[(String, F)]) -> Result<f64, AggregateError>
    where
        F: Fn(&str) -> Option<f64>,
    {
        if structures.is_empty() {
            return Err(AggregateError::EmptyPerimeter);
        }
        let sum = |form: &Linear| {
            structures.iter().try_fold(0.0, |acc, (finess, value)| {
                form.eval(value)
                    .map(|v| acc + v)
                    .map_err(|item| AggregateError::Missing {
                        structure: finess.clone(),
                        item: item.to_owned(),
                    })
            })
        };
        match self {
            Self::NotAggregable(reason) => Err(AggregateError::NotAggregable(reason.clone())),
            Self::Sum(form) => sum(form),
            Self::RatioOfSums { num, den } => {
                let (n, d) = (sum(num)?, sum(den)?);
                if d == 0.0 {
                    Err(AggregateError::ZeroDenominator)
                } else {
                    Ok(n / d)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::catalogue_for;

    fn indicator(code: &str) -> &'static IndicatorDef {
        catalogue_for(2024).unwrap().indicator(code).unwrap()
    }

    fn lookup(pairs: &[(&str, f64)]) -> impl Fn(&str) -> Option<f64> + use<> {
        let map: HashMap<String, f64> = pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        move |code| map.get(code).copied()
    }

    #[test]
    fn a_ratio_over_two_structures_is_the_ratio_of_the_sums_not_the_mean_of_the_ratios() {
        let agg = aggregation_for(indicator("taux_dossiers_administratifs_informatises"));
        let a = lookup(&[
            ("dossiers_administratifs_informatises", 90.0),
            ("personnes_accompagnees_31_12", 100.0),
        ]);
        let b = lookup(&[
            ("dossiers_administratifs_informatises", 5.0),
            ("personnes_accompagnees_31_12", 10.0),
        ]);
        let value = agg
            .compute(&[("590000001".to_owned(), a), ("590000002".to_owned(), b)])
            .unwrap();
        // 95 / 110, whereas the mean of 0.9 and 0.5 is 0.7.
        assert!((value - 95.0 / 110.0).abs() < 1e-12, "{value}");
        assert!((value - 0.7).abs() > 0.1);
    }

    #[test]
    fn days_of_charges_keep_the_365_factor_in_the_numerator() {
        let Aggregation::RatioOfSums { num, den } = aggregation_for(indicator("frng_jours")) else {
            panic!("frng_jours is a ratio of sums");
        };
        assert_eq!(num.terms.get("fonds_roulement_net_global"), Some(&365.0));
        assert_eq!(den.terms.get("charges_courantes"), Some(&1.0));
        let one = lookup(&[
            ("fonds_roulement_net_global", 100.0),
            ("charges_courantes", 365.0),
        ]);
        let agg = aggregation_for(indicator("frng_jours"));
        assert_eq!(agg.compute(&[("x".to_owned(), one)]).unwrap(), 100.0);
    }

    #[test]
    fn the_calculated_gmp_is_weighted_by_the_gir_counts_of_the_whole_perimeter() {
        let agg = aggregation_for(indicator("score_gmp_calcule"));
        let gir = |g1: f64, g6: f64| {
            lookup(&[
                ("personnes_gir_1", g1),
                ("personnes_gir_2", 0.0),
                ("personnes_gir_3", 0.0),
                ("personnes_gir_4", 0.0),
                ("personnes_gir_5", 0.0),
                ("personnes_gir_6", g6),
            ])
        };
        let value = agg
            .compute(&[("a".to_owned(), gir(10.0, 0.0)), ("b".to_owned(), gir(0.0, 30.0))])
            .unwrap();
        assert!((value - (10_000.0 + 30.0 * 70.0) / 40.0).abs() < 1e-9);
    }

    #[test]
    fn counts_are_summed_and_pushed_scores_are_not_aggregable() {
        let agg = aggregation_for(indicator("file_active"));
        let a = lookup(&[
            ("personnes_accompagnees_31_12", 50.0),
            ("sorties_definitives", 5.0),
        ]);
        let b = lookup(&[
            ("personnes_accompagnees_31_12", 20.0),
            ("sorties_definitives", 1.0),
        ]);
        assert_eq!(
            agg.compute(&[("a".to_owned(), a), ("b".to_owned(), b)]).unwrap(),
            76.0
        );
        assert!(matches!(
            aggregation_for(indicator("score_gmp_valide")),
            Aggregation::NotAggregable(_)
        ));
    }

    #[test]
    fn a_missing_item_names_the_structure_and_the_item() {
        let agg = aggregation_for(indicator("taux_dossiers_administratifs_informatises"));
        let a = lookup(&[("personnes_accompagnees_31_12", 100.0)]);
        assert_eq!(
            agg.compute(&[("590000001".to_owned(), a)]),
            Err(AggregateError::Missing {
                structure: "590000001".to_owned(),
                item: "dossiers_administratifs_informatises".to_owned()
            })
        );
    }

    #[test]
    fn every_ratio_indicator_of_the_catalogue_has_an_aggregation_matching_its_formula_on_one_structure() {
        let catalogue = catalogue_for(2024).unwrap();
        for def in catalogue.indicators() {
            let Aggregation::RatioOfSums { num, den } = aggregation_for(def) else {
                continue;
            };
            let mut items: Vec<&str> = num.items().chain(den.items()).collect();
            items.sort_unstable();
            items.dedup();
            let values: Vec<(&str, f64)> = items
                .iter()
                .enumerate()
                .map(|(i, code)| (*code, 3.0 + i as f64 * 1.7))
                .collect();
            let one = lookup(&values);
            let aggregated = aggregation_for(def).compute(&[("x".to_owned(), one)]).unwrap();
            let direct = direct_value(&def.formula, &lookup(&values));
            assert!(
                (aggregated - direct).abs() <= 1e-9 * direct.abs().max(1.0),
                "{}: {aggregated} vs {direct}",
                def.code
            );
        }
    }

    /// The formula evaluated directly on one structure, as written.
    fn direct_value(formula: &str, value: &impl Fn(&str) -> Option<f64>) -> f64 {
        fn eval(expr: &Expr, value: &impl Fn(&str) -> Option<f64>) -> f64 {
            match expr {
                Expr::Number(n) => *n,
                Expr::Ref(code) => value(code).unwrap(),
                Expr::Neg(inner) => -eval(inner, value),
                Expr::Sum(terms) => terms.iter().map(|t| eval(t, value)).sum(),
                Expr::Binary(op, l, r) => {
                    let (l, r) = (eval(l, value), eval(r, value));
                    match op {
                        BinOp::Add => l + r,
                        BinOp::Sub => l - r,
                        BinOp::Mul => l * r,
                        BinOp::Div => l / r,
                        _ => unreachable!("arithmetic formula"),
                    }
                }
                Expr::Bool(_) => unreachable!("arithmetic formula"),
            }
        }
        eval(&parse(formula).unwrap(), value)
    }
}
