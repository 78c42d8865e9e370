//! Input sanitising: NaN, ±Inf and subnormal samples are replaced by zero before they reach any
//! state, and counted so the editor can tell the user.
//!
//! Finite samples beyond ±1000 (+60 dBFS) are treated the same way: no audio path produces
//! them, but a corrupt buffer or an uninitialised host buffer does, and a single 1e38 sample
//! would otherwise dominate every average for minutes.
//!
//! Replacing only the offending sample (not the frame, not the block) means a NaN burst costs
//! exactly the samples that held it: filters, averages and histories never see a non-finite
//! value, so nothing stays poisoned afterwards. Subnormals are flushed because recursive state fed
//! with them (averages, meter ballistics) can slow a CPU down by two orders of magnitude.

use super::channel::Frame;

/// Counts of bad input samples seen since creation or the last [`InputHealth::reset`].
///
/// Each sample (one channel of one frame) is counted once.
///
/// ```
/// use ringscope::analysis::InputHealth;
/// let mut health = InputHealth::default();
/// let clean = health.sanitize_frame([f32::NAN, 1e-40]);
/// assert_eq!(clean, [0.0, 0.0]);
/// assert_eq!(health.sanitize_frame([0.5, 2e6]), [0.5, 0.0]);
/// assert_eq!(health.non_finite, 1);
/// assert_eq!(health.subnormal, 1);
/// assert_eq!(health.out_of_range, 1);
/// assert!(health.has_bad_samples());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputHealth {
    /// NaN, +Inf and −Inf samples (replaced by 0).
    pub non_finite: u64,
    /// Finite samples beyond ±[`InputHealth::MAX_MAGNITUDE`] (replaced by 0).
    pub out_of_range: u64,
    /// Subnormal samples (flushed to 0). Harmless to hear, but worth knowing about.
    pub subnormal: u64,
}

impl InputHealth {
    /// Largest magnitude accepted as audio: +60 dBFS.
    pub const MAX_MAGNITUDE: f32 = 1000.0;

    /// Whether any NaN, infinite or subnormal sample has been seen.
    pub fn has_bad_samples(&self) -> bool {
        self.non_finite != 0 || self.out_of_range != 0 || self.subnormal != 0
    }

    /// Whether any NaN, infinite or out-of-range sample has been seen (the cases worth a
    /// warning: subnormals are merely counted).
    pub fn has_invalid(&self) -> bool {
        self.non_finite != 0 || self.out_of_range != 0
    }

    /// Forgets the counts.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Returns `x`, or 0 when it is NaN, infinite, out of range or subnormal (and counts it).
    #[inline(always)]
    pub fn sanitize(&mut self, x: f32) -> f32 {
        let magnitude = x.abs();
        // One comparison pair on the common path: normal in-range numbers and zero pass.
        if (f32::MIN_POSITIVE..=Self::MAX_MAGNITUDE).contains(&magnitude) || x == 0.0 {
            x
        } else {
            if x.is_nan() || x.is_infinite() {
                self.non_finite += 1;
            } else if magnitude > Self::MAX_MAGNITUDE {
                self.out_of_range += 1;
            } else {
                self.subnormal += 1;
            }
            0.0
        }
    }

    /// [`InputHealth::sanitize`] applied to both samples of a frame.
    #[inline(always)]
    pub fn sanitize_frame(&mut self, frame: Frame) -> Frame {
        [self.sanitize(frame[0]), self.sanitize(frame[1])]
    }
}
