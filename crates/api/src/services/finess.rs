//! The FINESS referential: import of the open-data extract of the FINESS file (`etalab-cs1100507`),
//! the official list of structures (ET) and their managing bodies (EJ). See `docs/referential.md`.
//!
//! Rules:
//! * The file is read as a stream, line by line (never whole), decoded from Latin-1 (windows-1252).
//!   Line 1 is the header `finess;etalab;…`; then `structureet` rows (32 fields, or 31 without `numuai`)
//!   and `geolocalisation` rows (6 fields). Anything else (another record type, a wrong field count, a
//!   FINESS ET that is not 9 characters) refuses the whole file: one transaction, nothing written.
//! * `categetab` is resolved through the catalogue (FINESS code or accepted alias); a row of another
//!   category is counted as ignored. A row of ours without a known department, a valid EJ, a name or a
//!   valid opening date is rejected (line number kept); the rest of the file is imported.
//! * A new EJ is created (its name and legal status are not in the ET extract: a placeholder name and
//!   `non_renseigne`); an existing EJ is never changed. A structure is created, or replaced (version + 1)
//!   when its name, category, EJ, department, city or opening date changed, or when it was closed.
//! * A stored structure whose FINESS is not among the file's rows of our categories is closed: `active`
//!   false, `closed_on` the extract date (today when the header has none), data kept.
//! * Idempotent: a second run of the same file creates, updates and closes nothing.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::BufRead;

use chrono::NaiveDate;
use diesel::Connection;
use tdb_domain::contract::{FinessRejection, FinessReport};

use crate::auth::{Principal, Role};
use crate::db::DbConnection;
use crate::db::repo::organisations::OrganisationRow;
use crate::db::repo::referential;
use crate::db::repo::structures::{StructureRow, competence_code};
use crate::error::{ApiError, ProblemCode};
use crate::services::structures::{is_finess, is_iso_date};

/// Fields of a `structureet` row (with the record type first), newest layout.
pub const STRUCTURE_FIELDS: usize = 32;
/// Fields of a `geolocalisation` row.
pub const GEOLOCATION_FIELDS: usize = 6;

/// Column positions of a `structureet` row (0 = the record type).
mod col {
    pub const NOFINESSET: usize = 1;
    pub const NOFINESSEJ: usize = 2;
    pub const RS: usize = 3;
    pub const RSLONGUE: usize = 4;
    pub const DEPARTEMENT: usize = 13;
    pub const LIGNEACHEMINEMENT: usize = 15;
    pub const CATEGETAB: usize = 18;
    pub const DATEOUV: usize = 28;
}

/// Structures and managing bodies inserted per batch.
const BATCH: usize = 500;

/// The INSEE code of a FINESS department code: FINESS writes the overseas departments `9A`…`9F`.
pub fn insee_department(finess_code: &str) -> &str {
    match finess_code {
        "9A" => "971",
        "9B" => "972",
        "9C" => "973",
        "9D" => "974",
        "9E" => "975",
        "9F" => "976",
        other => other,
    }
}

/// The commune of `ligneacheminement` (`75013 PARIS` → `PARIS`).
fn city_of(line: &str) -> &str {
    match line.split_once(' ') {
        Some((postcode, rest)) if postcode.len() == 5 && postcode.bytes().all(|b| b.is_ascii_digit()) => {
            rest.trim()
        }
        _ => line.trim(),
    }
}

/// A FINESS (9 ASCII characters, checked by [`is_finess`]) as a set key.
fn finess_key(finess: &str) -> [u8; 9] {
    let mut key = [0; 9];
    key.copy_from_slice(&finess.as_bytes()[..9]);
    key
}

fn malformed(line: u64, reason: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest {
        code: ProblemCode::MalformedFiness,
        detail: format!("Fichier FINESS refusé, ligne {line} : {reason}. Rien n'a été enregistré."),
    }
}

/// Refuses (403) anyone but `national`: the referential is national.
pub fn authorise(principal: &Principal) -> Result<(), ApiError> {
    principal.require_role(&[Role::National], "importer le fichier FINESS")
}

/// Why a transaction ends.
enum Stop {
    Failed(ApiError),
    DryRun(Box<FinessReport>),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Failed(e.into())
    }
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Stop::Failed(e)
    }
}

/// Imports the FINESS extract read from `input`, in one transaction (rolled back when `dry_run`, or
/// when the file is malformed). `today` dates the closings when the header has no date. `progress` is
/// called with the number of lines read every 10,000 lines.
pub fn import(
    conn: &mut DbConnection,
    input: impl BufRead,
    dry_run: bool,
    today: NaiveDate,
    progress: &mut dyn FnMut(u64),
) -> Result<FinessReport, ApiError> {
    let outcome = conn.transaction(|conn| {
        let report = run(conn, input, dry_run, today, progress)?;
        if dry_run {
            Err(Stop::DryRun(Box::new(report)))
        } else {
            Ok(report)
        }
    });
    match outcome {
        Ok(report) => Ok(report),
        Err(Stop::DryRun(report)) => Ok(*report),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// Reads one line (without its end) into `buf`; false at the end of the input.
fn next_line(input: &mut impl BufRead, buf: &mut Vec<u8>, line: u64) -> Result<bool, ApiError> {
    buf.clear();
    let read = input
        .read_until(b'\n', buf)
        .map_err(|e| malformed(line, format!("lecture impossible ({e})")))?;
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(read > 0)
}

fn decode(bytes: &[u8]) -> Cow<'_, str> {
    encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0
}

fn run(
    conn: &mut DbConnection,
    mut input: impl BufRead,
    dry_run: bool,
    today: NaiveDate,
    progress: &mut dyn FnMut(u64),
) -> Result<FinessReport, Stop> {
    let catalogue = tdb_domain::catalogue_for(tdb_domain::LAST_CAMPAIGN)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let regions = referential::department_regions(conn)?;
    let mut stored = referential::all_structures(conn)?;
    let mut organisations = referential::organisation_ids(conn)?;

    let mut buf = Vec::with_capacity(1024);
    if !next_line(&mut input, &mut buf, 1)? {
        return Err(malformed(1, "le fichier est vide").into());
    }
    let header = decode(&buf).into_owned();
    if !header.starts_with("finess;etalab") {
        return Err(malformed(1, "l'en-tête doit commencer par « finess;etalab »").into());
    }
    let extract_date = header
        .split(';')
        .filter_map(|f| NaiveDate::parse_from_str(f.get(..10).unwrap_or(f), "%Y-%m-%d").ok())
        .next_back();
    let closed_on = extract_date.unwrap_or(today).format("%Y-%m-%d").to_string();

    let mut report = FinessReport {
        dry_run,
        extract_date: extract_date.map(|d| d.format("%Y-%m-%d").to_string()),
        lines: 1,
        structures_in_file: 0,
        created: 0,
        updated: 0,
        closed: 0,
        reopened: 0,
        ignored: 0,
        rejected: Vec::new(),
        organisations_created: 0,
    };
    // 9 bytes per FINESS seen: the only state that grows with the file.
    let mut seen: HashSet<[u8; 9]> = HashSet::new();
    let mut new_organisations: Vec<OrganisationRow> = Vec::new();
    let mut new_structures: Vec<StructureRow> = Vec::new();
    let mut line: u64 = 1;

    while next_line(&mut input, &mut buf, line + 1)? {
        line += 1;
        report.lines = line;
        if line.is_multiple_of(10_000) {
            progress(line);
        }
        if buf.is_empty() {
            continue;
        }
        let text = decode(&buf);
        let fields: Vec<&str> = text.split(';').collect();
        match fields[0] {
            "geolocalisation" => {
                if fields.len() != GEOLOCATION_FIELDS {
                    return Err(malformed(
                        line,
                        format!(
                            "une ligne geolocalisation compte {GEOLOCATION_FIELDS} champs, celle-ci en a {}",
                            fields.len()
                        ),
                    )
                    .into());
                }
                continue;
            }
            "structureet" => {}
            other => {
                return Err(malformed(
                    line,
                    format!("type de ligne « {other} » inconnu (attendu : structureet ou geolocalisation)"),
                )
                .into());
            }
        }
        if fields.len() != STRUCTURE_FIELDS && fields.len() != STRUCTURE_FIELDS - 1 {
            return Err(malformed(
                line,
                format!(
                    "une ligne structureet compte {STRUCTURE_FIELDS} champs, celle-ci en a {}",
                    fields.len()
                ),
            )
            .into());
        }
        let finess = fields[col::NOFINESSET].trim();
        if !is_finess(finess) {
            return Err(malformed(line, format!("numéro FINESS ET « {finess} » invalide")).into());
        }
        report.structures_in_file += 1;
        let categetab = fields[col::CATEGETAB].trim();
        let category = if categetab.bytes().all(|b| b.is_ascii_digit()) {
            catalogue.resolve_category(categetab)
        } else {
            None
        };
        let Some(category) = category else {
            report.ignored += 1;
            continue;
        };
        let mut reject = |reason: String| {
            report.rejected.push(FinessRejection {
                line,
                finess: finess.to_owned(),
                reason,
            });
        };
        if !seen.insert(finess_key(finess)) {
            reject("ce numéro FINESS ET figure déjà plus haut dans le fichier".to_owned());
            continue;
        }
        let department = insee_department(fields[col::DEPARTEMENT].trim());
        let Some(region) = regions.get(department) else {
            reject(format!("le département « {department} » est inconnu"));
            continue;
        };
        let ej = fields[col::NOFINESSEJ].trim();
        if !is_finess(ej) {
            reject(format!("numéro FINESS EJ « {ej} » invalide"));
            continue;
        }
        let name = match fields[col::RSLONGUE].trim() {
            "" => fields[col::RS].trim(),
            long => long,
        };
        if name.is_empty() {
            reject("la raison sociale est vide".to_owned());
            continue;
        }
        let opening = fields[col::DATEOUV].trim();
        if !opening.is_empty() && !is_iso_date(opening) {
            reject(format!(
                "date d'ouverture « {opening} » invalide (attendu AAAA-MM-JJ)"
            ));
            continue;
        }
        let funder = catalogue
            .categories()
            .iter()
            .find(|c| c.code == category.as_str())
            .map(|c| c.funder)
            .ok_or_else(|| ApiError::Internal(format!("category {} without funder", category.as_str())))?;
        let row = StructureRow {
            finess: finess.to_owned(),
            name: name.to_owned(),
            category: category.as_str().to_owned(),
            organisation_finess: ej.to_owned(),
            department_code: department.to_owned(),
            region_code: region.clone(),
            city: city_of(fields[col::LIGNEACHEMINEMENT]).to_owned(),
            competence: competence_code(funder).to_owned(),
            opening_date: (!opening.is_empty()).then(|| opening.to_owned()),
            active: true,
            version: 1,
            closed_on: None,
        };
        if organisations.insert(ej.to_owned()) {
            new_organisations.push(OrganisationRow {
                finess: ej.to_owned(),
                name: format!("Entité juridique {ej}"),
                legal_status: "non_renseigne".to_owned(),
            });
            report.organisations_created += 1;
        }
        match stored.remove(finess) {
            None => {
                report.created += 1;
                new_structures.push(row);
                if new_structures.len() >= BATCH {
                    flush(conn, &mut new_organisations, &mut new_structures)?;
                }
            }
            Some(old) => {
                let same = old.name == row.name
                    && old.category == row.category
                    && old.organisation_finess == row.organisation_finess
                    && old.department_code == row.department_code
                    && old.region_code == row.region_code
                    && old.city == row.city
                    && old.competence == row.competence
                    && old.opening_date == row.opening_date
                    && old.active;
                if !same {
                    if !old.active {
                        report.reopened += 1;
                    }
                    report.updated += 1;
                    flush(conn, &mut new_organisations, &mut new_structures)?;
                    referential::replace_structure(
                        conn,
                        &StructureRow {
                            version: old.version + 1,
                            ..row
                        },
                    )?;
                }
            }
        }
    }
    flush(conn, &mut new_organisations, &mut new_structures)?;
    // What is left of the stored structures is not in the file (among our categories): close it.
    let mut leaving: Vec<StructureRow> = stored.into_values().filter(|row| row.active).collect();
    leaving.sort_by(|a, b| a.finess.cmp(&b.finess));
    for row in leaving {
        report.closed += 1;
        referential::replace_structure(
            conn,
            &StructureRow {
                active: false,
                version: row.version + 1,
                closed_on: Some(closed_on.clone()),
                ..row
            },
        )?;
    }
    progress(line);
    Ok(report)
}

fn flush(
    conn: &mut DbConnection,
    organisations: &mut Vec<OrganisationRow>,
    structures: &mut Vec<StructureRow>,
) -> Result<(), Stop> {
    referential::insert_organisations(conn, organisations)?;
    organisations.clear();
    referential::insert_structures(conn, structures)?;
    structures.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overseas_departments_and_cities() {
        assert_eq!(insee_department("9A"), "971");
        assert_eq!(insee_department("2A"), "2A");
        assert_eq!(city_of("75013 PARIS"), "PARIS");
        assert_eq!(city_of("59000 LILLE CEDEX"), "LILLE CEDEX");
        assert_eq!(city_of("SANS CODE"), "SANS CODE");
        assert_eq!(decode(b"R\xe9sidence Les \xc9rables"), "Résidence Les Érables");
    }
}
