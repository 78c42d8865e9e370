//! What counts as silence, defined once: the plugin's audio side uses it to stop sending a
//! silent input to a resting display, and the display uses it to decide that the input has
//! gone quiet.
//!
//! A block is silent when every sample is finite and at most −150 dBFS in magnitude. NaN and
//! ±Inf are never silence: a display must wake up to say that the input is invalid.

use super::channel::Frame;

/// The level at or below which a sample is silence, dBFS.
pub const SILENCE_DBFS: f64 = -150.0;

/// The largest magnitude that is silence: the `f32` closest to 10^(−150/20) that is not above
/// [`SILENCE_DBFS`] (3.162 277 6 × 10⁻⁸, 24-bit dither is about −144 dBFS).
///
/// ```
/// use ringscope::analysis::{SILENCE_DBFS, SILENCE_THRESHOLD};
/// assert!(20.0 * f64::from(SILENCE_THRESHOLD).log10() <= SILENCE_DBFS);
/// ```
pub const SILENCE_THRESHOLD: f32 = 3.162_277_6e-8;

/// [`SILENCE_THRESHOLD`] as the bits of an `f32` without its sign. Every NaN and ±Inf has all
/// exponent bits set, so their magnitude bits compare above it.
const THRESHOLD_BITS: u32 = SILENCE_THRESHOLD.to_bits();

/// Whether every sample is silence: finite and at most [`SILENCE_THRESHOLD`] in magnitude. An
/// empty slice is silent; a single NaN or ±Inf is not.
///
/// Real-time safe and branch-free per sample (it compares magnitude bits as integers, which
/// vectorizes), so the audio thread can scan a block with it.
///
/// ```
/// use ringscope::analysis::is_silent;
/// assert!(is_silent(&[0.0, -0.0, 1e-9, -3e-8]));
/// assert!(!is_silent(&[0.0, 1e-6]));
/// assert!(!is_silent(&[0.0, f32::NAN]));
/// assert!(!is_silent(&[f32::NEG_INFINITY]));
/// ```
#[inline]
pub fn is_silent(samples: &[f32]) -> bool {
    samples
        .iter()
        .map(|x| x.to_bits() & 0x7fff_ffff)
        .max()
        .is_none_or(|magnitude| magnitude <= THRESHOLD_BITS)
}

/// Whether every sample of every frame is silence (see [`is_silent`]).
///
/// ```
/// use ringscope::analysis::frames_are_silent;
/// assert!(frames_are_silent(&[[0.0, 0.0]; 64]));
/// assert!(!frames_are_silent(&[[0.0, f32::NAN]]));
/// ```
#[inline]
pub fn frames_are_silent(frames: &[Frame]) -> bool {
    is_silent(frames.as_flattened())
}
