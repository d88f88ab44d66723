//! The fiche de synthèse as an A4 PDF, in French: laid out first as pages of drawing operations
//! ([`layout`]), then drawn with krilla and the DejaVu Sans font shipped by the `dejavu` crate
//! (subset and embedded, so accents and the narrow no-break space render everywhere).

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, Stroke};
use krilla::text::{Font, TextDirection};
use tdb_domain::contract::{Fiche, FicheIndicator, FormState, IndicatorUnit, Severity};
use tdb_domain::display::{format_decimal, format_indicator};

use crate::error::ApiError;

/// A4 in points.
pub const WIDTH: f32 = 595.28;
/// A4 height in points.
pub const HEIGHT: f32 = 841.89;
/// Page margin.
pub const MARGIN: f32 = 40.0;
/// Lowest baseline before a new page.
const BOTTOM: f32 = HEIGHT - 50.0;

/// Colours (DSFR): blue France.
pub const BLUE: (u8, u8, u8) = (0, 0, 145);
/// Grey of secondary text.
pub const GREY: (u8, u8, u8) = (102, 102, 102);
/// Light blue of bands.
const LIGHT: (u8, u8, u8) = (229, 229, 244);
/// Text.
pub const BLACK: (u8, u8, u8) = (22, 22, 22);
/// White.
pub const WHITE: (u8, u8, u8) = (255, 255, 255);
/// Success green.
pub const GREEN: (u8, u8, u8) = (24, 117, 60);
/// Error red.
pub const RED: (u8, u8, u8) = (206, 5, 0);

/// One drawing operation; `y` grows downwards from the top of the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text whose baseline starts at `(x, y)`.
    Text {
        /// Left.
        x: f32,
        /// Baseline.
        y: f32,
        /// Font size.
        size: f32,
        /// Bold face.
        bold: bool,
        /// Colour.
        color: (u8, u8, u8),
        /// The text.
        text: String,
    },
    /// A filled rectangle.
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Colour.
        color: (u8, u8, u8),
    },
    /// A stroked polyline.
    Line {
        /// Points.
        points: Vec<(f32, f32)>,
        /// Stroke width.
        width: f32,
        /// Colour.
        color: (u8, u8, u8),
    },
}

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

/// Draws pages of operations into a PDF titled `title` (also used by the CPOM committee reports).
pub fn draw(pages: &[Vec<Op>], title: String) -> Result<Vec<u8>, ApiError> {
    let regular = font(dejavu::sans::regular())?;
    let bold = font(dejavu::sans::bold())?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title)
            .language("fr".to_owned())
            .creator("tdb".to_owned()),
    );
    for ops in pages {
        let settings =
            PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| ApiError::Internal("page size".to_owned()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: is_bold,
                    color,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*color)));
                    let face = if *is_bold { bold.clone() } else { regular.clone() };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        face,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect { x, y, w, h, color } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) else {
                        continue;
                    };
                    let mut builder = PathBuilder::new();
                    builder.push_rect(rect);
                    if let Some(path) = builder.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(fill(*color)));
                        surface.draw_path(&path);
                    }
                }
                Op::Line { points, width, color } => {
                    let mut builder = PathBuilder::new();
                    for (i, (x, y)) in points.iter().enumerate() {
                        if i == 0 {
                            builder.move_to(*x, *y);
                        } else {
                            builder.line_to(*x, *y);
                        }
                    }
                    if let Some(path) = builder.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(color.0, color.1, color.2).into(),
                            width: *width,
                            line_cap: LineCap::Round,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| ApiError::Internal(format!("PDF: {e:?}")))
}

fn font(data: &'static [u8]) -> Result<Font, ApiError> {
    Font::new(data.into(), 0).ok_or_else(|| ApiError::Internal("font DejaVu Sans unreadable".to_owned()))
}

fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        ..Fill::default()
    }
}

/// Pages of operations, filled top to bottom.
pub struct Pages {
    /// The pages laid out so far.
    pub pages: Vec<Vec<Op>>,
    /// Current baseline.
    pub y: f32,
}

impl Pages {
    /// Starts with a blue title band of `height` points, the cursor at `y`.
    pub fn with_band(height: f32, y: f32) -> Self {
        Self {
            pages: vec![vec![Op::Rect {
                x: 0.0,
                y: 0.0,
                w: WIDTH,
                h: height,
                color: BLUE,
            }]],
            y,
        }
    }

    /// The operations of the current page.
    pub fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Text at the current baseline.
    pub fn text(&mut self, x: f32, size: f32, bold: bool, color: (u8, u8, u8), text: impl Into<String>) {
        let y = self.y;
        self.ops().push(Op::Text {
            x,
            y,
            size,
            bold,
            color,
            text: text.into(),
        });
    }

    /// Makes room for `height` points, starting a new page when the current one is full.
    pub fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.pages.push(Vec::new());
            self.y = MARGIN + 10.0;
        }
    }

    /// A section title with a rule under it.
    pub fn heading(&mut self, title: &str) {
        self.room(40.0);
        self.y += 22.0;
        self.text(MARGIN, 11.0, true, BLUE, title);
        self.y += 4.0;
        let y = self.y;
        self.ops().push(Op::Rect {
            x: MARGIN,
            y,
            w: WIDTH - 2.0 * MARGIN,
            h: 0.8,
            color: BLUE,
        });
        self.y += 12.0;
    }
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
    let values: Vec<(usize, f64)> = indicator
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, point)| point.value.map(|v| (i, v)))
        .collect();
    let (x0, top, w, h) = (WIDTH - MARGIN - 50.0, p.y - 8.0, 40.0, 12.0);
    let lo = values.iter().map(|v| v.1).fold(f64::INFINITY, f64::min);
    let hi = values.iter().map(|v| v.1).fold(f64::NEG_INFINITY, f64::max);
    let span = indicator.points.len().saturating_sub(1).max(1) as f32;
    let points: Vec<(f32, f32)> = values
        .iter()
        .map(|(i, v)| {
            let t = if hi > lo {
                ((v - lo) / (hi - lo)) as f32
            } else {
                0.5
            };
            (x0 + w * (*i as f32) / span, top + h * (1.0 - t))
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

/// At most `max` characters, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dates_and_clipping() {
        assert_eq!(french_date("2026-12-31"), "31/12/2026");
        assert_eq!(clip("Taux d'occupation", 8), "Taux d'…");
        assert_eq!(clip("Taux", 8), "Taux");
    }
}
