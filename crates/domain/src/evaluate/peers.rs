//! Peer outlier alerts of one form (`ecart_pairs.<indicator>`): each dialogue indicator in scope is
//! judged against the national and regional groups of its category in a reference distribution (the
//! last frozen campaign), with the robust z-score of [`crate::stats::outliers`].
//!
//! One entry per dialogue indicator in scope, like `variation_annuelle`: `not_applicable` when the
//! indicator does not apply, `not_evaluable` when its value is not `ok` or neither group can judge it
//! (absent, withheld, no spread), otherwise evaluated; it fails when one of the two groups puts the
//! value beyond the campaign's threshold. A failing entry is an `alerte`: it needs a justification
//! before submission, under the key `ecart_pairs.<indicator>`.

use crate::catalogue::Catalogue;
use crate::contract::{ControlStatus, GroupSpread, IndicatorReference, IndicatorStatus, PeerReference};
use crate::display::{format_decimal, format_indicator};
use crate::stats::outliers::{beyond, robust_z};

use super::indicator_outcome::IndicatorOutcome;

/// Code of the peer outlier alert (justification key `ecart_pairs.<indicator>`).
pub const PEER_CONTROL: &str = "ecart_pairs";

/// Message of an entry that does not fail.
const GENERIC_MESSAGE: &str = "La valeur de l'indicateur s'écarte fortement de celles des structures \
                               de la même catégorie : vérifiez la saisie ou justifiez la valeur.";

/// A reference distribution compiled against one catalogue: the groups of each indicator by index.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlierReference {
    category: String,
    by_indicator: Vec<Option<IndicatorReference>>,
}

impl OutlierReference {
    /// Compiles `reference` for `catalogue`: indicators are matched by code (the reference campaign's
    /// catalogue may order them differently); codes the catalogue does not know are dropped.
    pub fn new(catalogue: &Catalogue, reference: &PeerReference) -> Self {
        let mut by_indicator = vec![None; catalogue.indicators().len()];
        for (code, groups) in &reference.indicators {
            if let Some(i) = catalogue.indicator_index(code) {
                by_indicator[i] = Some(*groups);
            }
        }
        Self {
            category: catalogue
                .resolve_category(&reference.category)
                .map_or_else(|| reference.category.clone(), |c| c.as_str().to_owned()),
            by_indicator,
        }
    }

    /// The resolved category code the reference describes.
    pub fn category(&self) -> &str {
        &self.category
    }
}

/// Which group a failing entry cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerLevel {
    /// The regional group of the category.
    Region,
    /// The national group of the category.
    National,
}

/// Outcome of one peer outlier entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerOutcome {
    /// Indicator index.
    pub(crate) indicator: u16,
    /// Evaluation status.
    pub status: ControlStatus,
    /// False when the value is beyond the threshold in one group.
    pub passed: Option<bool>,
    /// Robust z-score in the regional group, when it can judge.
    pub z_region: Option<f64>,
    /// Robust z-score in the national group, when it can judge.
    pub z_national: Option<f64>,
    /// The value judged.
    pub value: Option<f64>,
    /// The group a failing entry cites (the region first), with its median and z.
    pub cited: Option<(PeerLevel, f64, f64)>,
}

fn judged(z: Option<f64>, group: Option<&GroupSpread>, threshold: f64) -> Option<(f64, f64)> {
    let z = z?;
    beyond(z, threshold).then_some((group?.median?, z))
}

/// The entries of every dialogue indicator of `category` (bit `bit`), in catalogue order.
pub(crate) fn evaluate_peers(
    catalogue: &Catalogue,
    bit: u64,
    indicators: &[IndicatorOutcome],
    reference: &OutlierReference,
) -> Vec<PeerOutcome> {
    let threshold = catalogue.peer_outlier_threshold();
    let mut out = Vec::new();
    for (ii, ind) in catalogue.indicators.iter().enumerate() {
        if !ind.dialogue || ind.scope & bit == 0 {
            continue;
        }
        let mut outcome = PeerOutcome {
            indicator: u16::try_from(ii).unwrap_or(u16::MAX),
            status: ControlStatus::NotEvaluable,
            passed: None,
            z_region: None,
            z_national: None,
            value: indicators[ii].value,
            cited: None,
        };
        let current = &indicators[ii];
        if current.status == IndicatorStatus::NotApplicable {
            outcome.status = ControlStatus::NotApplicable;
        } else if let (Some(value), Some(Some(groups))) = (current.value, reference.by_indicator.get(ii)) {
            outcome.z_region = groups.region.as_ref().and_then(|g| robust_z(value, g));
            outcome.z_national = robust_z(value, &groups.national);
            if outcome.z_region.is_some() || outcome.z_national.is_some() {
                let region = judged(outcome.z_region, groups.region.as_ref(), threshold)
                    .map(|(m, z)| (PeerLevel::Region, m, z));
                let national = judged(outcome.z_national, Some(&groups.national), threshold)
                    .map(|(m, z)| (PeerLevel::National, m, z));
                outcome.cited = region.or(national);
                outcome.status = ControlStatus::Evaluated;
                outcome.passed = Some(outcome.cited.is_none());
            }
        }
        out.push(outcome);
    }
    out
}

/// The French explanation of an entry: « votre valeur 412,0 % ; médiane des EHPAD de la région
/// 96,0 % ; écart robuste 5,2 (seuil 3,5) » when it fails, a generic message otherwise.
pub(crate) fn message(catalogue: &Catalogue, category: usize, outcome: &PeerOutcome) -> String {
    let (Some((level, median, z)), Some(value)) = (outcome.cited, outcome.value) else {
        return GENERIC_MESSAGE.to_owned();
    };
    let unit = catalogue.doc.indicators[usize::from(outcome.indicator)].unit;
    let label = &catalogue.doc.categories[category].label;
    let short = label.split(" – ").next().unwrap_or(label);
    let median_words = match level {
        PeerLevel::Region => format!("médiane des {short} de la région"),
        PeerLevel::National => format!("médiane nationale des {short}"),
    };
    format!(
        "Valeur très éloignée de celles des structures comparables : votre valeur {} ; {median_words} {} ; \
         écart robuste {} (seuil {}). Vérifiez la saisie ou justifiez la valeur.",
        format_indicator(value, unit),
        format_indicator(median, unit),
        format_decimal(z, 1),
        format_decimal(catalogue.peer_outlier_threshold(), 1),
    )
}
