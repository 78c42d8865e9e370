//! Tick labels: how an axis writes them (with [`crate::editor::format`]), how much room
//! one needs, and which ticks get one so that no two overlap.

use super::Ticks;
use crate::editor::beats::BeatGrid;
use crate::editor::format::{self, TimeUnit};

/// Smallest empty space between two labels, points.
pub(super) const LABEL_GAP: f32 = 8.0;

/// Room a step must leave per label `extent` points long: a label at either end of the axis is
/// shifted inwards by up to half its extent (see [`label_span`]), and must still clear its
/// neighbour, so every label of an evenly stepped axis fits.
pub(super) fn room_for(extent: f32) -> f32 {
    // One point of slack: text measured by egui may differ from the estimate by a rounding.
    1.5 * extent + LABEL_GAP + 1.0
}

/// How the labels of an axis are written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LabelFormat {
    /// Seconds shown in `unit` with `decimals` ("0", "5 ms", "2.5 s").
    Time {
        /// Unit of every label.
        unit: TimeUnit,
        /// Decimals of every label.
        decimals: usize,
    },
    /// Quarter notes from the sweep start, as DAWs write them: "2" (bar), "2.3" (beat),
    /// "2.3.2" (sixteenth within the beat), all counted from 1.
    Beats(BeatGrid),
    /// Linear amplitude, signed, shortest form ("+1", "+0.5", "0", "-0.25").
    Amplitude,
    /// Decibels, signed ("0", "-12", "+6").
    Decibels,
    /// Hertz, with "k" for thousands ("20", "500", "1k", "2.5k").
    Hertz,
}

impl LabelFormat {
    /// Appends the label of `value` to `out`.
    pub fn write(&self, value: f64, out: &mut String) {
        // A tick computed as a multiple of its step may miss zero by a rounding.
        let value = if value.abs() < 1e-9 { 0.0 } else { value };
        match *self {
            LabelFormat::Time { unit, decimals } => {
                format::write_time_tick(value, unit, decimals, out)
            }
            LabelFormat::Beats(grid) => format::write_bar_beat_tick(grid.position(value), out),
            LabelFormat::Amplitude => format::write_amplitude_tick(value, out),
            LabelFormat::Decibels => format::write_db_tick(value, out),
            LabelFormat::Hertz => format::write_hz_tick(value, out),
        }
    }
}

/// Where a label of `extent` points centred on `fraction` of an axis `length` points long ends
/// up: centred on its tick, but shifted to stay inside the axis.
pub fn label_span(fraction: f32, extent: f32, length: f32) -> (f32, f32) {
    let centre = fraction * length;
    let start = (centre - extent / 2.0).clamp(0.0, (length - extent).max(0.0));
    (start, start + extent)
}

impl Ticks {
    /// The label of `value` in this axis' format.
    pub fn label(&self, value: f64) -> String {
        let mut out = String::new();
        self.format.write(value, &mut out);
        out
    }

    /// Characters in the label of `value` (for estimating its width).
    pub(super) fn label_chars(&mut self, value: f64) -> usize {
        self.scratch.clear();
        self.format.write(value, &mut self.scratch);
        self.scratch.chars().count()
    }

    /// Decides which candidates get a label on an axis `length` points long, given the room
    /// each label needs along the axis (`extents[i]` for `self.ticks[i]`): most important
    /// first, each only where it overlaps no label already placed (see [`label_span`]).
    pub fn choose_labels(&mut self, length: f32, extents: &[f32]) {
        self.placed.clear();
        for tick in &mut self.ticks {
            tick.labelled = false;
        }
        let top = self
            .ticks
            .iter()
            .filter_map(|t| t.priority)
            .max()
            .unwrap_or(0);
        for priority in 0..=top {
            for (tick, &extent) in self.ticks.iter_mut().zip(extents) {
                if tick.priority != Some(priority) || !(0.0..=1.0).contains(&tick.fraction) {
                    continue;
                }
                let (start, end) = label_span(tick.fraction, extent, length);
                let free = self
                    .placed
                    .iter()
                    .all(|&(s, e)| end + LABEL_GAP <= s + 0.01 || start + 0.01 >= e + LABEL_GAP);
                if free && extent <= length {
                    tick.labelled = true;
                    self.placed.push((start, end));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{CHAR, place};
    use super::*;

    #[test]
    fn labels_are_placed_most_important_first_and_never_overlap() {
        let mut ticks = Ticks::default();
        ticks.decibels(-96.0, 6.0, 120.0, 13.0);
        // Every label as wide as the axis is long but one: only the most important fits.
        let extents: Vec<f32> = ticks.ticks.iter().map(|_| 60.0).collect();
        ticks.choose_labels(120.0, &extents);
        let shown: Vec<f64> = ticks
            .ticks
            .iter()
            .filter(|t| t.labelled)
            .map(|t| t.value)
            .collect();
        assert_eq!(shown, [0.0], "zero, the most important, takes the room");
        // `place` checks the no-overlap rule on a real axis.
        ticks.time(0.0, 1.0, 300.0, CHAR);
        assert!(place(&mut ticks, 300.0).len() >= 3);
    }

    #[test]
    fn an_end_label_is_shifted_inside_the_axis() {
        assert_eq!(label_span(0.0, 20.0, 100.0), (0.0, 20.0));
        assert_eq!(label_span(1.0, 20.0, 100.0), (80.0, 100.0));
        assert_eq!(label_span(0.5, 20.0, 100.0), (40.0, 60.0));
        // Wider than the axis: starts at its low end.
        assert_eq!(label_span(0.5, 150.0, 100.0), (0.0, 150.0));
    }
}
