//! The spectrum analyzer: windowed FFTs over every hop of the fed stream, averaged, peak-held,
//! smoothed, tilted and mapped onto pixel columns.
//!
//! # Calibration
//!
//! Levels are dBFS where 0 dBFS is a full-scale sine (peak amplitude 1.0):
//!
//! - **Sines.** Each bin's magnitude is scaled by `2 / (N · coherent_gain)`, so a sine of
//!   amplitude `A` centred on a bin reads `20·log10(A)` with every window. DC and Nyquist are
//!   scaled by half that (they have no negative-frequency twin), so a constant `c` reads
//!   `20·log10|c|`. A sine between bins reads lower in its highest bin by at most the window's
//!   scalloping loss (rectangular 3.92 dB, Hann 1.42 dB, Blackman-Harris 0.83 dB, flat-top
//!   0.01 dB; see [`window`](super::window)); [`Spectrum::peak`] removes that loss.
//! - **Noise** is shown *per bin*, not per hertz or per band: white noise of RMS `σ` reads, on
//!   average over bins,
//!   `10·log10(σ²) + 10·log10(4·ENBW / N)` dB, i.e. `20·log10 σ + 6.02 + 10·log10(ENBW) −
//!   10·log10(N)`. The reading therefore drops 3 dB per doubling of the FFT size while sines
//!   stay put. (For a Hann window, N = 8192, σ = 1: −31.35 dB.) [`Spectrum::noise_bin_offset_db`]
//!   returns the part after `20·log10 σ`. Fractional-octave smoothing averages power, so it
//!   leaves this noise level unchanged.
//! - **Averaging** is exponential on power, per hop, with `α = 1 − exp(−hop / (τ·fs))`, so the
//!   time constant `τ` means the same at every overlap, FFT size and GUI frame rate; the mean
//!   of the averaged power is the true expected power (no log-averaging bias).
//! - **Slope** adds `slope · log2(f / 1 kHz)` dB (pivot 1 kHz) to the displayed curves only;
//!   [`Spectrum::peak`] reads untilted levels.

use super::axis::{FLOOR_POWER, FrequencyAxis, decay_seconds, map_power_to_columns, power_to_db};
use super::channel::{Channel, Frame};
use super::health::InputHealth;
use super::peak::{SpectralPeak, fit_peak};
use super::sample_rate::valid_sample_rate;
use super::smoothing::OctaveSmoother;
use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

mod frame;
mod settings;

pub use self::frame::SpectrumFrame;
use self::settings::sanitize_settings;
pub use self::settings::{FftSize, SpectrumSettings};

/// Largest power a bin may hold: keeps averages finite whatever (finite) input arrives.
const MAX_POWER: f32 = 1e30;

/// Which curve to read.
///
/// ```
/// use ringscope::analysis::{Channel, Spectrum, SpectrumCurve, SpectrumSettings};
/// let mut spectrum = Spectrum::new(48_000.0, SpectrumSettings::default());
/// spectrum.feed(&[[0.5, 0.5]; 16_384]);
/// spectrum.feed(&[[0.0, 0.0]; 16_384]);
/// let average = spectrum.power(Channel::Mid, SpectrumCurve::Average).unwrap();
/// let held = spectrum.power(Channel::Mid, SpectrumCurve::PeakHold).unwrap();
/// assert!(held[0] > average[0]); // the DC peak is still held
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpectrumCurve {
    /// The averaged spectrum.
    #[default]
    Average,
    /// The peak-hold envelope of the averaged spectrum.
    PeakHold,
}

/// Per-trace state: the averaged spectrum and its peak hold.
#[derive(Clone, Debug)]
struct TraceState {
    average: Vec<f32>,
    hold: Vec<f32>,
    /// Seconds each bin's hold value has left before it starts to fall.
    hold_left: Vec<f32>,
}

impl TraceState {
    fn new(bins: usize) -> Self {
        Self {
            average: vec![0.0; bins],
            hold: vec![0.0; bins],
            hold_left: vec![0.0; bins],
        }
    }

    fn clear(&mut self) {
        self.average.fill(0.0);
        self.hold.fill(0.0);
        self.hold_left.fill(0.0);
    }
}

/// The spectrum analyzer.
///
/// Feed it every frame drained from the ring ([`Spectrum::feed`]): it runs one FFT per hop of
/// the stream, however the frames are chunked. Once per display frame [`Spectrum::render`] each
/// trace into pixel columns. Allocation happens only in [`Spectrum::new`], and in
/// [`Spectrum::set_settings`] / [`Spectrum::set_sample_rate`] when the FFT size changes.
///
/// ```
/// use ringscope::analysis::{Channel, FrequencyAxis, Spectrum, SpectrumCurve, SpectrumSettings};
/// let mut spectrum = Spectrum::new(48_000.0, SpectrumSettings::default());
/// let tone: Vec<[f32; 2]> = (0..48_000)
///     .map(|n| { let x = (n as f32 * 1000.0 / 48_000.0 * std::f32::consts::TAU).sin(); [x, x] })
///     .collect();
/// spectrum.feed(&tone);
/// let mut columns = vec![0.0f32; 600];
/// spectrum.render(Channel::Mid, SpectrumCurve::Average, &FrequencyAxis::default(), &mut columns);
/// let loudest = columns.iter().cloned().fold(f32::MIN, f32::max);
/// assert!(loudest > -1.5 && loudest <= 0.01, "{loudest}");
/// ```
pub struct Spectrum {
    sample_rate: f64,
    settings: SpectrumSettings,
    fft: Arc<dyn RealToComplex<f32>>,
    planner: RealFftPlanner<f32>,
    /// Window pre-multiplied by the calibration `2 / (N·coherent_gain)`.
    window: Vec<f32>,
    /// The last N frames, a ring indexed by `write`.
    frames: Vec<Frame>,
    write: usize,
    /// Frames in `frames` that were fed rather than zero-initialised (saturates at N).
    filled: usize,
    hop: usize,
    /// Frames fed since the last FFT.
    since_hop: usize,
    fft_in: Vec<f32>,
    fft_out: Vec<Complex<f32>>,
    fft_scratch: Vec<Complex<f32>>,
    traces: [TraceState; 2],
    /// FFTs run since the averages were last cleared.
    hops_since_clear: u64,
    /// Per-bin display tilt, linear power gain.
    tilt: Vec<f32>,
    smoother: OctaveSmoother,
    /// Smoothed and tilted power of the curve being rendered.
    display: Vec<f32>,
    health: InputHealth,
    frozen: bool,
    /// Set when unfrozen: no FFT runs until the input buffer holds only frames fed after the
    /// freeze, so the first live curve never mixes audio from both sides of the pause.
    resuming: bool,
    hops_total: u64,
    /// Frames entered into `frames` since creation: the clock of [`SpectrumFrame::centre`].
    fed: u64,
}

impl core::fmt::Debug for Spectrum {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Spectrum")
            .field("sample_rate", &self.sample_rate)
            .field("settings", &self.settings)
            .field("hop", &self.hop)
            .field("frozen", &self.frozen)
            .finish_non_exhaustive()
    }
}

impl Spectrum {
    /// An analyzer at `sample_rate` (one that is not real: 48 kHz, see [`valid_sample_rate`]).
    pub fn new(sample_rate: f64, settings: SpectrumSettings) -> Self {
        let settings = sanitize_settings(settings);
        let mut planner = RealFftPlanner::new();
        let len = settings.fft_size.len();
        let fft = planner.plan_fft_forward(len);
        let bins = len / 2 + 1;
        let mut spectrum = Self {
            sample_rate: valid_sample_rate(sample_rate),
            settings,
            fft_in: fft.make_input_vec(),
            fft_out: fft.make_output_vec(),
            fft_scratch: fft.make_scratch_vec(),
            fft,
            planner,
            window: vec![0.0; len],
            frames: vec![[0.0; 2]; len],
            write: 0,
            filled: 0,
            hop: 1,
            since_hop: 0,
            traces: [TraceState::new(bins), TraceState::new(bins)],
            hops_since_clear: 0,
            tilt: vec![1.0; bins],
            smoother: OctaveSmoother::new(bins),
            display: vec![0.0; bins],
            health: InputHealth::default(),
            frozen: false,
            resuming: false,
            hops_total: 0,
            fed: 0,
        };
        spectrum.apply_settings();
        spectrum
    }

    /// Recomputes everything derived from the settings and sample rate (no allocation).
    fn apply_settings(&mut self) {
        let len = self.settings.fft_size.len();
        self.settings.window.fill(&mut self.window);
        let scale = (2.0 / (len as f64 * self.settings.window.coherent_gain())) as f32;
        for w in &mut self.window {
            *w *= scale;
        }
        self.hop = ((len as f64 * (1.0 - self.settings.overlap)).round() as usize).clamp(1, len);
        self.since_hop = self.since_hop.min(self.hop - 1);
        let bin_hz = self.bin_hz();
        let slope = self.settings.slope_db_per_octave;
        for (k, gain) in self.tilt.iter_mut().enumerate() {
            // DC has no octave; give it the first bin's tilt.
            let hz = (k.max(1) as f64) * bin_hz;
            *gain = (10f64.powf(slope * (hz / 1000.0).log2() / 10.0) as f32).clamp(1e-30, 1e30);
        }
    }

    /// Changes the sample rate; clears the analysis (no allocation).
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        let sample_rate = valid_sample_rate(sample_rate);
        if sample_rate != self.sample_rate {
            self.sample_rate = sample_rate;
            self.apply_settings();
            self.reset();
        }
    }

    /// The sample rate in Hz.
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// The current settings (after clamping).
    pub fn settings(&self) -> &SpectrumSettings {
        &self.settings
    }

    /// Applies new settings. Values out of range are clamped.
    ///
    /// Allocates only when the FFT size changes. Changing the size, window or channel mode
    /// clears the averages; the other settings take effect from the next hop or render.
    pub fn set_settings(&mut self, settings: SpectrumSettings) {
        let settings = sanitize_settings(settings);
        let old = self.settings;
        self.settings = settings;
        if settings.fft_size != old.fft_size {
            let len = settings.fft_size.len();
            let bins = len / 2 + 1;
            self.fft = self.planner.plan_fft_forward(len);
            self.fft_in = self.fft.make_input_vec();
            self.fft_out = self.fft.make_output_vec();
            self.fft_scratch = self.fft.make_scratch_vec();
            self.window = vec![0.0; len];
            self.frames = vec![[0.0; 2]; len];
            self.write = 0;
            self.filled = 0;
            self.traces = [TraceState::new(bins), TraceState::new(bins)];
            self.tilt = vec![1.0; bins];
            self.smoother = OctaveSmoother::new(bins);
            self.display = vec![0.0; bins];
        }
        self.apply_settings();
        if settings.fft_size != old.fft_size
            || settings.window != old.window
            || settings.channel_mode != old.channel_mode
        {
            self.clear_averages();
        }
    }

    /// Forgets the input and all averages and peaks (no allocation).
    pub fn reset(&mut self) {
        self.frames.fill([0.0; 2]);
        self.write = 0;
        self.filled = 0;
        self.since_hop = 0;
        self.resuming = false;
        self.clear_averages();
    }

    /// Forgets averages and peak holds, keeping the input.
    pub fn clear_averages(&mut self) {
        for trace in &mut self.traces {
            trace.clear();
        }
        self.hops_since_clear = 0;
    }

    /// Freezes (input is ignored; the curves hold) or unfreezes.
    ///
    /// On unfreezing, the curves hold until a whole FFT length of new input has arrived, then
    /// carry on averaging from where they stood: no curve mixes audio from before and after
    /// the freeze.
    pub fn set_frozen(&mut self, frozen: bool) {
        if self.frozen && !frozen {
            self.frames.fill([0.0; 2]);
            self.write = 0;
            self.filled = 0;
            self.since_hop = 0;
            self.resuming = true;
        }
        self.frozen = frozen;
    }

    /// Whether the analyzer is frozen.
    pub fn is_frozen(&self) -> bool {
        self.frozen
    }

    /// Counts of NaN/Inf/subnormal samples fed (replaced by 0 before analysis).
    pub fn input_health(&self) -> InputHealth {
        self.health
    }

    /// How long the picture keeps changing once the input turns silent, in seconds of fed
    /// audio, on a level axis `range_db` deep: the last FFT frame holding signal passes, the
    /// average decays from the top of the axis through it, and a peak-hold value holds, then
    /// falls through it (a hold that never ends, or never falls, changes nothing). Levels are
    /// taken untilted.
    ///
    /// ```
    /// use ringscope::analysis::{FftSize, Spectrum, SpectrumSettings};
    /// let settings = SpectrumSettings {
    ///     fft_size: FftSize::N4096,
    ///     averaging_seconds: 0.0,
    ///     peak_hold_seconds: 1.0,
    ///     peak_fall_db_per_second: 20.0,
    ///     ..SpectrumSettings::default()
    /// };
    /// let spectrum = Spectrum::new(48_000.0, settings);
    /// // One 4096-point frame, then a 1 s hold and 100 dB at 20 dB/s.
    /// assert!((spectrum.settle_seconds(100.0) - (4096.0 / 48_000.0 + 6.0)).abs() < 1e-9);
    /// ```
    pub fn settle_seconds(&self, range_db: f64) -> f64 {
        let range_db = range_db.max(0.0);
        let settings = &self.settings;
        let frame = settings.fft_size.len() as f64 / self.sample_rate;
        let average = decay_seconds(settings.averaging_seconds, range_db);
        let fall = settings.peak_fall_db_per_second;
        let held = if settings.peak_hold_seconds.is_finite() && fall > 0.0 {
            settings.peak_hold_seconds + range_db / fall
        } else {
            0.0
        };
        frame + average.max(held)
    }

    /// Width of one bin, Hz.
    pub fn bin_hz(&self) -> f64 {
        self.sample_rate / self.settings.fft_size.len() as f64
    }

    /// Number of bins (`N/2 + 1`, DC to Nyquist).
    pub fn bin_count(&self) -> usize {
        self.settings.fft_size.len() / 2 + 1
    }

    /// Frames between successive FFTs.
    pub fn hop(&self) -> usize {
        self.hop
    }

    /// FFTs run since creation.
    pub fn fft_count(&self) -> u64 {
        self.hops_total
    }

    /// The per-bin noise reading relative to the noise's RMS, dB: white noise of RMS `σ` reads
    /// `20·log10 σ` plus this (see the [module docs](self)).
    pub fn noise_bin_offset_db(&self) -> f64 {
        let len = self.settings.fft_size.len() as f64;
        10.0 * (4.0 * self.settings.window.enbw_bins() / len).log10()
    }

    /// Analyses `frames` (any length): one FFT per hop completed.
    pub fn feed(&mut self, frames: &[Frame]) {
        self.feed_hops::<false>(frames, &mut |_| {});
    }

    /// [`Spectrum::feed`], handing every FFT frame to `on_frame` as it is computed (each analysed
    /// channel's, in channel-mode order), its power lent from a scratch buffer: no allocation.
    pub fn feed_with(&mut self, frames: &[Frame], mut on_frame: impl FnMut(SpectrumFrame<'_>)) {
        self.feed_hops::<true>(frames, &mut on_frame);
    }

    /// `EMIT = false` compiles the per-frame hand-over out of [`Spectrum::feed`].
    fn feed_hops<const EMIT: bool>(
        &mut self,
        frames: &[Frame],
        on_frame: &mut impl FnMut(SpectrumFrame<'_>),
    ) {
        if self.frozen {
            for &frame in frames {
                self.health.sanitize_frame(frame);
            }
            return;
        }
        let len = self.frames.len();
        let mut rest = frames;
        while !rest.is_empty() {
            let take = rest.len().min(self.hop - self.since_hop);
            let (now, later) = rest.split_at(take);
            rest = later;
            for &frame in now {
                self.frames[self.write] = self.health.sanitize_frame(frame);
                self.write = (self.write + 1) & (len - 1);
            }
            self.since_hop += take;
            self.fed += take as u64;
            self.filled = (self.filled + take).min(len);
            if self.since_hop == self.hop {
                self.since_hop = 0;
                self.resuming &= self.filled < len;
                if !self.resuming {
                    self.run_hop::<EMIT>(on_frame);
                }
            }
        }
    }

    fn run_hop<const EMIT: bool>(&mut self, on_frame: &mut impl FnMut(SpectrumFrame<'_>)) {
        let hop_seconds = self.hop as f64 / self.sample_rate;
        // Until the buffer holds N fed frames each FFT replaces the average: the zeros it starts
        // with would otherwise bias the average low for several time constants.
        let warming_up = self.hops_since_clear == 0 || self.filled < self.frames.len();
        let alpha = if warming_up || self.settings.averaging_seconds <= 0.0 {
            1.0
        } else {
            (1.0 - (-hop_seconds / self.settings.averaging_seconds).exp()) as f32
        };
        let fall = 10f64.powf(-self.settings.peak_fall_db_per_second * hop_seconds / 10.0) as f32;
        let hold_seconds = self.settings.peak_hold_seconds as f32;
        let channels = self.settings.channel_mode.channels();
        for (trace, &channel) in channels.iter().enumerate() {
            self.transform(channel);
            let state = &mut self.traces[trace];
            let last = self.fft_out.len() - 1;
            for (k, x) in self.fft_out.iter().enumerate() {
                let mut power = x.norm_sqr();
                if k == 0 || k == last {
                    power *= 0.25;
                }
                // NaN.min(MAX) is MAX: an overflowing FFT costs one bright hop, not the state.
                let power = power.min(MAX_POWER);
                if EMIT {
                    // `display` is render's scratch: free between renders.
                    self.display[k] = power;
                }
                let average = &mut state.average[k];
                let mut next = *average + alpha * (power - *average);
                if next < FLOOR_POWER {
                    next = 0.0; // keeps decaying averages out of subnormal range
                }
                *average = next;
                let hold = &mut state.hold[k];
                let left = &mut state.hold_left[k];
                if next >= *hold {
                    *hold = next;
                    *left = hold_seconds;
                } else if *left > 0.0 {
                    *left -= hop_seconds as f32;
                } else {
                    let fallen = *hold * fall;
                    if next >= fallen {
                        // The curve has caught the falling hold: it is a peak again.
                        *hold = next;
                        *left = hold_seconds;
                    } else {
                        *hold = fallen;
                    }
                }
            }
            if EMIT {
                on_frame(SpectrumFrame {
                    channel,
                    power: &self.display,
                    bin_hz: self.bin_hz(),
                    centre: self.fed as i64 - (self.frames.len() / 2) as i64,
                });
            }
        }
        self.hops_since_clear += 1;
        self.hops_total += 1;
    }

    /// Windows the newest N frames of `channel` and transforms them into `fft_out`.
    fn transform(&mut self, channel: Channel) {
        let len = self.frames.len();
        // The oldest frame sits at `write`.
        let (newer, older) = self.frames.split_at(self.write);
        let ordered = older.iter().chain(newer.iter());
        for ((out, frame), w) in self.fft_in.iter_mut().zip(ordered).zip(&self.window) {
            *out = channel.sample(*frame) * w;
        }
        debug_assert_eq!(self.fft_in.len(), len);
        // Lengths come from the plan itself, so this cannot fail.
        let _ = self.fft.process_with_scratch(
            &mut self.fft_in,
            &mut self.fft_out,
            &mut self.fft_scratch,
        );
    }

    fn trace_index(&self, channel: Channel) -> Option<usize> {
        self.settings
            .channel_mode
            .channels()
            .iter()
            .position(|&c| c == channel)
    }

    /// The calibrated per-bin power of one curve (bin `k` at `k · bin_hz`), before smoothing and
    /// tilt; `None` when `channel` is not analysed in the current channel mode.
    pub fn power(&self, channel: Channel, curve: SpectrumCurve) -> Option<&[f32]> {
        let state = &self.traces[self.trace_index(channel)?];
        Some(match curve {
            SpectrumCurve::Average => &state.average,
            SpectrumCurve::PeakHold => &state.hold,
        })
    }

    /// Renders one curve, smoothed and tilted, onto `columns` (dBFS, one per pixel column, any
    /// count) along `axis`. Returns `false` (and fills [`FLOOR_DB`](super::FLOOR_DB)) when
    /// `channel` is not analysed in the current channel mode.
    pub fn render(
        &mut self,
        channel: Channel,
        curve: SpectrumCurve,
        axis: &FrequencyAxis,
        columns: &mut [f32],
    ) -> bool {
        let Some(trace) = self.trace_index(channel) else {
            columns.fill(super::axis::FLOOR_DB);
            return false;
        };
        let state = &self.traces[trace];
        let source = match curve {
            SpectrumCurve::Average => &state.average,
            SpectrumCurve::PeakHold => &state.hold,
        };
        let bin_hz = self.bin_hz();
        let tilted = self.settings.slope_db_per_octave != 0.0;
        let band = self.settings.smoothing.band_octaves();
        if band.is_none() && !tilted {
            map_power_to_columns(axis, bin_hz, source, columns);
            return true;
        }
        match band {
            Some(band) => self.smoother.smooth(band, source, &mut self.display),
            None => self.display.copy_from_slice(source),
        }
        if tilted {
            for (p, gain) in self.display.iter_mut().zip(&self.tilt) {
                *p *= gain;
            }
        }
        map_power_to_columns(axis, bin_hz, &self.display, columns);
        true
    }

    /// The displayed level at `hz` (smoothing and tilt applied), dBFS, interpolated between
    /// bins; for a hover readout. `None` when `channel` is not analysed.
    pub fn level_at(&mut self, channel: Channel, curve: SpectrumCurve, hz: f64) -> Option<f32> {
        let bin_hz = self.bin_hz();
        let axis = FrequencyAxis {
            scale: super::axis::FrequencyScale::Linear,
            min_hz: hz - 0.25 * bin_hz,
            max_hz: hz + 0.25 * bin_hz,
        };
        let mut column = [0.0f32];
        self.render(channel, curve, &axis, &mut column)
            .then_some(column[0])
    }

    /// The largest peak of the averaged spectrum between `min_hz` and `max_hz`, with its
    /// frequency and level interpolated between bins (see [`SpectralPeak`]); `None` when the
    /// channel is not analysed or the range holds no bin.
    pub fn peak(&self, channel: Channel, min_hz: f64, max_hz: f64) -> Option<SpectralPeak> {
        let power = self.power(channel, SpectrumCurve::Average)?;
        let bin_hz = self.bin_hz();
        let first = (min_hz / bin_hz).ceil().max(0.0) as usize;
        let last = ((max_hz / bin_hz).floor() as usize).min(power.len() - 1);
        if first > last {
            return None;
        }
        let mut bin = first;
        for k in first..=last {
            if power[k] > power[bin] {
                bin = k;
            }
        }
        let (offset, amplitude) = fit_peak(
            power,
            bin,
            self.settings.window,
            self.settings.fft_size.len(),
        );
        Some(SpectralPeak {
            frequency_hz: (bin as f64 + offset) * bin_hz,
            level_db: power_to_db((amplitude * amplitude) as f32) as f64,
            bin,
        })
    }
}
