//! Drawing pages of operations into a PDF document with krilla.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, Stroke};
use krilla::text::{Font, TextDirection};

use super::{HEIGHT, Op, WIDTH};
use crate::error::ApiError;

/// Draws pages of operations into a PDF titled `title`.
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
