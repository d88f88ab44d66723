//! The fiche de synthèse as an A4 PDF, in French: laid out as pages of drawing operations
//! ([`layout`]), then drawn by the shared PDF kit.

use tdb_domain::contract::{Fiche, FicheIndicator, FormState, IndicatorUnit, Severity};
use tdb_domain::display::{format_decimal, format_indicator};

use crate::error::ApiError;
use crate::services::pdf::{
    BLACK, BLUE, GREEN, GREY, HEIGHT, LIGHT, MARGIN, Op, Pages, RED, WHITE, WIDTH, clip, draw,
};

/// Renders the fiche; `generated_on` is the French date printed in the footer.
pub fn render(fiche: &Fiche, generated_on: &str) -> Result<Vec<u8>, ApiError> {
    draw(
        &layout(fiche, generated_on),
        format!(
            "Fiche de synthèse {} – {} – campagne {}",
            fiche.identity.finess, fiche.identity.name, fiche.campaign
        ),
    )
}

/// Lays the fiche out on one or more A4 pages.
pub fn layout(fiche: &Fiche, generated_on: &str) -> Vec<Vec<Op>> {
    let mut p = Pages::with_band(64.0, 30.0);
    p.text(
        MARGIN,
        16.0,
        true,
        WHITE,
        format!("Fiche de synthèse – campagne {}", fiche.campaign),
    );
    p.y += 18.0;
    p.text(
        MARGIN,
        8.5,
        false,
        WHITE,
        "Tableau de bord de la performance dans le secteur médico-social",
    );
    identity(&mut p, fiche);
    campaigns(&mut p, fiche);
    indicators(&mut p, fiche);
    controls(&mut p, fiche);
    let count = p.pages.len();
    for (i, page) in p.pages.iter_mut().enumerate() {
        page.push(Op::Text {
            x: MARGIN,
            y: HEIGHT - 24.0,
            size: 7.0,
            bold: false,
            color: GREY,
            text: format!(
                "FINESS {} – édité le {generated_on} – page {}/{count}",
                fiche.identity.finess,
                i + 1
            ),
        });
    }
    p.pages
}

fn identity(p: &mut Pages, fiche: &Fiche) {
    let id = &fiche.identity;
    p.y = 96.0;
    p.text(MARGIN, 14.0, true, BLACK, clip(&id.name, 70));
    let lines = [
        (
            "Structure",
            format!(
                "FINESS {} · {} · {} ({})",
                id.finess, id.category_label, id.city, id.department
            ),
        ),
        (
            "Organisme gestionnaire",
            format!("{} (FINESS {})", id.organisation_name, id.organisation_finess),
        ),
        ("Capacité autorisée", capacity(fiche)),
        (
            "CPOM",
            match (id.cpom, &id.cpom_ends_on) {
                (Some(true), Some(end)) => format!("en cours, échéance le {}", french_date(end)),
                (Some(true), None) => "en cours".to_owned(),
                (Some(false), _) => "aucun CPOM en cours".to_owned(),
                (None, _) => "non renseigné".to_owned(),
            },
        ),
        (
            "Chiffres",
            match &fiche.frozen_at {
                Some(at) => format!(
                    "figés le {} (campagne publiée)",
                    french_date(&at[..10.min(at.len())])
                ),
                None => "provisoires : la campagne n'est pas encore publiée".to_owned(),
            },
        ),
    ];
    p.y += 8.0;
    for (label, value) in lines {
        p.y += 13.0;
        p.text(MARGIN, 8.5, true, GREY, label);
        p.text(MARGIN + 120.0, 8.5, false, BLACK, clip(&value, 74));
    }
}

fn capacity(fiche: &Fiche) -> String {
    if fiche.identity.capacity.is_empty() {
        return "non renseignée".to_owned();
    }
    fiche
        .identity
        .capacity
        .iter()
        .map(|c| format!("{} : {} places", c.label, format_decimal(c.places, 0)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn campaigns(p: &mut Pages, fiche: &Fiche) {
    p.heading("Complétude et état des formulaires");
    for c in &fiche.campaigns {
        p.room(16.0);
        p.text(MARGIN, 9.0, true, BLACK, c.campaign.to_string());
        let (x, y, w) = (MARGIN + 40.0, p.y - 8.0, 180.0);
        p.ops().push(Op::Rect {
            x,
            y,
            w,
            h: 9.0,
            color: LIGHT,
        });
        let rate = c.completion_rate.clamp(0.0, 1.0) as f32;
        p.ops().push(Op::Rect {
            x,
            y,
            w: w * rate,
            h: 9.0,
            color: if c.threshold_reached { GREEN } else { RED },
        });
        let reached = if c.threshold_reached {
            "seuil atteint"
        } else {
            "seuil non atteint"
        };
        p.text(
            x + w + 10.0,
            8.5,
            false,
            BLACK,
            format!(
                "{} – {} – {reached}",
                format_indicator(c.completion_rate, IndicatorUnit::Ratio),
                state_label(c.state)
            ),
        );
        p.y += 15.0;
    }
}

fn indicators(p: &mut Pages, fiche: &Fiche) {
    p.heading("Indicateurs de dialogue");
    let columns: Vec<i32> = fiche.campaigns.iter().map(|c| c.campaign).collect();
    let x_of = |i: usize| MARGIN + 215.0 + 88.0 * i as f32;
    p.text(
        MARGIN,
        7.0,
        false,
        GREY,
        "Par campagne : valeur de la structure, puis médiane de ses pairs · rang/n (département, à défaut région, à défaut national).",
    );
    p.y += 12.0;
    p.text(MARGIN, 7.5, true, GREY, "Indicateur");
    for (i, year) in columns.iter().enumerate() {
        p.text(x_of(i), 7.5, true, GREY, year.to_string());
    }
    p.text(WIDTH - MARGIN - 50.0, 7.5, true, GREY, "Tendance");
    p.y += 4.0;
    for indicator in &fiche.indicators {
        p.room(26.0);
        p.y += 13.0;
        p.text(MARGIN, 7.5, false, BLACK, clip(&indicator.label, 52));
        for (i, point) in indicator.points.iter().enumerate() {
            let value = point
                .value
                .map_or("—".to_owned(), |v| format_indicator(v, indicator.unit));
            p.text(x_of(i), 8.0, true, BLACK, value);
            let y = p.y;
            p.y += 9.0;
            let median = point
                .median
                .map_or("—".to_owned(), |m| format_indicator(m, indicator.unit));
            let rank = match (point.rank, point.n) {
                (Some(r), Some(n)) => format!("{r}/{n}"),
                (None, Some(n)) => format!("n = {n}"),
                _ => "effectif insuffisant".to_owned(),
            };
            p.text(x_of(i), 6.5, false, GREY, format!("{median} · {rank}"));
            p.y = y;
        }
        sparkline(p, indicator);
        p.y += 9.0;
        let y = p.y + 3.0;
        p.ops().push(Op::Rect {
            x: MARGIN,
            y,
            w: WIDTH - 2.0 * MARGIN,
            h: 0.3,
            color: LIGHT,
        });
    }
}

/// The values of the campaigns as a small line, coloured by the trend's meaning.
fn sparkline(p: &mut Pages, indicator: &FicheIndicator) {
    let values: Vec<Option<f64>> = indicator.points.iter().map(|point| point.value).collect();
    let heights = tdb_domain::display::sparkline_heights(&values, indicator.unit);
    let (x0, top, w, h) = (WIDTH - MARGIN - 50.0, p.y - 8.0, 40.0, 12.0);
    let span = indicator.points.len().saturating_sub(1).max(1) as f32;
    let points: Vec<(f32, f32)> = heights
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let t = (*t)? as f32;
            Some((x0 + w * (i as f32) / span, top + h * (1.0 - t)))
        })
        .collect();
    let color = match indicator.improving {
        Some(true) => GREEN,
        Some(false) => RED,
        None => BLUE,
    };
    if points.len() >= 2 {
        p.ops().push(Op::Line {
            points: points.clone(),
            width: 1.2,
            color,
        });
    }
    for (x, y) in points {
        p.ops().push(Op::Rect {
            x: x - 1.5,
            y: y - 1.5,
            w: 3.0,
            h: 3.0,
            color,
        });
    }
}

fn controls(p: &mut Pages, fiche: &Fiche) {
    p.heading(&format!("Contrôles en échec – campagne {}", fiche.campaign));
    if fiche.failed_controls.is_empty() {
        p.text(MARGIN, 8.5, false, BLACK, "Aucun contrôle en échec.");
        return;
    }
    for control in &fiche.failed_controls {
        p.room(14.0);
        let (label, color) = match (control.severity, control.justified) {
            (Severity::Bloquant, _) => ("Bloquant", RED),
            (Severity::Alerte, true) => ("Alerte justifiée", GREY),
            (Severity::Alerte, false) => ("Alerte", RED),
        };
        p.text(MARGIN, 7.5, true, color, label);
        p.text(MARGIN + 75.0, 7.5, false, BLACK, clip(&control.message, 105));
        p.y += 12.0;
    }
}

fn state_label(state: FormState) -> &'static str {
    match state {
        FormState::NonCommence => "non commencé",
        FormState::EnCours => "en cours de saisie",
        FormState::Soumis => "soumis",
        FormState::CorrectionDemandee => "correction demandée",
        FormState::Valide => "validé",
        FormState::Cloture => "clôturé",
    }
}

/// `YYYY-MM-DD` as `DD/MM/YYYY`.
fn french_date(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dates() {
        assert_eq!(french_date("2026-12-31"), "31/12/2026");
    }
}
