//! Peer outliers: how far a value stands from a published peer group, as a robust z-score.
//!
//! `z = 0.6745 × (x − median) ÷ MAD`, the modified z-score of Iglewicz and Hoaglin: for normal data
//! 0.6745 × σ is the MAD, so z reads in standard deviations. When the MAD is 0 (half the group or more
//! shares one value), the interquartile range stands in: `z = 1.349 × (x − median) ÷ (q3 − q1)` (for
//! normal data the IQR is 1.349 × σ, so both read alike). When the IQR is 0 too, the group has no spread
//! to measure a distance with: it flags nothing (flagging every value different from the shared one
//! would raise an alert for up to a quarter of the group). A withheld group (n < 5, §7.1) flags nothing.
//!
//! Every figure is computed from the sorted values with the type-7 quantiles of §7.2: median and
//! quartiles of the values, MAD = median of the absolute deviations `|x − median|`.

use crate::contract::GroupSpread;

use super::{MIN_GROUP, quantile};

/// Threshold of a campaign whose catalogue sets none.
pub const DEFAULT_THRESHOLD: f64 = 3.5;

/// Factor of the MAD form: the 0.75 quantile of the standard normal distribution.
pub const MAD_FACTOR: f64 = 0.6745;

/// Factor of the IQR fallback: the interquartile range of the standard normal distribution.
pub const IQR_FACTOR: f64 = 1.349;

/// The median absolute deviation of a sorted, non-empty slice around its type-7 median; `NaN` when
/// empty.
pub fn mad(sorted: &[f64]) -> f64 {
    let median = quantile(sorted, 0.5);
    let mut deviations: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
    super::sort_values(&mut deviations);
    quantile(&deviations, 0.5)
}

/// The figures a group keeps for the flags (sorted values): withheld under [`MIN_GROUP`] values.
pub fn group_spread(sorted: &[f64]) -> GroupSpread {
    let n = u32::try_from(sorted.len()).unwrap_or(u32::MAX);
    if sorted.len() < MIN_GROUP {
        return GroupSpread {
            n,
            withheld: true,
            median: None,
            q1: None,
            q3: None,
            mad: None,
        };
    }
    GroupSpread {
        n,
        withheld: false,
        median: Some(quantile(sorted, 0.5)),
        q1: Some(quantile(sorted, 0.25)),
        q3: Some(quantile(sorted, 0.75)),
        mad: Some(mad(sorted)),
    }
}

/// The robust z-score of `x` against a group: the MAD form, the IQR fallback when the MAD is 0, none
/// when the IQR is 0 too or the group is withheld.
pub fn robust_z(x: f64, group: &GroupSpread) -> Option<f64> {
    if group.withheld || (group.n as usize) < MIN_GROUP {
        return None;
    }
    let median = group.median?;
    let mad = group.mad?;
    if mad > 0.0 {
        return Some(MAD_FACTOR * (x - median) / mad);
    }
    let iqr = group.q3? - group.q1?;
    (iqr > 0.0).then(|| IQR_FACTOR * (x - median) / iqr)
}

/// Whether a robust z-score is beyond the threshold (strictly).
pub fn beyond(z: f64, threshold: f64) -> bool {
    z.abs() > threshold
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::sort_values;
    use super::*;

    fn spread(values: &[f64]) -> GroupSpread {
        let mut v = values.to_vec();
        sort_values(&mut v);
        group_spread(&v)
    }

    #[test]
    fn worked_example_of_section_7_4() {
        // Sorted 12 15 15 18 20 25 31 40: median 19; deviations 1 1 4 4 6 7 12 21, median 5.
        let s = spread(&[40.0, 12.0, 15.0, 31.0, 18.0, 25.0, 15.0, 20.0]);
        assert_eq!((s.n, s.withheld), (8, false));
        assert_eq!(
            (s.median, s.q1, s.q3, s.mad),
            (Some(19.0), Some(15.0), Some(26.5), Some(5.0))
        );
        assert_eq!(robust_z(40.0, &s), Some(2.8329));
        assert_eq!(robust_z(12.0, &s), Some(-0.9442999999999999));
        assert_eq!(robust_z(19.0, &s), Some(0.0));
        // 0.6745 × 81 ÷ 5, past 3.5: the flag.
        assert_eq!(robust_z(100.0, &s), Some(10.9269));
        assert!(beyond(10.9269, DEFAULT_THRESHOLD));
        assert!(!beyond(2.8329, DEFAULT_THRESHOLD) && !beyond(-0.9442999999999999, DEFAULT_THRESHOLD));
    }

    #[test]
    fn occupation_rates_of_a_region() {
        // Nine EHPAD around 96 %; one types 412 %.
        let s = spread(&[0.9, 0.93, 0.95, 0.96, 0.96, 0.97, 0.98, 1.0, 1.02]);
        assert_eq!(s.median, Some(0.96));
        assert_eq!(s.mad, Some(0.020000000000000018));
        assert_eq!(robust_z(4.12, &s), Some(106.5709999999999));
        assert_eq!(robust_z(0.99, &s), Some(1.01175));
    }

    #[test]
    fn a_mad_of_zero_falls_back_on_the_interquartile_range() {
        // 1 1 1 1 1 2 3: median 1, MAD 0; q1 1, q3 1.5.
        let s = spread(&[1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0]);
        assert_eq!(
            (s.median, s.mad, s.q1, s.q3),
            (Some(1.0), Some(0.0), Some(1.0), Some(1.5))
        );
        assert_eq!(robust_z(3.0, &s), Some(5.396));
        assert_eq!(robust_z(1.25, &s), Some(0.6745));
        assert!(beyond(5.396, DEFAULT_THRESHOLD));
    }

    #[test]
    fn no_spread_at_all_flags_nothing() {
        let s = spread(&[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0]);
        assert_eq!((s.mad, s.q1, s.q3), (Some(0.0), Some(1.0), Some(1.0)));
        assert_eq!(robust_z(1000.0, &s), None);
        assert_eq!(robust_z(1.0, &s), None);
    }

    #[test]
    fn withheld_groups_flag_nothing() {
        let s = spread(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(
            s,
            GroupSpread {
                n: 4,
                withheld: true,
                median: None,
                q1: None,
                q3: None,
                mad: None
            }
        );
        assert_eq!(robust_z(1e9, &s), None);
        assert!(spread(&[1.0, 2.0, 3.0, 4.0, 5.0]).mad.is_some());
    }
}
