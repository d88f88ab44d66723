//! JSON imports: `{"source"?, "rows": [{"finess", "values": {item: value}}]}` into rows.

use tdb_domain::contract::ImportRequest;

use super::rows::{ImportRow, Interner};
use crate::error::{ApiError, ProblemCode};

/// The rows of a JSON body (row numbers are indices in `rows`, from 0) and the source it names.
pub fn parse(body: &[u8]) -> Result<(Option<String>, Vec<ImportRow>), ApiError> {
    let request: ImportRequest = serde_json::from_slice(body).map_err(|e| ApiError::BadRequest {
        code: ProblemCode::MalformedJson,
        detail: format!("Le corps JSON est illisible : {e}"),
    })?;
    let mut interner = Interner::default();
    let rows = request
        .rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| ImportRow {
            row: index as u64,
            finess: row.finess,
            values: row
                .values
                .into_iter()
                .map(|(item, value)| (interner.get(&item), value))
                .collect(),
            unreadable: Vec::new(),
        })
        .collect();
    Ok((request.source, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_numbered_from_zero_and_keep_their_values() {
        let body = br#"{"source": "cnsa_errd", "rows": [
            {"finess": "590000011", "values": {"a": 1, "b": null}},
            {"finess": "750000011", "values": {}}
        ]}"#;
        let (source, rows) = parse(body).unwrap_or_default();
        assert_eq!(source.as_deref(), Some("cnsa_errd"));
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1].row, rows[1].finess.as_str()), (1, "750000011"));
        assert_eq!(rows[0].values.len(), 2);
        assert!(rows[0].values.iter().any(|(k, v)| &**k == "b" && v.is_null()));
    }

    #[test]
    fn unknown_fields_and_bad_json_are_malformed() {
        for body in [
            &b"{"[..],
            br#"{"rows": [], "extra": 1}"#,
            br#"{"rows": [{"finess": 1, "values": {}}]}"#,
        ] {
            assert_eq!(
                parse(body).map_err(|e| e.code().as_str()).err(),
                Some("malformed_json")
            );
        }
    }
}
