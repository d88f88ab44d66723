//! Extractor settings: malformed JSON, query strings and paths become problem+json errors.

use actix_web::{HttpRequest, error, web};

use crate::error::{ApiError, ProblemCode};

/// Registers the error handlers of the JSON, form, query and path extractors.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(16 * 1024 * 1024)
            .error_handler(json_error),
    )
    .app_data(web::FormConfig::default().error_handler(form_error))
    .app_data(web::QueryConfig::default().error_handler(query_error))
    .app_data(web::PathConfig::default().error_handler(path_error));
}

fn json_error(err: error::JsonPayloadError, _req: &HttpRequest) -> error::Error {
    let (code, detail) = match &err {
        error::JsonPayloadError::ContentType => (
            ProblemCode::UnsupportedMediaType,
            "Le corps de la requête doit être en JSON (application/json).".to_owned(),
        ),
        error::JsonPayloadError::Overflow { .. } | error::JsonPayloadError::OverflowKnownLength { .. } => {
            return ApiError::PayloadTooLarge(
                "Le corps JSON dépasse la taille acceptée (16 Mio).".to_owned(),
            )
            .into();
        }
        other => (
            ProblemCode::MalformedJson,
            format!("Le corps JSON est illisible : {other}"),
        ),
    };
    ApiError::BadRequest { code, detail }.into()
}

fn form_error(err: error::UrlencodedError, _req: &HttpRequest) -> error::Error {
    ApiError::BadRequest {
        code: ProblemCode::MalformedForm,
        detail: format!("Le formulaire envoyé est illisible : {err}"),
    }
    .into()
}

fn query_error(err: error::QueryPayloadError, _req: &HttpRequest) -> error::Error {
    ApiError::BadRequest {
        code: ProblemCode::InvalidQuery,
        detail: format!("Paramètres de requête invalides : {err}"),
    }
    .into()
}

fn path_error(err: error::PathError, _req: &HttpRequest) -> error::Error {
    ApiError::BadRequest {
        code: ProblemCode::InvalidPath,
        detail: format!("Chemin invalide : {err}"),
    }
    .into()
}
