//! Time axes: seconds (the scope in free run and triggered), and bars and beats (the scope in
//! beat sync).

use super::labels::{LabelFormat, room_for};
use super::step::{is_multiple, ordered, step_125};
use super::{MIN_LINE_SPACING, Ticks, Weight};
use crate::editor::beats::BeatGrid;
use crate::editor::format::{TimeUnit, decimals_of_step};

impl Ticks {
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
        let scale = unit.per_second();
        // The decimals follow the step and the step follows the labels' width: two rounds
        // settle it (a wider label can only make the step coarser, never finer).
        let mut step = step_125(span / 10.0);
        for _ in 0..3 {
            let decimals = decimals_of_step(step * scale);
            self.format = LabelFormat::Time { unit, decimals };
            let chars = self.label_chars(t0).max(self.label_chars(t1));
            let room = room_for(chars as f32 * char_width);
            step = step_125(span * f64::from(room / length.max(1.0)));
        }
        self.format = LabelFormat::Time {
            unit,
            decimals: decimals_of_step(step * scale),
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

    /// A beat axis over a beat-synced sweep on `grid`, `length` points wide; `char_width` is
    /// the width of one label character (a digit), points.
    pub fn beats(&mut self, grid: &BeatGrid, length: f32, char_width: f32) {
        self.ticks.clear();
        let sweep = if grid.sweep_quarters.is_finite() && grid.sweep_quarters > 0.0 {
            grid.sweep_quarters
        } else {
            4.0
        };
        let beat = if grid.beat_quarters > 0.0 {
            grid.beat_quarters
        } else {
            1.0
        };
        let beats_per_bar = grid.beats_per_bar.max(1.0);
        let grid = BeatGrid {
            sweep_quarters: sweep,
            beat_quarters: beat,
            beats_per_bar,
        };
        let bar = grid.bar_quarters();
        self.format = LabelFormat::Beats(grid);
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
        self.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{CHAR, place};
    use super::*;

    fn grid(sweep_quarters: f64, beat_quarters: f64, beats_per_bar: f64) -> BeatGrid {
        BeatGrid {
            sweep_quarters,
            beat_quarters,
            beats_per_bar,
        }
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
        ticks.beats(&grid(4.0, 1.0, 4.0), 1600.0, CHAR);
        let shown = place(&mut ticks, 1600.0);
        assert_eq!(shown[..6], ["1", "1.1.2", "1.1.3", "1.1.4", "1.2", "1.2.2"]);
        assert_eq!(shown.last().map(String::as_str), Some("2"));
        // Narrower: beats only, sixteenths become unlabelled lines.
        ticks.beats(&grid(4.0, 1.0, 4.0), 250.0, CHAR);
        let shown = place(&mut ticks, 250.0);
        assert_eq!(shown, ["1", "1.2", "1.3", "1.4", "2"]);
        assert!(ticks.ticks.iter().any(|t| t.weight == Weight::Faint));
        // Eight bars on a small plot: whole bars at most.
        ticks.beats(&grid(32.0, 1.0, 4.0), 200.0, CHAR);
        let shown = place(&mut ticks, 200.0);
        assert!(shown.iter().all(|s| !s.contains('.')), "{shown:?}");
        assert_eq!(shown.first().map(String::as_str), Some("1"));
        // 6/8: a beat is an eighth note, a bar three quarters.
        ticks.beats(&grid(3.0, 0.5, 6.0), 600.0, CHAR);
        let shown = place(&mut ticks, 600.0);
        assert_eq!(shown[..3], ["1", "1.2", "1.3"], "{shown:?}");
        assert!(shown.contains(&"1.6".to_owned()));
    }
}
