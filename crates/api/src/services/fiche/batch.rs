//! Batches of fiches for an authority: the PDF of every structure of a department or a region that
//! the caller sees, zipped, built in the background.
//!
//! The batch is a row of `fiche_batches` (state, progress, the zip once built, base64 since the schema
//! keeps to the types both backends share), so any replica answers its progress and its download. It
//! runs as a task of the worker that received the request; a batch whose process died stays `running`
//! and is simply asked for again.

use std::io::Write;

use base64::Engine;
use chrono::NaiveDateTime;
use tdb_domain::contract::{FicheBatch, FieldError, Role};

use super::{fiche, pdf};
use crate::auth::Principal;
use crate::db::repo::fiche_batches::{self, BatchRow, BatchState};
use crate::db::repo::scope::visible_structures;
use crate::db::repo::{forms, structures};
use crate::error::{ApiError, ProblemCode};
use crate::services::benchmarks::{PeerSource, Territory};

/// Largest batch (a region of the size of Île-de-France or Auvergne-Rhône-Alpes).
pub const MAX_FICHES: usize = 5_000;
/// Unfinished batches one caller may have at once.
pub const MAX_UNFINISHED_PER_CALLER: i64 = 1;
/// Unfinished batches of everyone at once (every replica).
pub const MAX_UNFINISHED: i64 = 4;
/// An unfinished batch older than this no longer counts (its process died).
const STALE_MINUTES: i64 = 60;
/// `Retry-After` of a refused batch, in seconds.
const RETRY_AFTER_SECONDS: u64 = 30;

/// When the batches (and their zips) finished before it have expired, for a time to live of `ttl_hours`.
pub fn expiry(ttl_hours: u64) -> NaiveDateTime {
    now() - chrono::Duration::hours(i64::try_from(ttl_hours).unwrap_or(i64::MAX / 7200))
}

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn new_id() -> String {
    let mut bytes = [0_u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        bytes = chrono::Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or_default()
            .to_le_bytes();
    }
    format!(
        "fic-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// The wire form of a batch.
pub fn to_wire(row: &BatchRow) -> FicheBatch {
    FicheBatch {
        id: row.id.clone(),
        campaign: row.campaign_year,
        territory: row.territory.clone(),
        state: row.state.as_str().to_owned(),
        total: u64::try_from(row.total).unwrap_or(0),
        processed: u64::try_from(row.processed).unwrap_or(0),
        download: (row.state == BatchState::Done)
            .then(|| format!("/api/v1/fiche-batches/{}/archive", row.id)),
        error: row.error.clone(),
    }
}

/// Whether `principal` may ask for the fiches of `territory`: `national` anywhere, an ARS officer in
/// their region (or one of its departments), a CD officer in their department; 403 otherwise.
fn allowed(principal: &Principal, territory: &Territory, region_of_department: Option<&str>) -> bool {
    match (principal.role, territory) {
        (Role::National, _) => true,
        (Role::Ars, Territory::Region(code)) => principal_region(principal) == Some(code.as_str()),
        (Role::Ars, Territory::Department(_)) => {
            region_of_department.is_some() && principal_region(principal) == region_of_department
        }
        (Role::Cd, Territory::Department(code)) => principal_department(principal) == Some(code.as_str()),
        _ => false,
    }
}

fn principal_region(principal: &Principal) -> Option<&str> {
    match &principal.scope {
        crate::auth::principal::StructureScope::ArsRegion(region) => Some(region),
        _ => None,
    }
}

fn principal_department(principal: &Principal) -> Option<&str> {
    match &principal.scope {
        crate::auth::principal::StructureScope::CdDepartment(department) => Some(department),
        _ => None,
    }
}

/// `POST /campaigns/{year}/fiches?territory=`: records the batch and starts it.
///
/// Expired batches (finished more than `ttl_hours` ago) are purged first; a caller with an unfinished
/// batch, or a server with [`MAX_UNFINISHED`] of them, is answered 429 with `Retry-After`.
pub async fn start(
    source: &PeerSource,
    principal: Principal,
    year: i32,
    territory: Option<String>,
    ttl_hours: u64,
) -> Result<FicheBatch, ApiError> {
    if !matches!(principal.role, Role::National | Role::Ars | Role::Cd) {
        return Err(ApiError::Forbidden(
            "Seules les autorités (ARS, CD) et l'administration nationale éditent des lots de fiches."
                .to_owned(),
        ));
    }
    let territory = match Territory::parse(territory.as_deref().unwrap_or(""), "/query/territory") {
        Ok(Territory::National) => {
            return Err(ApiError::Validation(vec![FieldError {
                path: "/query/territory".to_owned(),
                code: "invalid_territory".to_owned(),
                message: "Un lot couvre un département ou une région.".to_owned(),
            }]));
        }
        Ok(t) => t,
        Err(e) => return Err(ApiError::Validation(vec![e])),
    };
    let asker = principal.clone();
    let (row, finess) = source
        .pool
        .run_write(move |conn| {
            fiche_batches::purge(conn, expiry(ttl_hours))?;
            let (mine, all) = fiche_batches::unfinished(
                conn,
                &asker.subject,
                now() - chrono::Duration::minutes(STALE_MINUTES),
            )?;
            if mine >= MAX_UNFINISHED_PER_CALLER || all >= MAX_UNFINISHED {
                return Err(ApiError::TooManyRequests {
                    retry_after: RETRY_AFTER_SECONDS,
                });
            }
            if forms::campaign_phase(conn, year)?.is_none() {
                return Err(ApiError::NotFound {
                    code: ProblemCode::CampaignNotFound,
                    detail: format!("La campagne {year} n'existe pas."),
                });
            }
            let (department, region) = match &territory {
                Territory::Department(code) => {
                    (Some(code.as_str()), structures::department_region(conn, code)?)
                }
                Territory::Region(code) => (None, Some(code.clone())),
                Territory::National => (None, None),
            };
            if !allowed(&asker, &territory, region.as_deref()) {
                return Err(ApiError::Forbidden(format!(
                    "Votre périmètre ne couvre pas le territoire {territory}."
                )));
            }
            let region_filter = matches!(territory, Territory::Region(_))
                .then_some(region.as_deref())
                .flatten();
            let finess = fiche_batches::structures_in(
                conn,
                visible_structures(&asker.scope),
                department,
                region_filter,
            )?;
            if finess.len() > MAX_FICHES {
                return Err(ApiError::Unprocessable {
                    code: ProblemCode::BatchTooLarge,
                    detail: format!(
                        "{} structures : un lot compte au plus {MAX_FICHES} fiches.",
                        finess.len()
                    ),
                });
            }
            let row = BatchRow {
                id: new_id(),
                campaign_year: year,
                territory: territory.to_string(),
                actor: asker.subject.clone(),
                state: BatchState::Queued,
                total: i64::try_from(finess.len()).unwrap_or(i64::MAX),
                processed: 0,
                error: None,
                created_at: now(),
                finished_at: None,
            };
            fiche_batches::insert(conn, &row)?;
            Ok((row, finess))
        })
        .await?;
    let wire = to_wire(&row);
    let source = source.clone();
    actix_web::rt::spawn(async move {
        let id = row.id.clone();
        let outcome = run(&source, &principal, year, &id, &finess).await;
        let (status, archive, error) = match outcome {
            Ok(archive) => (BatchState::Done, Some(archive), None),
            Err(error) => {
                tracing::error!(batch = %id, %error, "fiche batch failed");
                (BatchState::Failed, None, Some(error.to_string()))
            }
        };
        let recorded = source
            .pool
            .run_write(move |conn| Ok(fiche_batches::finish(conn, &id, status, archive, error, now())?))
            .await;
        if let Err(error) = recorded {
            tracing::error!(%error, "fiche batch end not recorded");
        }
    });
    Ok(wire)
}

/// Builds every fiche, recording the progress; the zip, base64.
async fn run(
    source: &PeerSource,
    principal: &Principal,
    year: i32,
    id: &str,
    finess: &[String],
) -> Result<String, ApiError> {
    let today = chrono::Utc::now().format("%d/%m/%Y").to_string();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (done, structure) in finess.iter().enumerate() {
        let sheet = fiche(source, principal.clone(), structure.clone(), year).await?;
        let day = today.clone();
        let bytes = actix_web::web::block(move || pdf::render(&sheet, &day)).await??;
        zip.start_file(format!("fiche-{structure}-{year}.pdf"), options)
            .and_then(|()| zip.write_all(&bytes).map_err(zip::result::ZipError::from))
            .map_err(|e| ApiError::Internal(format!("zip: {e}")))?;
        let (id, processed) = (id.to_owned(), i64::try_from(done + 1).unwrap_or(i64::MAX));
        source
            .pool
            .run_write(move |conn| {
                Ok(fiche_batches::progress(
                    conn,
                    &id,
                    BatchState::Running,
                    processed,
                )?)
            })
            .await?;
    }
    let bytes = zip
        .finish()
        .map_err(|e| ApiError::Internal(format!("zip: {e}")))?
        .into_inner();
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// `GET /fiche-batches/{id}`: the batch, for whoever started it (404 for anyone else, and once expired).
pub fn get(
    conn: &mut crate::db::DbConnection,
    principal: &Principal,
    id: &str,
    ttl_hours: u64,
) -> Result<FicheBatch, ApiError> {
    live(conn, principal, id, ttl_hours).map(|row| to_wire(&row))
}

/// The batch `id` of `principal`, unless it expired.
fn live(
    conn: &mut crate::db::DbConnection,
    principal: &Principal,
    id: &str,
    ttl_hours: u64,
) -> Result<BatchRow, ApiError> {
    fiche_batches::find(conn, id, &principal.subject)?
        .filter(|row| row.finished_at.is_none_or(|at| at >= expiry(ttl_hours)))
        .ok_or_else(|| batch_not_found(id))
}

/// `GET /fiche-batches/{id}/archive`: the zip once the batch is done (409 before).
pub fn archive(
    conn: &mut crate::db::DbConnection,
    principal: &Principal,
    id: &str,
    ttl_hours: u64,
) -> Result<Vec<u8>, ApiError> {
    let batch = live(conn, principal, id, ttl_hours)?;
    if batch.state != BatchState::Done {
        return Err(ApiError::Conflict {
            code: ProblemCode::BatchNotDone,
            detail: format!(
                "Le lot {id} n'est pas terminé ({} / {} fiches).",
                batch.processed, batch.total
            ),
        });
    }
    let encoded = fiche_batches::archive(conn, id, &principal.subject)?.ok_or_else(|| batch_not_found(id))?;
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| ApiError::Internal(format!("stored archive: {e}")))
}

fn batch_not_found(id: &str) -> ApiError {
    ApiError::NotFound {
        code: ProblemCode::BatchNotFound,
        detail: format!("Aucun lot de fiches {id}."),
    }
}
