//! Display of indicator values (§1.9): the one place that rounds, for the shown text only.
//!
//! Ratios are shown as percentages (value × 100) with one decimal, `personnes` and `nombre` without
//! decimals, every other unit with one decimal. Rounding is half away from zero, applied to the
//! shortest decimal representation of the double (what `Display` prints), so `0.95` × 100 shown with
//! one decimal rounds the digits `95.0`, not the binary value. French format: decimal comma, narrow
//! no-break space (U+202F) between thousands, and before `%`.
//!
//! Trends are compared **at the precision shown** ([`shown_value`], [`trend`]): two values whose shown
//! text is the same (`100,7 %` and `100,7 %`, whatever 10⁻⁹ separates the doubles) are equal, so the
//! trend is « stable »; a change is labelled only when the shown figures differ.

use crate::contract::{Direction, IndicatorUnit, Trend};

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

/// The value as shown, as a number in the shown scale: the text of [`format_indicator`] read back
/// (`1.00700000001` as a ratio gives `100.7`, a percentage; `12.46` in days gives `12.5`). Two values
/// with the same shown text have the same shown value, and different shown texts different ones, so
/// comparing shown values is comparing what the reader sees. Non-finite values stay as they are.
pub fn shown_value(value: f64, unit: IndicatorUnit) -> f64 {
    let (scaled, places) = match unit {
        IndicatorUnit::Ratio => (value * 100.0, 1),
        other => (value, decimals(other)),
    };
    if !scaled.is_finite() {
        return scaled;
    }
    let text: String = format_decimal(scaled, places)
        .chars()
        .filter(|c| *c != NARROW_NBSP)
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    text.parse().unwrap_or(scaled)
}

/// The step of the shown scale of `unit`: one unit of its last shown decimal (`0,1` point of
/// percentage for a ratio, `0,1` for one-decimal units, `1` for counts).
pub fn shown_step(unit: IndicatorUnit) -> f64 {
    match unit {
        IndicatorUnit::Ratio => 0.1,
        other => 10f64.powi(-i32::try_from(decimals(other)).unwrap_or(0)),
    }
}

/// The change from `before` to `last`, compared at the precision shown ([`shown_value`]): equal shown
/// figures are [`Trend::Stable`], however the doubles differ.
pub fn trend_between(before: f64, last: f64, unit: IndicatorUnit) -> Trend {
    let (before, last) = (shown_value(before, unit), shown_value(last, unit));
    if last > before {
        Trend::Hausse
    } else if last < before {
        Trend::Baisse
    } else {
        Trend::Stable
    }
}

/// The trend of a series of campaigns (oldest first; `None` for a campaign without a value): the change
/// between the last two values, compared at the precision shown, and whether it is an improvement
/// given `direction` (`None` when stable or for a neutral indicator). `(None, None)` with fewer than
/// two values. Used by the fiche de synthèse and, through it, the restitution.
pub fn trend(
    values: &[Option<f64>],
    unit: IndicatorUnit,
    direction: Direction,
) -> (Option<Trend>, Option<bool>) {
    let known: Vec<f64> = values.iter().copied().flatten().collect();
    let [.., before, last] = known.as_slice() else {
        return (None, None);
    };
    let trend = trend_between(*before, *last, unit);
    let improving = match (direction, trend) {
        (Direction::Neutral, _) | (_, Trend::Stable) => None,
        (Direction::HigherBetter, t) => Some(t == Trend::Hausse),
        (Direction::LowerBetter, t) => Some(t == Trend::Baisse),
    };
    (Some(trend), improving)
}

/// Smallest vertical range of a trend chart, in shown steps ([`shown_step`]): a change of one step
/// (`100,6 %` → `100,7 %`) moves the line a tenth of the chart's height, not all of it.
pub const SPARKLINE_MIN_STEPS: f64 = 10.0;

/// Heights of the points of a small trend chart, from 0 (bottom) to 1 (top), `None` where a campaign
/// has no value. Drawn from the shown values ([`shown_value`]), so noise below the shown precision
/// draws a flat line at mid-height; the range is that of the values but at least
/// [`SPARKLINE_MIN_STEPS`] shown steps, centred on them, so a small change stays small. Used by the
/// fiche's charts in the web app and in the PDF.
pub fn sparkline_heights(values: &[Option<f64>], unit: IndicatorUnit) -> Vec<Option<f64>> {
    let shown: Vec<Option<f64>> = values
        .iter()
        .map(|v| v.map(|v| shown_value(v, unit)).filter(|v| v.is_finite()))
        .collect();
    let known = || shown.iter().copied().flatten();
    let lo = known().fold(f64::INFINITY, f64::min);
    let hi = known().fold(f64::NEG_INFINITY, f64::max);
    let min_span = SPARKLINE_MIN_STEPS * shown_step(unit);
    let (lo, span) = if hi - lo >= min_span {
        (lo, hi - lo)
    } else {
        ((lo + hi) / 2.0 - min_span / 2.0, min_span)
    };
    shown
        .into_iter()
        .map(|v| v.map(|v| ((v - lo) / span).clamp(0.0, 1.0)))
        .collect()
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

/// A wait of `seconds` in French words, rounded up to what a person reads: « 45 secondes »,
/// « 15 minutes » (892 s), « 1 heure 5 minutes ». Used in « réessayez dans … ».
pub fn wait_duration(seconds: u64) -> String {
    fn plural(n: u64, one: &str, many: &str) -> String {
        format!("{n} {}", if n > 1 { many } else { one })
    }
    if seconds < 60 {
        return plural(seconds.max(1), "seconde", "secondes");
    }
    let minutes = seconds.div_ceil(60);
    if minutes < 60 {
        return plural(minutes, "minute", "minutes");
    }
    let (hours, rest) = (minutes / 60, minutes % 60);
    match rest {
        0 => plural(hours, "heure", "heures"),
        _ => format!(
            "{} {}",
            plural(hours, "heure", "heures"),
            plural(rest, "minute", "minutes")
        ),
    }
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
    fn values_equal_at_the_shown_precision_are_a_stable_trend() {
        use IndicatorUnit::{Jours, Personnes, Ratio};
        // 100,7 % / 100,7 % / 100,7 %, the doubles 10⁻⁹ apart: stable, neither better nor worse.
        let noisy = [Some(1.007), Some(1.007_000_001), Some(1.006_999_999)];
        assert_eq!(format_indicator(1.006_999_999, Ratio), "100,7\u{202F}%");
        assert_eq!(shown_value(1.006_999_999, Ratio), 100.7);
        assert_eq!(shown_value(1.007_000_001, Ratio), 100.7);
        assert_eq!(
            trend(&noisy, Ratio, Direction::HigherBetter),
            (Some(Trend::Stable), None)
        );
        assert_eq!(
            trend(&noisy, Ratio, Direction::LowerBetter),
            (Some(Trend::Stable), None)
        );
        // 12,46 and 12,54 days both show 12,5.
        assert_eq!(trend_between(12.46, 12.54, Jours), Trend::Stable);
        // 40,4 and 39,6 people both show 40.
        assert_eq!(trend_between(40.4, 39.6, Personnes), Trend::Stable);
    }

    #[test]
    fn a_change_that_shows_is_labelled() {
        use IndicatorUnit::{Jours, Personnes, Ratio};
        // 100,7 % then 100,8 %: one shown step up.
        assert_eq!(
            trend(&[Some(1.007), Some(1.008)], Ratio, Direction::HigherBetter),
            (Some(Trend::Hausse), Some(true))
        );
        assert_eq!(
            trend(&[Some(1.008), None, Some(1.007)], Ratio, Direction::HigherBetter),
            (Some(Trend::Baisse), Some(false))
        );
        assert_eq!(
            trend(&[Some(1.008), Some(1.007)], Ratio, Direction::LowerBetter),
            (Some(Trend::Baisse), Some(true))
        );
        assert_eq!(
            trend(&[Some(1.0), Some(2.0)], Ratio, Direction::Neutral),
            (Some(Trend::Hausse), None)
        );
        // Rounding half away from zero decides: 12,44 shows 12,4, 12,45 shows 12,5.
        assert_eq!(trend_between(12.44, 12.45, Jours), Trend::Hausse);
        assert_eq!(trend_between(39.5, 40.4, Personnes), Trend::Stable);
        assert_eq!(trend_between(39.4, 39.5, Personnes), Trend::Hausse);
        // Fewer than two values: no trend.
        assert_eq!(
            trend(&[None, Some(1.0)], Ratio, Direction::HigherBetter),
            (None, None)
        );
    }

    #[test]
    fn sparklines_draw_what_is_shown() {
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
        // Noise below the shown precision: a flat line at mid-height.
        let flat = sparkline_heights(
            &[Some(1.007), Some(1.007_000_001), Some(1.006_999_999)],
            IndicatorUnit::Ratio,
        );
        assert!(flat.iter().all(|h| close(*h, 0.5)), "{flat:?}");
        // One shown step (0,1 point): a tenth of the height, centred.
        let small = sparkline_heights(&[Some(1.006), None, Some(1.007)], IndicatorUnit::Ratio);
        assert!(
            close(small[0], 0.45) && small[1].is_none() && close(small[2], 0.55),
            "{small:?}"
        );
        // A real change uses the whole height.
        let big = sparkline_heights(&[Some(0.80), Some(0.90), Some(0.85)], IndicatorUnit::Ratio);
        assert!(
            close(big[0], 0.0) && close(big[1], 1.0) && close(big[2], 0.5),
            "{big:?}"
        );
        assert!(
            sparkline_heights(&[None, None], IndicatorUnit::Jours)
                .iter()
                .all(Option::is_none)
        );
    }

    #[test]
    fn shown_steps() {
        assert_eq!(shown_step(IndicatorUnit::Ratio), 0.1);
        assert_eq!(shown_step(IndicatorUnit::Jours), 0.1);
        assert_eq!(shown_step(IndicatorUnit::Personnes), 1.0);
        assert_eq!(shown_value(1234.56, IndicatorUnit::Jours), 1234.6);
        assert_eq!(shown_value(-0.04, IndicatorUnit::Jours), 0.0);
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

    #[test]
    fn waits_are_written_in_words_rounded_up() {
        assert_eq!(wait_duration(0), "1 seconde");
        assert_eq!(wait_duration(1), "1 seconde");
        assert_eq!(wait_duration(45), "45 secondes");
        assert_eq!(wait_duration(60), "1 minute");
        assert_eq!(wait_duration(61), "2 minutes");
        assert_eq!(wait_duration(892), "15 minutes");
        assert_eq!(wait_duration(3600), "1 heure");
        assert_eq!(wait_duration(3900), "1 heure 5 minutes");
        assert_eq!(wait_duration(7260), "2 heures 1 minute");
    }
}
