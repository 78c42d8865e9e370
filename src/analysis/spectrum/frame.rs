//! One FFT frame as the spectrum engine computed it, handed to whoever builds on the engine's
//! frames (the [`Spectrogram`](crate::analysis::Spectrogram)) by
//! [`Spectrum::feed_with`](super::Spectrum::feed_with).

use crate::analysis::channel::Channel;

/// One windowed FFT of one analysed channel, before averaging, peak hold, smoothing or tilt.
///
/// The power is calibrated as the spectrum's (see the [module docs](super)): a sine of
/// amplitude `A` centred on a bin reads `A²` there, i.e. `20·log10(A)` dBFS.
///
/// ```
/// use ringscope::analysis::{Channel, Spectrum, SpectrumSettings};
/// let mut spectrum = Spectrum::new(48_000.0, SpectrumSettings::default()); // 8192, 75 %
/// let mut centres = Vec::new();
/// spectrum.feed_with(&[[0.5, 0.5]; 8192], |frame| {
///     assert_eq!(frame.channel, Channel::Mid);
///     centres.push(frame.centre);
/// });
/// // One frame per 2048-frame hop, time-stamped at its window's centre.
/// assert_eq!(centres, [2048 - 4096, 4096 - 4096, 6144 - 4096, 8192 - 4096]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SpectrumFrame<'a> {
    /// The channel this FFT analysed (one of the spectrum's channel mode's traces; the traces
    /// of one hop arrive one after the other with the same `centre`).
    pub channel: Channel,
    /// Calibrated power per bin, bin `k` at `k · bin_hz` (`N/2 + 1` bins).
    pub power: &'a [f32],
    /// Width of one bin, Hz.
    pub bin_hz: f64,
    /// Stream position of the window's centre: frames fed to the analyzer since it was made
    /// (frames fed while frozen do not count) minus half the FFT length. Negative for the first
    /// frames, whose window still holds the zeros the buffer started with.
    pub centre: i64,
}
