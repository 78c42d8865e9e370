//! Hover readouts: what lies under the pointer, as text.
//!
//! GUI-free, so tested without a window. Everything appends to a caller's `String`, which the
//! views keep from frame to frame: a readout costs no allocation beyond the text egui lays out.

use std::fmt::Write;
use std::ops::Range;

use egui::Color32;
use ringscope::analysis::{ColumnMinMax, Note};

use super::ticks::BeatPosition;

/// Levels at or below this read "-inf" (the analysis floor is far lower; nothing audible is).
const SILENT_DB: f32 = -200.0;

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

/// `20·log10|v|`, dBFS.
pub fn amplitude_db(v: f32) -> f32 {
    20.0 * v.abs().max(1e-12).log10()
}

/// Appends a level: "-23.4 dB" (`unit` after the number), "-inf dB" below the floor.
pub fn write_db(db: f32, unit: &str, out: &mut String) {
    if db.is_finite() && db > SILENT_DB {
        let _ = write!(out, "{db:+.1} {unit}");
    } else {
        let _ = write!(out, "-inf {unit}");
    }
}

/// Appends a time: "0.250 ms", "12.50 ms", "1.2500 s" (sign only when negative).
pub fn write_time(seconds: f64, out: &mut String) {
    let magnitude = seconds.abs();
    let _ = if magnitude < 0.01 {
        write!(out, "{:.3} ms", seconds * 1e3)
    } else if magnitude < 1.0 {
        write!(out, "{:.2} ms", seconds * 1e3)
    } else {
        write!(out, "{seconds:.4} s")
    };
}

/// Appends a musical position: "bar 2 · beat 3.50" (`quarters` after the sweep start).
pub fn write_beats(quarters: f64, beat_quarters: f64, beats_per_bar: f64, out: &mut String) {
    let p = BeatPosition::at(quarters, beat_quarters, beats_per_bar);
    let _ = write!(out, "bar {} · beat {:.2}", p.bar, p.beat_fraction);
}

/// Appends a grid position as DAWs write it: "2.3.1" (bar, beat, sixteenth, from 1).
pub fn write_bar_beat(quarters: f64, beat_quarters: f64, beats_per_bar: f64, out: &mut String) {
    let p = BeatPosition::at(quarters, beat_quarters, beats_per_bar);
    let _ = write!(out, "{}.{}.{}", p.bar, p.beat, p.sixteenth);
}

/// Appends one sample value: "+0.532  -5.5 dBFS".
pub fn write_amplitude(v: f32, out: &mut String) {
    let _ = write!(out, "{v:+.3}  ");
    write_db(amplitude_db(v), "dBFS", out);
}

/// Appends what a pixel column holds: one value where the trace is a line, its range and
/// peak where many samples share the column.
pub fn write_column(column: ColumnMinMax, out: &mut String) {
    // Below a thousandth of full scale the range would print as one number anyway.
    if (column.max - column.min).abs() < 1e-3 {
        write_amplitude(0.5 * (column.min + column.max), out);
    } else {
        let _ = write!(out, "{:+.3}…{:+.3}  pk ", column.min, column.max);
        write_db(
            amplitude_db(column.min.abs().max(column.max.abs())),
            "dBFS",
            out,
        );
    }
}

/// Appends a frequency: "43.07 Hz", "440.0 Hz", "1.234 kHz", "12.35 kHz".
pub fn write_frequency(hz: f64, out: &mut String) {
    let _ = if hz < 100.0 {
        write!(out, "{hz:.2} Hz")
    } else if hz < 1000.0 {
        write!(out, "{hz:.1} Hz")
    } else if hz < 10_000.0 {
        write!(out, "{:.3} kHz", hz / 1000.0)
    } else {
        write!(out, "{:.2} kHz", hz / 1000.0)
    };
}

/// Appends the nearest note (A4 = 440 Hz) and the offset: "A4 +0 ct"; nothing for a frequency
/// without one.
pub fn write_note(hz: f64, out: &mut String) {
    if let Some(note) = Note::nearest(hz, 440.0) {
        let _ = write!(out, "{note}");
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

    fn text(f: impl FnOnce(&mut String)) -> String {
        let mut s = String::new();
        f(&mut s);
        s
    }

    #[test]
    fn times_amplitudes_and_levels_read_as_engineers_write_them() {
        assert_eq!(text(|s| write_time(0.00025, s)), "0.250 ms");
        assert_eq!(text(|s| write_time(0.0125, s)), "12.50 ms");
        assert_eq!(text(|s| write_time(-0.0125, s)), "-12.50 ms");
        assert_eq!(text(|s| write_time(2.5, s)), "2.5000 s");
        assert_eq!(text(|s| write_amplitude(0.5, s)), "+0.500  -6.0 dBFS");
        assert_eq!(text(|s| write_amplitude(-1.0, s)), "-1.000  +0.0 dBFS");
        assert_eq!(text(|s| write_amplitude(0.0, s)), "+0.000  -inf dBFS");
        assert_eq!(text(|s| write_db(f32::NEG_INFINITY, "dB", s)), "-inf dB");
        assert_eq!(text(|s| write_db(-240.0, "dB", s)), "-inf dB");
        assert_eq!(text(|s| write_db(-3.01, "dB", s)), "-3.0 dB");
    }

    #[test]
    fn a_dense_column_reads_as_a_range_with_its_peak() {
        let line = ColumnMinMax {
            min: 0.25,
            max: 0.2504,
        };
        assert_eq!(text(|s| write_column(line, s)), "+0.250  -12.0 dBFS");
        let band = ColumnMinMax {
            min: -0.5,
            max: 0.25,
        };
        assert_eq!(
            text(|s| write_column(band, s)),
            "-0.500…+0.250  pk -6.0 dBFS"
        );
    }

    #[test]
    fn frequencies_and_notes() {
        assert_eq!(text(|s| write_frequency(43.066, s)), "43.07 Hz");
        assert_eq!(text(|s| write_frequency(440.0, s)), "440.0 Hz");
        assert_eq!(text(|s| write_frequency(1234.5, s)), "1.234 kHz");
        assert_eq!(text(|s| write_frequency(12_345.0, s)), "12.35 kHz");
        assert_eq!(text(|s| write_note(440.0, s)), "A4 +0 ct");
        assert_eq!(text(|s| write_note(1000.0, s)), "B5 +21 ct");
        assert_eq!(text(|s| write_note(0.0, s)), "");
    }

    #[test]
    fn beat_positions_read_as_bar_and_beat() {
        assert_eq!(text(|s| write_beats(5.5, 1.0, 4.0, s)), "bar 2 · beat 2.50");
        assert_eq!(text(|s| write_bar_beat(5.5, 1.0, 4.0, s)), "2.2.3");
        // 6/8: eighth-note beats.
        assert_eq!(text(|s| write_beats(1.0, 0.5, 6.0, s)), "bar 1 · beat 3.00");
    }

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
            r.push_line(Color32::RED, |s| write_time(0.001, s));
            r.push_line(Color32::BLUE, |s| write_amplitude(0.5, s));
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
        r.push_line(Color32::RED, |s| write_time(0.002, s));
        assert_eq!((r.text.capacity(), r.lines.capacity()), capacity);
    }
}
