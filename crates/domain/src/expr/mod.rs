//! The expression language of catalogue.md §1.6: formulas, conditions and controls.
//!
//! Text is lexed ([`lexer`]), parsed into an [`ast::Expr`] ([`parser`]) once when the catalogue loads,
//! then compiled into a flat postfix [`program::Program`] whose operands are item or indicator indices.
//! Evaluating a program follows §1.6 to the bit: operands left to right, no rewriting, `sum` folds
//! left, both operands of `and`/`or` evaluated, a zero divisor is an error.

pub mod ast;
pub mod error;
pub mod lexer;
pub mod parser;
pub mod program;

pub use ast::{BinOp, Expr};
pub use error::ParseError;
pub use parser::parse;
pub use program::{DivisionByZero, MAX_DEPTH, Op, Operand, Program, SumTable};
