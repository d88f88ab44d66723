//! The access tokens this process has already verified, with their claims.
//!
//! A bearer sends the same token with every request of its life (15 minutes by default); verifying it
//! again each time (HMAC-SHA-256 over the token, two JSON decodings) was a fifth of the server's work in
//! a form read (docs/forms.md). Only tokens that passed every check are kept, keyed by their exact
//! text, so another or altered token is never found here; the one check that changes with time, the
//! expiry, is made again at each use. Bounded: when full, expired entries go, then all of them.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::token::{Claims, TokenError};

/// How many verified tokens a process keeps (about 2 MB at most).
pub const CAPACITY: usize = 4096;

/// Verified tokens and their claims (shared by every clone of the token service).
#[derive(Debug)]
pub struct VerifiedTokens {
    capacity: usize,
    inner: Mutex<HashMap<Box<str>, Claims>>,
}

impl VerifiedTokens {
    /// Keeps at most `capacity` tokens.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(HashMap::new()),
        }
    }

    /// The claims of `token` if it was verified, checked for expiry at `now` (Unix seconds) with
    /// `leeway` seconds; `None` when it was not verified here.
    pub fn get(&self, token: &str, now: i64, leeway: i64) -> Option<Result<Claims, TokenError>> {
        let mut tokens = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let claims = tokens.get(token)?;
        if now > claims.exp.saturating_add(leeway) {
            tokens.remove(token);
            return Some(Err(TokenError::Expired));
        }
        Some(Ok(claims.clone()))
    }

    /// Keeps `token`, verified at `now`, with its `claims`.
    pub fn keep(&self, token: &str, claims: &Claims, now: i64, leeway: i64) {
        if self.capacity == 0 {
            return;
        }
        let mut tokens = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if tokens.len() >= self.capacity {
            tokens.retain(|_, c| now <= c.exp.saturating_add(leeway));
            if tokens.len() >= self.capacity {
                tokens.clear();
            }
        }
        tokens.insert(token.into(), claims.clone());
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn claims(exp: i64) -> Claims {
        Claims {
            exp,
            ..Claims::new("someone@example.fr", Role::Esms)
        }
    }

    #[test]
    fn a_kept_token_is_found_by_its_exact_text_until_it_expires() {
        let verified = VerifiedTokens::new(8);
        let kept = claims(1_000);
        verified.keep("a.b.c", &kept, 900, 5);
        assert_eq!(verified.get("a.b.c", 950, 5), Some(Ok(kept.clone())));
        assert_eq!(verified.get("a.b.C", 950, 5), None);
        assert_eq!(verified.get("a.b.c ", 950, 5), None);
        // Valid through the leeway, expired after it, and then forgotten.
        assert_eq!(verified.get("a.b.c", 1_005, 5), Some(Ok(kept)));
        assert_eq!(verified.get("a.b.c", 1_006, 5), Some(Err(TokenError::Expired)));
        assert_eq!(verified.get("a.b.c", 1_006, 5), None);
    }

    #[test]
    fn when_full_expired_tokens_go_first_then_all() {
        let verified = VerifiedTokens::new(3);
        verified.keep("old", &claims(100), 50, 0);
        verified.keep("live-1", &claims(1_000), 50, 0);
        verified.keep("live-2", &claims(1_000), 50, 0);
        verified.keep("new", &claims(1_000), 500, 0);
        assert_eq!(verified.len(), 3);
        assert_eq!(verified.get("old", 500, 0), None);
        assert!(verified.get("live-1", 500, 0).is_some());
        verified.keep("newest", &claims(1_000), 500, 0);
        assert_eq!(verified.len(), 1);
        assert!(verified.get("newest", 500, 0).is_some());
        let none = VerifiedTokens::new(0);
        none.keep("t", &claims(1_000), 0, 0);
        assert_eq!(none.get("t", 0, 0), None);
    }
}
