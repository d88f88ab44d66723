//! The territory of a peer group: `national`, `region:<code>` or `department:<code>`.

use std::fmt;

use tdb_domain::contract::FieldError;

/// A territory level and its code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Territory {
    /// Every structure.
    National,
    /// One region (INSEE code).
    Region(String),
    /// One department (INSEE code).
    Department(String),
}

impl Territory {
    /// Reads `national`, `region:<code>` or `department:<code>`; the error names `path`.
    pub fn parse(text: &str, path: &str) -> Result<Self, FieldError> {
        let code_ok = |c: &str| !c.is_empty() && c.len() <= 3 && c.bytes().all(|b| b.is_ascii_alphanumeric());
        match text.split_once(':') {
            None if text == "national" => Ok(Self::National),
            Some(("region", code)) if code_ok(code) => Ok(Self::Region(code.to_owned())),
            Some(("department", code)) if code_ok(code) => Ok(Self::Department(code.to_owned())),
            _ => Err(FieldError {
                path: path.to_owned(),
                code: "invalid_territory".to_owned(),
                message: "Le territoire s'écrit « national », « region:<code> » ou « department:<code> »."
                    .to_owned(),
            }),
        }
    }
}

impl fmt::Display for Territory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::National => f.write_str("national"),
            Self::Region(code) => write!(f, "region:{code}"),
            Self::Department(code) => write!(f, "department:{code}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_three_levels() {
        for text in ["national", "region:32", "department:2A"] {
            assert_eq!(
                Territory::parse(text, "/query/territory").map(|t| t.to_string()),
                Ok(text.to_owned())
            );
        }
        for bad in ["", "region:", "commune:59350", "department:5 9", "nationale"] {
            let error = Territory::parse(bad, "/query/territory").err();
            assert_eq!(
                error.map(|e| (e.path, e.code)),
                Some(("/query/territory".to_owned(), "invalid_territory".to_owned()))
            );
        }
    }
}
