//! Structures and managing bodies: validation of writes and who may write where.
//!
//! Rules:
//! * A FINESS (ET or EJ) has 9 characters: the first two are digits, or `2A` / `2B` for Corsica
//!   (Corse-du-Sud, Haute-Corse); the seven others are digits. The check key is not verified.
//! * The category is given as a catalogue code, a FINESS category code or an accepted alias, and stored
//!   as the catalogue code; the competence is derived from the category's funder, the region from the
//!   department. Neither is ever sent.
//! * `national` writes anywhere; `ars` writes only structures of its region whose competence includes
//!   the ARS (`ARS` or `ARS_CD`); everyone else gets 403 on a visible structure (404 on another).

use diesel::Connection;
use tdb_domain::contract::{
    FieldError, LegalStatus, Organisation, OrganisationCreate, Structure, StructureCreate, StructureUpdate,
};

use crate::auth::principal::StructureScope;
use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::repo::audit::{self, NewAuditEntry};
use crate::db::repo::organisations::{self, OrganisationRow};
use crate::db::repo::scope::visible_structures;
use crate::db::repo::structures::{self, StructureRow, competence_code};
use crate::error::{ApiError, ProblemCode};
use crate::services::if_match::IfMatch;
use crate::services::text::{NAME_MAX_CHARS, check_line};

/// Whether `finess` follows the FINESS syntax (see the module documentation).
pub fn is_finess(finess: &str) -> bool {
    let bytes = finess.as_bytes();
    bytes.len() == 9
        && (bytes[..2].iter().all(u8::is_ascii_digit) || matches!(&bytes[..2], b"2A" | b"2B"))
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

/// Whether `date` is an existing calendar date written `YYYY-MM-DD`.
pub fn is_iso_date(date: &str) -> bool {
    date.len() == 10 && chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok()
}

fn field(path: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        path: path.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

fn finess_error(path: &str) -> FieldError {
    field(
        path,
        "invalid_finess",
        "Un numéro FINESS compte 9 caractères : des chiffres, sauf 2A ou 2B en tête pour la Corse.",
    )
}

/// The fields shared by a creation and an update.
struct Fields<'a> {
    name: &'a str,
    category: &'a str,
    organisation_finess: &'a str,
    department_code: &'a str,
    city: &'a str,
    opening_date: Option<&'a str>,
}

/// Checks the fields against the catalogue and the database; on success, the row to store (version 0,
/// FINESS empty: the caller sets both).
fn validate(
    conn: &mut DbConnection,
    fields: &Fields<'_>,
    errors: &mut Vec<FieldError>,
) -> Result<StructureRow, ApiError> {
    if fields.name.trim().is_empty() {
        errors.push(field(
            "/name",
            "required",
            "Le nom de la structure est obligatoire.",
        ));
    }
    check_line("/name", fields.name, NAME_MAX_CHARS, errors);
    if fields.city.trim().is_empty() {
        errors.push(field("/city", "required", "La commune est obligatoire."));
    }
    check_line("/city", fields.city, NAME_MAX_CHARS, errors);
    let catalogue = tdb_domain::catalogue_for(tdb_domain::LAST_CAMPAIGN)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let category = catalogue.resolve_category(fields.category.trim());
    let funder = category.as_ref().and_then(|code| {
        catalogue
            .categories()
            .iter()
            .find(|c| c.code == code.as_str())
            .map(|c| c.funder)
    });
    if category.is_none() {
        errors.push(field(
            "/category",
            "unknown_category",
            format!(
                "La catégorie « {} » est inconnue : donnez un code de catégorie (ehpad), un code FINESS \
                 de catégorie (500) ou un alias accepté (437).",
                fields.category
            ),
        ));
    }
    let region = structures::department_region(conn, fields.department_code)?;
    if region.is_none() {
        errors.push(field(
            "/department_code",
            "unknown_department",
            format!("Le département « {} » n'existe pas.", fields.department_code),
        ));
    }
    if !is_finess(fields.organisation_finess) {
        errors.push(finess_error("/organisation_finess"));
    } else if organisations::find(conn, fields.organisation_finess)?.is_none() {
        errors.push(field(
            "/organisation_finess",
            "unknown_organisation",
            format!(
                "Aucun organisme gestionnaire n'a le FINESS {} : créez-le d'abord.",
                fields.organisation_finess
            ),
        ));
    }
    if let Some(date) = fields.opening_date
        && !is_iso_date(date)
    {
        errors.push(field(
            "/opening_date",
            "invalid_date",
            "La date d'ouverture doit être une date existante au format AAAA-MM-JJ.",
        ));
    }
    match (category, funder, region) {
        (Some(category), Some(funder), Some(region)) if errors.is_empty() => Ok(StructureRow {
            finess: String::new(),
            name: fields.name.trim().to_owned(),
            category: category.as_str().to_owned(),
            organisation_finess: fields.organisation_finess.to_owned(),
            department_code: fields.department_code.to_owned(),
            region_code: region,
            city: fields.city.trim().to_owned(),
            competence: competence_code(funder).to_owned(),
            opening_date: fields.opening_date.map(str::to_owned),
            active: true,
            version: 0,
            closed_on: None,
        }),
        _ => Err(ApiError::Validation(std::mem::take(errors))),
    }
}

/// Appends the audit entry of a write to a structure or a managing body (`old`/`new`: the rows as JSON).
fn audit(
    conn: &mut DbConnection,
    principal: &Principal,
    action: &str,
    finess: Option<&str>,
    old: Option<serde_json::Value>,
    new: Option<serde_json::Value>,
) -> Result<(), ApiError> {
    audit::append(
        conn,
        &[NewAuditEntry {
            at: chrono::Utc::now().naive_utc(),
            actor: principal.subject.clone(),
            channel: principal.channel().to_owned(),
            action: action.to_owned(),
            campaign_year: None,
            structure_finess: finess.map(str::to_owned),
            item_code: None,
            old_value: old.map(|v| v.to_string()),
            new_value: new.map(|v| v.to_string()),
            detail: None,
        }],
    )?;
    Ok(())
}

fn row_json(row: &StructureRow) -> serde_json::Value {
    serde_json::json!({
        "name": row.name, "category": row.category, "organisation_finess": row.organisation_finess,
        "department_code": row.department_code, "city": row.city, "opening_date": row.opening_date,
        "active": row.active, "version": row.version,
    })
}

/// Refuses (422 on `/organisation_finess`) a managing body outside the caller's scope: an ARS may attach
/// a structure only to a managing body that already manages a structure of its region, or to one that
/// manages none yet (just created, it belongs to no region). `keep` (the body the structure has today)
/// is always accepted. `national` may attach to any body.
fn check_organisation_scope(
    conn: &mut DbConnection,
    principal: &Principal,
    organisation: &str,
    keep: Option<&str>,
) -> Result<(), ApiError> {
    if principal.scope == StructureScope::All || keep == Some(organisation) {
        return Ok(());
    }
    let visible =
        organisations::visible_structure_count(conn, visible_structures(&principal.scope), organisation)?;
    let all =
        organisations::visible_structure_count(conn, visible_structures(&StructureScope::All), organisation)?;
    if visible > 0 || all == 0 {
        return Ok(());
    }
    Err(ApiError::Validation(vec![field(
        "/organisation_finess",
        "organisation_out_of_scope",
        format!(
            "L'organisme gestionnaire {organisation} ne gère aucune structure de votre périmètre : vous ne \
             pouvez pas lui rattacher une structure."
        ),
    )]))
}

/// Refuses (403) unless the caller may write a structure with this region and competence.
fn authorise_write(principal: &Principal, row: &StructureRow) -> Result<(), ApiError> {
    match (&principal.role, &principal.scope) {
        (Role::National, _) => Ok(()),
        (Role::Ars, StructureScope::ArsRegion(region))
            if *region == row.region_code && row.competence != "CD" =>
        {
            Ok(())
        }
        (Role::Ars, _) => Err(ApiError::Forbidden(
            "Une ARS ne gère que les structures de sa région relevant de sa compétence (ARS ou conjointe)."
                .to_owned(),
        )),
        _ => Err(ApiError::Forbidden(
            "Votre rôle ne permet pas de gérer les structures.".to_owned(),
        )),
    }
}

/// `POST /structures`.
pub fn create(
    conn: &mut DbConnection,
    principal: &Principal,
    input: &StructureCreate,
) -> Result<Structure, ApiError> {
    principal.require_role(&[Role::National, Role::Ars], "créer une structure")?;
    conn.transaction(|conn| {
        let mut errors = Vec::new();
        if !is_finess(&input.finess) {
            errors.push(finess_error("/finess"));
        }
        let fields = Fields {
            name: &input.name,
            category: &input.category,
            organisation_finess: &input.organisation_finess,
            department_code: &input.department_code,
            city: &input.city,
            opening_date: input.opening_date.as_deref(),
        };
        let mut row = validate(conn, &fields, &mut errors)?;
        row.finess.clone_from(&input.finess);
        row.active = input.active.unwrap_or(true);
        row.version = 1;
        authorise_write(principal, &row)?;
        if structures::exists(conn, &row.finess)? {
            return Err(ApiError::Conflict {
                code: ProblemCode::AlreadyExists,
                detail: format!("Une structure de FINESS {} existe déjà.", row.finess),
            });
        }
        check_organisation_scope(conn, principal, &row.organisation_finess, None)?;
        structures::insert(conn, &row)?;
        audit(
            conn,
            principal,
            "structure_created",
            Some(&row.finess),
            None,
            Some(row_json(&row)),
        )?;
        one(structures::with_names(conn, vec![row])?)
    })
}

/// `PUT /structures/{finess}`.
pub fn update(
    conn: &mut DbConnection,
    principal: &Principal,
    finess: &str,
    if_match: IfMatch,
    input: &StructureUpdate,
) -> Result<Structure, ApiError> {
    conn.transaction(|conn| {
        let current = structures::find_visible(conn, visible_structures(&principal.scope), finess)?
            .ok_or_else(|| not_found(finess))?;
        authorise_write(principal, &current)?;
        let expected = if_match.expected(current.version)?;
        let fields = Fields {
            name: &input.name,
            category: &input.category,
            organisation_finess: &input.organisation_finess,
            department_code: &input.department_code,
            city: &input.city,
            opening_date: input.opening_date.as_deref(),
        };
        let mut row = validate(conn, &fields, &mut Vec::new())?;
        row.finess = current.finess.clone();
        row.active = input.active;
        row.version = expected + 1;
        authorise_write(principal, &row)?;
        check_organisation_scope(
            conn,
            principal,
            &row.organisation_finess,
            Some(&current.organisation_finess),
        )?;
        if expected != current.version || !structures::update(conn, &row, expected)? {
            return Err(ApiError::PreconditionFailed);
        }
        audit(
            conn,
            principal,
            "structure_updated",
            Some(&row.finess),
            Some(row_json(&current)),
            Some(row_json(&row)),
        )?;
        one(structures::with_names(conn, vec![row])?)
    })
}

/// `GET /structures/{finess}`.
pub fn get(conn: &mut DbConnection, principal: &Principal, finess: &str) -> Result<Structure, ApiError> {
    let row = structures::find_visible(conn, visible_structures(&principal.scope), finess)?
        .ok_or_else(|| not_found(finess))?;
    one(structures::with_names(conn, vec![row])?)
}

fn one(mut structures: Vec<Structure>) -> Result<Structure, ApiError> {
    structures
        .pop()
        .ok_or_else(|| ApiError::Internal("a stored structure vanished".to_owned()))
}

fn not_found(finess: &str) -> ApiError {
    ApiError::not_found(format!("Aucune structure visible n'a le FINESS {finess}."))
}

/// The stored code of a legal status.
pub fn legal_status_code(status: LegalStatus) -> &'static str {
    match status {
        LegalStatus::Public => "public",
        LegalStatus::PriveNonLucratif => "prive_non_lucratif",
        LegalStatus::PriveCommercial => "prive_commercial",
    }
}

fn parse_legal_status(code: &str) -> LegalStatus {
    match code {
        "public" => LegalStatus::Public,
        "prive_commercial" => LegalStatus::PriveCommercial,
        _ => LegalStatus::PriveNonLucratif,
    }
}

/// `POST /organisations` (`national` and `ars`).
pub fn create_organisation(
    conn: &mut DbConnection,
    principal: &Principal,
    input: &OrganisationCreate,
) -> Result<Organisation, ApiError> {
    principal.require_role(&[Role::National, Role::Ars], "créer un organisme gestionnaire")?;
    let mut errors = Vec::new();
    if !is_finess(&input.finess) {
        errors.push(finess_error("/finess"));
    }
    if input.name.trim().is_empty() {
        errors.push(field(
            "/name",
            "required",
            "Le nom de l'organisme est obligatoire.",
        ));
    }
    check_line("/name", &input.name, NAME_MAX_CHARS, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    conn.transaction(|conn| {
        if organisations::find(conn, &input.finess)?.is_some() {
            return Err(ApiError::Conflict {
                code: ProblemCode::AlreadyExists,
                detail: format!(
                    "Un organisme gestionnaire de FINESS {} existe déjà.",
                    input.finess
                ),
            });
        }
        let row = OrganisationRow {
            finess: input.finess.clone(),
            name: input.name.trim().to_owned(),
            legal_status: legal_status_code(input.legal_status).to_owned(),
        };
        organisations::insert(conn, &row)?;
        let new =
            serde_json::json!({"finess": row.finess, "name": row.name, "legal_status": row.legal_status});
        audit(conn, principal, "organisation_created", None, None, Some(new))?;
        Ok(Organisation {
            finess: input.finess.clone(),
            name: input.name.trim().to_owned(),
            legal_status: input.legal_status,
            structures: 0,
        })
    })
}

/// `GET /organisations/{finess}`: visible to `national` and partners with `read`, to its own `og` user,
/// and to anyone who sees at least one of its structures.
pub fn get_organisation(
    conn: &mut DbConnection,
    principal: &Principal,
    finess: &str,
) -> Result<Organisation, ApiError> {
    let missing = || {
        ApiError::not_found(format!(
            "Aucun organisme gestionnaire visible n'a le FINESS {finess}."
        ))
    };
    let row = organisations::find(conn, finess)?.ok_or_else(missing)?;
    let count = organisations::visible_structure_count(conn, visible_structures(&principal.scope), finess)?;
    let sees_all = principal.scope == StructureScope::All;
    let own = principal.scope == StructureScope::Organisation(finess.to_owned());
    if count == 0 && !sees_all && !own {
        return Err(missing());
    }
    Ok(Organisation {
        legal_status: parse_legal_status(&row.legal_status),
        finess: row.finess,
        name: row.name,
        structures: u64::try_from(count).unwrap_or(0),
    })
}
