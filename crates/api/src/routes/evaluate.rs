//! `POST /api/v1/evaluate`: evaluate a form without storing anything.

use actix_web::{post, web};
use tdb_domain::contract::{EvaluateRequest, EvaluationResult, FieldError, Problem};
use tdb_domain::{EvaluateError, evaluate_request};

use crate::error::{ApiError, ProblemCode};

/// Evaluate a form.
///
/// Computes, for the given category, campaign and raw values, exactly what tdb computes for a stored
/// form (catalogue.md §9): every indicator with its status, value and explanation, the completion rate
/// (overall and per axis), the coherence controls (with the year-over-year control when
/// `previous_values` is given), the submission readiness and the values ignored because their item does
/// not apply. Nothing is stored. Public: no authentication.
///
/// Every invalid value (wrong type, out of bounds, too many decimals, unknown item code) is listed in a
/// single 422 answer, with the JSON pointer of the value (`/values/<item>` or `/previous_values/<item>`).
#[utoipa::path(
    tag = "catalogue",
    request_body = EvaluateRequest,
    responses(
        (status = 200, description = "The evaluation of the form.", body = EvaluationResult),
        (status = 400, description = "The body is not a JSON evaluation request.", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "Unknown category (`unknown_category`) or campaign not covered \
            (`campaign_not_covered`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are invalid; `errors` lists every one.", body = Problem,
            content_type = "application/problem+json",
            example = json!({
                "type": "urn:tdb:problem:validation_failed", "title": "Données invalides", "status": 422,
                "detail": "1 champ(s) invalide(s) : rien n'a été enregistré.", "code": "validation_failed",
                "errors": [{"path": "/values/places_financees_hp", "code": "negative",
                            "message": "La valeur doit être positive ou nulle."}]
            })),
    )
)]
#[post("/evaluate")]
pub async fn evaluate(request: web::Json<EvaluateRequest>) -> Result<web::Json<EvaluationResult>, ApiError> {
    evaluate_request(&request).map(web::Json).map_err(evaluate_error)
}

fn evaluate_error(error: EvaluateError) -> ApiError {
    match error {
        EvaluateError::UnknownCategory { category } => ApiError::NotFound {
            code: ProblemCode::UnknownCategory,
            detail: format!(
                "La catégorie « {category} » est inconnue : donnez un code de catégorie (ehpad), \
                 un code de catégorie FINESS (500) ou un alias accepté (437)."
            ),
        },
        EvaluateError::CampaignNotCovered { campaign } => {
            ApiError::from(tdb_domain::CatalogueError::CampaignNotCovered {
                campaign,
                first: tdb_domain::FIRST_CAMPAIGN,
                last: tdb_domain::LAST_CAMPAIGN,
            })
        }
        EvaluateError::Catalogue(e) => ApiError::Internal(e.to_string()),
        EvaluateError::InvalidValues(rejected) => ApiError::Validation(
            rejected
                .iter()
                .map(|r| FieldError {
                    path: r.path(),
                    code: serde_json::to_value(r.error.code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_else(|| "invalid_value".to_owned()),
                    message: r.error.message.clone(),
                })
                .collect(),
        ),
    }
}
