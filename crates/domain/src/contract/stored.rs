//! The closed sets a database keeps as text, read back and written: `TryFrom<String>` (an unknown code
//! is an [`UnknownCode`] error, never a panic) and `From<…> for String`, so a storage layer maps them
//! in one place.

use super::{ContractState, FormState, JobState};

/// A stored code outside its closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{code}`")]
pub struct UnknownCode {
    /// What the code should name (`form state`…).
    pub kind: &'static str,
    /// The code read.
    pub code: String,
}

/// Implements the two conversions of a closed set from its parser and its writer.
macro_rules! stored_code {
    ($($ty:ty: $kind:literal, $parse:path, $write:path;)*) => {$(
        impl TryFrom<String> for $ty {
            type Error = UnknownCode;

            fn try_from(code: String) -> Result<Self, UnknownCode> {
                $parse(&code).ok_or(UnknownCode { kind: $kind, code })
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                $write(value).to_owned()
            }
        }
    )*};
}

stored_code! {
    FormState: "form state", FormState::parse, FormState::as_str;
    ContractState: "contract state", ContractState::from_code, ContractState::code;
    JobState: "job state", JobState::parse, JobState::as_str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_codes_round_trip_and_unknown_ones_are_errors() {
        for state in FormState::ALL {
            assert_eq!(FormState::try_from(String::from(state)), Ok(state));
        }
        for state in JobState::ALL {
            assert_eq!(JobState::try_from(String::from(state)), Ok(state));
        }
        assert_eq!(
            ContractState::try_from("resilie".to_owned()),
            Ok(ContractState::Resilie)
        );
        assert_eq!(
            FormState::try_from("brouillon".to_owned()),
            Err(UnknownCode {
                kind: "form state",
                code: "brouillon".to_owned()
            })
        );
    }
}
