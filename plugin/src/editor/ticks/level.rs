//! Level axes: linear amplitude (the scope) and decibels (the spectrum and the meters).

use super::labels::{LabelFormat, room_for};
use super::step::{is_multiple, ordered};
use super::{Ticks, Weight};

impl Ticks {
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
}

#[cfg(test)]
mod tests {
    use super::super::testing::place_vertical;
    use super::*;

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
}
