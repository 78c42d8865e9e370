//! Level meters: sample peak and true peak with hold-and-fall ballistics, RMS, stereo
//! correlation, and EBU R128 loudness (via the `ebur128` crate).
//!
//! Conventions:
//! - Peaks are `20·log10|x|` dBFS; true peak is the peak of the 4× oversampled signal below
//!   96 kHz (2× below 192 kHz, none above), as ITU-R BS.1770 specifies, in dBTP.
//! - RMS is `10·log10` of an exponential average of `x²` with the RMS time constant, so a
//!   full-scale sine reads −3.01 dB (no +3 dB "sine = 0 dB" offset).
//! - Peak ballistics: a new peak shows at once, holds for the hold time, then falls at the
//!   fall rate (the IEC 60268-18 digital peak meter default is 20 dB in 1.7 s ≈ 11.8 dB/s).
//! - Correlation is `E[L·R] / sqrt(E[L²]·E[R²])` with exponential averages: +1 for
//!   identical channels, −1 for inverted ones, about 0 for unrelated ones, and 0 in silence.
//!   Balance is `(E[R²] − E[L²]) / (E[R²] + E[L²])` over the same averages.
//! - Loudness is measured on L and R as a stereo programme (BS.1770 K-weighting, R128 gating);
//!   momentary (400 ms), short-term (3 s) and integrated values refresh every 100 ms of audio.
//!   Integrated loudness uses the crate's histogram mode, so its memory does not grow with time.
//!   Momentary and short-term loudness are the means of the last 4 and 30 consecutive 100 ms
//!   block energies, which is exactly the energy over 400 ms and 3 s but costs one 100 ms
//!   window per refresh instead of a pass over 3 s of audio. Which figures come from the
//!   crate and which are ours: see [`Loudness`].

use super::axis::{FLOOR_DB, decay_seconds, power_to_db};
use super::channel::{Channel, Frame};
use super::health::InputHealth;
pub use super::loudness::{Loudness, LoudnessBlock};
use super::sample_rate::valid_sample_rate;
use ebur128::{EbuR128, Mode};

/// Frames processed per true-peak step: the resolution of the true-peak hold timer.
const STEP: usize = 256;
/// 100 ms loudness blocks in the short-term window (3 s).
const SHORT_TERM_BLOCKS: usize = 30;
/// 100 ms loudness blocks in the momentary window (400 ms).
const MOMENTARY_BLOCKS: usize = 4;
/// Below this `E[L²]·E[R²]` the correlation reads 0 (silence has no correlation).
const CORRELATION_FLOOR: f64 = 1e-24;

/// What the user sets on the meters.
///
/// ```
/// use ringscope::analysis::MeterSettings;
/// let settings = MeterSettings { peak_hold_seconds: 3.0, ..MeterSettings::default() };
/// assert_eq!(settings.rms_seconds, 0.3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeterSettings {
    /// How long a peak stays before it falls, seconds.
    pub peak_hold_seconds: f64,
    /// How fast a peak falls after its hold, dB per second.
    pub peak_fall_db_per_second: f64,
    /// RMS averaging time constant, seconds.
    pub rms_seconds: f64,
    /// Correlation averaging time constant, seconds.
    pub correlation_seconds: f64,
}

impl Default for MeterSettings {
    fn default() -> Self {
        Self {
            peak_hold_seconds: 1.0,
            peak_fall_db_per_second: 20.0 / 1.7,
            rms_seconds: 0.3,
            correlation_seconds: 0.3,
        }
    }
}

/// One channel's meter readings, dBFS ([`super::FLOOR_DB`] for silence).
///
/// ```
/// use ringscope::analysis::{Channel, MeterSettings, Meters};
/// let mut meters = Meters::new(48_000.0, MeterSettings::default());
/// meters.feed(&[[0.5, -0.5]; 4800]);
/// let side = meters.levels(Channel::Side); // (L − R)/2 = 0.5
/// assert!((side.peak_db - (-6.02)).abs() < 0.01);
/// assert!(meters.levels(Channel::Mid).peak_db < -200.0); // (L + R)/2 = 0
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChannelLevels {
    /// Sample peak with hold-and-fall ballistics.
    pub peak_db: f32,
    /// True peak (dBTP) with hold-and-fall ballistics.
    pub true_peak_db: f32,
    /// Highest true peak since the last reset (dBTP).
    pub max_true_peak_db: f32,
    /// RMS level.
    pub rms_db: f32,
}

/// Hold-and-fall ballistics on a linear magnitude.
#[derive(Clone, Copy, Debug, Default)]
struct PeakBallistics {
    value: f32,
    /// Samples left before the value starts to fall.
    hold_left: u32,
}

impl PeakBallistics {
    /// Takes the peak of the last `samples` samples.
    #[inline]
    fn update(&mut self, peak: f32, samples: u32, hold: u32, fall_per_sample: f32) {
        if peak >= self.value {
            self.value = peak;
            self.hold_left = hold;
        } else if self.hold_left >= samples {
            self.hold_left -= samples;
        } else {
            let falling = samples - self.hold_left;
            self.hold_left = 0;
            self.value = (self.value * fall_per_sample.powi(falling as i32)).max(peak);
            if self.value < 1e-12 {
                self.value = 0.0;
            }
        }
    }
}

/// Per-channel running state.
#[derive(Clone, Copy, Debug, Default)]
struct ChannelMeter {
    peak: PeakBallistics,
    true_peak: PeakBallistics,
    max_true_peak: f32,
    mean_square: f64,
}

/// The meters: peak, true peak, RMS for L, R, mid and side; correlation; loudness.
///
/// Feed it every frame drained from the ring; read it once per display frame. Only
/// [`Meters::new`] and [`Meters::set_sample_rate`] allocate.
///
/// ```
/// use ringscope::analysis::{Channel, MeterSettings, Meters};
/// let mut meters = Meters::new(48_000.0, MeterSettings::default());
/// let sine: Vec<[f32; 2]> = (0..96_000)
///     .map(|n| { let x = (n as f32 * 997.0 / 48_000.0 * std::f32::consts::TAU).sin(); [x, x] })
///     .collect();
/// meters.feed(&sine);
/// let left = meters.levels(Channel::Left);
/// assert!(left.peak_db > -0.01 && left.peak_db <= 0.0);
/// assert!((left.rms_db + 3.01).abs() < 0.05);
/// assert!((meters.correlation() - 1.0).abs() < 1e-6);
/// ```
pub struct Meters {
    sample_rate: f64,
    settings: MeterSettings,
    channels: [ChannelMeter; 4],
    /// Running `E[LR]`, `E[L²]`, `E[R²]`.
    products: [f64; 3],
    /// Loudness and L/R true peak.
    loudness_meter: Option<EbuR128>,
    /// Mid/side true peak.
    mid_side_peak: Option<EbuR128>,
    /// Sanitised interleaved L/R and M/S of one step.
    left_right: Vec<f32>,
    mid_side: Vec<f32>,
    loudness: Loudness,
    /// Frames in a 100 ms loudness block.
    block_frames: usize,
    /// Frames into the current 100 ms block.
    since_block: usize,
    /// K-weighted mean-square energy of the most recent 100 ms blocks, a ring.
    block_energy: [f64; SHORT_TERM_BLOCKS],
    blocks_done: usize,
    health: InputHealth,
}

impl core::fmt::Debug for Meters {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Meters")
            .field("sample_rate", &self.sample_rate)
            .field("settings", &self.settings)
            .field("loudness", &self.loudness)
            .finish_non_exhaustive()
    }
}

impl Meters {
    /// Meters at `sample_rate` (one that is not real: 48 kHz, see [`valid_sample_rate`]).
    pub fn new(sample_rate: f64, settings: MeterSettings) -> Self {
        let sample_rate = valid_sample_rate(sample_rate);
        let (loudness_meter, mid_side_peak) = make_ebur128(sample_rate);
        Self {
            sample_rate,
            settings: sanitize_settings(settings),
            channels: [ChannelMeter::default(); 4],
            products: [0.0; 3],
            loudness_meter,
            mid_side_peak,
            left_right: vec![0.0; 2 * STEP],
            mid_side: vec![0.0; 2 * STEP],
            loudness: Loudness::default(),
            // The same rounding as the meter's own `loudness_window(100)`.
            block_frames: (sample_rate.round() as usize * 100 / 1000).max(1),
            since_block: 0,
            block_energy: [0.0; SHORT_TERM_BLOCKS],
            blocks_done: 0,
            health: InputHealth::default(),
        }
    }

    /// Changes the sample rate: rebuilds the loudness meter (allocates) and resets.
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        let sample_rate = valid_sample_rate(sample_rate);
        if sample_rate != self.sample_rate {
            *self = Self::new(sample_rate, self.settings);
        }
    }

    /// The sample rate in Hz.
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// The current settings (after clamping).
    pub fn settings(&self) -> &MeterSettings {
        &self.settings
    }

    /// Applies new settings (no allocation); readings carry on.
    pub fn set_settings(&mut self, settings: MeterSettings) {
        self.settings = sanitize_settings(settings);
    }

    /// Resets every reading, including integrated loudness and maximum true peak.
    pub fn reset(&mut self) {
        self.channels = [ChannelMeter::default(); 4];
        self.products = [0.0; 3];
        self.reset_loudness();
    }

    /// Restarts loudness measurement: integrated loudness, its range, the maxima and the
    /// maximum true peak start over.
    pub fn reset_loudness(&mut self) {
        for meter in [&mut self.loudness_meter, &mut self.mid_side_peak]
            .into_iter()
            .flatten()
        {
            meter.reset();
        }
        self.loudness = Loudness::default();
        // The maximum true peak is part of the loudness programme (PLR is measured from it).
        for channel in &mut self.channels {
            channel.max_true_peak = 0.0;
        }
        self.since_block = 0;
        self.block_energy = [0.0; SHORT_TERM_BLOCKS];
        self.blocks_done = 0;
    }

    /// Counts of NaN/Inf/subnormal samples fed (replaced by 0 before measuring).
    pub fn input_health(&self) -> InputHealth {
        self.health
    }

    /// How long the readings keep changing once the input turns silent, in seconds of fed
    /// audio, on a scale `range_db` deep: a peak at the top of the scale holds, then falls
    /// through it; RMS decays through it; the short-term loudness window (3 s) empties; the
    /// correlation keeps its value until the channels' energy, from full scale, has decayed to
    /// where it reads 0.
    ///
    /// ```
    /// use ringscope::analysis::{MeterSettings, Meters};
    /// let meters = Meters::new(48_000.0, MeterSettings::default());
    /// // With the defaults the correlation takes longest: 0.3 s · ln(10²⁴) / 2 ≈ 8.3 s.
    /// assert!((meters.settle_seconds(66.0) - 8.29).abs() < 0.01);
    /// ```
    pub fn settle_seconds(&self, range_db: f64) -> f64 {
        let range_db = range_db.max(0.0);
        let settings = &self.settings;
        let fall = settings.peak_fall_db_per_second;
        let peaks = settings.peak_hold_seconds + if fall > 0.0 { range_db / fall } else { 0.0 };
        let rms = decay_seconds(settings.rms_seconds, range_db);
        // E[L²]·E[R²] decays at twice the rate of each factor.
        let correlation = settings.correlation_seconds * -CORRELATION_FLOOR.ln() / 2.0;
        let loudness = (SHORT_TERM_BLOCKS + 1) as f64 * 0.1;
        peaks.max(rms).max(correlation).max(loudness)
    }

    /// Measures `frames` (any length).
    pub fn feed(&mut self, frames: &[Frame]) {
        self.feed_blocks(frames, &mut |_| {});
    }

    /// [`Meters::feed`], handing each 100 ms loudness block to `on_block` as it completes (for
    /// a [`LoudnessHistory`](super::LoudnessHistory)): every block, however the frames are
    /// chunked.
    pub fn feed_with(&mut self, frames: &[Frame], mut on_block: impl FnMut(LoudnessBlock)) {
        self.feed_blocks(frames, &mut on_block);
    }

    fn feed_blocks(&mut self, frames: &[Frame], on_block: &mut impl FnMut(LoudnessBlock)) {
        let hold = (self.settings.peak_hold_seconds * self.sample_rate) as u32;
        let fall =
            10f64.powf(-self.settings.peak_fall_db_per_second / 20.0 / self.sample_rate) as f32;
        let rms_alpha = smoothing_alpha(self.settings.rms_seconds, self.sample_rate);
        let corr_alpha = smoothing_alpha(self.settings.correlation_seconds, self.sample_rate);
        let mut rest = frames;
        while !rest.is_empty() {
            // Steps end on 100 ms block boundaries, so loudness blocks tile the stream exactly.
            let n = rest
                .len()
                .min(STEP)
                .min(self.block_frames - self.since_block);
            let (step, later) = rest.split_at(n);
            rest = later;
            let mut step_peak = [0.0f32; 4];
            let mut mean_square = [0.0f64; 4];
            for (i, c) in self.channels.iter().enumerate() {
                mean_square[i] = c.mean_square;
            }
            let [mut lr, mut ll, mut rr] = self.products;
            for (i, &frame) in step.iter().enumerate() {
                let [l, r] = self.health.sanitize_frame(frame);
                let (m, s) = (Channel::Mid.sample([l, r]), Channel::Side.sample([l, r]));
                self.left_right[2 * i] = l;
                self.left_right[2 * i + 1] = r;
                self.mid_side[2 * i] = m;
                self.mid_side[2 * i + 1] = s;
                for (c, x) in [l, r, m, s].into_iter().enumerate() {
                    step_peak[c] = step_peak[c].max(x.abs());
                    let x = x as f64;
                    mean_square[c] += rms_alpha * (x * x - mean_square[c]);
                }
                let (l, r) = (l as f64, r as f64);
                lr += corr_alpha * (l * r - lr);
                ll += corr_alpha * (l * l - ll);
                rr += corr_alpha * (r * r - rr);
            }
            // Flush what silence decays towards, before it turns subnormal.
            let flush = |x: f64| if x.abs() < 1e-30 { 0.0 } else { x };
            self.products = [flush(lr), flush(ll), flush(rr)];
            for (c, meter) in self.channels.iter_mut().enumerate() {
                meter.mean_square = flush(mean_square[c]);
                meter.peak.update(step_peak[c], n as u32, hold, fall);
            }

            let mut true_peak = step_peak;
            let pairs = [
                (&mut self.loudness_meter, &self.left_right, 0),
                (&mut self.mid_side_peak, &self.mid_side, 2),
            ];
            for (meter, interleaved, first) in pairs {
                if let Some(meter) = meter
                    && meter.add_frames_f32(&interleaved[..2 * n]).is_ok()
                {
                    for (c, peak) in true_peak[first..first + 2].iter_mut().enumerate() {
                        *peak = peak.max(meter.prev_true_peak(c as u32).unwrap_or(0.0) as f32);
                    }
                }
            }
            for (meter, peak) in self.channels.iter_mut().zip(true_peak) {
                meter.true_peak.update(peak, n as u32, hold, fall);
                meter.max_true_peak = meter.max_true_peak.max(peak);
            }

            self.since_block += n;
            if self.since_block == self.block_frames {
                self.since_block = 0;
                if let Some(block) = self.finish_loudness_block() {
                    on_block(block);
                }
            }
        }
    }

    fn finish_loudness_block(&mut self) -> Option<LoudnessBlock> {
        let meter = self.loudness_meter.as_ref()?;
        // LUFS = 10·log10(energy) − 0.691 (BS.1770), so the energy comes back exactly.
        let energy = match meter.loudness_window(100) {
            Ok(lufs) if lufs.is_finite() => 10f64.powf((lufs + 0.691) / 10.0),
            _ => 0.0,
        };
        self.block_energy[self.blocks_done % SHORT_TERM_BLOCKS] = energy;
        self.blocks_done += 1;
        let newest = |count: usize| -> f64 {
            let sum: f64 = (0..count)
                .map(|back| {
                    let index =
                        (self.blocks_done + SHORT_TERM_BLOCKS - 1 - back) % SHORT_TERM_BLOCKS;
                    self.block_energy[index]
                })
                .sum();
            sum / count as f64
        };
        let to_lufs = |energy: f64| {
            if energy > 0.0 {
                10.0 * energy.log10() - 0.691
            } else {
                f64::NEG_INFINITY
            }
        };
        let (momentary_lufs, short_term_lufs) = (
            to_lufs(newest(MOMENTARY_BLOCKS)),
            to_lufs(newest(SHORT_TERM_BLOCKS)),
        );
        let crate_figure = |figure: Result<f64, ebur128::Error>| match figure {
            Ok(value) if !value.is_nan() => value,
            _ => f64::NEG_INFINITY,
        };
        // The programme's true peak is the larger of L's and R's maximum true peak: the very
        // figure the channels' readings show (one accumulator, cleared with the loudness).
        let true_peak = [Channel::Left, Channel::Right]
            .map(|channel| f64::from(self.channels[channel.index()].max_true_peak))
            .into_iter()
            .fold(0.0, f64::max);
        let old = self.loudness;
        self.loudness = Loudness {
            momentary_lufs,
            short_term_lufs,
            integrated_lufs: crate_figure(meter.loudness_global()),
            range_lu: crate_figure(meter.loudness_range()).max(0.0),
            max_momentary_lufs: old.max_momentary_lufs.max(momentary_lufs),
            max_short_term_lufs: old.max_short_term_lufs.max(short_term_lufs),
            max_true_peak_dbtp: if true_peak > 0.0 {
                20.0 * true_peak.log10()
            } else {
                f64::NEG_INFINITY
            },
        };
        Some(LoudnessBlock {
            index: self.blocks_done as u64 - 1,
            momentary_lufs,
            short_term_lufs,
        })
    }

    /// One channel's readings.
    pub fn levels(&self, channel: Channel) -> ChannelLevels {
        let meter = &self.channels[channel.index()];
        let db = |x: f32| power_to_db(x * x);
        ChannelLevels {
            peak_db: db(meter.peak.value),
            true_peak_db: db(meter.true_peak.value),
            max_true_peak_db: db(meter.max_true_peak),
            rms_db: if meter.mean_square > 0.0 {
                power_to_db(meter.mean_square as f32)
            } else {
                FLOOR_DB
            },
        }
    }

    /// Stereo correlation, −1 … +1 (0 in silence).
    pub fn correlation(&self) -> f32 {
        let [lr, ll, rr] = self.products;
        let energy = ll * rr;
        if energy < CORRELATION_FLOOR {
            0.0
        } else {
            (lr / energy.sqrt()).clamp(-1.0, 1.0) as f32
        }
    }

    /// Stereo balance, −1 (left only) … +1 (right only), 0 for equal levels and in silence:
    /// `(E[R²] − E[L²]) / (E[R²] + E[L²])` over the correlation's averages (one home for the
    /// stereo statistics). `10·log10((1 + b)/(1 − b))` is the right channel's level above the
    /// left's, dB.
    pub fn balance(&self) -> f32 {
        let [_, ll, rr] = self.products;
        let total = ll + rr;
        if total < CORRELATION_FLOOR.sqrt() {
            0.0
        } else {
            ((rr - ll) / total).clamp(-1.0, 1.0) as f32
        }
    }

    /// Frames still to feed before the current 100 ms loudness block is complete (a whole
    /// block's frames right after one completed): lets a caller that skips known silence keep
    /// the blocks tiling the stream.
    pub fn frames_to_next_block(&self) -> usize {
        self.block_frames - self.since_block
    }

    /// Momentary, short-term, integrated and maximum loudness, loudness range and the true peak
    /// of the programme (refreshed every 100 ms of audio; see [`Loudness`]).
    pub fn loudness(&self) -> Loudness {
        self.loudness
    }
}

fn smoothing_alpha(seconds: f64, sample_rate: f64) -> f64 {
    if seconds > 0.0 {
        1.0 - (-1.0 / (seconds * sample_rate)).exp()
    } else {
        1.0
    }
}

fn make_ebur128(sample_rate: f64) -> (Option<EbuR128>, Option<EbuR128>) {
    let rate = sample_rate.round() as u32;
    let loudness = EbuR128::new(
        2,
        rate,
        Mode::M | Mode::S | Mode::I | Mode::LRA | Mode::HISTOGRAM | Mode::TRUE_PEAK,
    )
    .ok();
    let peak = EbuR128::new(2, rate, Mode::TRUE_PEAK).ok();
    (loudness, peak)
}

fn sanitize_settings(mut settings: MeterSettings) -> MeterSettings {
    let clean = |x: f64, fallback: f64| {
        if x.is_finite() {
            x.clamp(0.0, 1e6)
        } else {
            fallback
        }
    };
    let defaults = MeterSettings::default();
    settings.peak_hold_seconds = clean(settings.peak_hold_seconds, defaults.peak_hold_seconds);
    settings.peak_fall_db_per_second = clean(
        settings.peak_fall_db_per_second,
        defaults.peak_fall_db_per_second,
    );
    settings.rms_seconds = clean(settings.rms_seconds, defaults.rms_seconds);
    settings.correlation_seconds =
        clean(settings.correlation_seconds, defaults.correlation_seconds);
    settings
}
