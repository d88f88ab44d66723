//! The text of a number as people type it in a CSV cell or an XLSX text cell (docs/imports.md).
//!
//! An optional `-`; digits, optionally in groups of three separated by a space, a no-break space
//! (U+00A0) or a narrow no-break space (U+202F), the French thousands separators (`12 345`); a decimal
//! point, or a decimal comma where the file allows it (`12 345,67`); on a rate item only, a final `%`,
//! with or without a space before it (`80 %` is 0.8). Anything else is refused with a stable code and a
//! French message. The number is then validated by the catalogue like any other value.

use tdb_domain::values::number_json;

/// A refused text: stable code and French message.
pub type Refusal = (&'static str, String);

/// The thousands separators accepted between groups of three digits.
const THOUSANDS: [char; 3] = [' ', '\u{A0}', '\u{202F}'];

/// Reads `text` (trimmed) as a number. `decimal_comma`: a comma is the decimal mark (`58,4`); `rate`:
/// the item is a rate, and `80 %` means 0.8.
pub fn read(text: &str, decimal_comma: bool, rate: bool) -> Result<serde_json::Value, Refusal> {
    let (body, percent) = match text.strip_suffix('%') {
        Some(body) => (body.trim_end_matches(THOUSANDS), true),
        None => (text, false),
    };
    if percent && !rate {
        return Err((
            "percent_not_allowed",
            format!(
                "« {text} » : le signe % n'est accepté que pour un taux ; cet item attend un nombre \
                 sans %."
            ),
        ));
    }
    let decimal = decimal_text(body, text, decimal_comma)?;
    let decimal = if percent { hundredth(&decimal) } else { decimal };
    decimal
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(number_json)
        .ok_or_else(|| not_a_number(text))
}

/// `body` as a plain decimal (`-12345.67`): sign, digits without separators, a `.` decimal point.
fn decimal_text(body: &str, text: &str, decimal_comma: bool) -> Result<String, Refusal> {
    let mark = if body.contains(',') {
        if !decimal_comma || body.contains('.') {
            return Err((
                "decimal_comma",
                format!(
                    "« {text} » : la virgule décimale n'est acceptée que dans un fichier séparé par « ; » \
                     (et sans point) ; sinon écrivez le nombre avec un point (12.5)."
                ),
            ));
        }
        ','
    } else {
        '.'
    };
    let (negative, unsigned) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let (whole, fraction) = unsigned.split_once(mark).unwrap_or((unsigned, ""));
    let whole = whole_digits(whole).ok_or_else(|| not_a_number(text))?;
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return Err(not_a_number(text));
    }
    let sign = if negative { "-" } else { "" };
    Ok(format!("{sign}{whole}.{fraction}"))
}

/// The digits of the whole part: plain digits, or groups of three after a first group of one to three,
/// each pair separated by one thousands separator. `None` when malformed (`1 23`, `1  234`).
fn whole_digits(whole: &str) -> Option<String> {
    let mut groups = whole.split(THOUSANDS);
    let first = groups.next().unwrap_or_default();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(first) {
        return None;
    }
    let mut out = first.to_owned();
    for group in groups {
        if first.is_empty() || first.len() > 3 || group.len() != 3 || !digits(group) {
            return None;
        }
        out.push_str(group);
    }
    Some(out)
}

/// A plain decimal divided by 100, exactly, by moving its point two places left (`80.` → `0.80`), so
/// that `12,5 %` is the double nearest to 0.125 and not the result of a division.
fn hundredth(decimal: &str) -> String {
    let (sign, unsigned) = match decimal.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", decimal),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let padded = format!("{whole:0>3}");
    let (units, hundredths) = padded.split_at(padded.len() - 2);
    format!("{sign}{units}.{hundredths}{fraction}")
}

fn not_a_number(text: &str) -> Refusal {
    ("not_a_number", format!("« {text} » n'est pas un nombre."))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read_ok(text: &str, decimal_comma: bool, rate: bool) -> serde_json::Value {
        read(text, decimal_comma, rate).unwrap()
    }

    fn code(text: &str, decimal_comma: bool, rate: bool) -> Option<&'static str> {
        read(text, decimal_comma, rate).err().map(|(code, _)| code)
    }

    #[test]
    fn plain_numbers_keep_integers_whole() {
        let eighty = read_ok("80", false, false);
        assert!(eighty.is_i64(), "{eighty}");
        assert_eq!(eighty, json!(80));
        assert_eq!(read_ok("80.0", false, false).to_string(), "80");
        assert_eq!(read_ok("-12500.5", false, false), json!(-12500.5));
        assert_eq!(read_ok("58,4", true, false), json!(58.4));
        assert_eq!(read_ok(".5", false, false), json!(0.5));
    }

    #[test]
    fn french_thousands_separators_group_by_three() {
        for separator in THOUSANDS {
            let text = format!("12{separator}345,67");
            assert_eq!(read_ok(&text, true, false), json!(12345.67), "{text:?}");
            let text = format!("-1{separator}234{separator}567");
            assert_eq!(read_ok(&text, false, false), json!(-1_234_567), "{text:?}");
        }
        assert_eq!(read_ok("12 345.67", false, false), json!(12345.67));
        assert_eq!(read_ok("1 000 000", true, false).to_string(), "1000000");
        for malformed in [
            "1 23,4",
            "1234 567",
            "12 34 567",
            "1  234",
            " 234",
            "1 234 ",
            "1 2345",
            "12 345,6 7",
        ] {
            assert_eq!(
                code(malformed, true, false),
                Some("not_a_number"),
                "{malformed:?}"
            );
        }
    }

    #[test]
    fn commas_and_points_are_not_thousands_separators() {
        assert_eq!(code("12,5", false, false), Some("decimal_comma"));
        assert_eq!(code("1,234.5", true, false), Some("decimal_comma"));
        assert_eq!(code("1.234.567", false, false), Some("not_a_number"));
        assert_eq!(code("1,234,567", true, false), Some("not_a_number"));
    }

    #[test]
    fn a_percent_sign_divides_a_rate_by_100() {
        assert_eq!(read_ok("80 %", false, true), json!(0.8));
        assert_eq!(read_ok("80%", false, true), json!(0.8));
        assert_eq!(read_ok("80\u{202F}%", false, true), json!(0.8));
        assert_eq!(read_ok("12,5 %", true, true), json!(0.125));
        assert_eq!(read_ok("33.33%", false, true), json!(0.3333));
        assert_eq!(read_ok("0,5 %", true, true), json!(0.005));
        assert_eq!(read_ok("-7 %", false, true), json!(-0.07));
        let whole = read_ok("100 %", false, true);
        assert!(whole.is_i64(), "{whole}");
        assert_eq!(read_ok("1 250 %", false, true), json!(12.5));
        assert_eq!(
            read_ok("0.8", false, true),
            json!(0.8),
            "a rate without % is a fraction"
        );
        assert_eq!(code("%", false, true), Some("not_a_number"));
        assert_eq!(code("80 %%", false, true), Some("not_a_number"));
    }

    #[test]
    fn a_percent_sign_is_refused_on_other_items() {
        let (code, message) = read("80 %", false, false).unwrap_err();
        assert_eq!(code, "percent_not_allowed");
        assert!(message.contains("n'est accepté que pour un taux"), "{message}");
    }
}
