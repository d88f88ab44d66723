//! Recursive-descent parser for the grammar of §1.6.
//!
//! ```text
//! expr    := or
//! or      := and ( "or" and )*
//! and     := cmp ( "and" cmp )*
//! cmp     := add ( ( "<" | "<=" | ">" | ">=" | "==" | "!=" ) add )?
//! add     := mul ( ( "+" | "-" ) mul )*
//! mul     := unary ( ( "*" | "/" ) unary )*
//! unary   := "-" unary | primary
//! primary := NUMBER | "true" | "false" | CODE | "sum" "(" expr ( "," expr )* ")" | "(" expr ")"
//! ```

use super::ast::{BinOp, Expr};
use super::error::ParseError;
use super::lexer::{Spanned, Token, tokenize};

const KEYWORDS: [&str; 5] = ["and", "or", "true", "false", "sum"];

/// Parses one expression; the whole text must be consumed.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let tokens = tokenize(src)?;
    let mut parser = Parser {
        tokens: &tokens,
        pos: 0,
        end: src.len(),
    };
    let expr = parser.or()?;
    match parser.peek() {
        None => Ok(expr),
        Some(extra) => Err(ParseError::new(
            extra.at,
            format!("unexpected {}", describe(&extra.token)),
        )),
    }
}

struct Parser<'t> {
    tokens: &'t [Spanned],
    pos: usize,
    end: usize,
}

fn describe(token: &Token) -> String {
    match token {
        Token::Number(n) => format!("number {n}"),
        Token::Word(w) => format!("'{w}'"),
        other => format!("{other:?}"),
    }
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<&'t Spanned> {
        self.tokens.get(self.pos)
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.at)
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek().is_some_and(|t| &t.token == token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        self.eat(&Token::Word(word.to_owned()))
    }

    fn expect(&mut self, token: &Token, what: &str) -> Result<(), ParseError> {
        if self.eat(token) {
            Ok(())
        } else {
            let found = self
                .peek()
                .map_or_else(|| "end of text".to_owned(), |t| describe(&t.token));
            Err(ParseError::new(
                self.here(),
                format!("expected {what}, found {found}"),
            ))
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.eat_word("or") {
            let right = self.and()?;
            left = Expr::Binary(BinOp::Or, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.cmp()?;
        while self.eat_word("and") {
            let right = self.cmp()?;
            left = Expr::Binary(BinOp::And, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn cmp(&mut self) -> Result<Expr, ParseError> {
        let left = self.add()?;
        let op = match self.peek().map(|t| &t.token) {
            Some(Token::Lt) => BinOp::Lt,
            Some(Token::Le) => BinOp::Le,
            Some(Token::Gt) => BinOp::Gt,
            Some(Token::Ge) => BinOp::Ge,
            Some(Token::EqEq) => BinOp::Eq,
            Some(Token::Ne) => BinOp::Ne,
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.add()?;
        Ok(Expr::Binary(op, Box::new(left), Box::new(right)))
    }

    fn add(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.mul()?;
        loop {
            let op = match self.peek().map(|t| &t.token) {
                Some(Token::Plus) => BinOp::Add,
                Some(Token::Minus) => BinOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.mul()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn mul(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek().map(|t| &t.token) {
                Some(Token::Star) => BinOp::Mul,
                Some(Token::Slash) => BinOp::Div,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.eat(&Token::Minus) {
            Ok(Expr::Neg(Box::new(self.unary()?)))
        } else {
            self.primary()
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let at = self.here();
        let Some(spanned) = self.peek() else {
            return Err(ParseError::new(
                at,
                "expected an operand, found end of text".to_owned(),
            ));
        };
        self.pos += 1;
        match &spanned.token {
            Token::Number(n) => Ok(Expr::Number(*n)),
            Token::LParen => {
                let inner = self.or()?;
                self.expect(&Token::RParen, "')'")?;
                Ok(inner)
            }
            Token::Word(w) if w == "true" => Ok(Expr::Bool(true)),
            Token::Word(w) if w == "false" => Ok(Expr::Bool(false)),
            Token::Word(w) if w == "sum" => {
                self.expect(&Token::LParen, "'(' after sum")?;
                let mut terms = vec![self.or()?];
                while self.eat(&Token::Comma) {
                    terms.push(self.or()?);
                }
                self.expect(&Token::RParen, "')' closing sum")?;
                Ok(Expr::Sum(terms))
            }
            Token::Word(w) if KEYWORDS.contains(&w.as_str()) => Err(ParseError::new(
                at,
                format!("keyword '{w}' where an operand is expected"),
            )),
            Token::Word(w) => Ok(Expr::Ref(w.clone())),
            other => Err(ParseError::new(
                at,
                format!("expected an operand, found {}", describe(other)),
            )),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn r(code: &str) -> Box<Expr> {
        Box::new(Expr::Ref(code.into()))
    }

    #[test]
    fn division_is_left_associative() {
        assert_eq!(
            parse("a / b / c").unwrap(),
            Expr::Binary(
                BinOp::Div,
                Box::new(Expr::Binary(BinOp::Div, r("a"), r("b"))),
                r("c")
            )
        );
    }

    #[test]
    fn products_bind_tighter_than_sums_and_comparisons_tighter_than_and() {
        assert_eq!(
            parse("a + b * c").unwrap(),
            Expr::Binary(
                BinOp::Add,
                r("a"),
                Box::new(Expr::Binary(BinOp::Mul, r("b"), r("c")))
            )
        );
        assert_eq!(
            parse("a > 0 and b or c == true").unwrap(),
            Expr::Binary(
                BinOp::Or,
                Box::new(Expr::Binary(
                    BinOp::And,
                    Box::new(Expr::Binary(BinOp::Gt, r("a"), Box::new(Expr::Number(0.0)))),
                    r("b")
                )),
                Box::new(Expr::Binary(BinOp::Eq, r("c"), Box::new(Expr::Bool(true))))
            )
        );
    }

    #[test]
    fn unary_minus_and_sum() {
        assert_eq!(
            parse("-0.21 <= sum(a, (b), c)").unwrap(),
            Expr::Binary(
                BinOp::Le,
                Box::new(Expr::Neg(Box::new(Expr::Number(0.21)))),
                Box::new(Expr::Sum(vec![
                    Expr::Ref("a".into()),
                    Expr::Ref("b".into()),
                    Expr::Ref("c".into())
                ]))
            )
        );
    }

    #[test]
    fn reports_where_it_fails() {
        for (src, at) in [
            ("a +", 3),
            ("(a", 2),
            ("a b", 2),
            ("sum()", 4),
            ("a < b < c", 6),
            ("and", 0),
            ("sum a", 4),
            ("", 0),
        ] {
            assert_eq!(parse(src).err().map(|e| e.at), Some(at), "{src}");
        }
    }
}
