//! Every peer group of one indicator at once: national, regional and departmental groups of each
//! category (§7.1).
//!
//! Each category's values are sorted once; the regional and departmental groups are then cut from
//! that sorted run by a stable counting pass, so they come out sorted without sorting again.

use super::{PeerStats, peer_stats};

/// Where a structure sits, as dense indices (`0..n` for each dimension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerKey {
    /// Category index (aliases already merged).
    pub category: u16,
    /// Region index.
    pub region: u16,
    /// Department index.
    pub department: u16,
}

/// The structures of a campaign, grouped once for all indicators.
#[derive(Debug, Clone)]
pub struct PeerGroups {
    keys: Vec<PeerKey>,
    /// Structure indices grouped by category.
    order: Vec<u32>,
    /// Start of each category in `order`, plus the end.
    category_start: Vec<usize>,
    regions: usize,
    departments: usize,
}

/// Statistics of every group of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct TerritorialStats {
    regions: usize,
    departments: usize,
    /// National group of each category, by category index.
    pub national: Vec<PeerStats>,
    /// Regional groups, at `category × regions + region`.
    pub regional: Vec<PeerStats>,
    /// Departmental groups, at `category × departments + department`.
    pub departmental: Vec<PeerStats>,
}

impl TerritorialStats {
    /// The regional group of a category.
    pub fn region(&self, category: u16, region: u16) -> Option<&PeerStats> {
        let region = usize::from(region);
        if region >= self.regions {
            return None;
        }
        self.regional.get(usize::from(category) * self.regions + region)
    }

    /// The departmental group of a category.
    pub fn department(&self, category: u16, department: u16) -> Option<&PeerStats> {
        let department = usize::from(department);
        if department >= self.departments {
            return None;
        }
        self.departmental
            .get(usize::from(category) * self.departments + department)
    }
}

impl PeerGroups {
    /// Groups the structures; `keys[i]` is where structure `i` sits.
    pub fn new(keys: &[PeerKey]) -> Self {
        let dim = |f: fn(&PeerKey) -> u16| keys.iter().map(|k| usize::from(f(k)) + 1).max().unwrap_or(0);
        let (categories, regions, departments) =
            (dim(|k| k.category), dim(|k| k.region), dim(|k| k.department));
        let mut category_start = vec![0usize; categories + 1];
        for k in keys {
            category_start[usize::from(k.category) + 1] += 1;
        }
        for c in 0..categories {
            category_start[c + 1] += category_start[c];
        }
        let mut next = category_start.clone();
        let mut order = vec![0u32; keys.len()];
        for (i, k) in keys.iter().enumerate() {
            let slot = &mut next[usize::from(k.category)];
            order[*slot] = u32::try_from(i).unwrap_or(u32::MAX);
            *slot += 1;
        }
        Self {
            keys: keys.to_vec(),
            order,
            category_start,
            regions,
            departments,
        }
    }

    /// Number of categories seen.
    pub fn categories(&self) -> usize {
        self.category_start.len().saturating_sub(1)
    }

    /// Statistics of every group for one indicator. `values[i]` is structure `i`'s value; a non-finite
    /// value (use `f64::NAN`) means the structure does not count (indicator not `ok`, or completion
    /// threshold not reached).
    pub fn compute(&self, values: &[f64]) -> TerritorialStats {
        let categories = self.categories();
        let mut out = TerritorialStats {
            regions: self.regions,
            departments: self.departments,
            national: Vec::with_capacity(categories),
            regional: Vec::with_capacity(categories * self.regions),
            departmental: Vec::with_capacity(categories * self.departments),
        };
        let largest = self
            .category_start
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0);
        let mut pairs: Vec<(f64, u32)> = Vec::with_capacity(largest);
        let mut sorted: Vec<f64> = Vec::with_capacity(largest);
        let mut bucket: Vec<f64> = vec![0.0; largest];
        let mut starts: Vec<usize> = Vec::with_capacity(self.departments.max(self.regions) + 1);
        for c in 0..categories {
            pairs.clear();
            for &i in &self.order[self.category_start[c]..self.category_start[c + 1]] {
                if let Some(v) = values.get(i as usize).filter(|v| v.is_finite()) {
                    pairs.push((*v, i));
                }
            }
            pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            sorted.clear();
            sorted.extend(pairs.iter().map(|p| p.0));
            out.national.push(peer_stats(&sorted));
            let split =
                |groups: usize, of: fn(&PeerKey) -> u16, starts: &mut Vec<usize>, bucket: &mut [f64]| {
                    starts.clear();
                    starts.resize(groups + 1, 0);
                    for p in &pairs {
                        starts[usize::from(of(&self.keys[p.1 as usize])) + 1] += 1;
                    }
                    for g in 0..groups {
                        starts[g + 1] += starts[g];
                    }
                    let mut next = starts[..groups].to_vec();
                    for p in &pairs {
                        let slot = &mut next[usize::from(of(&self.keys[p.1 as usize]))];
                        bucket[*slot] = p.0;
                        *slot += 1;
                    }
                };
            split(self.regions, |k| k.region, &mut starts, &mut bucket);
            out.regional
                .extend((0..self.regions).map(|r| peer_stats(&bucket[starts[r]..starts[r + 1]])));
            split(self.departments, |k| k.department, &mut starts, &mut bucket);
            out.departmental
                .extend((0..self.departments).map(|d| peer_stats(&bucket[starts[d]..starts[d + 1]])));
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::{sort_values, summary};
    use super::*;

    #[test]
    fn groups_match_a_direct_computation() {
        let keys: Vec<PeerKey> = (0..300u16)
            .map(|i| PeerKey {
                category: i % 3,
                region: (i / 3) % 4,
                department: (i / 3) % 8,
            })
            .collect();
        let values: Vec<f64> = (0..300)
            .map(|i| {
                if i % 17 == 0 {
                    f64::NAN
                } else {
                    f64::from((i * 7919) % 101) / 7.0
                }
            })
            .collect();
        let stats = PeerGroups::new(&keys).compute(&values);
        assert_eq!(
            (
                stats.national.len(),
                stats.regional.len(),
                stats.departmental.len()
            ),
            (3, 12, 24)
        );
        for c in 0..3u16 {
            for d in 0..8u16 {
                let mut direct: Vec<f64> = keys
                    .iter()
                    .zip(&values)
                    .filter(|(k, v)| k.category == c && k.department == d && v.is_finite())
                    .map(|(_, v)| *v)
                    .collect();
                sort_values(&mut direct);
                let got = stats.department(c, d).unwrap();
                assert_eq!(got.n as usize, direct.len());
                assert_eq!(got.stats, if direct.len() >= 5 { summary(&direct) } else { None });
            }
            let national: Vec<f64> = keys
                .iter()
                .zip(&values)
                .filter(|(k, v)| k.category == c && v.is_finite())
                .map(|(_, v)| *v)
                .collect();
            assert_eq!(stats.national[usize::from(c)].n as usize, national.len());
        }
        assert!(stats.region(0, 3).is_some() && stats.region(0, 4).is_none());
    }
}
