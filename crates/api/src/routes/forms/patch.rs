//! `PATCH …/form`.

use actix_web::{HttpRequest, HttpResponse, patch, web};
use tdb_domain::contract::{FormDocument, FormPatch, Problem};

use super::{FormPath, body_response};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::preconditions::if_match;
use crate::services::forms;
use crate::state::AppState;

/// Write values of a form.
///
/// Sets the listed items (null empties one) and leaves the others. Every value is validated by the
/// catalogue's rules; any rejected value — or a missing reason for overriding a value pushed by
/// `cnsa_errd` or `cpom` — fails the whole request with every bad field listed, and nothing is written.
/// Values pushed by `finess` or `cnsa_galaad` are locked (409 `item_locked`). Each changed value is
/// stored with source `saisie`, the caller as author and its version + 1, and appended to the audit
/// log in the same transaction as the form's version bump and its recomputed completion; unchanged
/// values are neither rewritten nor audited. The first write moves the form from `non_commence` to
/// `en_cours`.
///
/// `If-Match` is required: the form's `ETag` (the version the change was made on), or `*` to write
/// over whatever version is current. The answer is the recomputed form, with its new `ETag`.
///
/// Roles `esms` and `og` (others: 403). Allowed in phase `collecte` while the form is `non_commence`,
/// `en_cours` or `correction_demandee`, and in `fiabilisation` when it is `correction_demandee`.
#[utoipa::path(
    tag = "forms",
    params(
        ("year" = i32, Path, description = "Campaign year N.", example = 2024),
        ("finess" = String, Path, description = "FINESS ET of the structure.", example = "590000011"),
        ("If-Match" = String, Header, description = "ETag of the version being changed (`\"3\"`), or `*` \
            (RFC 9110: any current version, also before the first write). A stale or weak tag answers 412."),
    ),
    request_body = FormPatch,
    responses(
        (status = 200, description = "The form after the change.", body = FormDocument,
            headers(("ETag" = String, description = "New version of the form"))),
        (status = 400, description = "The body is not a JSON patch.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid bearer token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's role does not write forms.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown campaign or structure outside the caller's scope.", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "`form_not_editable` (state), `campaign_phase` (phase) or `item_locked`.",
            body = Problem, content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:item_locked", "title": "Action impossible dans l'état actuel",
                "status": 409, "code": "item_locked",
                "detail": "Valeurs verrouillées (transmises par FINESS ou la CNSA) : places_installees_hp. Une correction passe par la source, ou par un déverrouillage de l'autorité."})),
        (status = 412, description = "`If-Match` is stale (`stale_version`): reload the form.", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid values or reasons; `errors` lists every one.", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "urn:tdb:problem:validation_failed", "title": "Données invalides", "status": 422,
                "detail": "2 champ(s) invalide(s) : rien n'a été enregistré.", "code": "validation_failed",
                "errors": [
                    {"path": "/values/places_financees_hp", "code": "negative", "message": "La valeur doit être positive ou nulle."},
                    {"path": "/reasons/resultat_comptable", "code": "reason_required",
                     "message": "Cette valeur a été transmise par un partenaire : indiquez pourquoi vous la modifiez (10 caractères au moins)."}
                ]})),
        (status = 428, description = "`If-Match` is missing (`if_match_required`).", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/campaigns/{year}/structures/{finess}/form")]
pub async fn patch_form(
    principal: Principal,
    state: web::Data<AppState>,
    path: FormPath,
    req: HttpRequest,
    body: web::Json<FormPatch>,
) -> Result<HttpResponse, ApiError> {
    let (year, finess) = path.into_inner();
    let condition = if_match(&req).required()?;
    let gate = state.pool.write_gate();
    let patched = state
        .db(move |conn| forms::patch(conn, &gate, &principal, (year, &finess), &condition, &body))
        .await?;
    Ok(body_response(forms::publish(&state.forms, year, patched)?))
}
