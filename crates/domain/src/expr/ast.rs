//! Syntax tree of an expression, as written (no rewriting).

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinOp {
    /// True for the operators that yield a boolean (comparisons, `and`, `or`).
    pub fn is_boolean(self) -> bool {
        !matches!(self, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div)
    }
}

/// An expression over codes.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
    /// An item, indicator or control code.
    Ref(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `sum(a, b, …)`, folded left: `(a + b) + …`.
    Sum(Vec<Expr>),
}

impl Expr {
    /// Calls `f` on every code the expression refers to, left to right.
    pub fn for_each_ref<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        match self {
            Expr::Number(_) | Expr::Bool(_) => {}
            Expr::Ref(code) => f(code),
            Expr::Neg(inner) => inner.for_each_ref(f),
            Expr::Binary(_, left, right) => {
                left.for_each_ref(f);
                right.for_each_ref(f);
            }
            Expr::Sum(terms) => terms.iter().for_each(|t| t.for_each_ref(f)),
        }
    }

    /// True when the expression uses only numbers, codes, `+ - * /`, unary minus and `sum` (an
    /// indicator formula, §1.6).
    pub fn is_arithmetic(&self) -> bool {
        match self {
            Expr::Number(_) | Expr::Ref(_) => true,
            Expr::Bool(_) => false,
            Expr::Neg(inner) => inner.is_arithmetic(),
            Expr::Binary(op, left, right) => {
                !op.is_boolean() && left.is_arithmetic() && right.is_arithmetic()
            }
            Expr::Sum(terms) => terms.iter().all(Expr::is_arithmetic),
        }
    }

    /// True when the root yields a boolean (a comparison, `and`, `or`, `true`, `false`): the shape of a
    /// condition or a control.
    pub fn is_boolean(&self) -> bool {
        match self {
            Expr::Bool(_) => true,
            Expr::Binary(op, _, _) => op.is_boolean(),
            _ => false,
        }
    }
}
