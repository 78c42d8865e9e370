//! Axis ticks: where a plot's grid lines go and which of them carry a label, for every axis the
//! editor draws (time or beats and amplitude on the scope, frequency and level on the spectrum,
//! level on the meters).
//!
//! GUI-free: a tick's position is a fraction of its axis (0 = the low end: left, or bottom),
//! sizes are egui points, and the room a label needs is measured by the caller (egui lays the
//! text out; tests estimate it), so the choice of steps and the no-overlap rule are tested
//! without a window. Steps are picked from the room the widest label needs, so label density
//! follows the plot's size in points, hence also the zoom and the screen's scale factor.
//!
//! One idea a file: [`step`] how far apart ticks go, [`labels`] how labels are written and
//! placed without overlap, and one file per kind of axis: [`time`] (seconds, bars and beats),
//! [`level`] (amplitude, decibels), [`frequency`] (log and linear Hz).

mod frequency;
mod labels;
mod level;
mod step;
mod time;

#[cfg(test)]
mod testing;

use self::labels::LabelFormat;
pub use self::labels::label_span;

/// Smallest distance between two grid lines, points.
const MIN_LINE_SPACING: f32 = 7.0;

/// How prominent a grid line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    /// Decades, bars, zero, full scale.
    Strong,
    /// Labelled steps.
    Normal,
    /// Subdivisions (unlabelled).
    Faint,
}

/// One grid line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick {
    /// The value on the axis (seconds, quarter notes, amplitude, dB or Hz).
    pub value: f64,
    /// Where it is: 0 = the axis' low end, 1 = its high end.
    pub fraction: f32,
    /// How prominent its line is.
    pub weight: Weight,
    /// Whether it may carry a label, and how important that label is (0 first).
    pub priority: Option<u8>,
    /// Whether it carries a label (set by [`Ticks::choose_labels`]).
    pub labelled: bool,
}

/// The ticks of one axis, with the buffers reused from frame to frame.
#[derive(Debug, Clone)]
pub struct Ticks {
    /// The grid lines, ordered by value.
    pub ticks: Vec<Tick>,
    /// How labels are written (set with the ticks).
    format: LabelFormat,
    /// Label spans placed so far (scratch of [`Ticks::choose_labels`]).
    placed: Vec<(f32, f32)>,
    scratch: String,
}

impl Default for Ticks {
    fn default() -> Self {
        Self {
            ticks: Vec::new(),
            format: LabelFormat::Amplitude,
            placed: Vec::new(),
            scratch: String::new(),
        }
    }
}

impl Ticks {
    /// Pushes ticks at every multiple of `step` in `lo..=hi`.
    fn push_multiples(
        &mut self,
        (lo, hi): (f64, f64),
        step: f64,
        weight_of: impl Fn(f64) -> (Weight, Option<u8>),
    ) {
        let first = (lo / step - 1e-6).ceil() as i64;
        let last = (hi / step + 1e-6).floor() as i64;
        // A sane step never yields more; a broken one must not hang the GUI.
        if last < first || last - first > 2000 {
            return;
        }
        for i in first..=last {
            let value = i as f64 * step;
            let (weight, priority) = weight_of(value);
            self.ticks.push(Tick {
                value,
                fraction: ((value - lo) / (hi - lo)) as f32,
                weight,
                priority,
                labelled: false,
            });
        }
    }

    /// Adds unlabelled subdivisions half a `step` apart when there is room, and sorts.
    fn add_halves(&mut self, (lo, hi): (f64, f64), step: f64, length: f32) {
        if (step / 2.0 / (hi - lo)) as f32 * length >= MIN_LINE_SPACING {
            let first = (lo / step - 0.5 - 1e-6).ceil() as i64;
            let last = (hi / step - 0.5 + 1e-6).floor() as i64;
            if last >= first && last - first <= 2000 {
                for i in first..=last {
                    let value = (i as f64 + 0.5) * step;
                    self.ticks.push(Tick {
                        value,
                        fraction: ((value - lo) / (hi - lo)) as f32,
                        weight: Weight::Faint,
                        priority: None,
                        labelled: false,
                    });
                }
            }
        }
        self.sort();
    }

    /// Orders the ticks by value.
    fn sort(&mut self) {
        self.ticks.sort_by(|a, b| a.value.total_cmp(&b.value));
    }
}
