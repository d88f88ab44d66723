//! The access tokens this process has already verified, with what they say.
//!
//! A bearer sends the same token with every request of its life (15 minutes by default); verifying it
//! again each time (HMAC-SHA-256 over the token, two JSON decodings) was a fifth of the server's work in
//! a form read (docs/forms.md). Only tokens that passed every check are kept, keyed by their exact
//! text, so another or altered token is never found here; the one check that changes with time, the
//! expiry, is made again at each use. Bounded: when full, expired entries go, then all of them.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// How many verified tokens a process keeps (about 2 MB at most).
pub const CAPACITY: usize = 4096;

/// What is known of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known<T> {
    /// Verified, and not expired: what it says.
    Valid(T),
    /// Verified, but expired since.
    Expired,
    /// Not verified here.
    Unknown,
}

/// Verified tokens, each with its deadline (the last second it is valid) and what it says.
#[derive(Debug)]
pub struct VerifiedTokens<T> {
    capacity: usize,
    inner: Mutex<HashMap<Box<str>, (i64, T)>>,
}

impl<T: Clone> VerifiedTokens<T> {
    /// Keeps at most `capacity` tokens.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(HashMap::new()),
        }
    }

    /// What is known of `token` at `now` (Unix seconds).
    pub fn get(&self, token: &str, now: i64) -> Known<T> {
        let mut tokens = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let Some((deadline, said)) = tokens.get(token) else {
            return Known::Unknown;
        };
        if now > *deadline {
            tokens.remove(token);
            return Known::Expired;
        }
        Known::Valid(said.clone())
    }

    /// Keeps `token`, verified at `now`, valid until `deadline` included, with what it `said`.
    pub fn keep(&self, token: &str, deadline: i64, said: &T, now: i64) {
        if self.capacity == 0 {
            return;
        }
        let mut tokens = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if tokens.len() >= self.capacity {
            tokens.retain(|_, (deadline, _)| now <= *deadline);
            if tokens.len() >= self.capacity {
                tokens.clear();
            }
        }
        tokens.insert(token.into(), (deadline, said.clone()));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_token_is_found_by_its_exact_text_until_it_expires() {
        let verified = VerifiedTokens::new(8);
        verified.keep("a.b.c", 1_005, &"claims", 900);
        assert_eq!(verified.get("a.b.c", 950), Known::Valid("claims"));
        assert_eq!(verified.get("a.b.C", 950), Known::Unknown);
        assert_eq!(verified.get("a.b.c ", 950), Known::Unknown);
        // Valid through its deadline, expired after it, and then forgotten.
        assert_eq!(verified.get("a.b.c", 1_005), Known::Valid("claims"));
        assert_eq!(verified.get("a.b.c", 1_006), Known::Expired);
        assert_eq!(verified.get("a.b.c", 1_006), Known::Unknown);
    }

    #[test]
    fn when_full_expired_tokens_go_first_then_all() {
        let verified = VerifiedTokens::new(3);
        verified.keep("old", 100, &0, 50);
        verified.keep("live-1", 1_000, &1, 50);
        verified.keep("live-2", 1_000, &2, 50);
        verified.keep("new", 1_000, &3, 500);
        assert_eq!(verified.len(), 3);
        assert_eq!(verified.get("old", 500), Known::Unknown);
        assert_eq!(verified.get("live-1", 500), Known::Valid(1));
        verified.keep("newest", 1_000, &4, 500);
        assert_eq!(verified.len(), 1);
        assert_eq!(verified.get("newest", 500), Known::Valid(4));
        let none = VerifiedTokens::new(0);
        none.keep("t", 1_000, &5, 0);
        assert_eq!(none.get("t", 0), Known::Unknown);
    }
}
