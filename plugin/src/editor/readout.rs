//! Hover readouts: what lies under the pointer, as lines of coloured text (written with
//! [`super::format`]), and which pixel column that is.
//!
//! GUI-free, so tested without a window. The lines share one `String`, which the views keep
//! from frame to frame: a readout costs no allocation beyond the text egui lays out.

use std::ops::Range;

use egui::Color32;

/// Lines of text with a colour each, kept between frames.
#[derive(Debug, Default)]
pub struct Readout {
    text: String,
    lines: Vec<(Range<usize>, Color32)>,
}

impl Readout {
    /// Forgets the previous frame's lines (keeps the memory).
    pub fn clear(&mut self) {
        self.text.clear();
        self.lines.clear();
    }

    /// Adds a line in `colour` with the text `write` appends.
    pub fn push_line(&mut self, colour: Color32, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        self.lines.push((start..self.text.len(), colour));
    }

    /// Whether there is no line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines as `(text, colour)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Color32)> {
        self.lines
            .iter()
            .map(|(range, colour)| (&self.text[range.clone()], *colour))
    }
}

/// The pixel column under a point `fraction` (0…1) across a plot of `columns` columns.
pub fn column_at(fraction: f64, columns: usize) -> Option<usize> {
    if columns == 0 || !(0.0..=1.0).contains(&fraction) {
        return None;
    }
    Some(((fraction * columns as f64) as usize).min(columns - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::format::{self, TimeStyle};

    #[test]
    fn pointer_fraction_maps_to_its_column() {
        assert_eq!(column_at(0.0, 100), Some(0));
        assert_eq!(column_at(0.555, 100), Some(55));
        assert_eq!(column_at(1.0, 100), Some(99));
        assert_eq!(column_at(1.01, 100), None);
        assert_eq!(column_at(-0.01, 100), None);
        assert_eq!(column_at(0.5, 0), None);
    }

    #[test]
    fn readout_lines_keep_their_colours_and_memory() {
        let mut r = Readout::default();
        for round in 0..2 {
            r.clear();
            r.push_line(Color32::RED, |s| {
                format::write_time(0.001, TimeStyle::READING, s)
            });
            r.push_line(Color32::BLUE, |s| format::write_sample(0.5, s));
            let lines: Vec<_> = r.iter().collect();
            assert_eq!(
                lines,
                [
                    ("1.000 ms", Color32::RED),
                    ("+0.500  -6.0 dBFS", Color32::BLUE)
                ],
                "round {round}"
            );
        }
        let capacity = (r.text.capacity(), r.lines.capacity());
        r.clear();
        r.push_line(Color32::RED, |s| {
            format::write_time(0.002, TimeStyle::READING, s)
        });
        assert_eq!((r.text.capacity(), r.lines.capacity()), capacity);
    }
}
