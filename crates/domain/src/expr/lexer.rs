//! Tokens of the expression language (§1.6).

use super::error::ParseError;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// `NUMBER`, already converted to the nearest double.
    Number(f64),
    /// A code or a keyword (`and`, `or`, `true`, `false`, `sum`).
    Word(String),
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    EqEq,
    /// `!=`
    Ne,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    /// The token.
    pub token: Token,
    /// Byte offset in the source text.
    pub at: usize,
}

/// Splits `src` into tokens; whitespace separates tokens and is otherwise ignored.
pub fn tokenize(src: &str) -> Result<Vec<Spanned>, ParseError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let at = i;
        let two = |next: u8| bytes.get(i + 1) == Some(&next);
        let (token, len) = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'+' => (Token::Plus, 1),
            b'-' => (Token::Minus, 1),
            b'*' => (Token::Star, 1),
            b'/' => (Token::Slash, 1),
            b'(' => (Token::LParen, 1),
            b')' => (Token::RParen, 1),
            b',' => (Token::Comma, 1),
            b'<' if two(b'=') => (Token::Le, 2),
            b'<' => (Token::Lt, 1),
            b'>' if two(b'=') => (Token::Ge, 2),
            b'>' => (Token::Gt, 1),
            b'=' if two(b'=') => (Token::EqEq, 2),
            b'!' if two(b'=') => (Token::Ne, 2),
            b'0'..=b'9' => number(src, i)?,
            b'a'..=b'z' | b'_' => {
                let end = scan(bytes, i, |b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'));
                (Token::Word(src[i..end].to_owned()), end - i)
            }
            _ => {
                let shown = src[i..].chars().next().unwrap_or('?');
                return Err(ParseError::new(at, format!("unexpected character '{shown}'")));
            }
        };
        out.push(Spanned { token, at });
        i += len;
    }
    Ok(out)
}

fn scan(bytes: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    let mut end = from;
    while end < bytes.len() && keep(bytes[end]) {
        end += 1;
    }
    end
}

/// `[0-9]+ ( "." [0-9]+ )?`, converted with correct rounding.
fn number(src: &str, from: usize) -> Result<(Token, usize), ParseError> {
    let bytes = src.as_bytes();
    let mut end = scan(bytes, from, |b| b.is_ascii_digit());
    if bytes.get(end) == Some(&b'.') {
        let frac_end = scan(bytes, end + 1, |b| b.is_ascii_digit());
        if frac_end == end + 1 {
            return Err(ParseError::new(
                end,
                "a decimal point must be followed by digits".to_owned(),
            ));
        }
        end = frac_end;
    }
    if bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
    {
        return Err(ParseError::new(
            end,
            "a number must not be followed by a letter".to_owned(),
        ));
    }
    let text = &src[from..end];
    let value: f64 = text
        .parse()
        .map_err(|_| ParseError::new(from, format!("'{text}' is not a number")))?;
    Ok((Token::Number(value), end - from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_operators_numbers_and_words() {
        let tokens: Vec<Token> = tokenize("a<=1.5 != b_2")
            .map(|t| t.into_iter().map(|s| s.token).collect())
            .unwrap_or_default();
        assert_eq!(
            tokens,
            vec![
                Token::Word("a".into()),
                Token::Le,
                Token::Number(1.5),
                Token::Ne,
                Token::Word("b_2".into())
            ]
        );
    }

    #[test]
    fn rejects_what_the_grammar_does_not_have() {
        for (src, at) in [("a = b", 2), ("1.", 1), ("A", 0), ("2x", 1), (".5", 0)] {
            let err = tokenize(src).err().map(|e| e.at);
            assert_eq!(err, Some(at), "{src}");
        }
    }
}
