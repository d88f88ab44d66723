//! The peer groups of one campaign, built once from its inputs: the sorted values of every
//! indicator × category × territory (national, each region, each department), §7.1.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use tdb_domain::Catalogue;
use tdb_domain::contract::{Direction, PeerStats, Position};
use tdb_domain::stats::{peer_position, peer_stats};

use super::inputs::PeerInput;
use super::territory::Territory;

/// A group: indicator index, category, territory.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    indicator: u16,
    category: u16,
    territory: (u8, u16),
}

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
    groups: HashMap<GroupKey, Vec<f64>>,
}

/// Dense indices of categories, regions and departments.
#[derive(Debug, Default)]
struct Names {
    categories: HashMap<String, u16>,
    regions: HashMap<String, u16>,
    departments: HashMap<String, u16>,
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
    pub fn new(
        year: i32,
        catalogue: &'static Catalogue,
        frozen_at: Option<NaiveDateTime>,
        inputs: Vec<PeerInput>,
    ) -> Self {
        let mut names = Names::default();
        let mut groups: HashMap<GroupKey, Vec<f64>> = HashMap::new();
        for input in &inputs {
            let category = intern(&mut names.categories, &input.category);
            let region = intern(&mut names.regions, &input.region);
            let department = intern(&mut names.departments, &input.department);
            if !input.reached {
                continue;
            }
            for (indicator, value) in input.values.iter().enumerate() {
                let Some(value) = value else { continue };
                let indicator = u16::try_from(indicator).unwrap_or(u16::MAX);
                for territory in [(0, 0), (1, region), (2, department)] {
                    groups
                        .entry(GroupKey {
                            indicator,
                            category,
                            territory,
                        })
                        .or_default()
                        .push(*value);
                }
            }
        }
        for values in groups.values_mut() {
            tdb_domain::stats::sort_values(values);
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
        let key = (|| {
            let category = *self.names.categories.get(category)?;
            let territory = match territory {
                Territory::National => (0, 0),
                Territory::Region(code) => (1, *self.names.regions.get(code)?),
                Territory::Department(code) => (2, *self.names.departments.get(code)?),
            };
            Some(GroupKey {
                indicator: u16::try_from(indicator).ok()?,
                category,
                territory,
            })
        })();
        key.and_then(|k| self.groups.get(&k)).map_or(&[], Vec::as_slice)
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
        self.groups.values().map(|values| peer_stats(values)).collect()
    }
}
