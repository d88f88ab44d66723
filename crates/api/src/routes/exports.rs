//! `GET /campaigns/{year}/export` and the XLSX templates (`…/structures/{finess}/template.xlsx`,
//! `…/organisations/{finess_ej}/template.xlsx`): values exported within the caller's scope
//! (`docs/exports.md`).

use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::SizedStream;
use actix_web::http::header::{CONTENT_DISPOSITION, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use tdb_domain::contract::Problem;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Principal;
use crate::db::repo::audit;
use crate::db::repo::exports::ExportFilters;
use crate::error::{ApiError, ProblemCode};
use crate::routes::binary::{Csv, Xlsx};
use crate::services::exports::{self, Format, Layout, Plan, Request, csv_output, xlsx_output};
use crate::state::AppState;

/// Registers the export routes (inside the `/api/v1` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export)
        .service(structure_template)
        .service(organisation_template);
}

/// The table layouts of `GET …/export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TableLayout {
    /// `finess` then one column per item code, in catalogue order (the default; re-importable).
    #[default]
    Wide,
    /// `finess,item,value`, one value per line (re-importable).
    Long,
    /// The 331 columns of the official regional export (`export-tdbesms-YYYY-region-agg`).
    Regional,
}

/// Options and filters of an export.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// `csv` (default: UTF-8, `,` separator, `.` decimal point) or `xlsx`.
    #[serde(default)]
    #[param(inline)]
    pub format: Format,
    /// `wide` (default), `long` or `regional`.
    #[serde(default)]
    #[param(inline)]
    pub layout: TableLayout,
    /// Category code, FINESS category or alias (`ehpad`, `500`).
    #[param(example = "ehpad")]
    pub category: Option<String>,
    /// Department code.
    #[param(example = "59")]
    pub department: Option<String>,
    /// Region code.
    #[param(example = "32")]
    pub region: Option<String>,
    /// Managing body (FINESS EJ).
    #[param(example = "590000001")]
    pub organisation: Option<String>,
    /// One structure (FINESS ET).
    #[param(example = "590000011")]
    pub finess: Option<String>,
}

/// Export the values of a campaign.
///
/// The stored values of the structures the caller may see (`esms`/`og`: theirs; `ars`/`cd`: their
/// territory and competence; `national` and partner clients with the `read` scope: all), narrowed by
/// the filters. `layout=wide`: `finess` then one column per item code in catalogue order, one line per
/// structure; `layout=long`: `finess,item,value`, one line per value — both are exactly what
/// `POST …/imports` reads back (an empty cell is no value). `layout=regional`: the 331 columns of the
/// official regional export, labels and order byte for byte, filled for the items and indicators tdb
/// covers (rates in percent), the others empty (`docs/exports.md`). CSV is streamed (UTF-8, `,`, `.`);
/// XLSX is one sheet (`Restitutions` for the regional layout). Every export is audited (`export`).
#[utoipa::path(
    tag = "exports",
    params(("year" = i32, Path, description = "Campaign year N.", example = 2024), ExportParams),
    responses(
        (status = 200, description = "The export.",
            content(
                (inline(Csv) = "text/csv", example = json!("finess,statut_juridique,date_ouverture,places_installees_hp\n590000011,,2001-01-01,80\n")),
                (inline(Xlsx) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"tdb-2024-wide.csv\"`"))),
        (status = 400, description = "Unreadable query (`invalid_query`: unknown parameter or value).", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner client without the `read` scope.", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:forbidden", "title": "Action interdite", "status": 403,
                "code": "forbidden", "detail": "Ce client n'a pas le droit « read » : il ne peut pas exporter de valeurs."})),
        (status = 404, description = "Unknown campaign (`campaign_not_found`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Unknown category (`validation_failed`, path `/query/category`), or an XLSX \
            export beyond 1,048,576 lines (`export_too_large`: ask for CSV).", body = Problem,
            content_type = "application/problem+json"),
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
#[get("/campaigns/{year}/export")]
pub async fn export(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    params: web::Query<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let request = Request {
        year: path.into_inner(),
        format: params.format,
        layout: match params.layout {
            TableLayout::Wide => Layout::Wide,
            TableLayout::Long => Layout::Long,
            TableLayout::Regional => Layout::Regional,
        },
        filters: ExportFilters {
            category: params.category,
            department: params.department,
            region: params.region,
            organisation: params.organisation,
            finess: params.finess,
        },
    };
    let caller = principal.subject.clone();
    let plan = state
        .db(move |conn| exports::prepare(conn, &principal, request))
        .await?;
    // A table export reads every structure of the scope: one place among the large requests.
    let permit = state.heavy.try_acquire(&caller)?;
    match plan.request.format {
        Format::Csv => Ok(stream_csv(&state, plan, permit)),
        Format::Xlsx => {
            let answer = xlsx(&state, plan).await;
            drop(permit);
            answer
        }
    }
}

/// The XLSX template of a structure.
///
/// A workbook to fill in offline: a `Légende` sheet, then one sheet named by the FINESS with every item
/// that applies to the structure's category (code, French label, value, unit, source, date), prefilled
/// with the current values — blue when typed by the structure, yellow with a note naming the source
/// when pushed by a partner. Send it back as is to `POST …/imports` (XLSX body): unchanged values count
/// as `unchanged`, every refusal names its sheet and cell. Audited (`export`, layout `template`).
#[utoipa::path(
    tag = "exports",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
    ),
    responses(
        (status = 200, description = "The template.",
            content((inline(Xlsx) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner client without the `read` scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign (`campaign_not_found`), or a structure unknown or outside the \
            caller's scope (`structure_not_found`).", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:structure_not_found", "title": "Ressource introuvable",
                "status": 404, "code": "structure_not_found", "detail": "Aucune structure 750000011 n'est accessible."})),
    ),
    security(("bearer" = []))
)]
#[get("/campaigns/{year}/structures/{finess}/template.xlsx")]
pub async fn structure_template(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, ApiError> {
    let (year, finess) = path.into_inner();
    let filters = ExportFilters {
        finess: Some(finess.clone()),
        ..ExportFilters::default()
    };
    let not_found = ApiError::NotFound {
        code: ProblemCode::StructureNotFound,
        detail: format!("Aucune structure {finess} n'est accessible."),
    };
    template(&state, principal, year, filters, not_found).await
}

/// The XLSX template of a managing body.
///
/// The same workbook as a structure's template with one sheet per structure of the managing body that
/// the caller may see, by FINESS.
#[utoipa::path(
    tag = "exports",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess_ej" = String, Path, description = "FINESS EJ of the managing body.", example = "590000001"),
    ),
    responses(
        (status = 200, description = "The template.",
            content((inline(Xlsx) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner client without the `read` scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign (`campaign_not_found`), or no structure of this managing body in \
            the caller's scope (`organisation_not_found`).", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/campaigns/{year}/organisations/{finess_ej}/template.xlsx")]
pub async fn organisation_template(
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, ApiError> {
    let (year, organisation) = path.into_inner();
    let not_found = ApiError::NotFound {
        code: ProblemCode::OrganisationNotFound,
        detail: format!("Aucun organisme gestionnaire {organisation} n'est accessible."),
    };
    let filters = ExportFilters {
        organisation: Some(organisation),
        ..ExportFilters::default()
    };
    template(&state, principal, year, filters, not_found).await
}

async fn template(
    state: &AppState,
    principal: Principal,
    year: i32,
    filters: ExportFilters,
    not_found: ApiError,
) -> Result<HttpResponse, ApiError> {
    let request = Request {
        year,
        format: Format::Xlsx,
        layout: Layout::Template,
        filters,
    };
    let plan = state
        .db(move |conn| exports::prepare(conn, &principal, request))
        .await?;
    if plan.structures.is_empty() {
        return Err(not_found);
    }
    xlsx(state, plan).await
}

/// Builds an XLSX export, then appends its audit entry.
async fn xlsx(state: &AppState, plan: Plan) -> Result<HttpResponse, ApiError> {
    let (plan, built, counts) = state
        .db(move |conn| {
            let (built, counts) = exports::xlsx(conn, &plan)?;
            Ok((plan, built, counts))
        })
        .await?;
    let name = file_name(&plan, "xlsx");
    state
        .db_write(move |conn| {
            let entry = exports::audit_entry(&plan, counts, true, exports::now());
            Ok(audit::append(conn, &[entry])?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(xlsx_output::MEDIA_TYPE)
        .insert_header((CONTENT_DISPOSITION, attachment(&name)))
        .body(stream_file(built)))
}

/// Streams a built workbook from its temporary file (read on a blocking thread, 64 KiB at a time),
/// with its `Content-Length`; the file is gone once read or once the reader leaves.
fn stream_file(built: xlsx_output::Built) -> SizedStream<Chunks> {
    let xlsx_output::Built { mut file, len } = built;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, ApiError>>(4);
    actix_web::rt::task::spawn_blocking(move || {
        loop {
            let mut chunk = vec![0; 64 * 1024];
            let sent = match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => {
                    chunk.truncate(read);
                    sender.blocking_send(Ok(Bytes::from(chunk)))
                }
                Err(error) => {
                    // The reader may be gone already: nothing else to tell.
                    let _ = sender
                        .blocking_send(Err(ApiError::Internal(format!("lecture du classeur : {error}"))));
                    break;
                }
            };
            if sent.is_err() {
                break;
            }
        }
    });
    SizedStream::new(len, Chunks(receiver))
}

/// Streams a CSV export: written chunk by chunk on a blocking thread, sent as it is written.
fn stream_csv(state: &AppState, plan: Plan, permit: crate::services::heavy::Permit) -> HttpResponse {
    let name = file_name(&plan, "csv");
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, ApiError>>(4);
    let pool = state.pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        // Held until the last chunk is sent or the reader is gone.
        let _permit = permit;
        let mut emit = |bytes: Vec<u8>| sender.blocking_send(Ok(Bytes::from(bytes))).is_ok();
        if let Err(error) = exports::csv(&pool, &plan, &mut emit) {
            tracing::error!(%error, "CSV export failed");
            // The reader may be gone already: nothing else to tell.
            let _ = sender.blocking_send(Err(error));
        }
    });
    HttpResponse::Ok()
        .content_type(csv_output::MEDIA_TYPE)
        .insert_header((CONTENT_DISPOSITION, attachment(&name)))
        .streaming(Chunks(receiver))
}

/// The chunks of a streamed export.
struct Chunks(tokio::sync::mpsc::Receiver<Result<Bytes, ApiError>>);

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, ApiError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// `tdb-2024-wide.csv`, `tdb-2024-template-590000011.xlsx`…; the regional layout keeps the official
/// name whatever the filters (`export-tdbesms-2024-region-agg.xlsx`, see [`exports::regional::file_name`]).
fn file_name(plan: &Plan, extension: &str) -> String {
    if plan.request.layout == Layout::Regional {
        return exports::regional::file_name(plan.request.year, extension);
    }
    let filters = &plan.request.filters;
    let narrowed = filters
        .finess
        .as_deref()
        .or(filters.organisation.as_deref())
        .map(|f| format!("-{f}"))
        .unwrap_or_default();
    format!(
        "tdb-{}-{}{narrowed}.{extension}",
        plan.request.year,
        plan.request.layout.as_str()
    )
}

fn attachment(name: &str) -> HeaderValue {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
        .unwrap_or(HeaderValue::from_static("attachment"))
}
