//! Closed sets stored as text, read outside a row struct (tuples, group-bys): the same `TryFrom<String>`
//! as the rows' `#[diesel(deserialize_as = String)]` fields, so an unknown stored code is a
//! deserialization error on both backends, never a panic.

use diesel::QueryResult;
use diesel::result::Error;

/// The value of a stored `code`.
pub fn parse<T>(code: String) -> QueryResult<T>
where
    T: TryFrom<String>,
    T::Error: std::error::Error + Send + Sync + 'static,
{
    T::try_from(code).map_err(|e| Error::DeserializationError(Box::new(e)))
}
