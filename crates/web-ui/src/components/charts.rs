//! Small inline SVG charts of the restitution: the box plots of the peer groups of one indicator on
//! one shared [`Axis`] (drawn under them by [`AxisScale`]) with the structure's point, and the trend of
//! a value over campaigns. Each chart is an image (`role="img"`) whose French text alternative says
//! everything it draws; the box plot's values are also written beside it ([`box_plot_values`]).

use leptos::prelude::*;
use tdb_domain::contract::{IndicatorUnit, Position, Summary};
use tdb_domain::display::format_indicator;

use crate::labels;

/// Width of a box plot, in SVG units.
const BOX_WIDTH: f64 = 320.0;
/// Height of a box plot.
const BOX_HEIGHT: f64 = 44.0;
/// Horizontal margin, so end markers are not cut.
const MARGIN: f64 = 8.0;

/// A value as shown, with its unit: `91,0 %`, `23,5 jours`.
pub fn shown(value: f64, unit: IndicatorUnit) -> String {
    format!(
        "{}{}",
        format_indicator(value, unit),
        labels::indicator_unit(unit)
    )
}

/// « rang 12 sur 48, quartile 3 », or the position of a neutral indicator.
pub fn position_text(position: &Position, n: u32) -> String {
    match position.rank {
        Some(rank) => format!("rang {rank} sur {n}, quartile {}", position.quartile),
        None => format!("quartile {} (indicateur sans classement)", position.quartile),
    }
}

/// The text alternative of a box plot.
pub fn box_plot_text(
    stats: &Summary,
    n: u32,
    unit: IndicatorUnit,
    value: Option<f64>,
    position: Option<&Position>,
) -> String {
    let mut text = format!(
        "Médiane {}, premier quartile {}, troisième quartile {}, premier décile {}, neuvième décile {}, \
         minimum {}, maximum {}, {n} structures",
        shown(stats.median, unit),
        shown(stats.q1, unit),
        shown(stats.q3, unit),
        shown(stats.d1, unit),
        shown(stats.d9, unit),
        shown(stats.min, unit),
        shown(stats.max, unit),
    );
    match value {
        Some(v) => {
            text.push_str(&format!(", votre valeur {}", shown(v, unit)));
            if let Some(position) = position {
                text.push_str(&format!(", {}", position_text(position, n)));
            }
        }
        None => text.push_str(", votre valeur n'est pas calculée"),
    }
    text
}

/// The values a box plot writes beside it: « médiane 87,2 %, quartiles 80,0 % à 90,0 % ».
pub fn box_plot_values(stats: &Summary, unit: IndicatorUnit) -> String {
    format!(
        "Médiane {} ; quartiles {} à {}",
        shown(stats.median, unit),
        shown(stats.q1, unit),
        shown(stats.q3, unit)
    )
}

/// The scale shared by the box plots of one indicator: a range from a round `min` to a round `max`
/// cut by evenly spaced round `ticks`, so that the département, the région and the nation compare
/// at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Left end (the first tick).
    pub min: f64,
    /// Right end (the last tick).
    pub max: f64,
    /// Tick values, from `min` to `max`.
    pub ticks: Vec<f64>,
}

impl Axis {
    /// The axis covering every finite value given, its ticks spaced by 1, 2, 2.5 or 5 times a power
    /// of ten, at least a quarter of the range apart (at most 7 ticks); `None` without a finite value.
    pub fn covering(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let (lo, hi) = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(None, |range: Option<(f64, f64)>, v| {
                Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
            })?;
        let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
        let raw = span / 4.0;
        let power = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * power)
            .find(|step| *step >= raw)
            .unwrap_or(10.0 * power);
        // Integer multiples of the step: no drift of repeated additions.
        let first = (lo / step).floor() as i64;
        let last = ((hi / step).ceil() as i64).max(first + 1);
        let ticks: Vec<f64> = (first..=last).map(|k| k as f64 * step).collect();
        Some(Self {
            min: first as f64 * step,
            max: last as f64 * step,
            ticks,
        })
    }

    /// Horizontal position of `v` in a chart.
    fn x(&self, v: f64) -> f64 {
        MARGIN + (v - self.min) / (self.max - self.min) * (BOX_WIDTH - 2.0 * MARGIN)
    }
}

/// The light vertical lines of the ticks, behind a box plot.
fn tick_lines(axis: &Axis) -> impl IntoView + use<> {
    let f = |v: f64| format!("{v:.1}");
    axis.ticks
        .iter()
        .map(|t| {
            let x = f(axis.x(*t));
            view! { <line x1=x.clone() x2=x y1="0" y2=f(BOX_HEIGHT) class="tdb-boxplot__tick"/> }
        })
        .collect_view()
}

/// The graduated scale drawn under the box plots of one indicator, in the same width as they: its
/// ticks and their values. Decorative (`aria-hidden`): every value it helps reading is written.
#[component]
pub fn AxisScale(
    /// The shared axis.
    axis: Axis,
    /// Unit of the indicator.
    unit: IndicatorUnit,
) -> impl IntoView {
    const HEIGHT: f64 = 24.0;
    let f = |v: f64| format!("{v:.1}");
    let last = axis.ticks.len().saturating_sub(1);
    let ticks = axis
        .ticks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let x = axis.x(*t);
            // The end labels stay inside the drawing.
            let anchor = match i {
                0 => "start",
                i if i == last => "end",
                _ => "middle",
            };
            view! {
                <line x1=f(x) x2=f(x) y1="0" y2="5" class="tdb-axis__tick"/>
                <text x=f(x) y="18" text-anchor=anchor class="tdb-axis__label">{format_indicator(*t, unit)}</text>
            }
        })
        .collect_view();
    view! {
        <svg class="tdb-boxplot tdb-axis" aria-hidden="true" focusable="false" data-testid="axis"
            data-axis-min=axis.min.to_string() data-axis-max=axis.max.to_string()
            viewBox=format!("0 0 {BOX_WIDTH} {HEIGHT}") width=f(BOX_WIDTH) height=f(HEIGHT)>
            <line x1=f(MARGIN) x2=f(BOX_WIDTH - MARGIN) y1="0" y2="0" class="tdb-axis__tick"/>
            {ticks}
        </svg>
    }
}

/// A horizontal box plot on `axis`: whiskers from d1 to d9, box from q1 to q3, the median, min and
/// max as ticks, and the structure's value as a dot.
#[component]
pub fn BoxPlot(
    /// The scale shared with the other groups of the indicator.
    axis: Axis,
    /// Statistics of the group.
    stats: Summary,
    /// Size of the group.
    n: u32,
    /// Unit of the indicator.
    unit: IndicatorUnit,
    /// The structure's value, when calculated.
    value: Option<f64>,
    /// The structure's position in the group.
    position: Option<Position>,
) -> impl IntoView {
    let label = box_plot_text(&stats, n, unit, value, position.as_ref());
    let title = label.clone();
    let x = |v: f64| axis.x(v);
    let mid = BOX_HEIGHT / 2.0;
    let f = |v: f64| format!("{v:.1}");
    view! {
        <svg class="tdb-boxplot" role="img" aria-label=label data-testid="boxplot"
            data-axis-min=axis.min.to_string() data-axis-max=axis.max.to_string()
            viewBox=format!("0 0 {BOX_WIDTH} {BOX_HEIGHT}") width=f(BOX_WIDTH) height=f(BOX_HEIGHT)>
            <title>{title}</title>
            {tick_lines(&axis)}
            <line x1=f(x(stats.d1)) x2=f(x(stats.d9)) y1=f(mid) y2=f(mid) class="tdb-boxplot__whisker"/>
            <line x1=f(x(stats.min)) x2=f(x(stats.min)) y1=f(mid - 5.0) y2=f(mid + 5.0) class="tdb-boxplot__whisker"/>
            <line x1=f(x(stats.max)) x2=f(x(stats.max)) y1=f(mid - 5.0) y2=f(mid + 5.0) class="tdb-boxplot__whisker"/>
            <rect x=f(x(stats.q1)) y=f(mid - 10.0) width=f((x(stats.q3) - x(stats.q1)).max(1.0)) height="20"
                class="tdb-boxplot__box"/>
            <line x1=f(x(stats.median)) x2=f(x(stats.median)) y1=f(mid - 10.0) y2=f(mid + 10.0)
                class="tdb-boxplot__median"/>
            {value.map(|v| view! {
                <circle cx=f(x(v)) cy=f(mid) r="6" class="tdb-boxplot__value"/>
            })}
        </svg>
    }
}

/// The text alternative of a trend: « 2022 : 85,0 %, 2023 : non calculé, 2024 : 91,0 % ».
pub fn trend_text(points: &[(i32, Option<f64>)], unit: IndicatorUnit) -> String {
    let parts: Vec<String> = points
        .iter()
        .map(|(year, value)| match value {
            Some(v) => format!("{year} : {}", shown(*v, unit)),
            None => format!("{year} : non calculé"),
        })
        .collect();
    format!("Évolution sur {} campagnes — {}", points.len(), parts.join(", "))
}

/// A small line of the values of the campaigns (missing ones leave a gap in the points).
#[component]
pub fn Sparkline(
    /// Value of each campaign, oldest first.
    points: Vec<(i32, Option<f64>)>,
    /// Unit of the indicator.
    unit: IndicatorUnit,
    /// Added to the text alternative (e.g. the trend in words).
    summary: String,
) -> impl IntoView {
    const WIDTH: f64 = 120.0;
    const HEIGHT: f64 = 32.0;
    let label = format!("{}{summary}", trend_text(&points, unit));
    let title = label.clone();
    // Heights from the shown values, at least ten shown steps high: noise draws a flat line.
    let values: Vec<Option<f64>> = points.iter().map(|(_, v)| *v).collect();
    let heights = tdb_domain::display::sparkline_heights(&values, unit);
    let step = if points.len() > 1 {
        (WIDTH - 12.0) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let xy: Vec<(f64, f64)> = heights
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((6.0 + i as f64 * step, HEIGHT - 6.0 - (*t)? * (HEIGHT - 12.0))))
        .collect();
    let line: String = xy
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <svg class="tdb-sparkline" role="img" aria-label=label data-testid="sparkline"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}") width="120" height="32">
            <title>{title}</title>
            <polyline points=line class="tdb-sparkline__line"/>
            {xy.into_iter().map(|(x, y)| view! {
                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="3" class="tdb-sparkline__point"/>
            }).collect_view()}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_alternatives() {
        let stats = Summary {
            min: 0.5,
            d1: 0.6,
            q1: 0.8,
            median: 0.872,
            q3: 0.9,
            d9: 0.95,
            max: 1.0,
            mean: 0.85,
        };
        let position = Position {
            rank: Some(12),
            position: 37,
            percentile: 75.0,
            quartile: 4,
        };
        let text = box_plot_text(&stats, 48, IndicatorUnit::Ratio, Some(0.91), Some(&position));
        assert!(text.starts_with("Médiane 87,2\u{202F}%"), "{text}");
        assert!(
            text.ends_with("votre valeur 91,0\u{202F}%, rang 12 sur 48, quartile 4"),
            "{text}"
        );
        assert_eq!(
            box_plot_values(&stats, IndicatorUnit::Ratio),
            "Médiane 87,2\u{202F}% ; quartiles 80,0\u{202F}% à 90,0\u{202F}%"
        );
        assert_eq!(
            trend_text(&[(2022, Some(12.0)), (2023, None)], IndicatorUnit::Jours),
            "Évolution sur 2 campagnes — 2022 : 12,0 jours, 2023 : non calculé"
        );
    }

    #[test]
    fn the_axis_covers_every_value_with_round_ticks() {
        let axis = Axis::covering([0.62, 0.97, 0.71, 1.04]).unwrap();
        assert!(axis.min <= 0.62 && axis.max >= 1.04, "{axis:?}");
        assert_eq!(axis.ticks.first(), Some(&axis.min));
        assert_eq!(axis.ticks.last(), Some(&axis.max));
        assert!((2..=7).contains(&axis.ticks.len()), "{axis:?}");
        let step = axis.ticks[1] - axis.ticks[0];
        assert!(axis.ticks.windows(2).all(|w| ((w[1] - w[0]) - step).abs() < 1e-9));
        assert_eq!(
            Axis::covering([12.0, 37.0]).unwrap(),
            Axis {
                min: 10.0,
                max: 40.0,
                ticks: vec![10.0, 20.0, 30.0, 40.0]
            }
        );
        // One value alone still gets a range; no value, no axis.
        let single = Axis::covering([5.0]).unwrap();
        assert!(single.min <= 5.0 && single.max > single.min, "{single:?}");
        assert_eq!(Axis::covering([f64::NAN]), None);
        // The ends map onto the drawable width.
        assert_eq!(axis.x(axis.min), MARGIN);
        assert_eq!(axis.x(axis.max), BOX_WIDTH - MARGIN);
    }
}
