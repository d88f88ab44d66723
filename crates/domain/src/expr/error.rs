//! The error of lexing or parsing an expression, shared by the lexer and the parser.

/// Why a text is not an expression, and where (byte offset).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {at}: {message}")]
pub struct ParseError {
    /// Byte offset of the problem in the source text.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(at: usize, message: String) -> Self {
        Self { at, message }
    }
}
