//! Who imports, as which source, over which structures: resolved once from the caller (or the CLI).
//!
//! * A partner client needs the `prefill:write` scope and a bound source; it pushes as that source (a
//!   `source` in the body or query must name it: otherwise 403) over every structure.
//! * A `national` user imports on behalf of a prefill source it names (`source` in the JSON body or the
//!   query), over every structure, and alone may send `on_conflict=overwrite`.
//! * `esms` and `og` users import as `saisie` over their own structures.
//! * The CLI imports as the system actor `cli:<source>` over every structure.

use tdb_domain::contract::PrefillSource;

use crate::auth::principal::StructureScope;
use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::services::values::SAISIE;

/// Scope a partner client needs to push values.
pub const PREFILL_WRITE: &str = "prefill:write";

/// What to do with a pushed value that meets a value of the structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnConflict {
    /// Report it, leave the structure's value (the default).
    #[default]
    Report,
    /// Replace the structure's value (`national` only).
    Overwrite,
}

/// The resolved importer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Importer {
    /// Author of the values and actor of the audit entries.
    pub actor: String,
    /// Role of the caller, for the audit (`partner`, `national`, `esms`, `og`, `cli`).
    pub role: &'static str,
    /// `saisie` or a prefill source.
    pub source: String,
    /// Structures the importer may write.
    pub scope: StructureScope,
    /// Pushed values replace the structure's (`on_conflict=overwrite`).
    pub overwrite: bool,
}

impl Importer {
    /// The importer of an API caller; `requested` is the source named in the body or query.
    pub fn for_principal(
        principal: &Principal,
        requested: Option<&str>,
        on_conflict: OnConflict,
    ) -> Result<Self, ApiError> {
        let overwrite = on_conflict == OnConflict::Overwrite;
        if overwrite && principal.role != Role::National {
            return Err(forbidden(
                "Seul un utilisateur national peut écraser les valeurs des structures (on_conflict=overwrite).",
            ));
        }
        if let Some(source) = requested {
            check_known(source)?;
        }
        let (role, source, scope) = match principal.role {
            Role::Partner => {
                if !principal.scopes.iter().any(|s| s == PREFILL_WRITE) {
                    return Err(forbidden("Ce client n'a pas le droit « prefill:write »."));
                }
                let bound = principal.source.clone().ok_or_else(|| {
                    forbidden("Aucune source de préremplissage n'est associée à ce client.")
                })?;
                if requested.is_some_and(|s| s != bound) {
                    return Err(forbidden(&format!(
                        "Ce client transmet les valeurs de la source « {bound} » uniquement."
                    )));
                }
                ("partner", bound, StructureScope::All)
            }
            Role::National => {
                let source = requested
                    .filter(|s| PrefillSource::parse(s).is_some())
                    .ok_or_else(|| {
                        ApiError::Validation(vec![tdb_domain::contract::FieldError {
                            path: "/source".to_owned(),
                            code: "source_required".to_owned(),
                            message: "Nommez la source pour laquelle vous importez : finess, cnsa_errd, \
                                  cnsa_galaad ou cpom."
                                .to_owned(),
                        }])
                    })?;
                ("national", source.to_owned(), StructureScope::All)
            }
            Role::Esms | Role::Og => {
                if requested.is_some_and(|s| s != SAISIE) {
                    return Err(forbidden(
                        "Une structure importe ses propres valeurs (source « saisie ») uniquement.",
                    ));
                }
                let role = if principal.role == Role::Esms {
                    "esms"
                } else {
                    "og"
                };
                (role, SAISIE.to_owned(), principal.scope.clone())
            }
            Role::Ars | Role::Cd => {
                return Err(forbidden("Votre rôle ne permet pas d'importer des valeurs."));
            }
        };
        Ok(Self {
            actor: principal.subject.clone(),
            role,
            source,
            scope,
            overwrite,
        })
    }

    /// The system importer of the CLI (`cli:<source>`, every structure, conflicts reported).
    pub fn system(source: &str) -> Result<Self, ApiError> {
        check_known(source)?;
        Ok(Self {
            actor: format!("cli:{source}"),
            role: "cli",
            source: source.to_owned(),
            scope: StructureScope::All,
            overwrite: false,
        })
    }

    /// Whether the values are the structure's own (`saisie`).
    pub fn is_saisie(&self) -> bool {
        self.source == SAISIE
    }
}

fn check_known(source: &str) -> Result<(), ApiError> {
    if source == SAISIE || PrefillSource::parse(source).is_some() {
        Ok(())
    } else {
        Err(ApiError::Validation(vec![tdb_domain::contract::FieldError {
            path: "/source".to_owned(),
            code: "unknown_source".to_owned(),
            message: format!(
                "Source inconnue « {source} » : saisie, finess, cnsa_errd, cnsa_galaad ou cpom."
            ),
        }]))
    }
}

fn forbidden(detail: &str) -> ApiError {
    ApiError::Forbidden(detail.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Claims;

    fn principal(role: Role, scopes: &[&str], source: Option<&str>) -> Principal {
        let mut claims = Claims::new("someone", role);
        claims.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        claims.source = source.map(str::to_owned);
        claims.structures = vec!["590000011".to_owned()];
        Principal::from_claims(claims)
    }

    fn resolve(
        p: &Principal,
        source: Option<&str>,
        on_conflict: OnConflict,
    ) -> Result<Importer, &'static str> {
        Importer::for_principal(p, source, on_conflict).map_err(|e| e.code().as_str())
    }

    #[test]
    fn partners_push_as_their_bound_source_only() {
        let partner = principal(Role::Partner, &[PREFILL_WRITE], Some("cnsa_errd"));
        let importer = resolve(&partner, None, OnConflict::Report).unwrap();
        assert_eq!(
            (importer.source.as_str(), &importer.scope),
            ("cnsa_errd", &StructureScope::All)
        );
        assert_eq!(
            resolve(&partner, Some("finess"), OnConflict::Report),
            Err("forbidden")
        );
        assert_eq!(
            resolve(&partner, Some("nope"), OnConflict::Report),
            Err("validation_failed")
        );
        assert_eq!(resolve(&partner, None, OnConflict::Overwrite), Err("forbidden"));
        let reader = principal(Role::Partner, &["read"], Some("cnsa_errd"));
        assert_eq!(resolve(&reader, None, OnConflict::Report), Err("forbidden"));
    }

    #[test]
    fn national_names_the_source_and_may_overwrite() {
        let national = principal(Role::National, &[], None);
        assert_eq!(
            resolve(&national, None, OnConflict::Report),
            Err("validation_failed")
        );
        assert_eq!(
            resolve(&national, Some("saisie"), OnConflict::Report),
            Err("validation_failed")
        );
        let importer = resolve(&national, Some("cnsa_errd"), OnConflict::Overwrite).unwrap();
        assert!(importer.overwrite);
    }

    #[test]
    fn structures_import_as_saisie_in_their_scope() {
        let esms = principal(Role::Esms, &[], None);
        let importer = resolve(&esms, None, OnConflict::Report).unwrap();
        assert!(importer.is_saisie());
        assert_eq!(
            importer.scope,
            StructureScope::Structures(vec!["590000011".to_owned()])
        );
        assert_eq!(
            resolve(&esms, Some("cnsa_errd"), OnConflict::Report),
            Err("forbidden")
        );
        assert_eq!(
            resolve(&principal(Role::Ars, &[], None), None, OnConflict::Report),
            Err("forbidden")
        );
        assert_eq!(
            Importer::system("cpom").map(|i| i.actor).ok().as_deref(),
            Some("cli:cpom")
        );
    }
}
