//! The [`Principal`] extractor: every protected handler takes the caller, resolved once per request
//! from its `Authorization: Bearer` token (401 without a valid one).

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::auth::Principal;
use crate::auth::token::TokenError;
use crate::error::{ApiError, ProblemCode};
use crate::state::AppState;

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

/// The caller of `req`, from its bearer token verified by the application's token service.
fn authenticate(req: &HttpRequest) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("application state missing".to_owned()))?;
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthenticated {
            code: ProblemCode::Unauthenticated,
            detail: "Authentification requise.".to_owned(),
        })?;
    let token = header
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .ok_or_else(|| ApiError::Unauthenticated {
            code: ProblemCode::InvalidToken,
            detail: "L'en-tête Authorization doit être « Bearer <jeton> ».".to_owned(),
        })?;
    match state.tokens.verify(token.trim()) {
        Ok(claims) => Ok(Principal::from_claims(claims)),
        Err(TokenError::Expired) => Err(ApiError::Unauthenticated {
            code: ProblemCode::TokenExpired,
            detail: "Votre session a expiré : reconnectez-vous.".to_owned(),
        }),
        Err(TokenError::Invalid(_)) => Err(ApiError::Unauthenticated {
            code: ProblemCode::InvalidToken,
            detail: "Le jeton d'accès est invalide.".to_owned(),
        }),
    }
}
