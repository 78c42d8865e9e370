//! Interpolated spectral peaks: the frequency and level of a sine between bins.
//!
//! A pure sine at `k + δ` bins leaves the window's own spectrum in the bins around it:
//! `|X[k + j]| = A·R(j − δ)`, where `R` is [`WindowKind::response`]. The readout fits exactly that
//! shape to the peak bin and its two neighbours (least squares over `A` and `δ`), so it is
//! unbiased for every window, including the rectangular one where the usual parabolic fit is not,
//! and the level it returns has the scalloping loss removed.

use super::window::WindowKind;

/// A peak of the spectrum, located between bins.
///
/// ```
/// use ringscope::analysis::{Spectrum, SpectrumSettings, Channel, ChannelMode};
/// let settings = SpectrumSettings { channel_mode: ChannelMode::Left, ..Default::default() };
/// let mut spectrum = Spectrum::new(48_000.0, settings);
/// let tone: Vec<[f32; 2]> = (0..48_000)
///     .map(|n| [0.5 * (n as f32 * 1000.0 / 48_000.0 * std::f32::consts::TAU).sin(), 0.0])
///     .collect();
/// spectrum.feed(&tone);
/// let peak = spectrum.peak(Channel::Left, 20.0, 20_000.0).unwrap();
/// assert!((peak.frequency_hz - 1000.0).abs() < 0.1);
/// assert!((peak.level_db - (-6.02)).abs() < 0.05);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpectralPeak {
    /// Interpolated frequency, Hz.
    pub frequency_hz: f64,
    /// Interpolated level, dBFS (a sine's peak amplitude; scalloping removed).
    pub level_db: f64,
    /// The bin holding the peak.
    pub bin: usize,
}

/// Fits the window's main-lobe shape to `power[k − 1 ..= k + 1]`; returns the offset of the
/// sine from bin `k` (in bins, −½ … ½) and its amplitude (linear, in the spectrum's calibration).
pub(crate) fn fit_peak(power: &[f32], k: usize, window: WindowKind, fft_len: usize) -> (f64, f64) {
    let centre = (power[k].max(0.0) as f64).sqrt();
    if k == 0 || k + 1 >= power.len() {
        return (0.0, centre);
    }
    let a = [
        (power[k - 1].max(0.0) as f64).sqrt(),
        centre,
        (power[k + 1].max(0.0) as f64).sqrt(),
    ];
    // For a given offset the best amplitude is a projection; maximise the explained energy.
    let explained = |delta: f64| -> (f64, f64) {
        let r = [
            window.response(-1.0 - delta, fft_len),
            window.response(-delta, fft_len),
            window.response(1.0 - delta, fft_len),
        ];
        let dot = a[0] * r[0] + a[1] * r[1] + a[2] * r[2];
        let norm = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
        (dot * dot / norm, dot / norm)
    };
    // A coarse scan finds the right basin; a golden-section search refines it.
    let mut best = 0.0;
    let mut best_score = f64::NEG_INFINITY;
    for i in 0..=20 {
        let delta = -0.5 + i as f64 * 0.05;
        let (score, _) = explained(delta);
        if score > best_score {
            best_score = score;
            best = delta;
        }
    }
    let (mut lo, mut hi) = ((best - 0.05_f64).max(-0.5), (best + 0.05_f64).min(0.5));
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut x1 = hi - ratio * (hi - lo);
    let mut x2 = lo + ratio * (hi - lo);
    let (mut f1, mut f2) = (explained(x1).0, explained(x2).0);
    for _ in 0..40 {
        if f1 < f2 {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + ratio * (hi - lo);
            f2 = explained(x2).0;
        } else {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - ratio * (hi - lo);
            f1 = explained(x1).0;
        }
    }
    let delta = 0.5 * (lo + hi);
    (delta, explained(delta).1)
}
