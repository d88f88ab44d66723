//! Characterisation, capacity, activity and the breakdowns of the people accompanied.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use tdb_domain::contract::{CategoryDef, Public};

use super::{CHILDREN, Form, Profile, scale, split};

pub(super) fn characterisation(form: &mut Form<'_>, profile: &Profile, code: &str, rng: &mut ChaCha8Rng) {
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
pub(super) fn activity(
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
pub(super) fn population(form: &mut Form<'_>, category: &CategoryDef, caseload: i64, rng: &mut ChaCha8Rng) {
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
