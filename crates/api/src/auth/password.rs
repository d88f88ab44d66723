//! argon2id hashing of passwords and client secrets (PHC strings; the clear text is never stored).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

/// Hashes a secret with argon2id and a random salt.
pub fn hash(secret: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(secret.as_bytes(), &salt)?
        .to_string())
}

/// Whether `secret` matches the PHC string `hash` (false on a malformed hash).
pub fn verify(hash: &str, secret: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of nothing anyone knows, verified when an account does not exist, so that a missing account
/// takes as long to refuse as a wrong password.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$5hhYbrY0JcrJGFk3Cqw3pW3R4N1k4t6hQF5pTm3YHTk"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_never_contain_the_secret() {
        let hashed = hash("correct horse battery staple").unwrap();
        assert!(hashed.starts_with("$argon2id$"));
        assert!(!hashed.contains("correct horse"));
        assert!(verify(&hashed, "correct horse battery staple"));
        assert!(!verify(&hashed, "Correct horse battery staple"));
        assert!(!verify("not a hash", "x"));
        assert!(!verify(dummy_hash(), ""));
    }

    #[test]
    fn the_same_secret_gets_a_different_salt_each_time() {
        assert_ne!(hash("s3cret-s3cret").unwrap(), hash("s3cret-s3cret").unwrap());
    }
}
