//! Access tokens: HS256 JWT, algorithm pinned, `iss`/`aud`/`exp` always checked.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::verified::{self, Known, VerifiedTokens};
use crate::config::Secret;
use tdb_domain::contract::Role;

/// Issuer of every tdb token.
pub const ISSUER: &str = "tdb";
/// Audience of the API's access tokens.
pub const AUDIENCE: &str = "tdb-api";
/// Lifetime of an access token by default, in seconds (`TDB_ACCESS_TOKEN_SECONDS` sets the server's).
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;

/// What an access token says about its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer (`tdb`).
    pub iss: String,
    /// Audience (`tdb-api`).
    pub aud: String,
    /// Subject: a user's email or a partner client's id.
    pub sub: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// Role of the holder.
    pub role: Role,
    /// Structures of an `esms` user (FINESS ET).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub structures: Vec<String>,
    /// Managing body of an `og` user (FINESS EJ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Region of an `ars` user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Department of a `cd` user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Scopes of a partner client (`read`, `prefill:write`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Prefill source bound to a partner client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The token has expired.
    #[error("token expired")]
    Expired,
    /// Bad signature, algorithm, issuer, audience or shape.
    #[error("invalid token: {0}")]
    Invalid(String),
}

/// Signs and verifies access tokens with the server's secret.
#[derive(Clone)]
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime_seconds: i64,
    verified: Arc<VerifiedTokens<Claims>>,
}

impl TokenService {
    /// A service keyed by `secret`, issuing tokens of [`ACCESS_TOKEN_SECONDS`].
    pub fn new(secret: &Secret) -> Self {
        Self::with_lifetime(secret, ACCESS_TOKEN_SECONDS)
    }

    /// A service keyed by `secret`, issuing tokens valid for `lifetime_seconds`.
    pub fn with_lifetime(secret: &Secret, lifetime_seconds: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation,
            lifetime_seconds,
            verified: Arc::new(VerifiedTokens::new(verified::CAPACITY)),
        }
    }

    /// Lifetime of the tokens this service issues, in seconds (a login's `expires_in`).
    pub fn lifetime_seconds(&self) -> i64 {
        self.lifetime_seconds
    }

    /// Claims for `sub` with `role`, valid from now for this service's lifetime.
    pub fn claims(&self, sub: impl Into<String>, role: Role) -> Claims {
        let mut claims = Claims::new(sub, role);
        claims.exp = claims.iat + self.lifetime_seconds;
        claims
    }

    /// Signs `claims`.
    pub fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| TokenError::Invalid(e.to_string()))
    }

    /// Verifies a token and returns its claims (a token verified before by this process: only its
    /// expiry is checked again, see [`verified`]).
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let now = chrono::Utc::now().timestamp();
        let leeway = i64::try_from(self.validation.leeway).unwrap_or(0);
        match self.verified.get(token, now) {
            Known::Valid(claims) => return Ok(claims),
            Known::Expired => return Err(TokenError::Expired),
            Known::Unknown => {}
        }
        let claims = self.check(token, now, leeway)?;
        // Valid until `exp` with the leeway, as `jsonwebtoken` judges it.
        self.verified
            .keep(token, claims.exp.saturating_add(leeway), &claims, now);
        Ok(claims)
    }

    /// Checks the signature, algorithm, issuer, audience, times and lifetime of `token` at `now`.
    fn check(&self, token: &str, now: i64, leeway: i64) -> Result<Claims, TokenError> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid(e.to_string()),
            })?;
        // A token issued in the future, or living longer than an access token may (a forged or
        // misconfigured 10-year token), is refused even when its signature holds. The longest life is
        // this server's configured lifetime, or the default one when that is shorter (tokens minted by
        // `tdb token` keep working on a server configured with short-lived tokens).
        if claims.iat > now + leeway {
            return Err(TokenError::Invalid("issued in the future".to_owned()));
        }
        let longest = self.lifetime_seconds.max(ACCESS_TOKEN_SECONDS);
        if claims.exp - claims.iat > longest + leeway {
            return Err(TokenError::Invalid("lifetime above the maximum".to_owned()));
        }
        Ok(claims)
    }
}

impl Claims {
    /// Claims for `sub` with `role`, valid from now for [`ACCESS_TOKEN_SECONDS`]; scopes empty.
    pub fn new(sub: impl Into<String>, role: Role) -> Self {
        let now = chrono::Utc::now().timestamp();
        Self {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: sub.into(),
            iat: now,
            exp: now + ACCESS_TOKEN_SECONDS,
            role,
            structures: Vec::new(),
            organisation: None,
            region: None,
            department: None,
            scopes: Vec::new(),
            source: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(secret: &str) -> TokenService {
        TokenService::new(&Secret::new(secret))
    }

    #[test]
    fn a_configured_lifetime_longer_than_the_default_is_accepted_and_capped() {
        let svc = TokenService::with_lifetime(&Secret::new("key-one-key-one-key-one-key-one-xx"), 3600);
        let claims = svc.claims("alice@example.fr", Role::Ars);
        assert_eq!(svc.verify(&svc.sign(&claims).unwrap()), Ok(claims.clone()));
        let mut longer = claims;
        longer.exp = longer.iat + 3600 * 24;
        assert!(matches!(
            svc.verify(&svc.sign(&longer).unwrap()),
            Err(TokenError::Invalid(_))
        ));
    }

    #[test]
    fn a_signed_token_verifies_with_the_same_key_only() {
        let claims = Claims::new("alice@example.fr", Role::Ars);
        let token = service("key-one-key-one-key-one-key-one-xx")
            .sign(&claims)
            .unwrap();
        assert_eq!(
            service("key-one-key-one-key-one-key-one-xx")
                .verify(&token)
                .unwrap(),
            claims
        );
        assert!(matches!(
            service("key-two-key-two-key-two-key-two-xx").verify(&token),
            Err(TokenError::Invalid(_))
        ));
    }

    #[test]
    fn expired_tokens_are_refused() {
        let mut claims = Claims::new("alice@example.fr", Role::Ars);
        claims.iat -= 3600;
        claims.exp = claims.iat + 60;
        let svc = service("key-one-key-one-key-one-key-one-xx");
        assert_eq!(svc.verify(&svc.sign(&claims).unwrap()), Err(TokenError::Expired));
    }

    #[test]
    fn another_algorithm_or_audience_is_refused() {
        let claims = Claims::new("alice@example.fr", Role::National);
        let key = EncodingKey::from_secret(b"key-one-key-one-key-one-key-one-xx");
        let hs512 = encode(&Header::new(Algorithm::HS512), &claims, &key).unwrap();
        let svc = service("key-one-key-one-key-one-key-one-xx");
        assert!(matches!(svc.verify(&hs512), Err(TokenError::Invalid(_))));
        let mut other_audience = claims.clone();
        other_audience.aud = "another-api".to_owned();
        assert!(matches!(
            svc.verify(&svc.sign(&other_audience).unwrap()),
            Err(TokenError::Invalid(_))
        ));
        let mut other_issuer = claims;
        other_issuer.iss = "someone-else".to_owned();
        assert!(matches!(
            svc.verify(&svc.sign(&other_issuer).unwrap()),
            Err(TokenError::Invalid(_))
        ));
    }

    #[test]
    fn unsigned_tokens_are_refused() {
        let svc = service("key-one-key-one-key-one-key-one-xx");
        let token = svc.sign(&Claims::new("mallory", Role::National)).unwrap();
        let mut parts = token.split('.');
        let (_, payload) = (parts.next().unwrap(), parts.next().unwrap());
        let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        assert!(svc.verify(&format!("{none_header}.{payload}.")).is_err());
    }
}
