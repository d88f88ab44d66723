//! Peer statistics (§7) as pure functions over slices of doubles.
//!
//! Sort a group's values once with [`sort_values`], then every statistic reads the sorted slice:
//! [`summary`] (type-7 quantiles, ascending-order mean), [`peer_stats`] (with withholding under 5
//! values), [`position`] (rank, position, percentile, quartile). [`groups`] computes every group of
//! every territory level for one indicator in one pass. [`outliers`] judges a typed value against a
//! published group (robust z-score).

pub mod groups;
pub mod outliers;

pub use crate::contract::{Direction, PeerStats, Position, Summary, WithheldReason};

/// Smallest group whose statistics are published (§7.1).
pub const MIN_GROUP: usize = 5;

/// Sorts ascending with the IEEE total order (no NaN is expected: peer values are `ok` doubles).
pub fn sort_values(values: &mut [f64]) {
    values.sort_unstable_by(f64::total_cmp);
}

/// Type-7 quantile of a sorted, non-empty slice, computed exactly as §7.2 writes it; `NaN` when
/// empty.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor();
    let f = h - lo;
    let lo = lo as usize;
    match (sorted.get(lo), sorted.get(lo + 1)) {
        (Some(x), Some(next)) if lo < n - 1 => x + f * (next - x),
        (Some(x), _) => *x,
        _ => sorted[n - 1],
    }
}

/// The values added one by one in ascending order, divided by n; `NaN` when empty.
pub fn mean(sorted: &[f64]) -> f64 {
    let mut sum = 0.0;
    for x in sorted {
        sum += x;
    }
    sum / sorted.len() as f64
}

/// Every statistic of a sorted slice, whatever its size; `None` when empty.
pub fn summary(sorted: &[f64]) -> Option<Summary> {
    Some(Summary {
        min: *sorted.first()?,
        d1: quantile(sorted, 0.1),
        q1: quantile(sorted, 0.25),
        median: quantile(sorted, 0.5),
        q3: quantile(sorted, 0.75),
        d9: quantile(sorted, 0.9),
        max: *sorted.last()?,
        mean: mean(sorted),
    })
}

fn count(sorted: &[f64]) -> u32 {
    u32::try_from(sorted.len()).unwrap_or(u32::MAX)
}

/// Statistics of a peer group (sorted values), withheld when fewer than [`MIN_GROUP`] count.
pub fn peer_stats(sorted: &[f64]) -> PeerStats {
    let n = count(sorted);
    if sorted.len() < MIN_GROUP {
        return PeerStats {
            n,
            withheld: true,
            reason: Some(WithheldReason::EffectifInsuffisant),
            stats: None,
        };
    }
    PeerStats {
        n,
        withheld: false,
        reason: None,
        stats: summary(sorted),
    }
}

/// Sorts `values` in place, then gives their [`peer_stats`].
pub fn peer_stats_unsorted(values: &mut [f64]) -> PeerStats {
    sort_values(values);
    peer_stats(values)
}

/// Position of `v` against the sorted peer values (§7.3), computed whatever the group size; `None`
/// when the group is empty. `v` need not be one of the values.
pub fn position(sorted: &[f64], v: f64, direction: Direction) -> Option<Position> {
    let bounds = quartile_bounds(sorted)?;
    let lower = sorted.partition_point(|x| *x < v);
    let lower_or_equal = sorted.partition_point(|x| *x <= v);
    Some(place(
        (lower, lower_or_equal - lower, sorted.len()),
        v,
        bounds,
        direction,
    ))
}

/// `(q1, median, q3)` of a sorted slice (constant time: no pass over the values); `None` when empty.
fn quartile_bounds(sorted: &[f64]) -> Option<(f64, f64, f64)> {
    (!sorted.is_empty()).then(|| {
        (
            quantile(sorted, 0.25),
            quantile(sorted, 0.5),
            quantile(sorted, 0.75),
        )
    })
}

/// Position of a **simulated** value `v` of a structure in a published group (sorted values, n ≥ 5):
/// the group as if the structure's own value `own` (when it counts in the group) were replaced by `v`
/// (when `counts`: completion reached and indicator `ok` under the simulated values). Ranks, positions
/// and percentiles count in that group; the quartile reads the published quartiles (the box plot does
/// not move). `None` when the group is withheld. With `v = own` and `counts`, this is [`peer_position`].
pub fn position_replacing(
    sorted: &[f64],
    own: Option<f64>,
    (v, counts): (f64, bool),
    direction: Direction,
) -> Option<Position> {
    if sorted.len() < MIN_GROUP {
        return None;
    }
    let bounds = quartile_bounds(sorted)?;
    let mut lower = sorted.partition_point(|x| *x < v);
    let mut lower_or_equal = sorted.partition_point(|x| *x <= v);
    let mut n = sorted.len();
    if let Some(own) = own {
        n -= 1;
        if own < v {
            lower -= 1;
            lower_or_equal -= 1;
        } else if own == v {
            lower_or_equal -= 1;
        }
    }
    if counts {
        n += 1;
        lower_or_equal += 1;
    }
    Some(place((lower, lower_or_equal - lower, n), v, bounds, direction))
}

/// Rank, position, percentile and quartile of `v` from the counts of values strictly lower and equal in
/// a group of `n` (§7.3).
fn place(
    (lower, equal, n): (usize, usize, usize),
    v: f64,
    (q1, median, q3): (f64, f64, f64),
    direction: Direction,
) -> Position {
    let greater = n - lower - equal;
    let (better, worse) = match direction {
        Direction::HigherBetter => (Some(greater), lower),
        Direction::LowerBetter => (Some(lower), greater),
        Direction::Neutral => (None, lower),
    };
    let quartile = if v <= q1 {
        1
    } else if v <= median {
        2
    } else if v <= q3 {
        3
    } else {
        4
    };
    let as_u32 = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Position {
        rank: better.map(|b| as_u32(b + 1)),
        position: as_u32(lower + 1),
        percentile: 100.0 * (worse as f64 + 0.5 * equal as f64) / n as f64,
        quartile,
    }
}

/// [`position`] with withholding: `None` when fewer than [`MIN_GROUP`] values count (§7.1).
pub fn peer_position(sorted: &[f64], v: f64, direction: Direction) -> Option<Position> {
    if sorted.len() < MIN_GROUP {
        None
    } else {
        position(sorted, v, direction)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn example() -> Vec<f64> {
        let mut v = vec![40.0, 12.0, 15.0, 31.0, 18.0, 25.0, 15.0, 20.0];
        sort_values(&mut v);
        v
    }

    #[test]
    fn s7_4_statistics_are_the_exact_doubles() {
        let v = example();
        assert_eq!(v, vec![12.0, 15.0, 15.0, 18.0, 20.0, 25.0, 31.0, 40.0]);
        let s = peer_stats(&v);
        assert_eq!((s.n, s.withheld, s.reason), (8, false, None));
        let s = s.stats.unwrap();
        assert_eq!((s.min, s.max, s.mean), (12.0, 40.0, 22.0));
        assert_eq!(s.d1, 14.1);
        assert_eq!(s.q1, 15.0);
        assert_eq!(s.median, 19.0);
        assert_eq!(s.q3, 26.5);
        assert_eq!(s.d9, 33.699999999999996);
    }

    #[test]
    fn s7_4_rank_percentile_position_quartile() {
        let v = example();
        let p = position(&v, 15.0, Direction::HigherBetter).unwrap();
        assert_eq!(
            (p.rank, p.position, p.percentile, p.quartile),
            (Some(6), 2, 25.0, 1)
        );
        assert_eq!(position(&v, 12.0, Direction::HigherBetter).unwrap().rank, Some(8));
        assert_eq!(position(&v, 40.0, Direction::HigherBetter).unwrap().rank, Some(1));
        let p = position(&v, 15.0, Direction::LowerBetter).unwrap();
        assert_eq!((p.rank, p.percentile), (Some(2), 75.0));
        let p = position(&v, 15.0, Direction::Neutral).unwrap();
        assert_eq!((p.rank, p.position, p.percentile), (None, 2, 25.0));
        assert_eq!(position(&v, 26.0, Direction::Neutral).unwrap().quartile, 3);
        assert_eq!(position(&v, 27.0, Direction::Neutral).unwrap().quartile, 4);
        assert_eq!(position(&v, 19.0, Direction::Neutral).unwrap().quartile, 2);
    }

    #[test]
    fn unsorted_input_is_sorted_first() {
        let mut v = vec![40.0, 12.0, 15.0, 31.0, 18.0, 25.0, 15.0, 20.0];
        assert_eq!(peer_stats_unsorted(&mut v), peer_stats(&example()));
        assert_eq!(v, example());
    }

    #[test]
    fn s7_4_four_structures_are_withheld() {
        let v = [12.0, 15.0, 15.0, 18.0];
        let s = peer_stats(&v);
        assert_eq!(
            (s.n, s.withheld, s.reason, s.stats),
            (4, true, Some(WithheldReason::EffectifInsuffisant), None)
        );
        assert_eq!(peer_position(&v, 15.0, Direction::HigherBetter), None);
        assert!(peer_position(&example(), 15.0, Direction::HigherBetter).is_some());
    }

    #[test]
    fn a_structure_outside_the_group_is_placed_against_it() {
        let v = example();
        let p = position(&v, 16.0, Direction::HigherBetter).unwrap();
        // Better than 12, 15, 15: percentile 100 × 3 ÷ 8; worse than five values: rank 6.
        assert_eq!((p.rank, p.position, p.percentile), (Some(6), 4, 37.5));
    }

    #[test]
    fn a_simulated_value_replaces_the_structures_own_value() {
        let v = example();
        // Unchanged: the published position.
        assert_eq!(
            position_replacing(&v, Some(15.0), (15.0, true), Direction::HigherBetter),
            peer_position(&v, 15.0, Direction::HigherBetter)
        );
        // From 15 to 41: above every other value, rank 1 (its old 15 no longer counts), n stays 8.
        let p = position_replacing(&v, Some(15.0), (41.0, true), Direction::HigherBetter).unwrap();
        assert_eq!(
            (p.rank, p.position, p.percentile, p.quartile),
            (Some(1), 8, 93.75, 4)
        );
        // Placed against the whole group (its own 15 still in it), its position would be 9.
        assert_eq!(position(&v, 41.0, Direction::HigherBetter).unwrap().position, 9);
        // From 40 (the best) to 39: still rank 1 once its 40 is gone.
        let p = position_replacing(&v, Some(40.0), (39.0, true), Direction::HigherBetter).unwrap();
        assert_eq!((p.rank, p.position), (Some(1), 8));
        // A value that stops counting: placed against the 7 others.
        let p = position_replacing(&v, Some(20.0), (20.0, false), Direction::HigherBetter).unwrap();
        assert_eq!(
            (p.rank, p.position, p.percentile),
            (Some(4), 5, 100.0 * 4.0 / 7.0)
        );
        // A structure outside the group that starts counting: n = 9.
        let p = position_replacing(&v, None, (16.0, true), Direction::HigherBetter).unwrap();
        assert_eq!(
            (p.rank, p.position, p.percentile),
            (Some(6), 4, 100.0 * 3.5 / 9.0)
        );
        assert_eq!(
            position_replacing(&v[..4], None, (16.0, true), Direction::HigherBetter),
            None
        );
    }

    #[test]
    fn edge_sizes() {
        assert_eq!(summary(&[]), None);
        assert!(quantile(&[], 0.5).is_nan());
        let one = summary(&[3.5]).unwrap();
        assert_eq!((one.d1, one.median, one.d9, one.mean), (3.5, 3.5, 3.5, 3.5));
        assert_eq!(quantile(&[1.0, 2.0], 1.0), 2.0);
    }
}
