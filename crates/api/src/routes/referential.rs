//! `/api/v1/referential/finess`: import of the FINESS extract (national only).

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use tdb_domain::contract::{FinessJob, FinessReport, Problem};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::error::{ApiError, ProblemCode};
use crate::routes::binary::Csv;
use crate::services::{finess, finess_jobs};
use crate::state::AppState;

/// Largest accepted FINESS file (the national extract weighs some tens of megabytes).
pub const MAX_FINESS_BYTES: usize = 512 * 1024 * 1024;

/// Query of `POST /referential/finess`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FinessParams {
    /// Compute the report, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Import the FINESS file.
///
/// The body is the open-data extract of the FINESS file (`etalab-cs1100507-stock-*.csv`: `;`-separated,
/// Latin-1, a `finess;etalab;…` header line, then `structureet` and `geolocalisation` rows; see
/// `docs/referential.md`). Managing bodies and structures of the catalogue's categories are created or
/// updated, structures that left the file are closed (data kept); one transaction. National only.
#[utoipa::path(
    tag = "referential",
    params(FinessParams),
    request_body(
        description = "The FINESS extract, as published (Latin-1).",
        content((inline(Csv) = "text/csv", example = json!(
            "finess;etalab;100;2026-11-30\nstructureet;590000011;590000003;EHPAD LES TILLEULS;RESIDENCE LES TILLEULS;;;12;RUE;DES LILAS;;;350;59;NORD;59000 LILLE;;;500;Etablissement d'hébergement pour personnes âgées dépendantes;4401;Etablissements pour Personnes Agées;;;;;;;1995-01-01;1994-06-01;2026-01-10;\n"
        ))),
    ),
    responses(
        (status = 200, description = "Imported (or, with `dry_run`, computed).", body = FinessReport),
        (status = 202, description = "A file over 1 MiB runs as a job: follow `Location`.", body = FinessJob,
            headers(("Location" = String, description = "`/api/v1/referential/finess/jobs/{id}`"))),
        (status = 400, description = "The file is malformed (`malformed_finess`: the line and the reason in \
            `detail`; nothing written), empty (`empty_file`) or too large (`payload_too_large`).", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:malformed_finess", "title": "Requête invalide", "status": 400,
                "code": "malformed_finess", "detail": "Fichier FINESS refusé, ligne 57 : une ligne structureet compte \
                32 champs, celle-ci en a 12. Rien n'a été enregistré."})),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only `national` imports the FINESS file.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/referential/finess")]
pub async fn import_finess(
    principal: Principal,
    state: web::Data<AppState>,
    params: web::Query<FinessParams>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    finess::authorise(&principal)?;
    let bytes = body
        .to_bytes_limited(MAX_FINESS_BYTES)
        .await
        .map_err(|_| ApiError::BadRequest {
            code: ProblemCode::PayloadTooLarge,
            detail: format!(
                "Le fichier FINESS dépasse {} Mo.",
                MAX_FINESS_BYTES / (1024 * 1024)
            ),
        })?
        .map_err(|e| ApiError::BadRequest {
            code: ProblemCode::MalformedFiness,
            detail: format!("Le fichier FINESS n'a pas pu être reçu : {e}."),
        })?;
    if bytes.is_empty() {
        return Err(ApiError::BadRequest {
            code: ProblemCode::EmptyFile,
            detail: "Le fichier FINESS est vide.".to_owned(),
        });
    }
    let dry_run = params.dry_run;
    let today = chrono::Utc::now().date_naive();
    if bytes.len() > finess_jobs::JOB_ABOVE_BYTES {
        let pool = state.pool.clone();
        let owner = state.instance.clone();
        let job = state
            .db(move |conn| {
                finess_jobs::start(&pool, conn, bytes, dry_run, &principal.subject, &owner, today)
            })
            .await?;
        return Ok(HttpResponse::Accepted()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/referential/finess/jobs/{}", job.id),
            ))
            .json(job));
    }
    let report = state
        .db_write(move |conn| finess::import(conn, &bytes[..], dry_run, today, &mut |_| {}))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Follow a FINESS import job.
///
/// `processed_lines` of `total_lines` while it runs (live on the server running it), then the report
/// (`done`) or the reason (`failed`: a malformed file, nothing written; `interrupted`: the server
/// stopped, nothing written). National only.
#[utoipa::path(
    tag = "referential",
    params(("id" = String, Path, description = "Job id.")),
    responses(
        (status = 200, description = "The job.", body = FinessJob),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only `national` imports the FINESS file.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such job.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/referential/finess/jobs/{id}")]
pub async fn finess_job(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<FinessJob>, ApiError> {
    finess::authorise(&principal)?;
    let id = id.into_inner();
    state
        .db(move |conn| finess_jobs::get(conn, &id))
        .await
        .map(web::Json)
}
