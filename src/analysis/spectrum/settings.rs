//! What the user sets on the spectrum analyzer: [`SpectrumSettings`] and its [`FftSize`].

use crate::analysis::channel::ChannelMode;
use crate::analysis::smoothing::Smoothing;
use crate::analysis::window::WindowKind;

/// FFT length.
///
/// ```
/// use ringscope::analysis::FftSize;
/// assert_eq!(FftSize::N8192.len(), 8192);
/// assert_eq!(FftSize::from_len(4096), Some(FftSize::N4096));
/// assert_eq!(FftSize::from_len(1000), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FftSize {
    /// 512 points.
    N512,
    /// 1024 points.
    N1024,
    /// 2048 points.
    N2048,
    /// 4096 points.
    N4096,
    /// 8192 points.
    #[default]
    N8192,
    /// 16384 points.
    N16384,
    /// 32768 points.
    N32768,
}

impl FftSize {
    /// All sizes, smallest first.
    pub const ALL: [FftSize; 7] = [
        FftSize::N512,
        FftSize::N1024,
        FftSize::N2048,
        FftSize::N4096,
        FftSize::N8192,
        FftSize::N16384,
        FftSize::N32768,
    ];

    /// Number of points.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> usize {
        512 << (self as usize)
    }

    /// The size with `len` points, if it is one of the supported powers of two.
    pub fn from_len(len: usize) -> Option<FftSize> {
        FftSize::ALL.into_iter().find(|s| s.len() == len)
    }
}

/// What the user sets on the spectrum analyzer.
///
/// ```
/// use ringscope::analysis::{FftSize, Smoothing, SpectrumSettings, WindowKind};
/// let settings = SpectrumSettings {
///     fft_size: FftSize::N16384,
///     window: WindowKind::BlackmanHarris,
///     smoothing: Smoothing::OctaveFraction(6),
///     ..SpectrumSettings::default()
/// };
/// assert_eq!(settings.overlap, 0.75);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpectrumSettings {
    /// FFT length.
    pub fft_size: FftSize,
    /// Window function.
    pub window: WindowKind,
    /// Overlap between successive FFTs, 0 … 0.875 (clamped).
    pub overlap: f64,
    /// Which traces are analysed.
    pub channel_mode: ChannelMode,
    /// Averaging time constant in seconds; 0 shows every FFT as it is.
    pub averaging_seconds: f64,
    /// How long a peak-hold value stays before it falls, seconds (`f64::INFINITY`: forever).
    pub peak_hold_seconds: f64,
    /// How fast a peak-hold value falls after its hold time, dB per second.
    pub peak_fall_db_per_second: f64,
    /// Display tilt in dB per octave, pivoting at 1 kHz (e.g. 4.5 to flatten pink-ish music).
    pub slope_db_per_octave: f64,
    /// Fractional-octave smoothing of the displayed curves.
    pub smoothing: Smoothing,
}

impl Default for SpectrumSettings {
    fn default() -> Self {
        Self {
            fft_size: FftSize::N8192,
            window: WindowKind::Hann,
            overlap: 0.75,
            channel_mode: ChannelMode::Mid,
            averaging_seconds: 0.3,
            peak_hold_seconds: 1.0,
            peak_fall_db_per_second: 20.0,
            slope_db_per_octave: 0.0,
            smoothing: Smoothing::Off,
        }
    }
}

/// The settings with every value forced into its range (non-finite values: the defaults).
pub(super) fn sanitize_settings(mut settings: SpectrumSettings) -> SpectrumSettings {
    let finite_or = |x: f64, fallback: f64| if x.is_finite() { x } else { fallback };
    settings.overlap = finite_or(settings.overlap, 0.75).clamp(0.0, 0.875);
    settings.averaging_seconds = finite_or(settings.averaging_seconds, 0.0).clamp(0.0, 60.0);
    settings.peak_hold_seconds = if settings.peak_hold_seconds.is_nan() {
        1.0
    } else {
        settings.peak_hold_seconds.clamp(0.0, 1e9)
    };
    settings.peak_fall_db_per_second =
        finite_or(settings.peak_fall_db_per_second, 20.0).clamp(0.0, 1e6);
    settings.slope_db_per_octave = finite_or(settings.slope_db_per_octave, 0.0).clamp(-24.0, 24.0);
    settings
}
