#!/usr/bin/env python3
"""Generates regional_columns.rs: the 331 columns of the official regional export
(export-tdbesms-YYYY-region-agg) with, for each, where tdb takes its value from.

Input: the official header (crates/api/tests/data/regional_export_header.json, a copy of
shared/spec/regional_export_header.json). The mapping below is the decision documented in
docs/exports.md; run `python3 crates/api/src/services/exports/generate_regional.py` after changing it.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SPEC = HERE.parents[2] / "tests" / "data" / "regional_export_header.json"

# excel column -> Rust expression of the source
MAPPING = {
    "A": "Source::Region",
    "B": "Source::Department",
    "C": "Source::Category",
    "E": "Source::Finess",
    "F": "Source::Name",
    "H": "Source::Item(\"statut_juridique\")",
    "I": "Source::City",
    "J": "Source::Validation",
    "K": "Source::FormState",
    "L": "Source::OrganisationFiness",
    "M": "Source::OrganisationName",
    "O": "Source::Item(\"nomenclature_comptable\")",
    "P": "Source::Item(\"option_tarifaire\")",
    "S": "Source::Item(\"date_ouverture\")",
    "V": "Source::Item(\"cpom_en_cours\")",
    "W": "Source::Item(\"date_debut_cpom\")",
    "X": "Source::Item(\"date_fin_cpom\")",
    "AD": "Source::Item(\"places_autorisees_hp\")",
    "AE": "Source::Item(\"places_installees_hp\")",
    "AF": "Source::Item(\"places_autorisees_ht\")",
    "AG": "Source::Item(\"places_installees_ht\")",
    "AH": "Source::Item(\"places_autorisees_aj\")",
    "AI": "Source::Item(\"places_installees_aj\")",
    "AJ": "Source::Item(\"places_habilitees_aide_sociale\")",
    "AK": "Source::Item(\"seances_financees\")",
    "CQ": "Source::Item(\"cdd_remplacement\")",
    "DJ": "Source::Item(\"surface_locaux_m2\")",
    "EI": "Source::Indicator(\"taux_hors_autorisation_age\")",
    "FB": "Source::Indicator(\"part_age_60_74\")",
    "FC": "Source::Indicator(\"part_age_75_84\")",
    "FF": "Source::Item(\"personnes_gir_1\")",
    "FG": "Source::Item(\"personnes_gir_2\")",
    "FH": "Source::Item(\"personnes_gir_3\")",
    "FI": "Source::Item(\"personnes_gir_4\")",
    "FJ": "Source::Item(\"personnes_gir_5\")",
    "FK": "Source::Item(\"personnes_gir_6\")",
    "FL": "Source::Item(\"personnes_deficience_intellectuelle\")",
    "FN": "Source::Item(\"personnes_deficience_autisme_ted\")",
    "FP": "Source::Item(\"personnes_deficience_psychisme\")",
    "FR": "Source::Item(\"personnes_deficience_langage_apprentissages\")",
    "FT": "Source::Item(\"personnes_deficience_auditive\")",
    "FV": "Source::Item(\"personnes_deficience_visuelle\")",
    "FX": "Source::Item(\"personnes_deficience_motrice\")",
    "FZ": "Source::Item(\"personnes_deficience_metabolique\")",
    "GB": "Source::Item(\"personnes_deficience_cerebro_lesion\")",
    "GD": "Source::Item(\"personnes_deficience_polyhandicap\")",
    "GE": "Source::Item(\"personnes_deficience_comportement_communication\")",
    "GG": "Source::Item(\"personnes_deficience_diagnostic_en_cours\")",
    "GH": "Source::Item(\"personnes_deficience_autre\")",
    "GJ": "Source::Indicator(\"duree_moyenne_sejour\")",
    "GK": "Source::Indicator(\"part_mesure_protection\")",
    "GL": "Source::Indicator(\"taux_occupation_aide_sociale\")",
    "GM": "Source::Indicator(\"score_gmp_valide\")",
    "GN": "Source::Indicator(\"score_gmp_calcule\")",
    "GO": "Source::Indicator(\"score_pmp_valide\")",
    "GQ": "Source::Indicator(\"part_provenance_domicile\")",
    "GR": "Source::Indicator(\"part_provenance_etablissement_sante\")",
    "GS": "Source::Indicator(\"part_provenance_esms\")",
    "GT": "Source::Indicator(\"part_provenance_inconnue\")",
    "GU": "Source::Indicator(\"part_sorties_deces\")",
    "GV": "Source::Indicator(\"part_sorties_hospitalisation\")",
    "GW": "Source::Indicator(\"part_sorties_domicile\")",
    "GX": "Source::Indicator(\"part_sorties_autre_esms\")",
    "GY": "Source::Indicator(\"part_sorties_destination_inconnue\")",
    "GZ": "Source::Indicator(\"taux_hospitalisation_complete\")",
    "HA": "Source::Indicator(\"taux_realisation_activite\")",
    "HB": "Source::Indicator(\"taux_realisation_activite_seances\")",
    "HC": "Source::Indicator(\"taux_occupation_hp\")",
    "HD": "Source::Indicator(\"taux_occupation_ht\")",
    "HE": "Source::Indicator(\"taux_occupation_aj\")",
    "HF": "Source::Indicator(\"nombre_moyen_journees_absence\")",
    "HG": "Source::Indicator(\"part_seances_non_realisees\")",
    "HH": "Source::Indicator(\"file_active\")",
    "HI": "Source::Indicator(\"taux_admission\")",
    "HJ": "Source::Indicator(\"taux_rotation_personnes\")",
    "HK": "Source::Indicator(\"taux_rotation_personnes_aj\")",
    "HL": "Source::Indicator(\"taux_etp_vacants\")",
    "HM": "Source::Indicator(\"taux_etp_vacants_soins\")",
    "HN": "Source::Indicator(\"taux_etp_vacants_socio_educatif\")",
    "HO": "Source::Indicator(\"taux_prestations_externes\")",
    "HP": "Source::Indicator(\"taux_management\")",
    "HQ": "Source::Indicator(\"taux_absenteisme\")",
    "HR": "Source::Indicator(\"taux_rotation_personnels\")",
    "HS": "Source::Item(\"etp_direction_encadrement\")",
    "HV": "Source::Item(\"etp_administration_gestion\")",
    "HW": "Source::Item(\"etp_services_generaux\")",
    "HX": "Source::Item(\"etp_restauration\")",
    "HY": "Source::Item(\"etp_socio_educatif\")",
    "IF": "Source::Item(\"etp_paramedical\")",
    "IO": "Source::Item(\"etp_psychologue\")",
    "IP": "Source::Item(\"etp_ash\")",
    "IQ": "Source::Item(\"etp_medical\")",
    "IT": "Source::Item(\"etp_education_nationale\")",
    "IU": "Source::Item(\"etp_autres_fonctions\")",
    "IV": "Source::Indicator(\"part_effectif_age_moins_20\")",
    "IW": "Source::Indicator(\"part_effectif_age_20_29\")",
    "IX": "Source::Indicator(\"part_effectif_age_30_39\")",
    "IY": "Source::Indicator(\"part_effectif_age_40_49\")",
    "IZ": "Source::Indicator(\"part_effectif_age_50_54\")",
    "JA": "Source::Indicator(\"part_effectif_age_55_59\")",
    "JB": "Source::Indicator(\"part_effectif_age_60_64\")",
    "JC": "Source::Indicator(\"part_effectif_age_65_plus\")",
    "JE": "Source::Indicator(\"taux_absenteisme_maladie_courte\")",
    "JF": "Source::Indicator(\"taux_absenteisme_maladie_moyenne\")",
    "JG": "Source::Indicator(\"taux_absenteisme_maladie_longue\")",
    "JH": "Source::Indicator(\"taux_absenteisme_maternite_paternite\")",
    "JI": "Source::Indicator(\"taux_absenteisme_at_mp\")",
    "JJ": "Source::Indicator(\"taux_absenteisme_conges_speciaux\")",
    "JK": "Source::Indicator(\"taux_atteinte_previsions_recettes\")",
    "JL": "Source::Indicator(\"taux_atteinte_previsions_depenses\")",
    "JM": "Source::Indicator(\"taux_caf\")",
    "JN": "Source::Indicator(\"taux_vetuste_constructions\")",
    "JO": "Source::Indicator(\"taux_vetuste_equipements\")",
    "JP": "Source::Indicator(\"taux_endettement\")",
    "JQ": "Source::Indicator(\"frng_jours\")",
    "JR": "Source::Indicator(\"part_depenses_groupe_1\")",
    "JS": "Source::Indicator(\"part_depenses_groupe_2\")",
    "JT": "Source::Indicator(\"part_depenses_groupe_3\")",
    "JU": "Source::Indicator(\"part_recettes_section_hebergement\")",
    "JV": "Source::Indicator(\"part_recettes_section_dependance\")",
    "JW": "Source::Indicator(\"part_recettes_section_soins\")",
    "JX": "Source::Indicator(\"part_depenses_section_hebergement\")",
    "JY": "Source::Indicator(\"part_depenses_section_dependance\")",
    "JZ": "Source::Indicator(\"part_depenses_section_soins\")",
    "KA": "Source::Indicator(\"taux_utilisation_dotation_soins\")",
    "KB": "Source::Item(\"dotation_soins_depenses_personnel\")",
    "KC": "Source::Item(\"dotation_soins_depenses_fournitures\")",
    "KD": "Source::Item(\"dotation_soins_depenses_materiel\")",
    "KE": "Source::Item(\"schema_directeur_si\")",
    "KG": "Source::Item(\"si_axe_cpom\")",
    "KI": "Source::Item(\"budget_si_fonctionnement\")",
    "KJ": "Source::Item(\"budget_si_investissement\")",
    "KO": "Source::Item(\"delegue_protection_donnees\")",
    "KS": "Source::Item(\"hebergement_externe_hds\")",
    "LE": "Source::Indicator(\"taux_dossiers_administratifs_informatises\")",
    "LF": "Source::Item(\"dossiers_administratifs_informatises\")",
    "LG": "Source::Item(\"personnes_accompagnees_31_12\")",
    "LH": "Source::Indicator(\"taux_projets_personnalises_informatises\")",
    "LI": "Source::Item(\"projets_personnalises_informatises\")",
    "LJ": "Source::Item(\"personnes_accompagnees_31_12\")",
    "LM": "Source::Item(\"integration_developpement_durable\")",
    "LN": "Source::Item(\"demarche_qvt\")",
    "LO": "Source::Indicator(\"consommation_energie_m2\")",
    "LP": "Source::Item(\"consommation_energie_kwh\")",
    "LQ": "Source::Item(\"surface_locaux_m2\")",
    "LR": "Source::Item(\"politique_gestion_dechets\")",
    "LS": "Source::Item(\"politique_achats_responsables\")",
}


def rust_string(text):
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ord(ch) < 0x20 or ch in "\u00a0\u2019":
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def main():
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    columns = spec["columns"]
    unknown = set(MAPPING) - {c["excel_column"] for c in columns}
    assert not unknown, unknown
    lines = [
        "//! The 331 columns of the official regional export (`export-tdbesms-YYYY-region-agg`), in order,",
        "//! with the source of each. Generated by `generate_regional.py` from the official header: do not",
        "//! edit by hand.",
        "",
        "use super::regional::{Column, Source};",
        "",
        "/// Every column, in the official order.",
        f"pub static COLUMNS: [Column; {len(columns)}] = [",
    ]
    for c in columns:
        source = MAPPING.get(c["excel_column"], "Source::Empty")
        lines.append(
            f"    Column {{ excel: \"{c['excel_column']}\", label: {rust_string(c['label'])}, "
            f"header_format: {rust_string(c['header_cell_number_format'])}, source: {source} }},"
        )
    lines.append("];")
    (HERE / "regional_columns.rs").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
