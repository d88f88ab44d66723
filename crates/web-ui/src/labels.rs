//! French labels of codes shown to users: form states, roles, account statuses, sources of values,
//! units, axes.

use tdb_domain::contract::{
    AccountStatus, Authority, FormState, IndicatorStatus, IndicatorUnit, ItemDef, ItemState, ItemType, Role,
};

/// « En cours »…
pub fn state(state: FormState) -> &'static str {
    match state {
        FormState::NonCommence => "Non commencé",
        FormState::EnCours => "En cours",
        FormState::Soumis => "Soumis",
        FormState::CorrectionDemandee => "Correction demandée",
        FormState::Valide => "Validé",
        FormState::Cloture => "Clôturé",
    }
}

/// The French label of the option `code` of an enum item, from the catalogue's `value_labels`
/// (« Privé non lucratif » for `prive_non_lucratif`); the code with spaces when the catalogue has none.
pub fn option(item: &ItemDef, code: &str) -> String {
    item.value_labels
        .as_ref()
        .and_then(|labels| labels.get(code))
        .cloned()
        .unwrap_or_else(|| code.replace('_', " "))
}

/// DSFR badge class of a state.
pub fn state_badge(state: FormState) -> &'static str {
    match state {
        FormState::NonCommence => "fr-badge fr-badge--sm",
        FormState::EnCours => "fr-badge fr-badge--sm fr-badge--info",
        FormState::Soumis => "fr-badge fr-badge--sm fr-badge--new",
        FormState::CorrectionDemandee => "fr-badge fr-badge--sm fr-badge--warning",
        FormState::Valide | FormState::Cloture => "fr-badge fr-badge--sm fr-badge--success",
    }
}

/// « Établissement »… for the header.
pub fn role(role: Role) -> &'static str {
    match role {
        Role::Esms => "Établissement ou service",
        Role::Og => "Organisme gestionnaire",
        Role::Ars => "Agence régionale de santé",
        Role::Cd => "Conseil départemental",
        Role::National => "Administration centrale",
        Role::Partner => "Partenaire",
    }
}

/// Short label of a role in the account pages: « Établissement », « ARS »…
pub fn account_role(role: Role) -> &'static str {
    match role {
        Role::Esms => "Établissement",
        Role::Og => "Organisme gestionnaire",
        Role::Ars => "ARS",
        Role::Cd => "Conseil départemental",
        Role::National => "National",
        Role::Partner => "Partenaire",
    }
}

/// « Invité », « Actif », « Désactivé ».
pub fn account_status(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Invited => "Invité",
        AccountStatus::Active => "Actif",
        AccountStatus::Deactivated => "Désactivé",
    }
}

/// DSFR badge class of an account status.
pub fn account_status_badge(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Invited => "fr-badge fr-badge--sm fr-badge--new",
        AccountStatus::Active => "fr-badge fr-badge--sm fr-badge--success",
        AccountStatus::Deactivated => "fr-badge fr-badge--sm fr-badge--error",
    }
}

/// « ARS » or « CD ».
pub fn authority(authority: Authority) -> &'static str {
    match authority {
        Authority::Ars => "ARS",
        Authority::Cd => "CD",
    }
}

/// Who pushed a value: « CNSA », « FINESS »…; `None` for a value typed by the structure.
pub fn source(code: &str) -> Option<&'static str> {
    match code {
        "finess" => Some("FINESS"),
        "cnsa_errd" => Some("CNSA (ERRD)"),
        "cnsa_galaad" => Some("CNSA (Galaad)"),
        "cpom" => Some("CPOM"),
        "saisie" => None,
        _ => Some("import"),
    }
}

/// Unit shown next to an input.
pub fn item_unit(item_type: ItemType, unit: Option<&str>) -> Option<String> {
    match item_type {
        ItemType::Days => Some("jours".to_owned()),
        ItemType::Etp => Some("ETP".to_owned()),
        ItemType::Eur => Some("€".to_owned()),
        ItemType::Count => Some("nombre".to_owned()),
        ItemType::Score => Some("points".to_owned()),
        ItemType::Mesure => unit.map(str::to_owned),
        ItemType::Bool | ItemType::Date | ItemType::Enum => None,
    }
}

/// Unit of an indicator, after its value (ratios already carry `%`).
pub fn indicator_unit(unit: IndicatorUnit) -> &'static str {
    match unit {
        IndicatorUnit::Ratio => "",
        IndicatorUnit::Jours => " jours",
        IndicatorUnit::Personnes => " personnes",
        IndicatorUnit::Points => " points",
        IndicatorUnit::EtpParPersonne => " ETP par personne",
        IndicatorUnit::KwhM2 => " kWh/m²",
        IndicatorUnit::Nombre => "",
    }
}

/// Why an indicator has no value.
pub fn indicator_status(status: IndicatorStatus) -> &'static str {
    match status {
        IndicatorStatus::Ok => "Calculé",
        IndicatorStatus::MissingInput => "Donnée manquante",
        IndicatorStatus::DivisionByZero => "Division par zéro",
        IndicatorStatus::NotApplicable => "Sans objet pour cette structure",
    }
}

/// State of an input of an indicator.
pub fn item_state(state: ItemState) -> &'static str {
    match state {
        ItemState::NotApplicable => "ne s'applique pas (compte pour 0)",
        ItemState::Empty => "non renseigné",
        ItemState::SansObjet => "sans objet",
        ItemState::Value => "renseigné",
    }
}

/// Tab titles, by axis 0 to 4.
pub const AXES: [&str; 5] = ["Caractérisation", "Axe 1", "Axe 2", "Axe 3", "Axe 4"];

/// What each axis covers.
pub const AXIS_TITLES: [&str; 5] = [
    "Caractérisation de la structure",
    "Prestations de soins et d'accompagnement",
    "Ressources humaines et matérielles",
    "Finances et budget",
    "Objectifs",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_read_in_french() {
        assert_eq!(account_role(Role::Esms), "Établissement");
        assert_eq!(account_role(Role::Og), "Organisme gestionnaire");
        assert_eq!(account_role(Role::Cd), "Conseil départemental");
        assert_eq!(account_status(AccountStatus::Invited), "Invité");
        assert_eq!(account_status(AccountStatus::Deactivated), "Désactivé");
    }
}
