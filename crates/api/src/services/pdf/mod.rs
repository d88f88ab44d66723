//! A small PDF kit on krilla, shared by the fiche de synthèse and the CPOM committee report: A4
//! pages are laid out as drawing operations ([`Op`]) filled top to bottom ([`Pages`]), then drawn
//! with the DejaVu Sans font shipped by the `dejavu` crate (subset and embedded, so accents and the
//! narrow no-break space render everywhere) by [`draw`].

mod document;
mod pages;

pub use document::draw;
pub use pages::{Pages, clip};

/// A4 in points.
pub const WIDTH: f32 = 595.28;
/// A4 height in points.
pub const HEIGHT: f32 = 841.89;
/// Page margin.
pub const MARGIN: f32 = 40.0;

/// Colours (DSFR): blue France.
pub const BLUE: (u8, u8, u8) = (0, 0, 145);
/// Grey of secondary text.
pub const GREY: (u8, u8, u8) = (102, 102, 102);
/// Light blue of bands.
pub const LIGHT: (u8, u8, u8) = (229, 229, 244);
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
