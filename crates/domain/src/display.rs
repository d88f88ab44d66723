//! Display of indicator values (§1.9): the one place that rounds, for the shown text only.
//!
//! Ratios are shown as percentages (value × 100) with one decimal, `personnes` and `nombre` without
//! decimals, every other unit with one decimal. Rounding is half away from zero, applied to the
//! shortest decimal representation of the double (what `Display` prints), so `0.95` × 100 shown with
//! one decimal rounds the digits `95.0`, not the binary value. French format: decimal comma, narrow
//! no-break space (U+202F) between thousands, and before `%`.

use crate::contract::IndicatorUnit;

/// Narrow no-break space, the French thousands separator.
pub const NARROW_NBSP: char = '\u{202F}';

/// Number of decimals shown for a unit.
pub fn decimals(unit: IndicatorUnit) -> usize {
    match unit {
        IndicatorUnit::Personnes | IndicatorUnit::Nombre => 0,
        _ => 1,
    }
}

/// The shown text of an indicator value: `0.9606164383561644` as a ratio gives `96,1 %` (with a narrow
/// no-break space before `%`).
pub fn format_indicator(value: f64, unit: IndicatorUnit) -> String {
    match unit {
        IndicatorUnit::Ratio => format!("{}{NARROW_NBSP}%", format_decimal(value * 100.0, 1)),
        other => format_decimal(value, decimals(other)),
    }
}

/// Rounds the decimal representation of `x` to `decimals` places, half away from zero, and writes it in
/// the French format. Non-finite values are written as `—`.
pub fn format_decimal(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".to_owned();
    }
    let text = format!("{}", x.abs());
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    // Digits of |x| with exactly `decimals` fraction digits, plus the first dropped digit.
    let mut digits: Vec<u8> = int_part.bytes().map(|b| b - b'0').collect();
    let frac: Vec<u8> = frac_part.bytes().map(|b| b - b'0').collect();
    digits.extend((0..decimals).map(|i| frac.get(i).copied().unwrap_or(0)));
    if frac.get(decimals).is_some_and(|d| *d >= 5) {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - decimals;
    let (int_digits, frac_digits) = digits.split_at(split);
    let mut out = String::new();
    if x < 0.0 && digits.iter().any(|d| *d != 0) {
        out.push('-');
    }
    for (i, d) in int_digits.iter().enumerate() {
        if i > 0 && (int_digits.len() - i) % 3 == 0 {
            out.push(NARROW_NBSP);
        }
        out.push(char::from(b'0' + d));
    }
    if decimals > 0 {
        out.push(',');
        out.extend(frac_digits.iter().map(|d| char::from(b'0' + d)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_examples_of_section_8() {
        assert_eq!(
            format_indicator(0.9606164383561644, IndicatorUnit::Ratio),
            "96,1\u{202F}%"
        );
        assert_eq!(
            format_indicator(0.10228310502283106, IndicatorUnit::Ratio),
            "10,2\u{202F}%"
        );
        assert_eq!(format_indicator(0.045, IndicatorUnit::Ratio), "4,5\u{202F}%");
        assert_eq!(format_indicator(588.125, IndicatorUnit::Points), "588,1");
    }

    #[test]
    fn half_away_from_zero_on_the_decimal_text() {
        assert_eq!(format_decimal(0.25, 1), "0,3");
        assert_eq!(format_decimal(-0.25, 1), "-0,3");
        assert_eq!(format_decimal(2.5, 0), "3");
        assert_eq!(format_decimal(9.96, 1), "10,0");
        assert_eq!(format_decimal(999.95, 1), "1\u{202F}000,0");
        assert_eq!(format_decimal(-0.04, 1), "0,0");
        // 1.005 prints as "1.005": the decimal text rounds up, whatever the binary value.
        assert_eq!(format_decimal(1.005, 2), "1,01");
    }

    #[test]
    fn thousands_and_whole_units() {
        assert_eq!(
            format_indicator(1234567.0, IndicatorUnit::Personnes),
            "1\u{202F}234\u{202F}567"
        );
        assert_eq!(format_indicator(12.0, IndicatorUnit::Nombre), "12");
        assert_eq!(
            format_indicator(-1234.56, IndicatorUnit::Jours),
            "-1\u{202F}234,6"
        );
        assert_eq!(format_decimal(f64::NAN, 1), "—");
    }
}
