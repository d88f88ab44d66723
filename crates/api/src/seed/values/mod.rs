//! Plausible, coherent raw values of one form, per category, from the catalogue.
//!
//! A structure gets a [`Profile`] once (capacity, staff, budget, options); each campaign draws values
//! around it (a few percent of drift per year, so the year-over-year control mostly passes).
//! Breakdowns are split exactly (provenance, exits, ages, GIR, deficiencies sum to the caseload; ETP by
//! function sums to the total, in cents), so indicators are `ok` and the coherence controls pass. Items
//! the generator does not know get a generic value of their type, so a new catalogue item is filled too.

mod people;
mod resources;

use std::collections::{BTreeMap, HashSet};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use tdb_domain::Catalogue;
use tdb_domain::contract::{CategoryDef, CategoryKind, ItemType};
use tdb_domain::values::number_json;

/// Categories serving children.
const CHILDREN: [&str; 10] = [
    "ime", "iem", "eeap", "ida", "idv", "ies", "itep", "sessad", "camsp", "cmpp",
];

/// What stays stable for a structure from one campaign to the next.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Permanent places (0 for séances categories).
    pub places_hp: i64,
    /// Temporary accommodation places.
    pub places_ht: i64,
    /// Day-care places.
    pub places_aj: i64,
    /// Places approved for departmental social aid.
    pub places_aide_sociale: i64,
    /// Days open per year.
    pub opening_days: i64,
    /// Total ETP, in hundredths.
    pub etp_cents: i64,
    /// Realised revenue, in cents.
    pub revenue_cents: i64,
    /// Owns its buildings.
    pub owner: bool,
    /// Under a CPOM.
    pub cpom: bool,
    /// Sessions financed per year (séances categories).
    pub sessions: i64,
    /// Legal status of the managing body.
    pub legal_status: &'static str,
    /// Opening date.
    pub opening_date: String,
}

fn places_range(category: &str) -> (i64, i64) {
    match category {
        "ehpad" => (45, 120),
        "mas" => (30, 60),
        "eam" => (25, 50),
        "eanm" => (20, 45),
        "ime" => (40, 90),
        "esat" => (40, 120),
        "crp_esrp" => (50, 150),
        "savs" | "ssiad" => (30, 90),
        "spasad" => (40, 100),
        "samsah" | "eeap" => (20, 40),
        _ => (25, 65),
    }
}

fn staff_per_place(category: &str) -> f64 {
    match category {
        "ehpad" => 0.65,
        "mas" => 1.3,
        "eeap" => 1.2,
        "eam" | "iem" => 1.0,
        "ime" | "ida" | "idv" | "ies" | "itep" => 0.85,
        "eanm" => 0.6,
        "samsah" | "spasad" | "sessad" => 0.5,
        "ssiad" => 0.35,
        "crp_esrp" => 0.3,
        "esat" => 0.25,
        _ => 0.2,
    }
}

/// Draws the stable profile of a structure of `category`.
pub fn profile(
    category: &CategoryDef,
    legal_status: &'static str,
    opening_date: String,
    rng: &mut ChaCha8Rng,
) -> Profile {
    let code = category.code.as_str();
    let establishment = category.kind == CategoryKind::Etablissement;
    let places_hp = if category.seances {
        0
    } else {
        let (low, high) = places_range(code);
        rng.gen_range(low..=high)
    };
    let places_ht = if establishment && rng.gen_bool(0.4) {
        rng.gen_range(2..=10)
    } else {
        0
    };
    let places_aj = if establishment && rng.gen_bool(0.3) {
        rng.gen_range(5..=15)
    } else {
        0
    };
    let places_aide_sociale = if matches!(code, "ehpad" | "eam" | "eanm") && rng.gen_bool(0.8) {
        places_hp * rng.gen_range(30..=100) / 100
    } else {
        0
    };
    let opening_days = if CHILDREN.contains(&code) {
        rng.gen_range(200..=220)
    } else if matches!(code, "esat" | "crp_esrp") {
        rng.gen_range(225..=235)
    } else {
        365
    };
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_precision_loss,
        reason = "small positive sizes"
    )]
    let etp_cents = if category.seances {
        rng.gen_range(800..=2500)
    } else {
        ((places_hp + places_ht + places_aj) as f64 * staff_per_place(code) * rng.gen_range(85.0..115.0))
            as i64
    }
    .max(300);
    Profile {
        places_hp,
        places_ht,
        places_aj,
        places_aide_sociale,
        opening_days,
        etp_cents,
        revenue_cents: etp_cents * rng.gen_range(600..=750) * 100,
        owner: rng.gen_bool(0.6),
        cpom: rng.gen_bool(0.7),
        sessions: if category.seances {
            rng.gen_range(2000..=8000)
        } else {
            0
        },
        legal_status,
        opening_date,
    }
}

/// Splits `total` into parts proportional to `weights` (jittered by ±30 %), summing exactly to `total`.
fn split(total: i64, weights: &[f64], rng: &mut ChaCha8Rng) -> Vec<i64> {
    let jittered: Vec<f64> = weights
        .iter()
        .map(|w| {
            if *w > 0.0 {
                w * rng.gen_range(0.7..1.3)
            } else {
                0.0
            }
        })
        .collect();
    let sum: f64 = jittered.iter().sum();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_precision_loss,
        reason = "bounded counts"
    )]
    let mut parts: Vec<i64> = jittered
        .iter()
        .map(|w| {
            if sum > 0.0 {
                (total as f64 * w / sum).floor() as i64
            } else {
                0
            }
        })
        .collect();
    let rest = total - parts.iter().sum::<i64>();
    let largest = jittered
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    if let Some(part) = parts.get_mut(largest) {
        *part += rest;
    }
    parts
}

/// An amount in cents as euros, a whole amount as a JSON integer (as the API stores it).
fn cents(value: i64) -> Value {
    #[expect(clippy::cast_precision_loss, reason = "amounts far below 2^52 cents")]
    let euros = value as f64 / 100.0;
    number_json(euros)
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "bounded amounts"
)]
fn scale(value: i64, factor: f64) -> i64 {
    (value as f64 * factor).round() as i64
}

/// Items of a catalogue that apply to a category in its campaign (scope and first campaign).
pub fn applicable_items(catalogue: &Catalogue, category: &str) -> HashSet<String> {
    let document = catalogue.document();
    document
        .items
        .iter()
        .filter(|item| item.first_campaign <= catalogue.campaign())
        .filter(|item| {
            document
                .scopes
                .iter()
                .any(|s| s.code == item.scope && s.members.iter().any(|m| m == category))
        })
        .map(|item| item.code.clone())
        .collect()
}

/// Catalogue 1.1 items and the item each follows in a partly filled form (its total; the places for
/// the rooms).
const FOLLOWERS: [(&str, &str); 19] = [
    ("chambres_installees_31_12", "places_installees_hp"),
    ("etp_direction_encadrement_medical", "etp_direction_encadrement"),
    ("etp_direction_encadrement_autre", "etp_direction_encadrement"),
    (
        "etp_socio_educatif_aide_medico_psychologique",
        "etp_socio_educatif",
    ),
    ("etp_socio_educatif_animateur", "etp_socio_educatif"),
    ("etp_socio_educatif_moniteur_educateur", "etp_socio_educatif"),
    ("etp_socio_educatif_educateur_specialise", "etp_socio_educatif"),
    ("etp_socio_educatif_assistant_social", "etp_socio_educatif"),
    ("etp_socio_educatif_autre", "etp_socio_educatif"),
    ("etp_paramedical_infirmier", "etp_paramedical"),
    ("etp_paramedical_aide_medico_psychologique", "etp_paramedical"),
    ("etp_paramedical_aide_soignant", "etp_paramedical"),
    ("etp_paramedical_kinesitherapeute", "etp_paramedical"),
    ("etp_paramedical_psychomotricien", "etp_paramedical"),
    ("etp_paramedical_ergotherapeute", "etp_paramedical"),
    ("etp_paramedical_orthophoniste", "etp_paramedical"),
    ("etp_paramedical_autre", "etp_paramedical"),
    ("etp_medical_medecin_coordonnateur", "etp_medical"),
    ("etp_medical_autre", "etp_medical"),
];

/// Keeps about `fill` of the values (`keep` draws once per value): the catalogue 1.1 items are not
/// drawn but follow the item they detail, so a partly filled form keeps its sub-lines with their
/// total, and the draws — hence every form generated after this one — are those of catalogue 1.0.
pub fn retain_share(values: &mut BTreeMap<String, Value>, mut keep: impl FnMut() -> bool) {
    let followers: Vec<(&str, &str, Value)> = FOLLOWERS
        .iter()
        .filter_map(|(code, leader)| values.remove(*code).map(|v| (*code, *leader, v)))
        .collect();
    values.retain(|_, _| keep());
    for (code, leader, value) in followers {
        if values.contains_key(leader) {
            values.insert(code.to_owned(), value);
        }
    }
}

/// Collects values, keeping only the items that apply.
struct Form<'a> {
    applicable: &'a HashSet<String>,
    values: BTreeMap<String, Value>,
}

impl Form<'_> {
    fn set(&mut self, code: &str, value: Value) {
        if self.applicable.contains(code) {
            self.values.insert(code.to_owned(), value);
        }
    }

    fn count(&mut self, code: &str, value: i64) {
        self.set(code, json!(value.max(0)));
    }

    fn parts(&mut self, codes: &[&str], parts: &[i64]) {
        for (code, part) in codes.iter().zip(parts) {
            self.count(code, *part);
        }
    }
}

/// Every value of one form: `drift` (around 1.0) moves the activity from one campaign to the next.
pub fn generate(
    catalogue: &Catalogue,
    category: &CategoryDef,
    applicable: &HashSet<String>,
    profile: &Profile,
    drift: f64,
    rng: &mut ChaCha8Rng,
) -> BTreeMap<String, Value> {
    let mut form = Form {
        applicable,
        values: BTreeMap::new(),
    };
    let code = category.code.as_str();
    people::characterisation(&mut form, profile, code, rng);
    let caseload = people::activity(&mut form, profile, category, drift, rng);
    people::population(&mut form, category, caseload, rng);
    resources::staff(&mut form, profile, code, drift, rng);
    resources::rooms(&mut form, profile, code);
    resources::finance(&mut form, profile, drift, rng);
    resources::objectives(&mut form, profile, caseload, rng);
    // The catalogue 1.1 items are set above when they apply; where they do not (the médecin
    // coordonnateur outside an EHPAD, rooms of a service) they draw nothing, so the generic values
    // stay those of catalogue 1.0.
    let added = |code: &str| FOLLOWERS.iter().any(|(c, _)| *c == code);
    for item in catalogue.items() {
        if !form.values.contains_key(&item.code) && item.condition.is_none() && !added(&item.code) {
            let value = match item.item_type {
                ItemType::Bool => json!(rng.gen_bool(0.5)),
                ItemType::Date => json!(profile.opening_date),
                ItemType::Enum => json!(
                    item.values
                        .as_ref()
                        .and_then(|v| v.first())
                        .cloned()
                        .unwrap_or_default()
                ),
                ItemType::Score => json!(item.min.unwrap_or(0.0)),
                _ => json!(rng.gen_range(0..50)),
            };
            form.set(&item.code, value);
        }
    }
    form.values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_amounts_are_json_integers() {
        let whole = cents(420_000);
        assert!(whole.is_i64(), "{whole}");
        assert_eq!(whole.to_string(), "4200");
        assert_eq!(cents(12_345), json!(123.45));
    }
}
