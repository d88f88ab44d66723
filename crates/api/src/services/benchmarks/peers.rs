//! The peer groups of one campaign, built once from its inputs: the sorted values of every
//! indicator × category × territory (national, each region, each department), §7.1.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use tdb_domain::Catalogue;
use tdb_domain::contract::{Direction, PeerStats, Position};
use tdb_domain::stats::{peer_position, peer_stats};

use super::inputs::PeerInput;
use super::territory::Territory;

/// Every peer group of a campaign, and each structure's inputs.
#[derive(Debug)]
pub struct CampaignPeers {
    /// Campaign year N.
    pub year: i32,
    /// When the figures were frozen; `None` while live.
    pub frozen_at: Option<NaiveDateTime>,
    /// The catalogue of the campaign.
    pub catalogue: &'static Catalogue,
    inputs: Vec<PeerInput>,
    by_finess: HashMap<String, usize>,
    names: Names,
    /// The sorted values of each group, at [`Names::slot`].
    groups: Vec<Vec<f64>>,
}

/// Dense indices of categories, regions and departments, and of the groups they make.
#[derive(Debug, Default)]
struct Names {
    categories: HashMap<String, u16>,
    regions: HashMap<String, u16>,
    departments: HashMap<String, u16>,
}

impl Names {
    /// Territories per indicator × category: national, then each region, then each department.
    fn territories(&self) -> usize {
        1 + self.regions.len() + self.departments.len()
    }

    /// Index of the group of `indicator` × `category` × `territory` (0: national, then regions, then
    /// departments, as [`Self::territories`] counts them).
    fn slot(&self, indicator: usize, category: u16, territory: usize) -> usize {
        (indicator * self.categories.len() + usize::from(category)) * self.territories() + territory
    }

    fn region_slot(&self, region: u16) -> usize {
        1 + usize::from(region)
    }

    fn department_slot(&self, department: u16) -> usize {
        1 + self.regions.len() + usize::from(department)
    }
}

fn intern(map: &mut HashMap<String, u16>, name: &str) -> u16 {
    if let Some(i) = map.get(name) {
        return *i;
    }
    let i = u16::try_from(map.len()).unwrap_or(u16::MAX);
    map.insert(name.to_owned(), i);
    i
}

impl CampaignPeers {
    /// Groups `inputs`: only the structures that reached the completion threshold count, each in the
    /// groups of the indicators whose value is `ok` (§7.1).
    ///
    /// Each indicator × category is sorted once, nationally; the regional and departmental groups are
    /// then filled in that order, so they come out sorted too.
    pub fn new(
        year: i32,
        catalogue: &'static Catalogue,
        frozen_at: Option<NaiveDateTime>,
        inputs: Vec<PeerInput>,
    ) -> Self {
        let mut names = Names::default();
        let mut by_category: Vec<Vec<(usize, usize, usize)>> = Vec::new();
        let placed: Vec<(u16, u16, u16)> = inputs
            .iter()
            .map(|input| {
                (
                    intern(&mut names.categories, &input.category),
                    intern(&mut names.regions, &input.region),
                    intern(&mut names.departments, &input.department),
                )
            })
            .collect();
        by_category.resize(names.categories.len(), Vec::new());
        for (i, (input, &(category, region, department))) in inputs.iter().zip(&placed).enumerate() {
            if input.reached {
                by_category[usize::from(category)].push((
                    i,
                    names.region_slot(region),
                    names.department_slot(department),
                ));
            }
        }
        let indicators = catalogue.indicators().len();
        let mut groups = vec![Vec::new(); indicators * names.categories.len() * names.territories()];
        let mut sorted: Vec<(f64, usize, usize)> = Vec::new();
        for (category, members) in by_category.iter().enumerate() {
            let category = u16::try_from(category).unwrap_or(u16::MAX);
            for indicator in 0..indicators {
                sorted.clear();
                sorted.extend(members.iter().filter_map(|&(i, region, department)| {
                    let value = inputs[i].values.get(indicator).copied().flatten()?;
                    Some((value, region, department))
                }));
                sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
                let base = names.slot(indicator, category, 0);
                groups[base] = sorted.iter().map(|v| v.0).collect();
                for &(value, region, department) in &sorted {
                    groups[base + region].push(value);
                    groups[base + department].push(value);
                }
            }
        }
        let by_finess = inputs
            .iter()
            .enumerate()
            .map(|(i, input)| (input.finess.clone(), i))
            .collect();
        Self {
            year,
            frozen_at,
            catalogue,
            inputs,
            by_finess,
            names,
            groups,
        }
    }

    /// The inputs of a structure, if it has a form in the campaign.
    pub fn input(&self, finess: &str) -> Option<&PeerInput> {
        self.by_finess.get(finess).map(|i| &self.inputs[*i])
    }

    /// Sorted values of a group (empty when nobody counts).
    pub fn group(&self, indicator: usize, category: &str, territory: &Territory) -> &[f64] {
        let slot = (|| {
            let category = *self.names.categories.get(category)?;
            let territory = match territory {
                Territory::National => 0,
                Territory::Region(code) => self.names.region_slot(*self.names.regions.get(code)?),
                Territory::Department(code) => self.names.department_slot(*self.names.departments.get(code)?),
            };
            (indicator < self.catalogue.indicators().len())
                .then(|| self.names.slot(indicator, category, territory))
        })();
        slot.and_then(|s| self.groups.get(s)).map_or(&[], Vec::as_slice)
    }

    /// Statistics of a group, withheld under the minimum size.
    pub fn stats(&self, indicator: usize, category: &str, territory: &Territory) -> PeerStats {
        peer_stats(self.group(indicator, category, territory))
    }

    /// Position of `value` in a group; `None` when the group is withheld.
    pub fn position(
        &self,
        indicator: usize,
        category: &str,
        territory: &Territory,
        value: f64,
        direction: Direction,
    ) -> Option<Position> {
        peer_position(self.group(indicator, category, territory), value, direction)
    }

    /// Statistics of every group (the whole campaign's restitution), for the benchmark.
    pub fn all_stats(&self) -> Vec<PeerStats> {
        self.groups
            .iter()
            .filter(|values| !values.is_empty())
            .map(|values| peer_stats(values))
            .collect()
    }
}
