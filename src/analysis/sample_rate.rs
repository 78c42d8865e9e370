//! Which sample rates are real, defined once: every part of the analysis, the plugin's tap and
//! its test signal replace anything else by the same fallback, so that what is generated, sized
//! and analysed always agrees.

/// The lowest sample rate taken as real, Hz (below it a host is reporting garbage: no audio
/// interface runs that slowly, and the meters' loudness filters need more).
pub const MIN_SAMPLE_RATE: f64 = 1_000.0;

/// The highest sample rate taken as real, Hz: twice 768 kHz. Above it the scope's history alone
/// would need gigabytes.
pub const MAX_SAMPLE_RATE: f64 = 1_536_000.0;

/// What replaces a sample rate that is not real (NaN, ±Inf, or outside
/// [`MIN_SAMPLE_RATE`]…[`MAX_SAMPLE_RATE`]), Hz.
pub const FALLBACK_SAMPLE_RATE: f64 = 48_000.0;

/// `sample_rate` if it is a real one, else [`FALLBACK_SAMPLE_RATE`].
///
/// ```
/// use ringscope::analysis::valid_sample_rate;
/// assert_eq!(valid_sample_rate(44_100.0), 44_100.0);
/// assert_eq!(valid_sample_rate(f64::NAN), 48_000.0);
/// assert_eq!(valid_sample_rate(0.5), 48_000.0);
/// assert_eq!(valid_sample_rate(1e12), 48_000.0);
/// ```
#[inline]
pub fn valid_sample_rate(sample_rate: f64) -> f64 {
    if (MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&sample_rate) {
        sample_rate
    } else {
        FALLBACK_SAMPLE_RATE
    }
}
