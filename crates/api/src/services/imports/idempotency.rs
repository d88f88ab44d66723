//! `Idempotency-Key` of the import endpoint, stored in the database so that it holds across replicas:
//! the same key (per caller) with the same request answers the first answer again, without running the
//! import twice; with another request it is refused (422 `idempotency_key_reused`).

use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::repo::idempotency::{self, KeyRow};
use crate::error::{ApiError, ProblemCode};

/// Longest accepted key.
const MAX_KEY_CHARS: usize = 255;

/// A first answer to replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// HTTP status.
    pub status: u16,
    /// Body (JSON).
    pub body: String,
    /// Job of a `202` answer (its `Location`).
    pub job_id: Option<String>,
}

/// What a key allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First use: the key is reserved; complete or release it.
    Fresh,
    /// Seen with the same request: answer this again.
    Replay(Stored),
}

/// SHA-256 (hexadecimal) of what identifies a request: method, path and query, content type, body.
pub fn request_hash(method: &str, path_and_query: &str, content_type: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [
        method.as_bytes(),
        path_and_query.as_bytes(),
        content_type.as_bytes(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.update(body);
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Reserves `key` for `caller`, or says what to answer instead.
pub fn begin(conn: &mut DbConnection, caller: &str, key: &str, hash: &str) -> Result<Begin, ApiError> {
    if key.is_empty() || key.chars().count() > MAX_KEY_CHARS || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::BadRequest {
            code: ProblemCode::InvalidIdempotencyKey,
            detail: format!(
                "L'en-tête Idempotency-Key doit compter 1 à {MAX_KEY_CHARS} caractères ASCII visibles."
            ),
        });
    }
    let row = KeyRow {
        caller: caller.to_owned(),
        idempotency_key: key.to_owned(),
        body_hash: hash.to_owned(),
        status: None,
        response: None,
        job_id: None,
        created_at: super::now(),
    };
    for _ in 0..2 {
        if idempotency::reserve(conn, &row)? {
            return Ok(Begin::Fresh);
        }
        let Some(stored) = idempotency::find(conn, caller, key)? else {
            continue;
        };
        if stored.body_hash != hash {
            return Err(ApiError::Unprocessable {
                code: ProblemCode::IdempotencyKeyReused,
                detail:
                    "Cette clé d'idempotence a déjà servi pour une autre requête : utilisez une nouvelle clé."
                        .to_owned(),
            });
        }
        return match (stored.status, stored.response) {
            (Some(status), Some(body)) => Ok(Begin::Replay(Stored {
                status: u16::try_from(status).unwrap_or(500),
                body,
                job_id: stored.job_id,
            })),
            _ => Err(ApiError::Conflict {
                code: ProblemCode::IdempotencyKeyInProgress,
                detail: "Une requête avec cette clé d'idempotence est en cours : réessayez dans un instant."
                    .to_owned(),
            }),
        };
    }
    Err(ApiError::Internal(
        "idempotency key neither free nor stored".to_owned(),
    ))
}

/// Records the first answer of a reserved key.
pub fn complete(conn: &mut DbConnection, caller: &str, key: &str, answer: &Stored) -> Result<(), ApiError> {
    let status = i32::from(answer.status);
    Ok(idempotency::complete(
        conn,
        caller,
        key,
        status,
        &answer.body,
        answer.job_id.as_deref(),
    )?)
}

/// Frees a reserved key whose request failed.
pub fn release(conn: &mut DbConnection, caller: &str, key: &str) -> Result<(), ApiError> {
    Ok(idempotency::release(conn, caller, key)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_part_of_the_request() {
        let base = request_hash("POST", "/a?x=1", "text/csv", b"body");
        assert_eq!(base.len(), 64);
        assert_eq!(base, request_hash("POST", "/a?x=1", "text/csv", b"body"));
        assert_ne!(base, request_hash("POST", "/a?x=2", "text/csv", b"body"));
        assert_ne!(base, request_hash("POST", "/a?x=1", "application/json", b"body"));
        assert_ne!(base, request_hash("POST", "/a?x=1", "text/csv", b"bodz"));
        assert_ne!(
            request_hash("P", "OST", "", b""),
            request_hash("PO", "ST", "", b"")
        );
    }
}
