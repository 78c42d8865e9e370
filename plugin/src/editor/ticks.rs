//! Axis ticks: where a plot's grid lines go and which of them carry a label, for every axis the
//! editor draws (time or beats and amplitude on the scope, frequency and level on the spectrum,
//! level on the meters).
//!
//! GUI-free: a tick's position is a fraction of its axis (0 = the low end: left, or bottom),
//! sizes are egui points, and the room a label needs is measured by the caller (egui lays the
//! text out; tests estimate it), so the choice of steps and the no-overlap rule are tested
//! without a window. Steps are picked from the room the widest label needs, so label density
//! follows the plot's size in points, hence also the zoom and the screen's scale factor.

use std::fmt::Write;

use ringscope::analysis::{FrequencyAxis, FrequencyScale};

/// Smallest distance between two grid lines, points.
pub const MIN_LINE_SPACING: f32 = 7.0;
/// Smallest empty space between two labels, points.
pub const LABEL_GAP: f32 = 8.0;

/// Room a step must leave per label `extent` points long: a label at either end of the axis is
/// shifted inwards by up to half its extent (see [`label_span`]), and must still clear its
/// neighbour, so every label of an evenly stepped axis fits.
fn room_for(extent: f32) -> f32 {
    // One point of slack: text measured by egui may differ from the estimate by a rounding.
    1.5 * extent + LABEL_GAP + 1.0
}

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

/// Unit of a time axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// Milliseconds.
    Milliseconds,
    /// Seconds.
    Seconds,
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
    Beats {
        /// Length of one beat, quarter notes.
        beat_quarters: f64,
        /// Beats in a bar.
        beats_per_bar: f64,
    },
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
        // Values that are zero up to rounding print as 0, never "-0".
        let value = if value.abs() < 1e-9 { 0.0 } else { value };
        let _ = match *self {
            LabelFormat::Time { unit, decimals } => {
                let (scaled, suffix) = match unit {
                    TimeUnit::Milliseconds => (value * 1e3, "ms"),
                    TimeUnit::Seconds => (value, "s"),
                };
                if value == 0.0 {
                    write!(out, "0")
                } else {
                    write!(out, "{scaled:.decimals$} {suffix}")
                }
            }
            LabelFormat::Beats {
                beat_quarters,
                beats_per_bar,
            } => {
                let position = BeatPosition::at(value, beat_quarters, beats_per_bar);
                match position {
                    BeatPosition {
                        bar,
                        beat: 1,
                        sixteenth: 1,
                        ..
                    } => write!(out, "{bar}"),
                    BeatPosition {
                        bar,
                        beat,
                        sixteenth: 1,
                        ..
                    } => write!(out, "{bar}.{beat}"),
                    BeatPosition {
                        bar,
                        beat,
                        sixteenth,
                        ..
                    } => write!(out, "{bar}.{beat}.{sixteenth}"),
                }
            }
            LabelFormat::Amplitude => {
                if value == 0.0 {
                    write!(out, "0")
                } else {
                    let mut digits = 0;
                    while digits < 4 && (value * 10f64.powi(digits)).fract().abs() > 1e-6 {
                        digits += 1;
                    }
                    write!(out, "{value:+.*}", digits as usize)
                }
            }
            LabelFormat::Decibels => {
                if (value - value.round()).abs() < 1e-6 {
                    let db = value.round() as i64;
                    if db > 0 {
                        write!(out, "+{db}")
                    } else {
                        write!(out, "{db}")
                    }
                } else {
                    write!(out, "{value:+.1}")
                }
            }
            LabelFormat::Hertz => write_hertz(value, out),
        };
    }
}

fn write_hertz(hz: f64, out: &mut String) -> std::fmt::Result {
    let (value, suffix) = if hz.abs() >= 1000.0 {
        (hz / 1000.0, "k")
    } else {
        (hz, "")
    };
    if (value - value.round()).abs() < 1e-6 {
        write!(out, "{}{suffix}", value.round() as i64)
    } else if (value * 10.0 - (value * 10.0).round()).abs() < 1e-6 {
        write!(out, "{value:.1}{suffix}")
    } else {
        write!(out, "{value:.2}{suffix}")
    }
}

/// A position in bars and beats, counted from 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BeatPosition {
    /// Bar, from 1.
    pub bar: u64,
    /// Beat within the bar, from 1.
    pub beat: u64,
    /// Sixteenth note within the beat, from 1.
    pub sixteenth: u64,
    /// Beats into the bar, fractional, from 1 (1.5 = halfway through the first beat).
    pub beat_fraction: f64,
}

impl BeatPosition {
    /// The position `quarters` quarter notes after the start of bar 1.
    pub fn at(quarters: f64, beat_quarters: f64, beats_per_bar: f64) -> Self {
        let beat_quarters = if beat_quarters > 0.0 {
            beat_quarters
        } else {
            1.0
        };
        let beats_per_bar = beats_per_bar.max(1.0);
        // Snap to 1/64 of a quarter so a grid line computed as 2.9999999 beats reads "1.4".
        let quarters = (quarters.max(0.0) * 64.0).round() / 64.0;
        let beats = quarters / beat_quarters;
        let bar = (beats / beats_per_bar + 1e-9).floor();
        let in_bar = (beats - bar * beats_per_bar).max(0.0);
        let beat = (in_bar + 1e-9).floor();
        let in_beat_quarters = (in_bar - beat) * beat_quarters;
        let sixteenth = (in_beat_quarters * 4.0 + 1e-9).floor();
        Self {
            bar: bar as u64 + 1,
            beat: beat as u64 + 1,
            sixteenth: sixteenth as u64 + 1,
            beat_fraction: in_bar + 1.0,
        }
    }
}

/// The ticks of one axis, with the buffers reused from frame to frame.
#[derive(Debug, Clone)]
pub struct Ticks {
    /// The grid lines, ordered by value.
    pub ticks: Vec<Tick>,
    /// How labels are written.
    pub format: LabelFormat,
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

/// The smallest 1-2-5 step that is at least `at_least` (and positive).
pub fn step_125(at_least: f64) -> f64 {
    let at_least = if at_least.is_finite() && at_least > 0.0 {
        at_least
    } else {
        1.0
    };
    let decade = 10f64.powf(at_least.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * decade >= at_least * (1.0 - 1e-9) {
            return m * decade;
        }
    }
    10.0 * decade
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
    fn label_chars(&mut self, value: f64) -> usize {
        self.scratch.clear();
        self.format.write(value, &mut self.scratch);
        self.scratch.chars().count()
    }

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
        self.ticks.sort_by(|a, b| a.value.total_cmp(&b.value));
    }

    /// A time axis from `t0` to `t1` seconds, `length` points wide; `char_width` is the
    /// width of one label character (a digit), points.
    pub fn time(&mut self, t0: f64, t1: f64, length: f32, char_width: f32) {
        self.ticks.clear();
        let (t0, t1) = ordered(t0, t1, 1e-3);
        let span = t1 - t0;
        let unit = if t0.abs().max(t1.abs()) >= 1.0 {
            TimeUnit::Seconds
        } else {
            TimeUnit::Milliseconds
        };
        let scale = match unit {
            TimeUnit::Milliseconds => 1e3,
            TimeUnit::Seconds => 1.0,
        };
        // The decimals follow the step and the step follows the labels' width: two rounds
        // settle it (a wider label can only make the step coarser, never finer).
        let mut step = step_125(span / 10.0);
        for _ in 0..3 {
            let decimals = decimals_for(step * scale);
            self.format = LabelFormat::Time { unit, decimals };
            let chars = self.label_chars(t0).max(self.label_chars(t1));
            let room = room_for(chars as f32 * char_width);
            step = step_125(span * f64::from(room / length.max(1.0)));
        }
        self.format = LabelFormat::Time {
            unit,
            decimals: decimals_for(step * scale),
        };
        self.push_multiples((t0, t1), step, |t| {
            let priority = if is_multiple(t, step * 10.0) {
                0
            } else if is_multiple(t, step * 2.0) || is_multiple(t, step * 5.0) {
                1
            } else {
                2
            };
            let weight = if t.abs() < step * 1e-6 {
                Weight::Strong
            } else {
                Weight::Normal
            };
            (weight, Some(priority))
        });
        self.add_halves((t0, t1), step, length);
    }

    /// A beat axis over a sweep of `sweep_quarters` quarter notes, `length` points wide.
    pub fn beats(
        &mut self,
        sweep_quarters: f64,
        beat_quarters: f64,
        beats_per_bar: f64,
        length: f32,
        char_width: f32,
    ) {
        self.ticks.clear();
        let sweep = if sweep_quarters.is_finite() && sweep_quarters > 0.0 {
            sweep_quarters
        } else {
            4.0
        };
        let beat = if beat_quarters > 0.0 {
            beat_quarters
        } else {
            1.0
        };
        let beats_per_bar = beats_per_bar.max(1.0);
        let bar = beat * beats_per_bar;
        self.format = LabelFormat::Beats {
            beat_quarters: beat,
            beats_per_bar,
        };
        let mut candidates = [0.0f64; 12];
        let mut n = 0;
        for sub in [0.25, 0.5] {
            if sub < beat - 1e-9 {
                candidates[n] = sub;
                n += 1;
            }
        }
        candidates[n] = beat;
        n += 1;
        if beats_per_bar >= 4.0 && beats_per_bar % 2.0 == 0.0 {
            candidates[n] = 2.0 * beat;
            n += 1;
        }
        for bars in [1.0, 2.0, 4.0, 8.0, 16.0, 32.0] {
            if bars * bar > beat + 1e-9 {
                candidates[n] = bars * bar;
                n += 1;
            }
        }
        let candidates = &candidates[..n];
        let spacing = |step: f64| (step / sweep) as f32 * length;
        // Widest label: a sixteenth in the last bar ("8.4.4").
        let widest = |ticks: &mut Self, step: f64| {
            let probe = if step < beat {
                sweep - step
            } else if step < bar {
                sweep - beat
            } else {
                sweep - bar
            };
            room_for(ticks.label_chars(probe.max(0.0)) as f32 * char_width)
        };
        let mut index = candidates.len() - 1;
        for (i, &step) in candidates.iter().enumerate() {
            if spacing(step) >= widest(self, step) {
                index = i;
                break;
            }
        }
        let step = candidates[index];
        let on = |q: f64, unit: f64| is_multiple(q, unit);
        self.push_multiples((0.0, sweep), step, |q| {
            if on(q, bar) {
                (Weight::Strong, Some(0))
            } else if on(q, beat) {
                (Weight::Normal, Some(1))
            } else {
                (Weight::Normal, Some(2))
            }
        });
        // Unlabelled subdivisions: the next finer candidate, when its lines are not crowded.
        if index > 0 && spacing(candidates[index - 1]) >= MIN_LINE_SPACING {
            let fine = candidates[index - 1];
            let first = self.ticks.len();
            self.push_multiples((0.0, sweep), fine, |_| (Weight::Faint, None));
            // Drop the fine lines that coincide with labelled ones.
            let mut i = first;
            while i < self.ticks.len() {
                if is_multiple(self.ticks[i].value, step) {
                    self.ticks.swap_remove(i);
                } else {
                    i += 1;
                }
            }
        }
        self.ticks.sort_by(|a, b| a.value.total_cmp(&b.value));
    }

    /// A linear amplitude axis from −1 to +1 (full scale), `length` points tall; labels are
    /// `label_height` points tall.
    pub fn amplitude(&mut self, length: f32, label_height: f32) {
        self.ticks.clear();
        self.format = LabelFormat::Amplitude;
        let room = room_for(label_height);
        let mut step = 1.0;
        // Quarters at most: finer labels (0.125, 0.375 …) are more digits than information, and
        // the halves between them still come as unlabelled lines.
        for candidate in [0.25, 0.5] {
            if (candidate / 2.0) as f32 * length >= room {
                step = candidate;
                break;
            }
        }
        self.push_multiples((-1.0, 1.0), step, |v| {
            if v.abs() < 1e-9 || (v.abs() - 1.0).abs() < 1e-9 {
                (Weight::Strong, Some(0))
            } else if is_multiple(v, 0.5) {
                (Weight::Normal, Some(1))
            } else {
                (Weight::Normal, Some(2))
            }
        });
        self.add_halves((-1.0, 1.0), step, length);
    }

    /// A level axis from `lo` to `hi` dB, `length` points long; labels need `room` points
    /// along it (their height on a vertical axis).
    pub fn decibels(&mut self, lo: f64, hi: f64, length: f32, room: f32) {
        self.ticks.clear();
        self.format = LabelFormat::Decibels;
        let (lo, hi) = ordered(lo, hi, 1.0);
        let span = hi - lo;
        let needed = f64::from(room_for(room) / length.max(1.0)) * span;
        let step = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 96.0, 192.0]
            .into_iter()
            .find(|&s| s >= needed)
            .unwrap_or(384.0);
        self.push_multiples((lo, hi), step, |db| {
            if db.abs() < 1e-9 {
                (Weight::Strong, Some(0))
            } else if is_multiple(db, step * 2.0) {
                (Weight::Normal, Some(1))
            } else {
                (Weight::Normal, Some(2))
            }
        });
        self.add_halves((lo, hi), step, length);
    }

    /// A frequency axis (log or linear) `length` points wide. On a log axis every 1-2-5 value
    /// is a label candidate (decades first), the other integers of each decade are unlabelled
    /// lines when the decade is wide enough.
    pub fn frequency(&mut self, axis: &FrequencyAxis, length: f32, char_width: f32) {
        self.ticks.clear();
        self.format = LabelFormat::Hertz;
        let axis = axis.sanitized();
        match axis.scale {
            FrequencyScale::Logarithmic => {
                let decades = (axis.max_hz / axis.min_hz).log10();
                let per_decade = length / decades as f32;
                // The closest lines of a decade are 9 and 10.
                let minor = per_decade * (10f32 / 9.0).log10() >= MIN_LINE_SPACING / 2.0;
                let first = axis.min_hz.log10().floor() as i32;
                let last = axis.max_hz.log10().ceil() as i32;
                for d in first..=last {
                    let decade = 10f64.powi(d);
                    for m in 1..=9 {
                        let hz = m as f64 * decade;
                        if hz < axis.min_hz * (1.0 - 1e-9) || hz > axis.max_hz * (1.0 + 1e-9) {
                            continue;
                        }
                        let (weight, priority) = match m {
                            1 => (Weight::Strong, Some(0)),
                            2 => (Weight::Normal, Some(1)),
                            5 => (Weight::Normal, Some(2)),
                            _ => (Weight::Faint, None),
                        };
                        if weight == Weight::Faint && !minor {
                            continue;
                        }
                        self.ticks.push(Tick {
                            value: hz,
                            fraction: axis.fraction_of(hz) as f32,
                            weight,
                            priority,
                            labelled: false,
                        });
                    }
                }
            }
            FrequencyScale::Linear => {
                let span = axis.max_hz - axis.min_hz;
                let chars = self.label_chars(axis.max_hz).max(5);
                let room = room_for(chars as f32 * char_width);
                let step = step_125(span * f64::from(room / length.max(1.0)));
                self.push_multiples((axis.min_hz, axis.max_hz), step, |hz| {
                    let priority = if is_multiple(hz, step * 10.0) { 0 } else { 1 };
                    let weight = if is_multiple(hz, step * 10.0) {
                        Weight::Strong
                    } else {
                        Weight::Normal
                    };
                    (weight, Some(priority))
                });
                self.add_halves((axis.min_hz, axis.max_hz), step, length);
            }
        }
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

/// `(lo, hi)` ordered, finite and at least `min_span` apart.
fn ordered(a: f64, b: f64, min_span: f64) -> (f64, f64) {
    let a = if a.is_finite() { a } else { 0.0 };
    let b = if b.is_finite() { b } else { a + min_span };
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    (lo, hi.max(lo + min_span * 1e-3))
}

/// Whether `value` is a whole multiple of `unit` (up to rounding).
fn is_multiple(value: f64, unit: f64) -> bool {
    let r = value / unit;
    (r - r.round()).abs() < 1e-6
}

/// Decimals that show a 1-2-5 `step` exactly.
fn decimals_for(step: f64) -> usize {
    if step >= 1.0 - 1e-9 {
        0
    } else {
        (-(step.log10()) - 1e-9).ceil().max(0.0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Width estimate for tests: every character as wide as a digit of an 11 pt font.
    const CHAR: f32 = 6.5;

    fn labels(ticks: &Ticks) -> Vec<String> {
        ticks
            .ticks
            .iter()
            .filter(|t| t.labelled)
            .map(|t| ticks.label(t.value))
            .collect()
    }

    /// Chooses labels of a horizontal axis with estimated widths, and checks that the placed
    /// ones do not overlap.
    fn place(ticks: &mut Ticks, length: f32) -> Vec<String> {
        place_with(ticks, length, |label| label.chars().count() as f32 * CHAR)
    }

    /// The same for a vertical axis: every label is a line of text 13 pt tall.
    fn place_vertical(ticks: &mut Ticks, length: f32) -> Vec<String> {
        place_with(ticks, length, |_| 13.0)
    }

    fn place_with(ticks: &mut Ticks, length: f32, extent: impl Fn(&str) -> f32) -> Vec<String> {
        let extents: Vec<f32> = ticks
            .ticks
            .iter()
            .map(|t| extent(&ticks.label(t.value)))
            .collect();
        ticks.choose_labels(length, &extents);
        let mut spans: Vec<(f32, f32)> = ticks
            .ticks
            .iter()
            .zip(&extents)
            .filter(|(t, _)| t.labelled)
            .map(|(t, &e)| label_span(t.fraction, e, length))
            .collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in spans.windows(2) {
            assert!(
                pair[0].1 + LABEL_GAP <= pair[1].0 + 1e-3,
                "labels overlap at {length} pt: {spans:?}"
            );
        }
        for &(s, e) in &spans {
            assert!(s >= 0.0 && e <= length + 1e-3, "label outside the axis");
        }
        labels(ticks)
    }

    #[test]
    fn log_axis_labels_20_hz_to_20_khz_when_wide() {
        let mut ticks = Ticks::default();
        let axis = FrequencyAxis::default();
        ticks.frequency(&axis, 900.0, CHAR);
        assert_eq!(
            place(&mut ticks, 900.0),
            [
                "20", "50", "100", "200", "500", "1k", "2k", "5k", "10k", "20k"
            ]
        );
        // Minor lines between: 30, 40, 60 … 9k, unlabelled.
        let faint: Vec<f64> = ticks
            .ticks
            .iter()
            .filter(|t| t.weight == Weight::Faint)
            .map(|t| t.value)
            .collect();
        assert!(
            faint.contains(&30.0) && faint.contains(&9000.0),
            "{faint:?}"
        );
        assert!(
            ticks
                .ticks
                .iter()
                .all(|t| t.weight != Weight::Faint || !t.labelled)
        );
        // Positions follow the log axis.
        let k1 = ticks.ticks.iter().find(|t| t.value == 1000.0).unwrap();
        assert!((k1.fraction - axis.fraction_of(1000.0) as f32).abs() < 1e-6);
        assert_eq!(ticks.ticks.first().unwrap().fraction, 0.0);
        assert!((ticks.ticks.last().unwrap().fraction - 1.0).abs() < 1e-6);
    }

    #[test]
    fn log_axis_thins_labels_without_overlap_when_narrow() {
        let axis = FrequencyAxis::default();
        let mut ticks = Ticks::default();
        let mut previous = usize::MAX;
        for length in [900.0, 500.0, 300.0, 200.0, 120.0, 60.0] {
            ticks.frequency(&axis, length, CHAR);
            let shown = place(&mut ticks, length);
            assert!(shown.len() <= previous, "fewer labels as the axis shrinks");
            previous = shown.len();
            // Decades are the last to go.
            if length >= 200.0 {
                for decade in ["100", "1k", "10k"] {
                    assert!(shown.iter().any(|s| s == decade), "{length}: {shown:?}");
                }
            }
        }
        ticks.frequency(&axis, 200.0, CHAR);
        assert!(place(&mut ticks, 200.0).len() < 10);
        // Narrow decades drop the minor lines, never the 1-2-5 ones.
        assert!(ticks.ticks.iter().all(|t| t.weight != Weight::Faint));
        assert_eq!(ticks.ticks.len(), 10);
    }

    #[test]
    fn log_axis_follows_other_ranges() {
        let mut ticks = Ticks::default();
        let axis = FrequencyAxis {
            scale: FrequencyScale::Logarithmic,
            min_hz: 10.0,
            max_hz: 48_000.0,
        };
        ticks.frequency(&axis, 1200.0, CHAR);
        let shown = place(&mut ticks, 1200.0);
        assert_eq!(shown.first().map(String::as_str), Some("10"));
        assert!(shown.iter().any(|s| s == "20k"));
        assert!(ticks.ticks.iter().all(|t| t.value <= 48_000.0));
    }

    #[test]
    fn linear_frequency_axis_uses_even_steps() {
        let mut ticks = Ticks::default();
        let axis = FrequencyAxis {
            scale: FrequencyScale::Linear,
            min_hz: 0.0,
            max_hz: 20_000.0,
        };
        ticks.frequency(&axis, 800.0, CHAR);
        let shown = place(&mut ticks, 800.0);
        assert_eq!(shown[..3], ["0", "2k", "4k"]);
        assert_eq!(shown.last().map(String::as_str), Some("20k"));
        let k10 = ticks.ticks.iter().find(|t| t.value == 10_000.0).unwrap();
        assert!((k10.fraction - 0.5).abs() < 1e-6);
        ticks.frequency(&axis, 250.0, CHAR);
        let shown = place(&mut ticks, 250.0);
        assert!(shown.len() >= 3 && shown.len() < 11, "{shown:?}");
    }

    #[test]
    fn time_axis_in_ms_adapts_its_step_to_the_width() {
        let mut ticks = Ticks::default();
        ticks.time(0.0, 0.02, 800.0, CHAR);
        let wide = place(&mut ticks, 800.0);
        assert_eq!(wide[..3], ["0", "2 ms", "4 ms"]);
        assert_eq!(wide.last().map(String::as_str), Some("20 ms"));
        ticks.time(0.0, 0.02, 200.0, CHAR);
        let narrow = place(&mut ticks, 200.0);
        assert_eq!(narrow, ["0", "10 ms", "20 ms"]);
        // Subdivisions between labelled lines when there is room.
        assert!(
            ticks
                .ticks
                .iter()
                .any(|t| t.value > 0.004 && t.value < 0.006)
        );
    }

    #[test]
    fn time_axis_switches_units_and_decimals() {
        let mut ticks = Ticks::default();
        ticks.time(0.0, 0.001, 600.0, CHAR);
        let shown = place(&mut ticks, 600.0);
        assert_eq!(
            shown,
            ["0", "0.2 ms", "0.4 ms", "0.6 ms", "0.8 ms", "1.0 ms"]
        );
        ticks.time(0.0, 5.0, 600.0, CHAR);
        let shown = place(&mut ticks, 600.0);
        assert_eq!(shown[..3], ["0", "0.5 s", "1.0 s"]);
        ticks.time(0.0, 10.0, 300.0, CHAR);
        let shown = place(&mut ticks, 300.0);
        assert_eq!(shown[..2], ["0", "2 s"]);
        // Times before a trigger point are negative.
        ticks.time(-0.01, 0.01, 600.0, CHAR);
        let shown = place(&mut ticks, 600.0);
        assert!(shown.contains(&"-5 ms".to_owned()) && shown.contains(&"0".to_owned()));
        let zero = ticks.ticks.iter().find(|t| t.value == 0.0).unwrap();
        assert_eq!(zero.weight, Weight::Strong);
        assert!((zero.fraction - 0.5).abs() < 1e-6);
    }

    #[test]
    fn beat_axis_labels_bars_beats_and_sixteenths() {
        let mut ticks = Ticks::default();
        // One bar of 4/4, wide: sixteenths fit.
        ticks.beats(4.0, 1.0, 4.0, 1600.0, CHAR);
        let shown = place(&mut ticks, 1600.0);
        assert_eq!(shown[..6], ["1", "1.1.2", "1.1.3", "1.1.4", "1.2", "1.2.2"]);
        assert_eq!(shown.last().map(String::as_str), Some("2"));
        // Narrower: beats only, sixteenths become unlabelled lines.
        ticks.beats(4.0, 1.0, 4.0, 250.0, CHAR);
        let shown = place(&mut ticks, 250.0);
        assert_eq!(shown, ["1", "1.2", "1.3", "1.4", "2"]);
        assert!(ticks.ticks.iter().any(|t| t.weight == Weight::Faint));
        // Eight bars on a small plot: whole bars at most.
        ticks.beats(32.0, 1.0, 4.0, 200.0, CHAR);
        let shown = place(&mut ticks, 200.0);
        assert!(shown.iter().all(|s| !s.contains('.')), "{shown:?}");
        assert_eq!(shown.first().map(String::as_str), Some("1"));
        // 6/8: a beat is an eighth note, a bar three quarters.
        ticks.beats(3.0, 0.5, 6.0, 600.0, CHAR);
        let shown = place(&mut ticks, 600.0);
        assert_eq!(shown[..3], ["1", "1.2", "1.3"], "{shown:?}");
        assert!(shown.contains(&"1.6".to_owned()));
    }

    #[test]
    fn beat_positions_count_from_one() {
        let p = BeatPosition::at(5.5, 1.0, 4.0);
        assert_eq!((p.bar, p.beat, p.sixteenth), (2, 2, 3));
        assert!((p.beat_fraction - 2.5).abs() < 1e-9);
        let p = BeatPosition::at(2.9999999, 1.0, 4.0);
        assert_eq!((p.bar, p.beat, p.sixteenth), (1, 4, 1));
    }

    #[test]
    fn amplitude_axis_keeps_full_scale_and_zero() {
        let mut ticks = Ticks::default();
        ticks.amplitude(60.0, 13.0);
        let shown = place_vertical(&mut ticks, 60.0);
        assert_eq!(shown, ["-1", "0", "+1"]);
        ticks.amplitude(400.0, 13.0);
        let shown = place_vertical(&mut ticks, 400.0);
        assert_eq!(
            shown,
            [
                "-1", "-0.75", "-0.5", "-0.25", "0", "+0.25", "+0.5", "+0.75", "+1"
            ]
        );
        // Every line at the right height.
        for t in &ticks.ticks {
            assert!((t.fraction as f64 - (t.value + 1.0) / 2.0).abs() < 1e-6);
        }
        // Tall: still quarters, with eighths as unlabelled lines.
        ticks.amplitude(900.0, 13.0);
        assert_eq!(place_vertical(&mut ticks, 900.0).len(), 9);
        assert!(
            ticks
                .ticks
                .iter()
                .any(|t| t.value == 0.125 && t.weight == Weight::Faint && !t.labelled)
        );
    }

    #[test]
    fn decibel_axis_follows_the_range_and_height() {
        let mut ticks = Ticks::default();
        ticks.decibels(-96.0, 6.0, 600.0, 13.0);
        let shown = place_vertical(&mut ticks, 600.0);
        assert_eq!(shown.first().map(String::as_str), Some("-96"));
        assert!(shown.contains(&"0".to_owned()) && shown.contains(&"+6".to_owned()));
        assert!(shown.contains(&"-90".to_owned()), "6 dB steps: {shown:?}");
        ticks.decibels(-96.0, 6.0, 400.0, 13.0);
        let shown = place_vertical(&mut ticks, 400.0);
        assert!(shown.contains(&"-12".to_owned()) && !shown.contains(&"-90".to_owned()));
        ticks.decibels(-96.0, 6.0, 100.0, 13.0);
        let shown = place_vertical(&mut ticks, 100.0);
        assert!(shown.len() <= 5, "{shown:?}");
        assert!(shown.contains(&"0".to_owned()));
        ticks.decibels(-30.0, 0.0, 400.0, 13.0);
        let shown = place_vertical(&mut ticks, 400.0);
        assert_eq!(shown.first().map(String::as_str), Some("-30"));
        assert!(shown.contains(&"-3".to_owned()), "{shown:?}");
    }

    #[test]
    fn steps_are_1_2_5() {
        assert_eq!(step_125(0.0013), 0.002);
        assert_eq!(step_125(3.0), 5.0);
        assert_eq!(step_125(6.0), 10.0);
        assert_eq!(step_125(10.0), 10.0);
        assert_eq!(step_125(f64::NAN), 1.0);
    }
}
