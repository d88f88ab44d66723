//! Status of an objective for one year, and its gap to the target (docs/cpom.md, "Statut").
//!
//! * `non_mesurable`: no actual value (the reason says why), or no comparison sense;
//! * `atteint`: the actual value meets the target in the objective's sense (≥ when higher is better,
//!   ≤ when lower is better);
//! * `en_bonne_voie`: not yet met, before the target year, and at least as good as the straight
//!   trajectory from the baseline (campaign, value) to the target (target year, value);
//! * `en_retard`: otherwise (target year reached without meeting it, or behind the trajectory). With
//!   no baseline the trajectory is unknown: before the target year the status is `non_mesurable`.
//!
//! The gap is `actual − target` (signed, in the indicator's unit).

use serde::{Deserialize, Serialize};

/// Which way an objective is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sense {
    /// The actual value must reach the target or more.
    HigherBetter,
    /// The actual value must reach the target or less.
    LowerBetter,
}

impl Sense {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::HigherBetter => "higher_better",
            Self::LowerBetter => "lower_better",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "higher_better" => Some(Self::HigherBetter),
            "lower_better" => Some(Self::LowerBetter),
            _ => None,
        }
    }

    /// True when `a` is at least as good as `b`.
    fn at_least(self, a: f64, b: f64) -> bool {
        match self {
            Self::HigherBetter => a >= b,
            Self::LowerBetter => a <= b,
        }
    }
}

/// Status of an objective for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveStatus {
    /// Target met.
    Atteint,
    /// On the trajectory to the target.
    EnBonneVoie,
    /// Behind the trajectory, or target year passed.
    EnRetard,
    /// No value to compare (see the reason).
    NonMesurable,
}

/// The status, gap and reason of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Status.
    pub status: ObjectiveStatus,
    /// `actual − target`, when there is an actual value.
    pub gap: Option<f64>,
    /// Expected value on the trajectory this year, when there is a baseline.
    pub expected: Option<f64>,
    /// Why it is `non_mesurable` (French).
    pub reason: Option<String>,
}

/// Assesses an objective in `year`: `actual` is the value of that year, or the French reason it is
/// missing.
pub fn assess(
    baseline: Option<(i32, f64)>,
    target: (i32, f64),
    sense: Sense,
    year: i32,
    actual: Result<f64, String>,
) -> Assessment {
    let (target_year, target_value) = target;
    let expected = baseline.map(|(base_year, base_value)| {
        if target_year <= base_year || year >= target_year {
            target_value
        } else {
            let progress = f64::from(year - base_year) / f64::from(target_year - base_year);
            base_value + (target_value - base_value) * progress.max(0.0)
        }
    });
    let actual = match actual {
        Ok(value) => value,
        Err(reason) => {
            return Assessment {
                status: ObjectiveStatus::NonMesurable,
                gap: None,
                expected,
                reason: Some(reason),
            };
        }
    };
    let gap = Some(actual - target_value);
    let (status, reason) = if sense.at_least(actual, target_value) {
        (ObjectiveStatus::Atteint, None)
    } else if year >= target_year {
        (ObjectiveStatus::EnRetard, None)
    } else {
        match expected {
            Some(e) if sense.at_least(actual, e) => (ObjectiveStatus::EnBonneVoie, None),
            Some(_) => (ObjectiveStatus::EnRetard, None),
            None => (
                ObjectiveStatus::NonMesurable,
                Some(
                    "sans valeur de référence, la trajectoire vers la cible ne peut être évaluée".to_owned(),
                ),
            ),
        }
    };
    Assessment {
        status,
        gap,
        expected,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Option<(i32, f64)> = Some((2023, 0.40));

    #[test]
    fn met_target_is_atteint_with_a_signed_gap() {
        let a = assess(BASE, (2028, 0.80), Sense::HigherBetter, 2025, Ok(0.85));
        assert_eq!(a.status, ObjectiveStatus::Atteint);
        assert!((a.gap.unwrap() - 0.05).abs() < 1e-12);
    }

    #[test]
    fn on_or_above_the_trajectory_is_en_bonne_voie_and_below_is_en_retard() {
        // Expected in 2025: 0.40 + 0.40 × 2/5 = 0.56.
        let on = assess(BASE, (2028, 0.80), Sense::HigherBetter, 2025, Ok(0.60));
        assert_eq!(on.status, ObjectiveStatus::EnBonneVoie);
        assert!((on.expected.unwrap() - 0.56).abs() < 1e-12);
        let behind = assess(BASE, (2028, 0.80), Sense::HigherBetter, 2025, Ok(0.50));
        assert_eq!(behind.status, ObjectiveStatus::EnRetard);
    }

    #[test]
    fn lower_is_better_compares_the_other_way() {
        let base = Some((2023, 0.12));
        assert_eq!(
            assess(base, (2028, 0.08), Sense::LowerBetter, 2024, Ok(0.11)).status,
            ObjectiveStatus::EnBonneVoie
        );
        assert_eq!(
            assess(base, (2028, 0.08), Sense::LowerBetter, 2028, Ok(0.09)).status,
            ObjectiveStatus::EnRetard
        );
        assert_eq!(
            assess(base, (2028, 0.08), Sense::LowerBetter, 2026, Ok(0.07)).status,
            ObjectiveStatus::Atteint
        );
    }

    #[test]
    fn a_missing_value_or_baseline_is_non_mesurable_with_its_reason() {
        let missing = assess(
            BASE,
            (2028, 0.8),
            Sense::HigherBetter,
            2025,
            Err("formulaire absent".to_owned()),
        );
        assert_eq!(missing.status, ObjectiveStatus::NonMesurable);
        assert_eq!(missing.reason.as_deref(), Some("formulaire absent"));
        assert_eq!(missing.gap, None);
        let no_base = assess(None, (2028, 0.8), Sense::HigherBetter, 2025, Ok(0.5));
        assert_eq!(no_base.status, ObjectiveStatus::NonMesurable);
        assert!(no_base.reason.is_some());
    }
}
