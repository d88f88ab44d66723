//! `PATCH …/form`.

use actix_web::http::header::{ETag, EntityTag};
use actix_web::{HttpRequest, HttpResponse, patch, web};
use serde::Serialize;
use std::sync::Arc;
use tdb_domain::contract::{FormDocument, FormPatch, FormPatchSummary, Problem};
use utoipa::ToSchema;

use super::{FormPath, body_response};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::routes::preconditions::if_match;
use crate::services::forms;
use crate::state::AppState;

/// The answer of a patch: the whole form, or its summary when the client prefers `return=minimal`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PatchAnswer {
    /// The form after the change (default).
    Document(Box<FormDocument>),
    /// What the change left (`Prefer: return=minimal`).
    Summary(Box<FormPatchSummary>),
}

/// Whether the request's `Prefer` headers (RFC 7240) ask for `return=minimal`.
fn prefers_minimal(req: &HttpRequest) -> bool {
    req.headers()
        .get_all("Prefer")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|preference| preference.split(';').next())
        .any(|p| {
            let p: String = p.chars().filter(|c| !c.is_whitespace()).collect();
            p.eq_ignore_ascii_case("return=minimal")
        })
}

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
/// over whatever version is current. The answer is the recomputed form, with its new `ETag`; with
/// `Prefer: return=minimal` (RFC 7240) it is its summary (`FormPatchSummary`: the named items as they
/// are now, the new version and state, completion and failing controls; `Preference-Applied:
/// return=minimal`), a few hundred bytes — the web app's choice, since it evaluates with its own engine.
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
        ("Prefer" = Option<String>, Header, description = "`return=minimal` (RFC 7240): answer the summary of \
            the change instead of the whole form.", example = "return=minimal"),
    ),
    request_body = FormPatch,
    responses(
        (status = 200, description = "The form after the change, or its summary with `Prefer: return=minimal`.",
            body = PatchAnswer,
            headers(("ETag" = String, description = "New version of the form"),
                ("Preference-Applied" = String, description = "`return=minimal` when the summary is answered"))),
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
    let minimal = prefers_minimal(&req);
    let requested: Vec<String> = body.values.keys().cloned().collect();
    let gate = state.pool.write_gate();
    let cache = Arc::clone(&state.forms);
    let patched = state
        .db(move |conn| {
            forms::patch(
                conn,
                (&gate, &cache),
                &principal,
                (year, &finess),
                &condition,
                &body,
            )
        })
        .await?;
    if !minimal {
        return Ok(body_response(forms::publish(&state.forms, year, patched)?));
    }
    let summary = patched.parts.summary(requested.iter().map(String::as_str));
    forms::keep(&state.forms, year, patched)?;
    Ok(HttpResponse::Ok()
        .insert_header(ETag(EntityTag::new_strong(summary.version.to_string())))
        .insert_header(("Preference-Applied", "return=minimal"))
        .json(summary))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::prefers_minimal;

    #[test]
    fn return_minimal_is_found_among_other_preferences() {
        let asks = |values: &[&str]| {
            let mut request = TestRequest::patch();
            for v in values {
                request = request.append_header(("Prefer", *v));
            }
            prefers_minimal(&request.to_http_request())
        };
        assert!(asks(&["return=minimal"]));
        assert!(asks(&["respond-async, Return = Minimal; foo=bar"]));
        assert!(asks(&["wait=10", "return=minimal"]));
        assert!(!asks(&[]));
        assert!(!asks(&["return=representation"]));
        assert!(!asks(&["return=minimalist"]));
    }
}
