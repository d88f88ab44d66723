//! Pages of drawing operations filled top to bottom: text, section headings, page breaks.

use super::{BLUE, HEIGHT, MARGIN, Op, WIDTH};

/// Lowest baseline before a new page.
const BOTTOM: f32 = HEIGHT - 50.0;

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
    fn clipping() {
        assert_eq!(clip("Taux d'occupation", 8), "Taux d'…");
        assert_eq!(clip("Taux", 8), "Taux");
    }
}
