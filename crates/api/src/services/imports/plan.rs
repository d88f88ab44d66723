//! The fate of one imported value, without I/O (catalogue.md §1.4.1): created, updated, unchanged,
//! conflict, or rejected with a stable code.

use tdb_domain::Value;
use tdb_domain::contract::{ItemDef, PrefillSource};

use super::importer::Importer;
use crate::db::repo::values::ValueRow;

/// What happens to one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Written over an empty item (or one without a row).
    Create,
    /// Written over a value.
    Update,
    /// Equal to the stored value: neither rewritten nor audited.
    Unchanged,
    /// A push over the structure's own value: reported, not applied.
    Conflict,
    /// Refused.
    Reject(&'static str, &'static str),
}

/// The stored value of an item: its row and its typed value (`None` when empty).
pub type Current<'a> = Option<(&'a ValueRow, Option<Value>)>;

/// Decides the fate of `new` (typed, `None` to empty the item) for `item`, over `current`.
///
/// A partner source may only push the items whose `prefill` names it; a push over a value the
/// structure typed or overrode (`saisie`) is a conflict unless the importer overwrites. `saisie` writes
/// any item except locked values (`finess`, `cnsa_galaad`) and, since an import carries no reason,
/// values pushed by an overridable source (`cnsa_errd`, `cpom`): those are changed in the form.
pub fn decide(importer: &Importer, item: &ItemDef, new: Option<&Value>, current: Current<'_>) -> Decision {
    let saisie = importer.is_saisie();
    if !saisie && item.prefill.map(PrefillSource::as_str) != Some(importer.source.as_str()) {
        return Decision::Reject(
            "source_not_allowed",
            "Cette source n'est pas autorisée à transmettre cet item (attribut « prefill » du catalogue).",
        );
    }
    let (row, stored) = match current {
        None => {
            return if new.is_some() {
                Decision::Create
            } else {
                Decision::Unchanged
            };
        }
        Some((row, stored)) => (row, stored),
    };
    if stored.as_ref() == new {
        return Decision::Unchanged;
    }
    if saisie {
        if row.locked {
            return Decision::Reject(
                "item_locked",
                "Valeur verrouillée (transmise par FINESS ou la CNSA) : une correction passe par la source.",
            );
        }
        if PrefillSource::parse(&row.source).is_some() && stored.is_some() {
            return Decision::Reject(
                "reason_required",
                "Cette valeur a été transmise par un partenaire : modifiez-la dans le formulaire, avec la \
                 raison du changement.",
            );
        }
    } else if row.source == crate::services::values::SAISIE && stored.is_some() && !importer.overwrite {
        return Decision::Conflict;
    }
    if stored.is_none() {
        Decision::Create
    } else {
        Decision::Update
    }
}

/// The row written for a decided value: source, lock and provenance of the importer, version + 1.
pub fn written_row(
    importer: &Importer,
    base: ValueRow,
    json: &serde_json::Value,
    current: Option<&ValueRow>,
) -> ValueRow {
    let version = current.map_or(1, |c| c.version + 1);
    if importer.is_saisie() {
        ValueRow {
            value_json: json.to_string(),
            prefill_value_json: current.and_then(|c| c.prefill_value_json.clone()),
            prefill_source: current.and_then(|c| c.prefill_source.clone()),
            override_reason: current.and_then(|c| c.override_reason.clone()),
            version,
            ..base
        }
    } else {
        ValueRow {
            value_json: json.to_string(),
            locked: PrefillSource::parse(&importer.source).is_some_and(PrefillSource::locks),
            version,
            ..base
        }
    }
}

#[cfg(test)]
mod tests {
    use tdb_domain::catalogue_for;

    use super::*;
    use crate::auth::principal::StructureScope;

    fn importer(source: &str, overwrite: bool) -> Importer {
        Importer {
            actor: "x".to_owned(),
            role: "partner",
            source: source.to_owned(),
            scope: StructureScope::All,
            overwrite,
        }
    }

    fn row(source: &str, locked: bool) -> ValueRow {
        ValueRow {
            campaign_year: 2024,
            structure_finess: "590000011".to_owned(),
            item_code: "etp_reels_31_12".to_owned(),
            value_json: "12".to_owned(),
            source: source.to_owned(),
            batch_id: None,
            locked,
            prefill_value_json: None,
            prefill_source: None,
            override_reason: None,
            author: "a".to_owned(),
            updated_at: chrono::NaiveDateTime::default(),
            version: 3,
        }
    }

    #[test]
    fn the_policy_of_section_1_4_1() {
        let catalogue = catalogue_for(2024).unwrap();
        let etp = catalogue.item("etp_reels_31_12").unwrap();
        let places = catalogue.item("places_installees_hp").unwrap();
        let (twelve, thirteen) = (Value::Number(12.0), Value::Number(13.0));
        let errd = importer("cnsa_errd", false);
        let saisie = importer("saisie", false);
        let typed = row("saisie", false);
        let pushed = row("cnsa_errd", false);
        let locked = row("finess", true);
        let code = |d: Decision| match d {
            Decision::Reject(code, _) => code,
            _ => "",
        };
        assert_eq!(decide(&errd, etp, Some(&twelve), None), Decision::Create);
        assert_eq!(
            code(decide(&errd, places, Some(&twelve), None)),
            "source_not_allowed"
        );
        assert_eq!(
            decide(&errd, etp, Some(&twelve), Some((&typed, Some(twelve.clone())))),
            Decision::Unchanged
        );
        assert_eq!(
            decide(&errd, etp, Some(&thirteen), Some((&typed, Some(twelve.clone())))),
            Decision::Conflict
        );
        assert_eq!(
            decide(&errd, etp, Some(&thirteen), Some((&typed, None))),
            Decision::Create
        );
        assert_eq!(
            decide(
                &importer("cnsa_errd", true),
                etp,
                Some(&thirteen),
                Some((&typed, Some(twelve.clone())))
            ),
            Decision::Update
        );
        assert_eq!(
            decide(&errd, etp, Some(&thirteen), Some((&pushed, Some(twelve.clone())))),
            Decision::Update
        );
        assert_eq!(
            decide(&errd, etp, None, Some((&pushed, Some(twelve.clone())))),
            Decision::Update
        );
        assert_eq!(decide(&saisie, places, Some(&thirteen), None), Decision::Create);
        assert_eq!(
            code(decide(
                &saisie,
                places,
                Some(&thirteen),
                Some((&locked, Some(twelve.clone())))
            )),
            "item_locked"
        );
        assert_eq!(
            code(decide(
                &saisie,
                etp,
                Some(&thirteen),
                Some((&pushed, Some(twelve.clone())))
            )),
            "reason_required"
        );
        assert_eq!(
            decide(&saisie, etp, Some(&thirteen), Some((&typed, Some(twelve)))),
            Decision::Update
        );
    }

    #[test]
    fn written_rows_carry_the_provenance_of_the_importer() {
        let mut overridden = row("saisie", false);
        overridden.prefill_source = Some("cnsa_errd".to_owned());
        overridden.override_reason = Some("erreur de report".to_owned());
        let base = row("ignored", false);
        let json = serde_json::json!(14);
        let by_saisie = written_row(
            &importer("saisie", false),
            ValueRow {
                source: "saisie".to_owned(),
                ..base.clone()
            },
            &json,
            Some(&overridden),
        );
        assert_eq!((by_saisie.version, by_saisie.value_json.as_str()), (4, "14"));
        assert_eq!(by_saisie.override_reason.as_deref(), Some("erreur de report"));
        let by_finess = written_row(
            &importer("finess", false),
            ValueRow {
                source: "finess".to_owned(),
                ..base
            },
            &json,
            None,
        );
        assert!(by_finess.locked);
        assert_eq!((by_finess.version, by_finess.prefill_source), (1, None));
    }
}
