//! Managing bodies and structures of generated data: FINESS numbers, names, categories, profiles.

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tdb_domain::Catalogue;

use super::names;
use super::values::{self, Profile};
use crate::db::repo::organisations::OrganisationRow;
use crate::db::repo::structures::{StructureRow, competence_code};

/// Relative frequency of each category in France (order of magnitude of the FINESS counts).
const FREQUENCY: [(&str, u32); 20] = [
    ("ehpad", 7500),
    ("ssiad", 2100),
    ("eanm", 1900),
    ("sessad", 1500),
    ("esat", 1400),
    ("ime", 1200),
    ("savs", 1200),
    ("eam", 900),
    ("mas", 700),
    ("samsah", 400),
    ("itep", 400),
    ("camsp", 350),
    ("cmpp", 300),
    ("spasad", 300),
    ("eeap", 200),
    ("iem", 130),
    ("crp_esrp", 100),
    ("ida", 80),
    ("idv", 50),
    ("ies", 30),
];

/// A generated structure with what its forms are drawn from.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The row to store.
    pub row: StructureRow,
    /// Index of its category in the catalogue.
    pub category: usize,
    /// Stable profile.
    pub profile: Profile,
    /// Seed of its values: the same draws every campaign, so values drift only a little.
    pub seed: u64,
}

/// Generated managing bodies and structures.
#[derive(Debug, Default)]
pub struct World {
    /// Managing bodies.
    pub organisations: Vec<OrganisationRow>,
    /// Structures.
    pub structures: Vec<Planned>,
}

/// A FINESS number: the department (2 characters, or 3 for overseas), a serial, and a Luhn key.
pub fn finess(department: &str, serial: u32) -> String {
    let body = if department.len() == 3 {
        format!("{department}{:05}", serial % 100_000)
    } else {
        format!("{department}{:06}", serial % 1_000_000)
    };
    let digits = body.bytes().map(|b| {
        if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            0
        }
    });
    let sum: u32 = digits
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn pick_category(catalogue: &Catalogue, rng: &mut ChaCha8Rng) -> usize {
    let total: u32 = FREQUENCY.iter().map(|(_, n)| n).sum();
    let mut draw = rng.gen_range(0..total);
    let code = FREQUENCY
        .iter()
        .find(|(_, n)| {
            if draw < *n {
                true
            } else {
                draw -= n;
                false
            }
        })
        .map_or("ehpad", |(code, _)| code);
    category_index(catalogue, code)
}

fn category_index(catalogue: &Catalogue, code: &str) -> usize {
    catalogue
        .categories()
        .iter()
        .position(|c| c.code == code)
        .unwrap_or(0)
}

impl World {
    /// Adds `count` structures in `department` (of `region`); the first ones take `forced` categories in
    /// order (so a small world still has every category), the others follow national frequencies.
    /// About 40 % of the structures join a managing body of the department that already has one.
    pub fn add_department(
        &mut self,
        catalogue: &Catalogue,
        (department, region): (&str, &str),
        count: usize,
        forced: &[&str],
        rng: &mut ChaCha8Rng,
    ) {
        let first_organisation = self.organisations.len();
        for n in 0..count {
            let category = match forced.get(n) {
                Some(code) => category_index(catalogue, code),
                None => pick_category(catalogue, rng),
            };
            let def = &catalogue.categories()[category];
            let town = names::town(department, rng);
            let local = first_organisation..self.organisations.len();
            let organisation = if !local.is_empty() && rng.gen_bool(0.4) {
                rng.gen_range(local)
            } else {
                let (name, status) = names::organisation_name(&town, rng);
                let serial = u32::try_from(self.organisations.len() - first_organisation + 100).unwrap_or(0);
                self.organisations.push(OrganisationRow {
                    finess: finess(department, serial),
                    name,
                    legal_status: status.to_owned(),
                });
                self.organisations.len() - 1
            };
            let legal_status = match self.organisations[organisation].legal_status.as_str() {
                "public" => "public",
                "prive_commercial" => "prive_commercial",
                _ => "prive_non_lucratif",
            };
            let opening_date = format!(
                "{}-{:02}-{:02}",
                rng.gen_range(1965..=2015),
                rng.gen_range(1..=12),
                rng.gen_range(1..=28)
            );
            let serial = u32::try_from(100_000 + n).unwrap_or(0);
            let row = StructureRow {
                finess: finess(department, serial),
                name: names::structure_name(names::short_label(&def.label), &town, rng),
                category: def.code.clone(),
                organisation_finess: self.organisations[organisation].finess.clone(),
                department_code: department.to_owned(),
                region_code: region.to_owned(),
                city: town,
                competence: competence_code(def.funder).to_owned(),
                opening_date: Some(opening_date.clone()),
                active: true,
                version: 1,
                closed_on: None,
            };
            let profile = values::profile(def, legal_status, opening_date, rng);
            let seed = rng.r#gen();
            self.structures.push(Planned {
                row,
                category,
                profile,
                seed,
            });
        }
    }
}

/// A fresh generator for the values of a structure.
pub fn values_rng(planned: &Planned) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(planned.seed)
}
