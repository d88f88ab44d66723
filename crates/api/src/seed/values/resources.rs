//! Staff, finance and objectives (information system, sustainable development).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::{CHILDREN, Form, Profile, cents, scale, split};

/// Staff: ETP by function (in cents, summing to the total), vacancies, headcount, absences.
pub(super) fn staff(form: &mut Form<'_>, profile: &Profile, code: &str, drift: f64, rng: &mut ChaCha8Rng) {
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
    .zip(&functions)
    {
        form.set(function, cents(*part));
    }
    sub_lines(form, code, &functions);
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

/// Splits `total` (cents) by fixed `shares` of the named sub-lines, the remainder going to the last
/// code (« autre »): the parts sum exactly to the total. No random draw, so adding these items left
/// every other generated value as it was.
fn split_fixed(form: &mut Form<'_>, total: i64, codes: &[&str], shares: &[f64]) {
    let mut rest = total;
    for (code, share) in codes.iter().zip(shares) {
        let part = scale(total, *share).min(rest);
        form.set(code, cents(part));
        rest -= part;
    }
    if let Some(last) = codes.get(shares.len()) {
        form.set(last, cents(rest));
    }
}

/// Catalogue 1.1: the « dont » sub-lines of the direction, socio-éducatif, paramédical and médical
/// functions (`functions`, in cents, in the order of [`staff`]), each set summing to its total.
fn sub_lines(form: &mut Form<'_>, code: &str, functions: &[i64]) {
    let [direction, _, _, _, socio, para, _, _, medical, ..] = functions else {
        return;
    };
    let adults_care = matches!(code, "mas" | "eam" | "samsah");
    let home_care = matches!(code, "ssiad" | "spasad");
    let medical_share = if code == "ehpad" || adults_care { 0.1 } else { 0.0 };
    split_fixed(
        form,
        *direction,
        &[
            "etp_direction_encadrement_medical",
            "etp_direction_encadrement_autre",
        ],
        &[medical_share],
    );
    let socio_shares: &[f64] = if code == "ehpad" {
        &[0.35, 0.45, 0.0, 0.0, 0.05]
    } else {
        &[0.15, 0.05, 0.25, 0.35, 0.05]
    };
    split_fixed(
        form,
        *socio,
        &[
            "etp_socio_educatif_aide_medico_psychologique",
            "etp_socio_educatif_animateur",
            "etp_socio_educatif_moniteur_educateur",
            "etp_socio_educatif_educateur_specialise",
            "etp_socio_educatif_assistant_social",
            "etp_socio_educatif_autre",
        ],
        socio_shares,
    );
    let para_shares: &[f64] = if code == "ehpad" {
        &[0.25, 0.08, 0.55, 0.03, 0.02, 0.03, 0.0]
    } else if adults_care {
        &[0.2, 0.2, 0.45, 0.04, 0.03, 0.03, 0.0]
    } else if home_care {
        &[0.2, 0.0, 0.75, 0.0, 0.0, 0.0, 0.0]
    } else {
        &[0.15, 0.05, 0.1, 0.15, 0.2, 0.15, 0.15]
    };
    split_fixed(
        form,
        *para,
        &[
            "etp_paramedical_infirmier",
            "etp_paramedical_aide_medico_psychologique",
            "etp_paramedical_aide_soignant",
            "etp_paramedical_kinesitherapeute",
            "etp_paramedical_psychomotricien",
            "etp_paramedical_ergotherapeute",
            "etp_paramedical_orthophoniste",
            "etp_paramedical_autre",
        ],
        para_shares,
    );
    // The médecin coordonnateur is an EHPAD item: elsewhere the whole médical function is « autre ».
    let coordinator = if code == "ehpad" { 0.6 } else { 0.0 };
    split_fixed(
        form,
        *medical,
        &["etp_medical_medecin_coordonnateur", "etp_medical_autre"],
        &[coordinator],
    );
}

/// Catalogue 1.1: rooms installed at 31/12, about one double room in eight beds (permanent and
/// temporary); an ESAT has no accommodation: 0. No random draw.
pub(super) fn rooms(form: &mut Form<'_>, profile: &Profile, code: &str) {
    let beds = if code == "esat" {
        0
    } else {
        profile.places_hp + profile.places_ht
    };
    form.count("chambres_installees_31_12", beds - beds / 8);
}

/// Finance items, consistent with each other (CAF within ±21 %, vétusté within 0–100 %).
pub(super) fn finance(form: &mut Form<'_>, profile: &Profile, drift: f64, rng: &mut ChaCha8Rng) {
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
pub(super) fn objectives(form: &mut Form<'_>, profile: &Profile, caseload: i64, rng: &mut ChaCha8Rng) {
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
