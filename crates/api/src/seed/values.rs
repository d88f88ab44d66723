//! Plausible, coherent raw values of one form, per category, from the catalogue.
//!
//! A structure gets a [`Profile`] once (capacity, staff, budget, options); each campaign draws values
//! around it (a few percent of drift per year, so the year-over-year control mostly passes).
//! Breakdowns are split exactly (provenance, exits, ages, GIR, deficiencies sum to the caseload; ETP by
//! function sums to the total, in cents), so indicators are `ok` and the coherence controls pass. Items
//! the generator does not know get a generic value of their type, so a new catalogue item is filled too.

use std::collections::{BTreeMap, HashSet};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use tdb_domain::Catalogue;
use tdb_domain::contract::{CategoryDef, CategoryKind, ItemType, Public};

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

fn cents(value: i64) -> Value {
    #[expect(clippy::cast_precision_loss, reason = "amounts far below 2^52 cents")]
    let euros = value as f64 / 100.0;
    json!(euros)
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
    characterisation(&mut form, profile, code, rng);
    let caseload = activity(&mut form, profile, category, drift, rng);
    population(&mut form, category, caseload, rng);
    staff(&mut form, profile, code, drift, rng);
    finance(&mut form, profile, drift, rng);
    objectives(&mut form, profile, caseload, rng);
    for item in catalogue.items() {
        if !form.values.contains_key(&item.code) && item.condition.is_none() {
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

fn characterisation(form: &mut Form<'_>, profile: &Profile, code: &str, rng: &mut ChaCha8Rng) {
    form.set("statut_juridique", json!(profile.legal_status));
    form.set("date_ouverture", json!(profile.opening_date));
    let nomenclature = if profile.legal_status == "public" {
        "m22"
    } else {
        "m22bis"
    };
    form.set("nomenclature_comptable", json!(nomenclature));
    if code == "ehpad" {
        let options = [
            "partiel_sans_pui",
            "partiel_avec_pui",
            "global_sans_pui",
            "global_avec_pui",
        ];
        form.set(
            "option_tarifaire",
            json!(options[rng.gen_range(0..options.len())]),
        );
    }
    form.set("proprietaire_locaux", json!(profile.owner));
    form.set("cpom_en_cours", json!(profile.cpom));
    if profile.cpom {
        let start = rng.gen_range(2017..=2022);
        form.set("date_debut_cpom", json!(format!("{start}-01-01")));
        form.set("date_fin_cpom", json!(format!("{}-12-31", start + 4)));
    }
}

/// Capacity and activity; returns the caseload at 31/12.
fn activity(
    form: &mut Form<'_>,
    profile: &Profile,
    category: &CategoryDef,
    drift: f64,
    rng: &mut ChaCha8Rng,
) -> i64 {
    let (hp, ht, aj) = (profile.places_hp, profile.places_ht, profile.places_aj);
    for (mode, places) in [("hp", hp), ("ht", ht), ("aj", aj)] {
        form.count(&format!("places_autorisees_{mode}"), places);
        form.count(&format!("places_installees_{mode}"), places);
    }
    form.count("places_financees_hp", hp);
    let days = profile.opening_days;
    let occupancy = (rng.gen_range(0.86..0.97) * drift.min(1.0)).min(0.98);
    let possible_hp = hp * days;
    let absences_72h = scale(possible_hp, occupancy * 0.01);
    let realised_hp = scale(possible_hp, occupancy) - absences_72h;
    form.count("jours_ouverture_hp", days);
    form.count("journees_realisees_hp", realised_hp);
    form.count("journees_absence_moins_72h_hp", absences_72h);
    let mut financed = possible_hp;
    let mut realised = realised_hp;
    if ht > 0 {
        form.count("places_financees_ht", ht);
        form.count("jours_ouverture_ht", 365);
        let done = scale(ht * 365, rng.gen_range(0.6..0.9));
        form.count("journees_realisees_ht", done);
        financed += ht * 365;
        realised += done;
    }
    if aj > 0 {
        form.count("places_financees_aj", aj);
        form.count("jours_ouverture_aj", 250);
        let done = scale(aj * 250, rng.gen_range(0.6..0.9));
        form.count("journees_realisees_aj", done);
        form.count("admissions_aj", aj * 2);
        form.count("sorties_aj", aj * 2 - rng.gen_range(0..=2));
        financed += aj * 250;
        realised += done;
    }
    if !form.applicable.contains("jours_ouverture_hp") {
        // Services: the permanent places are counted on 365 days.
        financed = hp * 365;
        realised = scale(financed, occupancy);
        form.count("journees_realisees_hp", realised);
    }
    form.count("journees_financees", financed.max(realised));
    if profile.places_aide_sociale > 0 {
        form.count("places_habilitees_aide_sociale", profile.places_aide_sociale);
        form.count(
            "journees_beneficiaires_aide_sociale",
            scale(profile.places_aide_sociale * days, rng.gen_range(0.7..0.95)),
        );
    } else {
        form.count("places_habilitees_aide_sociale", 0);
    }
    form.count(
        "journees_hospitalisation_complete",
        scale(realised_hp, rng.gen_range(0.005..0.02)),
    );
    if category.seances {
        let financed = scale(profile.sessions, drift);
        let done = scale(financed, rng.gen_range(0.88..0.99));
        form.count("seances_financees", financed);
        form.count("seances_realisees", done);
        form.count(
            "seances_programmees_non_realisees",
            scale(done, rng.gen_range(0.03..0.08)),
        );
    }
    let caseload = if category.seances {
        scale(profile.sessions, rng.gen_range(0.04..0.07))
    } else {
        scale(hp, rng.gen_range(0.9..1.0)).max(1)
    };
    form.count("personnes_accompagnees_31_12", caseload);
    let absent = scale(caseload, rng.gen_range(0.2..0.5));
    form.count("personnes_absentes", absent);
    form.count("journees_absence_personnes", absent * rng.gen_range(3..12));
    caseload
}

/// Admissions, exits and the breakdowns of the caseload.
fn population(form: &mut Form<'_>, category: &CategoryDef, caseload: i64, rng: &mut ChaCha8Rng) {
    let code = category.code.as_str();
    let exits = scale(caseload, rng.gen_range(0.12..0.3)).max(1);
    form.count("admissions", exits + rng.gen_range(-2..=2));
    form.count("sorties_definitives", exits);
    let exit_weights: &[f64] = if code == "ehpad" {
        &[0.75, 0.1, 0.05, 0.08, 0.02]
    } else {
        &[0.03, 0.07, 0.45, 0.4, 0.05]
    };
    let exit_parts = split(exits, exit_weights, rng);
    form.parts(
        &[
            "sorties_deces",
            "sorties_hospitalisation",
            "sorties_domicile",
            "sorties_autre_esms",
            "sorties_destination_inconnue",
        ],
        &exit_parts,
    );
    let stay = if code == "ehpad" {
        rng.gen_range(700..1100)
    } else {
        rng.gen_range(600..1800)
    };
    form.count("duree_sejour_cumulee_sorties", exits * stay);
    form.count(
        "personnes_hors_autorisation_age",
        rng.gen_range(0..=caseload.min(3)),
    );
    form.count(
        "personnes_mesure_protection",
        scale(caseload, rng.gen_range(0.1..0.4)),
    );
    let ages: &[f64] = match (code, category.public) {
        ("camsp", _) => &[0.9, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        (c, _) if CHILDREN.contains(&c) => &[0.05, 0.55, 0.3, 0.1, 0.0, 0.0, 0.0, 0.0],
        (_, Public::Pa) => &[0.0, 0.0, 0.0, 0.0, 0.01, 0.14, 0.35, 0.5],
        (_, Public::PaPh) => &[0.0, 0.0, 0.0, 0.02, 0.08, 0.2, 0.35, 0.35],
        _ => &[0.0, 0.0, 0.03, 0.35, 0.45, 0.17, 0.0, 0.0],
    };
    let age_parts = split(caseload, ages, rng);
    form.parts(
        &[
            "personnes_age_moins_6",
            "personnes_age_6_15",
            "personnes_age_16_19",
            "personnes_age_20_39",
            "personnes_age_40_59",
            "personnes_age_60_74",
            "personnes_age_75_84",
            "personnes_age_85_plus",
        ],
        &age_parts,
    );
    let origin = split(caseload, &[0.55, 0.25, 0.17, 0.03], rng);
    form.parts(
        &[
            "personnes_provenance_domicile",
            "personnes_provenance_etablissement_sante",
            "personnes_provenance_esms",
            "personnes_provenance_inconnue",
        ],
        &origin,
    );
    if code == "ehpad" {
        let gir = split(caseload, &[0.08, 0.3, 0.2, 0.25, 0.1, 0.07], rng);
        form.parts(
            &[
                "personnes_gir_1",
                "personnes_gir_2",
                "personnes_gir_3",
                "personnes_gir_4",
                "personnes_gir_5",
                "personnes_gir_6",
            ],
            &gir,
        );
        let weights = [1000, 840, 660, 420, 250, 70];
        let points: i64 = gir.iter().zip(weights).map(|(n, w)| n * w).sum();
        let gmp = (points / caseload.max(1) + rng.gen_range(-40..=40)).clamp(0, 1000);
        form.count("gmp_valide", gmp);
        form.count("pmp_valide", rng.gen_range(150..=260));
    }
    let deficiencies: [f64; 13] = match code {
        "ime" => [
            0.5, 0.25, 0.05, 0.05, 0.0, 0.0, 0.02, 0.0, 0.0, 0.03, 0.05, 0.02, 0.03,
        ],
        "ida" => [0.05, 0.0, 0.0, 0.1, 0.8, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05],
        "idv" => [
            0.05, 0.0, 0.0, 0.0, 0.0, 0.85, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05,
        ],
        "ies" => [
            0.05, 0.0, 0.0, 0.0, 0.45, 0.45, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05,
        ],
        "iem" => [
            0.05, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7, 0.05, 0.15, 0.05, 0.0, 0.0, 0.0,
        ],
        "eeap" => [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.0, 0.0, 0.95, 0.0, 0.0, 0.0],
        "itep" => [
            0.05, 0.05, 0.1, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.75, 0.0, 0.0,
        ],
        "mas" => [
            0.3, 0.15, 0.05, 0.0, 0.0, 0.0, 0.05, 0.0, 0.05, 0.4, 0.0, 0.0, 0.0,
        ],
        "esat" => [
            0.6, 0.05, 0.25, 0.02, 0.02, 0.01, 0.02, 0.0, 0.0, 0.0, 0.0, 0.0, 0.03,
        ],
        "ssiad" | "spasad" => [
            0.05, 0.0, 0.05, 0.0, 0.02, 0.03, 0.4, 0.1, 0.2, 0.0, 0.0, 0.0, 0.15,
        ],
        "camsp" | "cmpp" | "sessad" => [
            0.2, 0.25, 0.05, 0.25, 0.02, 0.01, 0.05, 0.0, 0.0, 0.02, 0.05, 0.08, 0.02,
        ],
        _ => [
            0.35, 0.1, 0.25, 0.02, 0.02, 0.02, 0.1, 0.02, 0.05, 0.02, 0.02, 0.0, 0.03,
        ],
    };
    let deficiency_parts = split(caseload, &deficiencies, rng);
    form.parts(
        &[
            "personnes_deficience_intellectuelle",
            "personnes_deficience_autisme_ted",
            "personnes_deficience_psychisme",
            "personnes_deficience_langage_apprentissages",
            "personnes_deficience_auditive",
            "personnes_deficience_visuelle",
            "personnes_deficience_motrice",
            "personnes_deficience_metabolique",
            "personnes_deficience_cerebro_lesion",
            "personnes_deficience_polyhandicap",
            "personnes_deficience_comportement_communication",
            "personnes_deficience_diagnostic_en_cours",
            "personnes_deficience_autre",
        ],
        &deficiency_parts,
    );
}

/// Staff: ETP by function (in cents, summing to the total), vacancies, headcount, absences.
fn staff(form: &mut Form<'_>, profile: &Profile, code: &str, drift: f64, rng: &mut ChaCha8Rng) {
    let total = scale(profile.etp_cents, drift);
    form.set("etp_reels_31_12", cents(total));
    let school = if CHILDREN.contains(&code) && code != "camsp" {
        0.05
    } else {
        0.0
    };
    let care = if matches!(code, "ehpad" | "mas" | "eam" | "ssiad" | "spasad" | "samsah") {
        0.4
    } else {
        0.1
    };
    let functions = split(
        total,
        &[
            0.06,
            0.06,
            0.06,
            0.04,
            0.45 - care,
            care,
            0.02,
            0.12,
            0.02,
            school,
            0.03,
        ],
        rng,
    );
    for (function, part) in [
        "etp_direction_encadrement",
        "etp_administration_gestion",
        "etp_services_generaux",
        "etp_restauration",
        "etp_socio_educatif",
        "etp_paramedical",
        "etp_psychologue",
        "etp_ash",
        "etp_medical",
        "etp_education_nationale",
        "etp_autres_fonctions",
    ]
    .iter()
    .zip(functions)
    {
        form.set(function, cents(part));
    }
    let vacant = scale(total, rng.gen_range(0.0..0.06));
    form.set("etp_vacants_31_12", cents(vacant));
    form.set("etp_vacants_soins", cents(vacant / 2));
    form.set("etp_vacants_socio_educatif", cents(vacant / 4));
    form.set("etp_management", cents(scale(total, rng.gen_range(0.05..0.1))));
    let headcount = scale(total, rng.gen_range(0.011..0.013)).max(3);
    form.count("effectif_total_31_12", headcount);
    let permanent = scale(headcount, 0.8).max(1);
    form.count("effectif_permanent_debut_exercice", permanent);
    form.count(
        "recrutements_permanents",
        scale(permanent, rng.gen_range(0.05..0.2)),
    );
    form.count("departs_permanents", scale(permanent, rng.gen_range(0.05..0.2)));
    let ages = split(headcount, &[0.01, 0.18, 0.24, 0.25, 0.12, 0.12, 0.07, 0.01], rng);
    form.parts(
        &[
            "effectif_age_moins_20",
            "effectif_age_20_29",
            "effectif_age_30_39",
            "effectif_age_40_49",
            "effectif_age_50_54",
            "effectif_age_55_59",
            "effectif_age_60_64",
            "effectif_age_65_plus",
        ],
        &ages,
    );
    let absence_days = scale(total * 365 / 100, rng.gen_range(0.05..0.12));
    let reasons = split(absence_days, &[0.35, 0.2, 0.2, 0.1, 0.1, 0.05], rng);
    form.parts(
        &[
            "jours_absence_maladie_courte",
            "jours_absence_maladie_moyenne",
            "jours_absence_maladie_longue",
            "jours_absence_maternite_paternite",
            "jours_absence_at_mp",
            "jours_absence_conges_speciaux",
        ],
        &reasons,
    );
    form.count("cdd_remplacement", scale(headcount, rng.gen_range(0.2..0.8)));
}

/// Finance items, consistent with each other (CAF within ±21 %, vétusté within 0–100 %).
fn finance(form: &mut Form<'_>, profile: &Profile, drift: f64, rng: &mut ChaCha8Rng) {
    let revenue = scale(profile.revenue_cents, drift);
    let eur = |form: &mut Form<'_>, code: &str, value: i64| form.set(code, cents(value));
    let planned = scale(revenue, rng.gen_range(0.97..1.03));
    let spent = scale(revenue, rng.gen_range(0.96..1.03));
    eur(form, "recettes_previsionnelles", planned);
    eur(form, "recettes_realisees", revenue);
    eur(form, "depenses_previsionnelles", planned);
    eur(form, "depenses_realisees", spent);
    eur(form, "resultat_comptable", revenue - spent);
    let staff_costs = scale(spent, 0.68);
    eur(form, "depenses_personnel", staff_costs);
    eur(
        form,
        "charges_compte_6111",
        scale(spent, rng.gen_range(0.0..0.02)),
    );
    eur(
        form,
        "charges_compte_6112",
        scale(spent, rng.gen_range(0.0..0.01)),
    );
    eur(
        form,
        "charges_compte_621_direct",
        scale(spent, rng.gen_range(0.0..0.03)),
    );
    eur(
        form,
        "charges_compte_6223",
        scale(spent, rng.gen_range(0.0..0.005)),
    );
    eur(
        form,
        "charges_compte_6226_direct",
        scale(spent, rng.gen_range(0.0..0.01)),
    );
    eur(form, "dotations_68", scale(revenue, rng.gen_range(0.02..0.06)));
    eur(form, "reprises_78", scale(revenue, rng.gen_range(0.0..0.01)));
    eur(form, "produits_cessions_775", 0);
    eur(form, "valeur_comptable_cessions_675", 0);
    eur(
        form,
        "quote_part_subventions_777",
        scale(revenue, rng.gen_range(0.0..0.006)),
    );
    eur(
        form,
        "autres_produits_exceptionnels_778",
        scale(revenue, rng.gen_range(0.0..0.003)),
    );
    eur(form, "produits_exploitation", scale(revenue, 0.98));
    let buildings = scale(revenue, rng.gen_range(1.0..3.0));
    if profile.owner {
        eur(form, "valeur_brute_constructions", buildings);
        eur(
            form,
            "amortissements_constructions",
            scale(buildings, rng.gen_range(0.2..0.8)),
        );
    }
    let equipment = scale(revenue, rng.gen_range(0.1..0.3));
    eur(form, "valeur_brute_equipements", equipment);
    eur(
        form,
        "amortissements_equipements",
        scale(equipment, rng.gen_range(0.3..0.9)),
    );
    let stable = scale(revenue, rng.gen_range(0.8..2.0));
    eur(form, "capitaux_permanents", stable);
    eur(form, "emprunts", scale(stable, rng.gen_range(0.1..0.6)));
    let frng = scale(revenue, rng.gen_range(0.05..0.2));
    let bfr = scale(revenue, rng.gen_range(0.01..0.05));
    eur(form, "fonds_roulement_net_global", frng);
    eur(form, "besoin_fonds_roulement", bfr);
    eur(form, "tresorerie", frng - bfr);
    eur(form, "charges_courantes", scale(spent, 0.95));
    let groups = split(spent, &[0.12, 0.68, 0.2], rng);
    eur(form, "depenses_groupe_1", groups[0]);
    eur(form, "depenses_groupe_2", groups[1]);
    eur(form, "depenses_groupe_3", groups[2]);
    let sections = split(revenue, &[0.55, 0.15, 0.3], rng);
    let section_costs = split(spent, &[0.55, 0.15, 0.3], rng);
    for (i, section) in ["hebergement", "dependance", "soins"].iter().enumerate() {
        eur(form, &format!("recettes_section_{section}"), sections[i]);
        eur(form, &format!("depenses_section_{section}"), section_costs[i]);
    }
    let care = scale(revenue, 0.3);
    eur(form, "dotation_soins", care);
    let used = split(scale(care, rng.gen_range(0.9..1.0)), &[0.85, 0.1, 0.05], rng);
    eur(form, "dotation_soins_depenses_personnel", used[0]);
    eur(form, "dotation_soins_depenses_fournitures", used[1]);
    eur(form, "dotation_soins_depenses_materiel", used[2]);
}

/// Axis 4: information system, sustainable development.
fn objectives(form: &mut Form<'_>, profile: &Profile, caseload: i64, rng: &mut ChaCha8Rng) {
    form.set("schema_directeur_si", json!(rng.gen_bool(0.6)));
    if profile.cpom {
        form.set("si_axe_cpom", json!(rng.gen_bool(0.5)));
    }
    form.set(
        "budget_si_fonctionnement",
        cents(scale(profile.revenue_cents, rng.gen_range(0.005..0.02))),
    );
    form.set(
        "budget_si_investissement",
        cents(scale(profile.revenue_cents, rng.gen_range(0.0..0.01))),
    );
    form.set("delegue_protection_donnees", json!(rng.gen_bool(0.8)));
    let hosting = ["oui", "non", "pas_d_hebergement_externe"];
    form.set(
        "hebergement_externe_hds",
        json!(hosting[rng.gen_range(0..hosting.len())]),
    );
    form.count(
        "dossiers_administratifs_informatises",
        scale(caseload, rng.gen_range(0.5..1.0)),
    );
    form.count(
        "projets_personnalises_informatises",
        scale(caseload, rng.gen_range(0.3..1.0)),
    );
    form.set("integration_developpement_durable", json!(rng.gen_bool(0.5)));
    form.set("demarche_qvt", json!(rng.gen_bool(0.6)));
    let surface = (profile.places_hp + 10) * rng.gen_range(30..60);
    form.set("surface_locaux_m2", json!(surface));
    if rng.gen_bool(0.1) {
        form.set("consommation_energie_kwh", json!("sans_objet"));
    } else {
        form.set(
            "consommation_energie_kwh",
            json!(surface * rng.gen_range(120..220)),
        );
    }
    form.set("politique_gestion_dechets", json!(rng.gen_bool(0.5)));
    form.set("politique_achats_responsables", json!(rng.gen_bool(0.4)));
}
