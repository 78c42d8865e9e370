//! [`LoudnessMonitor`]: the loudness measurement (the meters and the loudness history) that
//! outlives the editor's windows.
//!
//! A window's [`DisplayState`](crate::editor) is made when the window opens and dropped when
//! it closes; a loudness measurement must not be. So the meters (the one place loudness is
//! measured, see `ringscope::analysis::Meters`) and the [`LoudnessHistory`] live here, held by
//! [`EditorShared`](crate::shared::EditorShared) behind a mutex that only GUI threads take (the
//! audio thread never sees it), and every window's display feeds and reads this one monitor.
//! Integrated loudness, LRA, maxima and the history therefore survive closing and reopening
//! the editor, until the user resets them (the loudness view's Reset, a click on the meters)
//! or the sample rate changes.
//!
//! **While no window is open nothing is measured**: the tap rests with the editor closed (an
//! audio thread that does nothing for a closed editor is what keeps it free), so the closed
//! time is a gap in the measurement. The history graph joins the blocks before and after it
//! (it counts measured blocks, not wall-clock time), and integrated loudness, LRA and the
//! maxima cover only the audio heard while a window was open.

use std::sync::{Arc, Mutex, MutexGuard};

use ringscope::analysis::{Frame, LoudnessHistory, MeterSettings, Meters};

/// The meters and the loudness history, fed together.
#[derive(Debug)]
pub struct LoudnessMonitor {
    /// The meters: levels, correlation and every loudness figure.
    pub meters: Meters,
    /// Momentary and short-term loudness, one value per 100 ms block the meters measured.
    pub history: LoudnessHistory,
}

impl LoudnessMonitor {
    /// A monitor measuring at `sample_rate` (allocates: the history's 144 KB).
    pub fn new(sample_rate: f64) -> Self {
        Self {
            meters: Meters::new(sample_rate, MeterSettings::default()),
            history: LoudnessHistory::new(),
        }
    }

    /// Measures `frames`, each finished 100 ms block going into the history.
    pub fn feed(&mut self, frames: &[Frame]) {
        let history = &mut self.history;
        self.meters.feed_with(frames, |block| history.push(block));
    }

    /// Measures at `sample_rate` from now on; a different rate starts everything over (the
    /// meters' filters are rate-specific, and a history mixing rates would lie).
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        if sample_rate != self.meters.sample_rate() {
            self.meters.set_sample_rate(sample_rate);
            self.history.clear();
        }
    }

    /// Restarts the loudness programme: integrated loudness, LRA, the maxima (true peak
    /// included) and the history.
    pub fn reset_loudness(&mut self) {
        self.meters.reset_loudness();
        self.history.clear();
    }

    /// Resets every reading of the meters and the history.
    pub fn reset(&mut self) {
        self.meters.reset();
        self.history.clear();
    }
}

/// A [`LoudnessMonitor`] shared by the windows of one plugin instance.
#[derive(Debug, Clone)]
pub struct SharedLoudness(Arc<Mutex<LoudnessMonitor>>);

impl SharedLoudness {
    /// A new monitor at `sample_rate`, shared by whoever clones this.
    pub fn new(sample_rate: f64) -> Self {
        Self(Arc::new(Mutex::new(LoudnessMonitor::new(sample_rate))))
    }

    /// The monitor, locked (GUI threads only; uncontended but for two windows at once).
    pub fn lock(&self) -> MutexGuard<'_, LoudnessMonitor> {
        // Every update leaves the monitor consistent between calls, so a panic elsewhere while
        // holding the lock leaves it usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(seconds: f64) -> Vec<Frame> {
        (0..(48_000.0 * seconds) as usize)
            .map(|n| {
                let x = 0.25 * (n as f32 * 2.0 * std::f32::consts::PI * 1000.0 / 48_000.0).sin();
                [x, x]
            })
            .collect()
    }

    #[test]
    fn clones_share_one_measurement_and_reset_clears_it() {
        let shared = SharedLoudness::new(48_000.0);
        let other = shared.clone();
        shared.lock().feed(&tone(2.0));
        assert_eq!(other.lock().history.available_seconds(), 2.0);
        assert!(other.lock().meters.loudness().integrated_lufs.is_finite());
        other.lock().reset_loudness();
        assert_eq!(shared.lock().history.available_seconds(), 0.0);
        assert_eq!(
            shared.lock().meters.loudness().integrated_lufs,
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn the_same_rate_keeps_the_measurement_and_a_new_one_starts_over() {
        let shared = SharedLoudness::new(48_000.0);
        shared.lock().feed(&tone(1.0));
        shared.lock().set_sample_rate(48_000.0);
        assert_eq!(shared.lock().history.available_seconds(), 1.0);
        shared.lock().set_sample_rate(44_100.0);
        assert_eq!(shared.lock().history.available_seconds(), 0.0);
        assert_eq!(shared.lock().meters.sample_rate(), 44_100.0);
    }
}
