//! French formats of what users read: numbers (`1 234,5` with a narrow no-break space), percentages
//! (`93,4 %`), dates (`12/05/2024`), and the parsing of what they type (`1 234,5` or `1234.5`).
//!
//! Rounding and grouping come from `tdb_domain::display`, the one place that formats numbers.

use tdb_domain::display::{NARROW_NBSP, format_decimal};

/// A number as typed or stored, with up to two decimals and no trailing zeros: `1 234,5`.
pub fn number(x: f64) -> String {
    let text = format_decimal(x, 2);
    match text.split_once(',') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                int.to_owned()
            } else {
                format!("{int},{frac}")
            }
        }
        None => text,
    }
}

/// A rate in `[0, 1]` as a percentage with one decimal: `93,4 %`.
pub fn percent(rate: f64) -> String {
    format!("{}{NARROW_NBSP}%", format_decimal(rate * 100.0, 1))
}

/// A date (`YYYY-MM-DD`, or the date part of an RFC 3339 time) as `12/05/2024`.
pub fn date(iso: &str) -> String {
    let day = iso.get(..10).unwrap_or(iso);
    match day.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// A date and time (RFC 3339, UTC) as `12/05/2024 à 08:30 UTC`.
pub fn date_time(rfc3339: &str) -> String {
    match rfc3339.get(11..16) {
        Some(time) => format!("{} à {time} UTC", date(rfc3339)),
        None => date(rfc3339),
    }
}

/// A form value quoted in a sentence: « oui », « non », a date `« 31/12/2028 »`, a number.
pub fn quoted(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Bool(true) => "« oui »".to_owned(),
        serde_json::Value::Bool(false) => "« non »".to_owned(),
        serde_json::Value::String(text) => format!("« {} »", date(text)),
        serde_json::Value::Number(n) => n.as_f64().map(number).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// A number typed by the user: spaces (any kind) ignored, decimal comma or point. `None` if not a number.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != NARROW_NBSP && *c != '\u{A0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A date typed the French way, `jj/mm/aaaa` (`1/2/2025` too), as `YYYY-MM-DD`; `None` if it does
/// not read as one (the day of the month is left for the server to check).
pub fn parse_date(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.trim().split('/').collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let number = |t: &str, max_len: usize| {
        (!t.is_empty() && t.len() <= max_len && t.chars().all(|c| c.is_ascii_digit()))
            .then(|| t.parse::<u32>().ok())
            .flatten()
    };
    let (d, m) = (number(d, 2)?, number(m, 2)?);
    let y = number(y, 4).filter(|_| y.len() == 4)?;
    ((1..=31).contains(&d) && (1..=12).contains(&m)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let now: String = js_sys::Date::new_0().to_iso_string().into();
    now.get(..10).unwrap_or_default().to_owned()
}

/// Days from `today` to `deadline` (both `YYYY-MM-DD`), negative once passed.
pub fn days_until(today: &str, deadline: &str) -> Option<i64> {
    let ms = |iso: &str| Some(js_sys::Date::parse(iso.get(..10)?)).filter(|t| t.is_finite());
    let days = (ms(deadline)? - ms(today)?) / 86_400_000.0;
    #[allow(
        clippy::cast_possible_truncation,
        reason = "a whole number of days between two UTC midnights"
    )]
    Some(days.round() as i64)
}

/// « dans 3 jours », « aujourd'hui », « dépassée depuis 2 jours ».
pub fn countdown(days: i64) -> String {
    match days {
        0 => "aujourd'hui".to_owned(),
        1 => "demain".to_owned(),
        d if d > 1 => format!("dans {d} jours"),
        -1 => "dépassée depuis 1 jour".to_owned(),
        d => format!("dépassée depuis {} jours", -d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers_and_dates() {
        assert_eq!(number(1234.5), "1\u{202F}234,5");
        assert_eq!(number(80.0), "80");
        assert_eq!(number(-0.25), "-0,25");
        assert_eq!(percent(0.934), "93,4\u{202F}%");
        assert_eq!(date("2024-05-12T08:30:00Z"), "12/05/2024");
        assert_eq!(date_time("2024-05-12T08:30:00Z"), "12/05/2024 à 08:30 UTC");
    }

    #[test]
    fn typed_dates() {
        assert_eq!(parse_date("01/07/2025"), Some("2025-07-01".to_owned()));
        assert_eq!(parse_date(" 1/2/2025 "), Some("2025-02-01".to_owned()));
        assert_eq!(parse_date("2025-07-01"), None);
        assert_eq!(parse_date("32/01/2025"), None);
        assert_eq!(parse_date("01/13/2025"), None);
        assert_eq!(parse_date("01/01/25"), None);
    }

    #[test]
    fn typed_numbers() {
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("1\u{202F}234.50"), Some(1234.5));
        assert_eq!(parse_number(" "), None);
        assert_eq!(parse_number("douze"), None);
    }

    #[test]
    fn values_quoted_in_sentences() {
        assert_eq!(quoted(&serde_json::json!(true)), "« oui »");
        assert_eq!(quoted(&serde_json::json!(false)), "« non »");
        assert_eq!(quoted(&serde_json::json!("2028-12-31")), "« 31/12/2028 »");
        assert_eq!(quoted(&serde_json::json!(1234.5)), "1\u{202F}234,5");
    }

    #[test]
    fn deadlines() {
        assert_eq!(countdown(49), "dans 49 jours");
        assert_eq!(countdown(-2), "dépassée depuis 2 jours");
    }
}
