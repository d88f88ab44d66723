//! `/api/v1/structures`: scoped list with filters, read, creation and replacement (with `If-Match`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use tdb_domain::contract::{
    FieldError, FormState, Page, Problem, Role, Structure, StructureCreate, StructureUpdate,
};
use utoipa::IntoParams;

use crate::auth::Principal;
use crate::db::repo::scope::visible_structures;
use crate::db::repo::structures::{AwaitingFilter, FormStateFilter, StructureFilters, StructureSort};
use crate::error::{ApiError, ProblemCode};
use crate::routes::pagination::PageParams;
use crate::services::forms::rules::authority_of;
use crate::services::if_match::etag;
use crate::services::structures as service;
use crate::state::AppState;

/// Longest text searched by `GET /structures?q=` (a longer one is a 400 `invalid_query`).
pub const Q_MAX_CHARS: usize = 200;

/// Filters of `GET /structures` (all optional, combined).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StructureListParams {
    /// Category: catalogue code (`ehpad`), FINESS category code (`500`) or accepted alias (`437`).
    #[param(example = "ehpad")]
    pub category: Option<String>,
    /// INSEE department code.
    #[param(example = "59")]
    pub department: Option<String>,
    /// INSEE region code.
    #[param(example = "32")]
    pub region: Option<String>,
    /// FINESS EJ of the managing body.
    pub organisation: Option<String>,
    /// State of the form of `campaign` (`non_commence` also matches structures without a form):
    /// `non_commence`, `en_cours`, `soumis`, `correction_demandee`, `valide`, `cloture`.
    #[param(example = "soumis")]
    pub form_state: Option<String>,
    /// Campaign year of `form_state` or `awaiting` (required with either).
    #[param(example = 2024)]
    pub campaign: Option<i32>,
    /// `me`: only the forms of `campaign` submitted and still awaiting the validation of your
    /// authority (an ARS officer no longer sees the forms the ARS validated while the conseil
    /// départemental's validation is pending, and the reverse); empty for a caller who validates no
    /// form (`national`, `esms`, `og`, partners). The review queue of the web app.
    #[param(example = "me")]
    pub awaiting: Option<String>,
    /// Text searched in the name (case-insensitive) or start of the FINESS; at most 200 characters.
    #[param(example = "tilleuls", max_length = 200)]
    pub q: Option<String>,
    /// Order of the list: `finess` (the default) or `alerts`: the forms of `campaign` with the most
    /// alerts first (then by FINESS; structures without a form of `campaign` last) — the review queue.
    /// `alerts` needs `campaign`.
    #[param(example = "alerts")]
    pub sort: Option<String>,
}

impl StructureListParams {
    /// Checks the filters, listing every invalid one; `awaiting=me` is resolved for `role`.
    fn validate(self, role: Role) -> Result<StructureFilters, ApiError> {
        if let Some(q) = &self.q
            && q.chars().count() > Q_MAX_CHARS
        {
            return Err(ApiError::BadRequest {
                code: ProblemCode::InvalidQuery,
                detail: format!("Le texte cherché (q) compte au plus {Q_MAX_CHARS} caractères."),
            });
        }
        let mut errors = Vec::new();
        let mut bad = |name: &str, code: &str, message: String| {
            errors.push(FieldError {
                path: format!("/query/{name}"),
                code: code.to_owned(),
                message,
            });
        };
        let category = match self.category.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(given) => {
                let resolved = tdb_domain::catalogue_for(tdb_domain::LAST_CAMPAIGN)
                    .ok()
                    .and_then(|c| c.resolve_category(given));
                if resolved.is_none() {
                    bad(
                        "category",
                        "unknown_category",
                        format!("La catégorie « {given} » est inconnue."),
                    );
                }
                resolved.map(|c| c.as_str().to_owned())
            }
        };
        let form_state = match (self.form_state, self.campaign) {
            (None, _) => None,
            (Some(state), campaign) => {
                let state = FormState::parse(&state);
                if state.is_none() {
                    let known = FormState::ALL.map(FormState::as_str).join(", ");
                    bad(
                        "form_state",
                        "unknown_form_state",
                        format!("État inconnu ; valeurs possibles : {known}."),
                    );
                }
                if campaign.is_none() {
                    bad(
                        "campaign",
                        "required",
                        "Précisez la campagne de l'état de formulaire demandé.".to_owned(),
                    );
                }
                campaign
                    .zip(state)
                    .map(|(campaign, state)| FormStateFilter { campaign, state })
            }
        };
        let awaiting = match self.awaiting.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("me") => {
                if self.campaign.is_none() {
                    bad(
                        "campaign",
                        "required",
                        "Précisez la campagne des formulaires attendus.".to_owned(),
                    );
                }
                self.campaign.map(|campaign| AwaitingFilter {
                    campaign,
                    authority: authority_of(role),
                })
            }
            Some(_) => {
                bad(
                    "awaiting",
                    "unknown_awaiting",
                    "Seule la valeur « me » est acceptée.".to_owned(),
                );
                None
            }
        };
        let sort = match self.sort.as_deref().map(str::trim) {
            None | Some("" | "finess") => StructureSort::Finess,
            Some("alerts") => match self.campaign {
                Some(campaign) => StructureSort::Alerts { campaign },
                None => {
                    bad(
                        "campaign",
                        "required",
                        "Précisez la campagne dont les alertes ordonnent la liste.".to_owned(),
                    );
                    StructureSort::Finess
                }
            },
            Some(_) => {
                bad(
                    "sort",
                    "unknown_sort",
                    "Ordre inconnu ; valeurs possibles : finess, alerts.".to_owned(),
                );
                StructureSort::Finess
            }
        };
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let non_blank = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(StructureFilters {
            category,
            department: non_blank(self.department),
            region: non_blank(self.region),
            organisation: non_blank(self.organisation),
            form_state,
            awaiting,
            q: non_blank(self.q),
            sort,
        })
    }
}

/// List the structures you can see.
///
/// Structures (ESMS) within your scope — your own structures (`esms`), those of your managing body
/// (`og`), those of your region under ARS or joint competence (`ars`), of your department under CD or
/// joint competence (`cd`), or all (`national`, partners with `read`) — filtered and paginated, by
/// FINESS or (`sort=alerts`) with the forms of a campaign that have the most alerts first.
#[utoipa::path(
    tag = "structures",
    params(PageParams, StructureListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of structures.", body = Page<Structure>),
        (status = 400, description = "Unreadable query, or `q` longer than 200 characters (`invalid_query`).",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filters or paging; `errors` lists each (`/query/<name>`).", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:validation_failed", "title": "Données invalides", "status": 422,
                "detail": "1 champ(s) invalide(s) : rien n'a été enregistré.", "code": "validation_failed",
                "errors": [{"path": "/query/category", "code": "unknown_category",
                            "message": "La catégorie « 999 » est inconnue."}]})),
    )
)]
#[get("/structures")]
pub async fn list_structures(
    principal: Principal,
    state: web::Data<AppState>,
    page: web::Query<PageParams>,
    params: web::Query<StructureListParams>,
) -> Result<web::Json<Page<Structure>>, ApiError> {
    let paging = page.into_inner().validate();
    let filters = params.into_inner().validate(principal.role);
    let (paging, filters) = match (paging, filters) {
        (Ok(paging), Ok(filters)) => (paging, filters),
        (Err(ApiError::Validation(mut a)), Err(ApiError::Validation(b))) => {
            a.extend(b);
            return Err(ApiError::Validation(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let (items, total) = state
        .db(move |conn| {
            Ok(crate::db::repo::structures::list(
                conn,
                || visible_structures(&principal.scope),
                &filters,
                paging.offset(),
                paging.limit(),
            )?)
        })
        .await?;
    Ok(web::Json(Page {
        items,
        meta: paging.meta(total),
    }))
}

fn with_etag(mut response: actix_web::HttpResponseBuilder, structure: &Structure) -> HttpResponse {
    response
        .insert_header((header::ETAG, etag(structure.version)))
        .json(structure)
}

/// Read a structure.
///
/// The structure with its managing body's name, its department and region names and its competence.
/// A structure outside your scope answers 404, as if it did not exist.
#[utoipa::path(
    tag = "structures",
    params(("finess" = String, Path, description = "FINESS ET.", example = "590000011")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The structure.", body = Structure,
            headers(("ETag" = String, description = "Version, for `If-Match`"))),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such structure in your scope.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/structures/{finess}")]
pub async fn get_structure(
    principal: Principal,
    state: web::Data<AppState>,
    finess: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let finess = finess.into_inner();
    let structure = state
        .db(move |conn| service::get(conn, &principal, &finess))
        .await?;
    Ok(with_etag(HttpResponse::Ok(), &structure))
}

/// Create a structure.
///
/// `national` anywhere; `ars` in its region, for categories under ARS or joint competence. The FINESS
/// has 9 characters: digits, except `2A`/`2B` as the first two (Corsica). The competence is derived
/// from the category's funder and the region from the department: neither is sent. The managing body
/// must exist (`POST /api/v1/organisations`). Every invalid field is listed in one 422 answer.
#[utoipa::path(
    tag = "structures",
    request_body = StructureCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created.", body = Structure,
            headers(("ETag" = String, description = "Version, for `If-Match`"),
                    ("Location" = String, description = "URL of the structure"))),
        (status = 400, description = "Unreadable body (unknown field, such as `competence`, or missing field).",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your role cannot create structures, or not in this region or competence.",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A structure with this FINESS exists (`already_exists`).", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `errors` lists every one.", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:validation_failed", "title": "Données invalides", "status": 422,
                "detail": "2 champ(s) invalide(s) : rien n'a été enregistré.", "code": "validation_failed",
                "errors": [
                    {"path": "/finess", "code": "invalid_finess",
                     "message": "Un numéro FINESS compte 9 caractères : des chiffres, sauf 2A ou 2B en tête pour la Corse."},
                    {"path": "/category", "code": "unknown_category",
                     "message": "La catégorie « 999 » est inconnue : donnez un code de catégorie (ehpad), un code FINESS de catégorie (500) ou un alias accepté (437)."}]})),
    )
)]
#[post("/structures")]
pub async fn create_structure(
    principal: Principal,
    state: web::Data<AppState>,
    body: web::Json<StructureCreate>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let structure = state
        .db_write(move |conn| service::create(conn, &principal, &input))
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/structures/{}", structure.finess),
    ));
    Ok(with_etag(response, &structure))
}

/// Replace a structure.
///
/// Same rules as the creation; requires `If-Match` with the structure's `ETag` (428 without, 412 when
/// another change came first). A structure outside your scope answers 404; a visible one you may not
/// change answers 403.
#[utoipa::path(
    tag = "structures",
    params(
        ("finess" = String, Path, description = "FINESS ET.", example = "590000011"),
        ("If-Match" = String, Header, description = "The `ETag` of the version you change, e.g. `\"3\"`."),
    ),
    request_body = StructureUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The structure after the change.", body = Structure,
            headers(("ETag" = String, description = "New version"))),
        (status = 400, description = "Unreadable body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "You may see this structure but not change it (or not move it there).",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such structure in your scope.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale `If-Match`: reload the structure.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `errors` lists every one.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/structures/{finess}")]
pub async fn update_structure(
    principal: Principal,
    state: web::Data<AppState>,
    req: HttpRequest,
    finess: web::Path<String>,
    body: web::Json<StructureUpdate>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::preconditions::if_match(&req);
    let (finess, input) = (finess.into_inner(), body.into_inner());
    let structure = state
        .db_write(move |conn| service::update(conn, &principal, &finess, if_match, &input))
        .await?;
    Ok(with_etag(HttpResponse::Ok(), &structure))
}
