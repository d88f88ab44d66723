//! The catalogue files shipped in the binary, one per campaign, parsed once on first use.

use std::sync::OnceLock;

use super::{Catalogue, CatalogueError};

/// First campaign covered by the catalogue (§5.1: earlier campaigns are rejected).
pub const FIRST_CAMPAIGN: i32 = 2019;
/// Last campaign with a shipped file.
pub const LAST_CAMPAIGN: i32 = 2026;

const FILES: [&str; 8] = [
    include_str!("../../catalogue/2019.json"),
    include_str!("../../catalogue/2020.json"),
    include_str!("../../catalogue/2021.json"),
    include_str!("../../catalogue/2022.json"),
    include_str!("../../catalogue/2023.json"),
    include_str!("../../catalogue/2024.json"),
    include_str!("../../catalogue/2025.json"),
    include_str!("../../catalogue/2026.json"),
];

static LOADED: [OnceLock<Result<Catalogue, CatalogueError>>; FILES.len()] =
    [const { OnceLock::new() }; FILES.len()];

/// The catalogue of a campaign, loaded and validated on first use, then shared.
pub fn catalogue_for(campaign: i32) -> Result<&'static Catalogue, CatalogueError> {
    let not_covered = CatalogueError::CampaignNotCovered {
        campaign,
        first: FIRST_CAMPAIGN,
        last: LAST_CAMPAIGN,
    };
    let slot = campaign
        .checked_sub(FIRST_CAMPAIGN)
        .and_then(|s| usize::try_from(s).ok())
        .ok_or_else(|| not_covered.clone())?;
    let (Some(file), Some(cell)) = (FILES.get(slot), LOADED.get(slot)) else {
        return Err(not_covered);
    };
    let loaded = cell.get_or_init(|| {
        let catalogue = Catalogue::from_json(*file)?;
        if catalogue.campaign() != campaign {
            return Err(CatalogueError::CampaignMismatch {
                expected: campaign,
                found: catalogue.campaign(),
            });
        }
        Ok(catalogue)
    });
    loaded.as_ref().map_err(Clone::clone)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_file_loads_and_names_its_campaign_and_version() {
        for campaign in FIRST_CAMPAIGN..=LAST_CAMPAIGN {
            let cat = catalogue_for(campaign).unwrap();
            assert_eq!(cat.campaign(), campaign);
            // Catalogue 1.1 (19 items, 5 controls more) from campaign 2020 (docs/catalogue.md).
            let expected = if campaign < 2020 {
                ("1.0", 169, 25)
            } else {
                ("1.1", 188, 30)
            };
            assert_eq!((cat.version(), cat.items().len(), cat.controls().len()), expected);
            assert_eq!(cat.indicators().len(), 114);
        }
    }

    #[test]
    fn campaigns_outside_the_files_are_not_covered() {
        for campaign in [2018, 2027, i32::MIN, i32::MAX] {
            assert!(matches!(
                catalogue_for(campaign),
                Err(CatalogueError::CampaignNotCovered { .. })
            ));
        }
    }

    #[test]
    fn completion_rule_by_campaign() {
        let rule = |c| {
            let r = catalogue_for(c).unwrap().completion_rule();
            (r.threshold_percent, r.finance_counted)
        };
        assert_eq!(rule(2019), (70, false));
        assert_eq!(rule(2020), (80, false));
        assert_eq!(rule(2022), (80, false));
        assert_eq!(rule(2023), (90, true));
        assert_eq!(rule(2026), (90, true));
    }

    #[test]
    fn etag_is_stable_and_differs_between_campaigns() {
        let a = catalogue_for(2024).unwrap();
        assert_eq!(a.etag(), catalogue_for(2024).unwrap().etag());
        assert_ne!(a.etag(), catalogue_for(2023).unwrap().etag());
        assert!(a.etag().starts_with("\"tdb-cat-1.1-2024-") && a.etag().ends_with('"'));
        assert_eq!(a.raw_json(), FILES[5]);
    }

    #[test]
    fn affected_by_lists_indicators_controls_and_conditional_items() {
        let cat = catalogue_for(2024).unwrap();
        let a = cat.affected_by("places_installees_ht").unwrap();
        assert_eq!(a.indicators, vec!["taux_occupation_ht"]);
        assert_eq!(
            a.controls,
            vec![
                "occupation_ht_au_dessus_120",
                "chambres_superieures_places_installees",
                "variation_annuelle.taux_occupation_ht"
            ]
        );
        assert_eq!(
            a.items,
            vec![
                "places_financees_ht",
                "jours_ouverture_ht",
                "journees_realisees_ht"
            ]
        );

        // A control that reads an indicator depends on that indicator's items.
        let a = cat.affected_by("journees_absence_moins_72h_hp").unwrap();
        assert_eq!(a.indicators, vec!["taux_occupation_hp"]);
        assert_eq!(
            a.controls,
            vec![
                "occupation_hp_au_dessus_100",
                "occupation_hp_au_dessus_120",
                "variation_annuelle.taux_occupation_hp"
            ]
        );
        assert!(cat.affected_by("inconnu").is_none());
        assert!(cat.affected_by("statut_juridique").unwrap().indicators.is_empty());
    }

    #[test]
    fn dependencies_of_indicators_and_controls() {
        let cat = catalogue_for(2024).unwrap();
        assert_eq!(
            cat.dependencies("taux_vetuste_constructions").unwrap(),
            vec![
                "proprietaire_locaux",
                "valeur_brute_constructions",
                "amortissements_constructions"
            ]
        );
        assert_eq!(
            cat.dependencies("vetuste_constructions_hors_bornes").unwrap(),
            vec![
                "proprietaire_locaux",
                "valeur_brute_constructions",
                "amortissements_constructions"
            ]
        );
        assert_eq!(cat.dependencies("variation_annuelle.taux_caf").unwrap().len(), 8);
        assert!(cat.dependencies("variation_annuelle.part_gir_1").is_none());
        assert!(cat.dependencies("variation_annuelle").is_none());
    }
}
