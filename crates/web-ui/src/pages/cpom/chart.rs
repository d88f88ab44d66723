//! A small SVG chart of an objective: actual values per campaign (line and dots, hollow when
//! provisional) against the target (dashed line).

use leptos::prelude::*;
use tdb_domain::contract::ObjectiveFollowUp;

use super::value;

const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 80.0;
const PAD: f64 = 8.0;

/// The chart of one objective.
pub fn objective_chart(follow: &ObjectiveFollowUp) -> impl IntoView + use<> {
    let objective = &follow.objective;
    let points: Vec<(i32, f64, bool)> = follow
        .points
        .iter()
        .filter_map(|p| p.actual.map(|a| (p.year, a, p.provisoire)))
        .collect();
    let mut years: Vec<i32> = follow.points.iter().map(|p| p.year).collect();
    years.push(objective.target_year);
    if let Some(base) = objective.baseline_year {
        years.push(base);
    }
    let (first, last) = (
        years.iter().copied().min().unwrap_or(objective.target_year),
        years.iter().copied().max().unwrap_or(objective.target_year),
    );
    let mut values: Vec<f64> = points.iter().map(|p| p.1).collect();
    values.push(objective.target_value);
    values.extend(objective.baseline_value);
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if high > low { high - low } else { 1.0 };
    let x = move |year: i32| {
        let n = f64::from((last - first).max(1));
        PAD + (WIDTH - 2.0 * PAD) * f64::from(year - first) / n
    };
    let y = move |v: f64| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * (v - low) / span;
    let line = points
        .iter()
        .map(|(year, v, _)| format!("{:.1},{:.1}", x(*year), y(*v)))
        .collect::<Vec<_>>()
        .join(" ");
    let unit = objective.unit.clone();
    let summary = format!(
        "Cible {} en {} ; {}",
        value(unit.as_deref(), objective.target_value),
        objective.target_year,
        if points.is_empty() {
            "aucune valeur mesurée".to_owned()
        } else {
            points
                .iter()
                .map(|(year, v, provisoire)| {
                    format!(
                        "{year} : {}{}",
                        value(unit.as_deref(), *v),
                        if *provisoire { " (provisoire)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let target_y = format!("{:.1}", y(objective.target_value));
    let title = summary.clone();
    view! {
        <svg width=WIDTH height=HEIGHT viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
            aria-label=summary data-testid="objective-chart">
            <title>{title}</title>
            <line x1=PAD x2=WIDTH - PAD y1=target_y.clone() y2=target_y stroke="#ce0500"
                stroke-dasharray="4 3" stroke-width="1.5"/>
            <polyline points=line fill="none" stroke="#000091" stroke-width="2"/>
            {points.iter().map(|(year, v, provisoire)| view! {
                <circle cx=format!("{:.1}", x(*year)) cy=format!("{:.1}", y(*v)) r="3.5"
                    fill=if *provisoire { "#ffffff" } else { "#000091" } stroke="#000091"/>
            }).collect_view()}
        </svg>
    }
}
