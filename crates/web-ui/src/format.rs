//! French formats of what users read: numbers (`1 234,5` with a narrow no-break space), percentages
//! (`93,4 %`), dates (`12/05/2024`), instants in Paris time (`12/05/2024 à 10:30`), and the parsing of
//! what they type (`1 234,5` or `1234.5`).
//!
//! **Paris time**: the API gives instants in RFC 3339 (UTC). They are shown in the legal time of
//! metropolitan France, computed here without a time-zone database (none in the wasm, decision 005):
//! UTC+1 (CET), and UTC+2 (CEST) from the last Sunday of March at 01:00 UTC to the last Sunday of
//! October at 01:00 UTC (the EU rule, directive 2000/84/CE, in force since 1996). Instants before 1996
//! follow the same rule, which is then approximate; no page shows any.
//!
//! Rounding and grouping come from `tdb_domain::display`, the one place that formats numbers.

use tdb_domain::display::{NARROW_NBSP, format_decimal};

/// A capacity in words: « aucune place », « 1 place », « 1 234 places ».
pub fn places(n: f64) -> String {
    if n == 0.0 {
        "aucune place".to_owned()
    } else if n == 1.0 {
        "1 place".to_owned()
    } else {
        format!("{} places", number(n))
    }
}

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

/// A date as `12/05/2024`: a calendar date `YYYY-MM-DD` as is, an RFC 3339 instant as its day in
/// Paris (`2024-12-31T23:30:00Z` is `01/01/2025`).
pub fn date(iso: &str) -> String {
    if let Some((day, _)) = paris_time(iso) {
        return day;
    }
    let day = iso.get(..10).unwrap_or(iso);
    match day.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// An instant (RFC 3339) in Paris time as `12/05/2024 à 10:30` (summer: UTC+2; winter: UTC+1).
pub fn date_time(rfc3339: &str) -> String {
    match paris_time(rfc3339) {
        Some((day, time)) => format!("{day} à {time}"),
        None => date(rfc3339),
    }
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a number of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if month <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        month,
        day,
    )
}

/// Days since 1970-01-01 of the last Sunday of `month` (a month of 31 days: March, October).
fn last_sunday(year: i64, month: i64) -> i64 {
    let last = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday: weekday 0 = Sunday.
    last - (last + 4).rem_euclid(7)
}

/// Offset of Paris from UTC, in minutes, at `utc` minutes since 1970-01-01T00:00Z.
fn paris_offset_minutes(utc: i64) -> i64 {
    let (year, _, _) = civil_from_days(utc.div_euclid(1440));
    let summer_from = last_sunday(year, 3) * 1440 + 60;
    let summer_until = last_sunday(year, 10) * 1440 + 60;
    if (summer_from..summer_until).contains(&utc) {
        120
    } else {
        60
    }
}

/// Minutes since 1970-01-01T00:00Z of an RFC 3339 instant (`2024-05-12T08:30:00Z`, with seconds,
/// fractions and a `Z` or `±hh:mm` offset; seconds are dropped). `None` when it is not one.
fn utc_minutes(rfc3339: &str) -> Option<i64> {
    let b = rfc3339.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = rfc3339.get(from..from + len)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute) = (num(11, 2)?, num(14, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // The offset: after the seconds and their fraction.
    let rest = &rfc3339[16..];
    let zone = rest.find(['Z', 'z', '+', '-']);
    let offset = match zone.map(|i| &rest[i..]) {
        None | Some("Z" | "z") => 0,
        Some(z) => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let hh: i64 = z.get(1..3)?.parse().ok()?;
            let mm: i64 = z.get(4..6)?.parse().ok()?;
            sign * (hh * 60 + mm)
        }
    };
    Some(days_from_civil(year, month, day) * 1440 + hour * 60 + minute - offset)
}

/// The day (`12/05/2024`) and time (`10:30`) in Paris of an RFC 3339 instant; `None` for anything
/// else (a calendar date `YYYY-MM-DD` included).
pub fn paris_time(rfc3339: &str) -> Option<(String, String)> {
    let utc = utc_minutes(rfc3339)?;
    let local = utc + paris_offset_minutes(utc);
    let (year, month, day) = civil_from_days(local.div_euclid(1440));
    let minutes = local.rem_euclid(1440);
    Some((
        format!("{day:02}/{month:02}/{year:04}"),
        format!("{:02}:{:02}", minutes / 60, minutes % 60),
    ))
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
    fn capacities_read_as_words() {
        assert_eq!(places(0.0), "aucune place");
        assert_eq!(places(1.0), "1 place");
        assert_eq!(places(1234.0), "1\u{202F}234 places");
    }

    #[test]
    fn french_numbers_and_dates() {
        assert_eq!(number(1234.5), "1\u{202F}234,5");
        assert_eq!(number(80.0), "80");
        assert_eq!(number(-0.25), "-0,25");
        assert_eq!(percent(0.934), "93,4\u{202F}%");
        assert_eq!(date("2024-05-12"), "12/05/2024");
        assert_eq!(date("2024-05-12T08:30:00Z"), "12/05/2024");
        assert_eq!(date_time("2024-05-12T08:30:00Z"), "12/05/2024 à 10:30");
    }

    #[test]
    fn instants_are_shown_in_paris_time() {
        // Winter (CET, UTC+1) and summer (CEST, UTC+2).
        assert_eq!(date_time("2026-12-02T16:54:00Z"), "02/12/2026 à 17:54");
        assert_eq!(date_time("2024-07-15T12:00:00Z"), "15/07/2024 à 14:00");
        // Seconds, fractions, offsets.
        assert_eq!(date_time("2026-12-02T16:54:59.987654Z"), "02/12/2026 à 17:54");
        assert_eq!(date_time("2024-05-12T10:30:00+02:00"), "12/05/2024 à 10:30");
        assert_eq!(date_time("2024-01-12T05:30:00-05:00"), "12/01/2024 à 11:30");
        // The day is the day in Paris.
        assert_eq!(date_time("2024-12-31T23:30:00Z"), "01/01/2025 à 00:30");
        assert_eq!(date("2024-12-31T23:30:00Z"), "01/01/2025");
        assert_eq!(date_time("2024-06-30T22:15:00Z"), "01/07/2024 à 00:15");
        // Not an instant: shown as given.
        assert_eq!(date_time("2024-05-12"), "12/05/2024");
        assert_eq!(paris_time("bientôt"), None);
    }

    #[test]
    fn daylight_saving_switches_on_the_last_sundays_of_march_and_october_at_one_utc() {
        // 2024: 31 March and 27 October.
        assert_eq!(date_time("2024-03-31T00:59:00Z"), "31/03/2024 à 01:59");
        assert_eq!(date_time("2024-03-31T01:00:00Z"), "31/03/2024 à 03:00");
        assert_eq!(date_time("2024-10-27T00:59:00Z"), "27/10/2024 à 02:59");
        assert_eq!(date_time("2024-10-27T01:00:00Z"), "27/10/2024 à 02:00");
        // 2026: 29 March and 25 October (the Sundays before are still winter / summer).
        assert_eq!(date_time("2026-03-22T12:00:00Z"), "22/03/2026 à 13:00");
        assert_eq!(date_time("2026-03-29T01:00:00Z"), "29/03/2026 à 03:00");
        assert_eq!(date_time("2026-10-18T12:00:00Z"), "18/10/2026 à 14:00");
        assert_eq!(date_time("2026-10-25T01:00:00Z"), "25/10/2026 à 02:00");
        // 2027: 28 March, 31 October (a last day of the month that is a Sunday).
        assert_eq!(date_time("2027-10-31T00:30:00Z"), "31/10/2027 à 02:30");
        assert_eq!(date_time("2027-10-31T01:30:00Z"), "31/10/2027 à 02:30");
        assert_eq!(date_time("2027-03-28T01:00:00Z"), "28/03/2027 à 03:00");
    }

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(civil_from_days(days_from_civil(2000, 3, 1) - 1), (2000, 2, 29));
        assert_eq!(last_sunday(2024, 3), days_from_civil(2024, 3, 31));
        assert_eq!(last_sunday(2024, 10), days_from_civil(2024, 10, 27));
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
