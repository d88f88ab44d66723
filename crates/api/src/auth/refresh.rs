//! Refresh tokens: random values (32 bytes from the operating system, base64url) handed to the browser
//! in a cookie, and the SHA-256 under which the database keeps them.
//!
//! A plain SHA-256 is the right hash here: the token is 256 random bits, so it cannot be guessed or
//! brute-forced from its hash (a slow password hash would only add work to every refresh).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Random bytes in a refresh token.
pub const TOKEN_BYTES: usize = 32;

/// Longest cookie value looked at (a token is 43 characters); longer values are refused unhashed.
pub const MAX_TOKEN_LEN: usize = 128;

/// A new refresh token: its value (for the cookie) and its hash (for the database).
#[derive(Clone, PartialEq, Eq)]
pub struct NewRefreshToken {
    /// The value sent to the browser, once.
    pub value: String,
    /// SHA-256 of `value`, hex.
    pub hash: String,
}

impl std::fmt::Debug for NewRefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewRefreshToken")
            .field("value", &"***")
            .field("hash", &self.hash)
            .finish()
    }
}

/// Why no random value could be drawn.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random generator failed: {0}")]
pub struct RandomError(String);

fn random_b64(bytes: usize) -> Result<String, RandomError> {
    let mut buf = vec![0_u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| RandomError(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(&buf))
}

/// Draws a new refresh token.
pub fn generate() -> Result<NewRefreshToken, RandomError> {
    let value = random_b64(TOKEN_BYTES)?;
    let hash = hash(&value);
    Ok(NewRefreshToken { value, hash })
}

/// A new session family identifier (16 random bytes, base64url).
pub fn new_family_id() -> Result<String, RandomError> {
    random_b64(16)
}

/// SHA-256 of a presented token, hex (what the database is searched by).
pub fn hash(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a.value, b.value);
        assert_eq!(a.value.len(), 43, "32 bytes in base64url without padding");
        assert_eq!(a.hash, hash(&a.value));
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.value));
        assert!(!format!("{a:?}").contains(&a.value), "Debug hides the value");
    }
}
