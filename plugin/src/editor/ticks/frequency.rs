//! Frequency axes: logarithmic (decades, with 1-2-5 labels and the other integers as minor
//! lines) and linear (1-2-5 steps).

use ringscope::analysis::{FrequencyAxis, FrequencyScale};

use super::labels::{LabelFormat, room_for};
use super::step::{is_multiple, step_125};
use super::{MIN_LINE_SPACING, Tick, Ticks, Weight};

impl Ticks {
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
}

#[cfg(test)]
mod tests {
    use super::super::testing::{CHAR, place};
    use super::*;

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
}
