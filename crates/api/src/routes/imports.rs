//! `POST /campaigns/{year}/imports` and `GET /imports/jobs/{id}`: values imported in bulk (JSON, CSV
//! or XLSX, wide or long, or XLSX templates) by partner systems, the national level and the structures (`docs/imports.md`).

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use tdb_domain::contract::{ImportJob, ImportRequest, ImportSummary, ImportUnprocessable, Problem};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::{ApiError, PROBLEM_JSON, ProblemCode};
use crate::routes::binary::{Csv, Xlsx};
use crate::services::imports::idempotency::{self, Begin, Stored};
use crate::services::imports::{
    self, Context, Importer, JOB_THRESHOLD, Layout, OnConflict, Options, csv_input, is_refused, jobs,
    json_input, summary, xlsx_input,
};
use crate::state::AppState;

/// Largest accepted import body.
const MAX_BODY_BYTES: usize = 512 * 1024 * 1024;
/// Bodies larger than this (or of unknown length) are large imports: they take a place among the
/// large requests running at once (`services::heavy`) before they are read.
const LARGE_BODY_BYTES: usize = 256 * 1024;

/// Registers the import routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ImportRoute).service(get_import_job);
}

/// `POST /campaigns/{year}/imports` with its own body limit, which actix's route macros cannot attach:
/// served by this resource, documented by [`post_import`]'s `#[utoipa::path(impl_for = ImportRoute)]`.
pub struct ImportRoute;

impl HttpServiceFactory for ImportRoute {
    fn register(self, config: &mut AppService) {
        web::resource("/campaigns/{year}/imports")
            .route(web::post().to(post_import))
            .register(config);
    }
}

/// Options of an import.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Compute the summary, write nothing.
    #[serde(default)]
    #[param(example = false)]
    pub dry_run: bool,
    /// Write the rows without any rejected value and skip the others (default: a rejected value
    /// refuses the whole import).
    #[serde(default)]
    pub partial: bool,
    /// CSV layout: `wide` (`finess` then one column per item, the default) or `long`
    /// (`finess,item,value`).
    #[serde(default)]
    #[param(inline)]
    pub layout: Layout,
    /// Source of a CSV import (a JSON import names it in the body): required for a `national` user,
    /// else it must be the caller's own.
    #[param(example = "cnsa_errd")]
    pub source: Option<String>,
    /// `report` (default) or `overwrite` (`national` only): a pushed value replaces the structure's.
    #[serde(default)]
    #[param(inline)]
    pub on_conflict: OnConflict,
}

/// Import values.
///
/// Bodies: `application/json` (`{"source", "rows": [{"finess", "values": {item: value}}]}`),
/// `text/csv` (UTF-8 with or without BOM, separator `,` or `;` read from the header; `?layout=wide`:
/// `finess` then one column per item code; `?layout=long`: `finess,item,value`; with `;` a decimal
/// comma is accepted; an empty cell carries no value; booleans `true`/`false`/`oui`/`non`) or XLSX
/// (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`): the sheets of a tdb template
/// (`GET …/template.xlsx`, one structure per sheet), or a table sheet laid out like the CSV. Every
/// refusal of an XLSX import names its sheet and cell (`sheet`, `cell`; path
/// `/sheets/<sheet>/cells/<cell>`; message `Feuil "<sheet>" cellule <cell> : …`).
///
/// Callers: partner clients with the `prefill:write` scope push as their bound source over every
/// structure; `national` users import on behalf of a prefill source they name (and alone may send
/// `on_conflict=overwrite`); `esms` and `og` users import their own structures' values (`saisie`).
/// Every value is checked by the catalogue's rules (§1.3) and the prefill policy (§1.4.1): a source
/// pushes only the items it owns (`source_not_allowed`); a push over a value the structure typed or
/// overrode is a conflict, reported and not applied; locked values refuse `saisie`; validated or closed
/// forms refuse pushes; a FINESS outside the caller's scope is refused as `structure_not_found`.
/// Unchanged values are counted, neither rewritten nor audited.
///
/// One transaction: a rejected value refuses the whole import (422 `import_rejected`, nothing written,
/// the summary inside the problem) unless `partial=true`. Imports of more than 5,000 values run as a
/// job: 202 with `Location: /api/v1/imports/jobs/{id}`. `Idempotency-Key` (per caller): the same key
/// with the same request answers the first answer again without importing twice; with another request,
/// 422 `idempotency_key_reused`. Dry runs ignore the key.
#[utoipa::path(
    post,
    path = "/campaigns/{year}/imports",
    impl_for = ImportRoute,
    tag = "imports",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ImportParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: 1–255 visible ASCII characters, unique per request."),
    ),
    request_body(
        description = "The values to import: JSON, or CSV (wide or long).",
        content(
            (ImportRequest = "application/json"),
            (inline(Csv) = "text/csv", example = json!("finess;produits_exploitation;etp_reels_31_12\n590000011;4210000,50;58,4\n")),
            (inline(Xlsx) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    ),
    responses(
        (status = 200, description = "Applied (or, for a dry run, computed).", body = ImportSummary),
        (status = 202, description = "A large import runs as a job: follow `Location`.", body = ImportJob,
            headers(("Location" = String, description = "`/api/v1/imports/jobs/{id}`"))),
        (status = 400, description = "Unreadable body (`malformed_json`, `malformed_csv`, `invalid_csv_header`, \
            `empty_file`, `malformed_xlsx`, `invalid_xlsx_header`, `invalid_xlsx_layout`, `unsupported_media_type`, \
            `invalid_idempotency_key`) or query.", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not import, not as this source, or not overwrite.", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:forbidden", "title": "Action interdite", "status": 403,
                "code": "forbidden", "detail": "Ce client n'a pas le droit « prefill:write »."})),
        (status = 404, description = "Unknown campaign (`campaign_not_found`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The campaign's phase refuses these values (`campaign_phase`), or the same \
            `Idempotency-Key` is being processed (`idempotency_key_in_progress`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "A value is refused and the import is not partial (`import_rejected`, the \
            summary inside, nothing written); or the `Idempotency-Key` was used for another request \
            (`idempotency_key_reused`); or the source is unknown or missing (`validation_failed`).",
            body = ImportUnprocessable, content_type = "application/problem+json"),
        (status = 413, description = "The body or the file exceeds the bounds of an import (`import_too_large`: \
            body over 512 MiB, XLSX part over its unpacked size, a cell beyond the rows or columns of an import, \
            more than 1,048,576 rows or 3,000,000 values, a CSV header wider than the catalogue); nothing written.",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The caller already runs as many large imports or exports as allowed \
            (`too_many_requests`); retry after `Retry-After` seconds.", body = Problem,
            content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
        (status = 503, description = "The server runs as many large imports or exports as allowed \
            (`server_busy`); retry after `Retry-After` seconds.", body = Problem,
            content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    ),
    security(("bearer" = []))
)]
pub async fn post_import(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    params: web::Query<ImportParams>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let year = path.into_inner();
    let params = params.into_inner();
    let format = Format::of(&req)?;
    let length = header(&req, "Content-Length").and_then(|l| l.parse::<usize>().ok());
    if length.is_some_and(|l| l > MAX_BODY_BYTES) {
        return Err(body_too_large());
    }
    let permit = if length.is_none_or(|l| l > LARGE_BODY_BYTES) {
        Some(std::sync::Arc::new(state.heavy.try_acquire(&principal.subject)?))
    } else {
        None
    };
    let body = read_body(payload, length.unwrap_or_default()).await?;
    let key = header(&req, "Idempotency-Key").filter(|_| !params.dry_run);
    let hash = idempotency::request_hash(
        req.method().as_str(),
        &req.uri().to_string(),
        header(&req, CONTENT_TYPE.as_str()).unwrap_or_default().as_str(),
        &body,
    );
    let app = state.get_ref().clone();
    let answer = state
        .db(move |conn| {
            let caller = principal.subject.clone();
            if let Some(key) = &key
                && let Begin::Replay(stored) = idempotency::begin(conn, &caller, key, &hash)?
            {
                return Ok(stored);
            }
            let result = import(conn, &app, &principal, year, &params, format, &body, permit);
            if let Some(key) = &key {
                match &result {
                    Ok(answer) => idempotency::complete(conn, &caller, key, answer)?,
                    Err(_) => idempotency::release(conn, &caller, key)?,
                }
            }
            result
        })
        .await?;
    Ok(respond(answer))
}

/// The two body formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        let content_type = header(req, CONTENT_TYPE.as_str()).unwrap_or_default();
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => Ok(Self::Json),
            "text/csv" => Ok(Self::Csv),
            xlsx_input::MEDIA_TYPE => Ok(Self::Xlsx),
            _ => Err(ApiError::BadRequest {
                code: ProblemCode::UnsupportedMediaType,
                detail: format!(
                    "Envoyez l'import en application/json, en text/csv ou en XLSX ({}).",
                    xlsx_input::MEDIA_TYPE
                ),
            }),
        }
    }
}

fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

/// The 413 answer to a body over [`MAX_BODY_BYTES`].
fn body_too_large() -> ApiError {
    ApiError::TooLarge {
        code: ProblemCode::ImportTooLarge,
        detail: format!(
            "Le corps de l'import dépasse {} Mio : découpez le fichier.",
            MAX_BODY_BYTES >> 20
        ),
    }
}

/// Reads the body, refusing it past [`MAX_BODY_BYTES`].
async fn read_body(mut payload: web::Payload, expected: usize) -> Result<web::Bytes, ApiError> {
    use futures_core::Stream as _;
    let mut body = web::BytesMut::with_capacity(expected.min(MAX_BODY_BYTES));
    while let Some(chunk) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut payload).poll_next(cx)).await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: ProblemCode::MalformedJson,
            detail: format!("Le corps de la requête n'a pas pu être lu ({e})."),
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(body_too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Parses, authorises and runs the import (or starts its job); the answer to send and to remember.
#[allow(clippy::too_many_arguments, reason = "the parts of one request")]
fn import(
    conn: &mut DbConnection,
    app: &AppState,
    principal: &Principal,
    year: i32,
    params: &ImportParams,
    format: Format,
    body: &[u8],
    permit: Option<std::sync::Arc<crate::services::heavy::Permit>>,
) -> Result<Stored, ApiError> {
    let options = Options {
        dry_run: params.dry_run,
        partial: params.partial,
        batch_values: app.config.import_batch_values,
    };
    let (ctx, rows) = match format {
        Format::Json => {
            let (source, rows) = json_input::parse(body)?;
            let source = source.or_else(|| params.source.clone());
            let importer = Importer::for_principal(principal, source.as_deref(), params.on_conflict)?;
            (Context::new(conn, importer, year, options)?, rows)
        }
        Format::Csv => {
            let importer = Importer::for_principal(principal, params.source.as_deref(), params.on_conflict)?;
            let ctx = Context::new(conn, importer, year, options)?;
            let rows = csv_input::parse(body, params.layout, ctx.catalogue)?;
            (ctx, rows)
        }
        Format::Xlsx => {
            let importer = Importer::for_principal(principal, params.source.as_deref(), params.on_conflict)?;
            let mut ctx = Context::new(conn, importer, year, options)?;
            let (rows, cells) = xlsx_input::parse(body, params.layout, ctx.catalogue)?;
            ctx.cells = Some(std::sync::Arc::new(cells));
            (ctx, rows)
        }
    };
    let mut ctx = ctx;
    ctx.permit = permit;
    if imports::value_count(&rows) > JOB_THRESHOLD {
        let job = jobs::start(&app.pool, conn, ctx, rows, &app.instance)?;
        return Ok(Stored {
            status: 202,
            body: to_json(&job)?,
            job_id: Some(job.id),
        });
    }
    let summary = imports::locate(&ctx, imports::run_single(conn, &ctx, &rows)?);
    if is_refused(&summary) {
        return Ok(Stored {
            status: 422,
            body: to_json(&summary::problem(summary))?,
            job_id: None,
        });
    }
    Ok(Stored {
        status: 200,
        body: to_json(&summary)?,
        job_id: None,
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Internal(e.to_string()))
}

fn respond(answer: Stored) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    if let Some(id) = &answer.job_id {
        response.insert_header((LOCATION, format!("/api/v1/imports/jobs/{id}")));
    }
    let content_type = if status.is_client_error() {
        PROBLEM_JSON
    } else {
        "application/json"
    };
    response.content_type(content_type).body(answer.body)
}

/// State of an import job.
///
/// `state` (`queued`, `running`, `done`, `failed`, `interrupted`), `processed`/`total` values (values
/// committed batch by batch; for a dry run, values checked), then `result_status` (200 applied, 422
/// refused: nothing written) and the `summary`. An `interrupted` job (its server stopped) has every
/// committed batch whole: send the import again. Visible to its creator and to `national` users.
#[utoipa::path(
    tag = "imports",
    params(("id" = String, Path, description = "Job id.", example = "imp-5f0c1a2b3c4d5e6f")),
    responses(
        (status = 200, description = "The job.", body = ImportJob),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown job, or another caller's (`job_not_found`).", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/imports/jobs/{id}")]
pub async fn get_import_job(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<ImportJob>, ApiError> {
    let id = path.into_inner();
    let job = state.db(move |conn| jobs::get(conn, &principal, &id)).await?;
    Ok(web::Json(job))
}
