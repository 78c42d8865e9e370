//! The built-in test signal: sine, log sweep, white and pink noise, two-tone.
//!
//! It runs on the audio thread (only while the editor is open and the signal is switched on) and
//! writes straight into the ring's slots, so it is real-time safe: no allocation, no lock, a fixed
//! amount of work per sample. Noise is deterministic (fixed seeds, reset on [`TestSignal::reset`])
//! so pictures and tests are reproducible.
//!
//! Level convention: `amplitude` is the peak of a sine. Tones peak at it (the two-tone's tones
//! share it, so their sum peaks at it too); noise has the RMS of that sine, `amplitude / √2`, so
//! every signal at the same setting carries the same power. Tones are identical in both channels;
//! noise is independent per channel (correlation ≈ 0).

use std::mem::MaybeUninit;

use ringscope::analysis::{Frame, valid_sample_rate};

use crate::params::TestSignalKind;

/// What to generate; read from the parameters once per block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestSignalSettings {
    /// Which signal.
    pub kind: TestSignalKind,
    /// Sine and first two-tone frequency, Hz.
    pub frequency_hz: f32,
    /// Second two-tone frequency, Hz.
    pub frequency2_hz: f32,
    /// Peak amplitude of a sine at the chosen level (linear, 1.0 = 0 dBFS).
    pub amplitude: f32,
    /// Duration of one log sweep, seconds.
    pub sweep_seconds: f32,
}

/// Log sweep limits; the top is lowered to 90 % of Nyquist at low sample rates.
const SWEEP_START_HZ: f64 = 20.0;
const SWEEP_END_HZ: f64 = 20_000.0;

/// A small, fast, well-distributed PRNG (xorshift64*), enough for display noise.
#[derive(Debug, Clone, Copy)]
struct XorShift64Star(u64);

impl XorShift64Star {
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [−1, 1), RMS 1/√3.
    fn next_bipolar(&mut self) -> f32 {
        // The top 24 bits give every float in the range with equal spacing.
        let bits = (self.next_u64() >> 40) as u32;
        bits as f32 * (2.0 / (1u32 << 24) as f32) - 1.0
    }
}

/// Paul Kellet's "refined" pink filter (accurate to ±0.05 dB above 9.2 Hz at 44.1 kHz):
/// six one-pole sections plus a direct and a one-sample-delayed path.
#[derive(Debug, Clone, Copy, Default)]
struct PinkFilter {
    b: [f32; 7],
}

/// Pole and gain of each one-pole section of [`PinkFilter`].
const PINK_POLES: [f32; 6] = [0.99886, 0.99332, 0.96900, 0.86650, 0.55000, -0.7616];
const PINK_GAINS: [f32; 6] = [
    0.055_517_9,
    0.075_075_9,
    0.153_852,
    0.310_485_6,
    0.532_952_2,
    -0.016_898,
];
const PINK_DIRECT: f32 = 0.5362;
const PINK_DELAYED: f32 = 0.115_926;

impl PinkFilter {
    fn process(&mut self, white: f32) -> f32 {
        let b = &mut self.b;
        for i in 0..6 {
            b[i] = PINK_POLES[i] * b[i] + white * PINK_GAINS[i];
        }
        let pink = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * PINK_DIRECT;
        b[6] = white * PINK_DELAYED;
        pink
    }

    /// The filter's power gain for white input, Σ h[n]², in closed form: the impulse response is
    /// h[n] = Σᵢ gᵢ pᵢⁿ + d₀ δ[n] + d₁ δ[n−1].
    fn power_gain() -> f64 {
        let (p, g) = (PINK_POLES.map(f64::from), PINK_GAINS.map(f64::from));
        let (d0, d1) = (f64::from(PINK_DIRECT), f64::from(PINK_DELAYED));
        let mut sum = d0 * d0 + d1 * d1;
        for i in 0..6 {
            for j in 0..6 {
                sum += g[i] * g[j] / (1.0 - p[i] * p[j]);
            }
            sum += 2.0 * d0 * g[i] + 2.0 * d1 * g[i] * p[i];
        }
        sum
    }

    /// Magnitude response at `freq / sample_rate` (for tests and documentation).
    #[cfg(test)]
    fn magnitude(normalized_freq: f64) -> f64 {
        use std::f64::consts::TAU;
        let w = TAU * normalized_freq;
        let z_inv = (w.cos(), -w.sin()); // e^{-jw}
        let (mut re, mut im) = (f64::from(PINK_DIRECT), 0.0);
        re += f64::from(PINK_DELAYED) * z_inv.0;
        im += f64::from(PINK_DELAYED) * z_inv.1;
        for i in 0..6 {
            // g / (1 - p z^-1)
            let (dr, di) = (
                1.0 - f64::from(PINK_POLES[i]) * z_inv.0,
                -f64::from(PINK_POLES[i]) * z_inv.1,
            );
            let den = dr * dr + di * di;
            re += f64::from(PINK_GAINS[i]) * dr / den;
            im += f64::from(PINK_GAINS[i]) * -di / den;
        }
        (re * re + im * im).sqrt()
    }
}

const SEEDS: [u64; 2] = [0x9E37_79B9_7F4A_7C15, 0xD1B5_4A32_D192_ED03];

/// The test-signal generator. Create it (and change its sample rate) off the audio thread;
/// [`TestSignal::fill`] and [`TestSignal::reset`] are real-time safe.
#[derive(Debug, Clone)]
pub struct TestSignal {
    sample_rate: f64,
    /// Phases in cycles, kept in [0, 1) so precision never degrades over long runs.
    phase: f64,
    phase2: f64,
    /// Seconds into the current sweep.
    sweep_time: f64,
    rng: [XorShift64Star; 2],
    pink: [PinkFilter; 2],
    /// 1 / RMS of the pink filter's output for unit-RMS white input.
    pink_norm: f32,
}

impl TestSignal {
    /// A generator for `sample_rate` Hz (one that is not real falls back to 48 kHz, as in the
    /// analysis: see [`valid_sample_rate`]).
    pub fn new(sample_rate: f32) -> Self {
        Self {
            sample_rate: valid_sample_rate(f64::from(sample_rate)),
            phase: 0.0,
            phase2: 0.0,
            sweep_time: 0.0,
            rng: SEEDS.map(XorShift64Star),
            pink: [PinkFilter::default(); 2],
            pink_norm: (1.0 / PinkFilter::power_gain().sqrt()) as f32,
        }
    }

    /// Changes the sample rate and restarts every signal.
    pub fn set_sample_rate(&mut self, sample_rate: f32) {
        self.sample_rate = valid_sample_rate(f64::from(sample_rate));
        self.reset();
    }

    /// Restarts phases, the sweep and the noise sequences.
    pub fn reset(&mut self) {
        self.phase = 0.0;
        self.phase2 = 0.0;
        self.sweep_time = 0.0;
        self.rng = SEEDS.map(XorShift64Star);
        self.pink = [PinkFilter::default(); 2];
    }

    /// Writes every slot of `out` with the next `out.len()` stereo frames of the signal (`Off`
    /// writes silence) and returns them, now initialised: the tap writes straight into the
    /// ring's free slots, with no default fill before.
    pub fn fill<'a>(
        &mut self,
        settings: &TestSignalSettings,
        out: &'a mut [MaybeUninit<Frame>],
    ) -> &'a mut [Frame] {
        let amplitude = if settings.amplitude.is_finite() {
            settings.amplitude.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let nyquist = self.sample_rate * 0.5;
        let clamp_freq = |f: f32| -> f64 {
            if f.is_finite() {
                f64::from(f).clamp(0.0, nyquist)
            } else {
                0.0
            }
        };
        match settings.kind {
            TestSignalKind::Off => out.iter_mut().for_each(|slot| {
                slot.write([0.0; 2]);
            }),
            TestSignalKind::Sine => {
                let inc = clamp_freq(settings.frequency_hz) / self.sample_rate;
                for frame in out.iter_mut() {
                    let x = amplitude * sin_cycles(self.phase);
                    frame.write([x, x]);
                    self.phase = wrap(self.phase + inc);
                }
            }
            TestSignalKind::TwoTone => {
                let inc = clamp_freq(settings.frequency_hz) / self.sample_rate;
                let inc2 = clamp_freq(settings.frequency2_hz) / self.sample_rate;
                let half = 0.5 * amplitude;
                for frame in out.iter_mut() {
                    let x = half * (sin_cycles(self.phase) + sin_cycles(self.phase2));
                    frame.write([x, x]);
                    self.phase = wrap(self.phase + inc);
                    self.phase2 = wrap(self.phase2 + inc2);
                }
            }
            TestSignalKind::LogSweep => {
                let duration = f64::from(settings.sweep_seconds).clamp(0.1, 3600.0);
                let end = SWEEP_END_HZ.min(0.9 * nyquist).max(SWEEP_START_HZ);
                // f(t) = f0 · (f1/f0)^(t/T); the phase integrates it sample by sample, so
                // changing the duration mid-sweep never makes the phase jump.
                let log_ratio = (end / SWEEP_START_HZ).ln();
                let dt = 1.0 / self.sample_rate;
                for frame in out.iter_mut() {
                    let x = amplitude * sin_cycles(self.phase);
                    frame.write([x, x]);
                    let freq = SWEEP_START_HZ * (log_ratio * self.sweep_time / duration).exp();
                    self.phase = wrap(self.phase + freq * dt);
                    self.sweep_time += dt;
                    if self.sweep_time >= duration {
                        self.sweep_time = 0.0;
                    }
                }
            }
            TestSignalKind::WhiteNoise => {
                // Uniform noise has RMS 1/√3; scale it to amplitude/√2.
                let gain = amplitude * (3.0f32 / 2.0).sqrt();
                for frame in out.iter_mut() {
                    frame.write([
                        gain * self.rng[0].next_bipolar(),
                        gain * self.rng[1].next_bipolar(),
                    ]);
                }
            }
            TestSignalKind::PinkNoise => {
                let gain = amplitude * (3.0f32 / 2.0).sqrt() * self.pink_norm;
                for frame in out.iter_mut() {
                    let l = self.pink[0].process(self.rng[0].next_bipolar());
                    let r = self.pink[1].process(self.rng[1].next_bipolar());
                    frame.write([gain * l, gain * r]);
                }
            }
        }
        // SAFETY: every branch above wrote each slot of `out`, and `MaybeUninit<Frame>` has
        // the layout of `Frame`.
        unsafe { &mut *(std::ptr::from_mut(out) as *mut [Frame]) }
    }
}

fn sin_cycles(phase: f64) -> f32 {
    (std::f64::consts::TAU * phase).sin() as f32
}

fn wrap(phase: f64) -> f64 {
    let p = phase.fract();
    if p < 0.0 { p + 1.0 } else { p }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the tests start from (the plugin always reads every field from the parameters).
    impl Default for TestSignalSettings {
        fn default() -> Self {
            Self {
                kind: TestSignalKind::Sine,
                frequency_hz: 440.0,
                frequency2_hz: 1000.0,
                amplitude: 0.5,
                sweep_seconds: 5.0,
            }
        }
    }

    const RATE: f32 = 48_000.0;

    fn render(
        kind: TestSignalKind,
        frames: usize,
        tweak: impl Fn(&mut TestSignalSettings),
    ) -> Vec<[f32; 2]> {
        let mut settings = TestSignalSettings {
            kind,
            ..Default::default()
        };
        tweak(&mut settings);
        let mut signal = TestSignal::new(RATE);
        let mut slots = vec![MaybeUninit::uninit(); frames];
        let mut out = Vec::with_capacity(frames);
        // Odd chunk sizes: the signal must not depend on how the host cuts blocks.
        let mut start = 0;
        for chunk in [1usize, 7, 64, 333, 4096].iter().cycle() {
            if start >= frames {
                break;
            }
            let end = (start + chunk).min(frames);
            let written = signal.fill(&settings, &mut slots[start..end]);
            assert_eq!(written.len(), end - start);
            out.extend_from_slice(written);
            start = end;
        }
        out
    }

    #[test]
    fn the_sample_rate_follows_the_analysis_rule() {
        // The display analyses a rate that is not real as 48 kHz, so the test signal must be
        // made at 48 kHz too (it used to keep any positive rate: at 500 Hz a 1 kHz sine was
        // clamped to Nyquist and the display showed 250 Hz × 96 = 24 kHz).
        let settings = TestSignalSettings {
            kind: TestSignalKind::Sine,
            frequency_hz: 1000.0,
            ..Default::default()
        };
        for bogus in [500.0, f32::NAN, 0.0] {
            let mut signal = TestSignal::new(96_000.0);
            signal.set_sample_rate(bogus);
            let mut slots = vec![MaybeUninit::uninit(); RATE as usize / 10];
            let left: Vec<f32> = signal
                .fill(&settings, &mut slots)
                .iter()
                .map(|f| f[0])
                .collect();
            let hz = measured_frequency(&left);
            assert!((hz - 1000.0).abs() < 1.0, "{bogus}: {hz} Hz at 48 kHz");
        }
    }
    fn rms(x: impl Iterator<Item = f32>) -> f64 {
        let (mut sum, mut n) = (0.0f64, 0usize);
        for v in x {
            sum += f64::from(v) * f64::from(v);
            n += 1;
        }
        (sum / n as f64).sqrt()
    }

    /// Counts rising zero crossings, interpolated, to measure frequency without an FFT.
    fn measured_frequency(x: &[f32]) -> f64 {
        let mut crossings = Vec::new();
        for i in 1..x.len() {
            if x[i - 1] < 0.0 && x[i] >= 0.0 {
                let frac = f64::from(-x[i - 1]) / f64::from(x[i] - x[i - 1]);
                crossings.push((i - 1) as f64 + frac);
            }
        }
        let periods = (crossings.len() - 1) as f64;
        f64::from(RATE) * periods / (crossings.last().unwrap() - crossings[0])
    }

    #[test]
    fn sine_has_the_set_peak_and_frequency() {
        for (freq, level_db) in [
            (440.0f32, -6.0f32),
            (1000.0, 0.0),
            (57.3, -20.0),
            (12_345.0, -3.0),
        ] {
            let amp = 10f32.powf(level_db / 20.0);
            let out = render(TestSignalKind::Sine, RATE as usize, |s| {
                s.frequency_hz = freq;
                s.amplitude = amp;
            });
            let left: Vec<f32> = out.iter().map(|f| f[0]).collect();
            assert!(
                out.iter().all(|f| f[0] == f[1]),
                "tones are identical in L and R"
            );
            let peak = left.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            // Sampling can miss the crest by at most 1 - cos(pi f / fs).
            let worst_miss = 1.0 - (std::f32::consts::PI * freq / RATE).cos();
            assert!(
                peak <= amp * 1.000_001 && peak >= amp * (1.0 - worst_miss) - 1e-6,
                "{freq} Hz: peak {peak} vs {amp}"
            );
            let rms = rms(left.iter().copied());
            assert!(
                (rms / (f64::from(amp) / 2f64.sqrt()) - 1.0).abs() < 1e-3,
                "{freq} Hz: rms {rms}"
            );
            let f = measured_frequency(&left);
            assert!(
                (f / f64::from(freq) - 1.0).abs() < 1e-4,
                "{freq} Hz measured as {f}"
            );
        }
    }

    #[test]
    fn two_tone_sums_two_equal_tones() {
        let out = render(TestSignalKind::TwoTone, RATE as usize, |s| {
            s.frequency_hz = 1000.0;
            s.frequency2_hz = 5000.0;
            s.amplitude = 0.8;
        });
        // sin(x) + sin(5x) has its crest where both tones peak, at a sample instant here.
        let peak = out.iter().fold(0.0f32, |m, f| m.max(f[0].abs()));
        assert!(peak <= 0.8 * 1.000_001 && peak > 0.799, "peak {peak}");
        // Two uncorrelated tones of amplitude 0.4 each: total RMS = 0.4.
        let rms = rms(out.iter().map(|f| f[0]));
        assert!((rms - 0.4).abs() < 1e-3, "rms {rms}");
    }

    #[test]
    fn white_noise_has_the_rms_of_the_sine_and_is_deterministic_and_decorrelated() {
        let a = render(TestSignalKind::WhiteNoise, 200_000, |s| s.amplitude = 0.5);
        let b = render(TestSignalKind::WhiteNoise, 200_000, |s| s.amplitude = 0.5);
        assert_eq!(a, b, "seeded noise is reproducible");
        let target = 0.5 / 2f64.sqrt();
        for ch in 0..2 {
            let rms = rms(a.iter().map(|f| f[ch]));
            assert!(
                (rms / target - 1.0).abs() < 0.01,
                "channel {ch}: rms {rms} vs {target}"
            );
        }
        let corr: f64 = a
            .iter()
            .map(|f| f64::from(f[0]) * f64::from(f[1]))
            .sum::<f64>()
            / (a.len() as f64 * target * target);
        assert!(corr.abs() < 0.02, "L/R correlation {corr}");
    }

    #[test]
    fn pink_noise_has_the_rms_of_the_sine() {
        let out = render(TestSignalKind::PinkNoise, 20 * RATE as usize, |s| {
            s.amplitude = 0.25
        });
        let target = 0.25 / 2f64.sqrt();
        // Pink noise has a lot of low-frequency energy, so the estimate converges slowly: 3 %.
        for ch in 0..2 {
            let rms = rms(out.iter().map(|f| f[ch]));
            assert!(
                (rms / target - 1.0).abs() < 0.03,
                "channel {ch}: rms {rms} vs {target}"
            );
        }
        assert!(out.iter().all(|f| f[0].is_finite() && f[1].is_finite()));
    }

    #[test]
    fn pink_filter_falls_3_db_per_octave() {
        // Four octaves from 100 Hz to 1.6 kHz: -12.04 dB.
        let lo = PinkFilter::magnitude(100.0 / 44_100.0);
        let hi = PinkFilter::magnitude(1600.0 / 44_100.0);
        let drop_db = 20.0 * (hi / lo).log10();
        assert!(
            (drop_db + 12.04).abs() < 0.3,
            "{drop_db} dB over four octaves"
        );
    }

    #[test]
    fn log_sweep_starts_low_and_ends_high_at_full_level() {
        let out = render(TestSignalKind::LogSweep, RATE as usize, |s| {
            s.sweep_seconds = 1.0;
            s.amplitude = 1.0;
        });
        let left: Vec<f32> = out.iter().map(|f| f[0]).collect();
        let head = measured_frequency(&left[..4800]); // first 100 ms: 20 Hz … 40 Hz
        let tail = measured_frequency(&left[left.len() - 480..]); // last 10 ms: ~19 kHz
        assert!(head > 18.0 && head < 45.0, "start {head} Hz");
        assert!(tail > 14_000.0, "end {tail} Hz");
        assert!(left.iter().all(|v| v.abs() <= 1.0));
    }

    #[test]
    fn off_and_bad_settings_give_silence_or_clamped_output() {
        let out = render(TestSignalKind::Off, 1000, |_| {});
        assert!(out.iter().all(|f| *f == [0.0, 0.0]));
        let out = render(TestSignalKind::Sine, 1000, |s| {
            s.amplitude = f32::NAN;
            s.frequency_hz = f32::INFINITY;
        });
        assert!(out.iter().all(|f| *f == [0.0, 0.0]));
        let out = render(TestSignalKind::Sine, 1000, |s| s.amplitude = 7.0);
        assert!(out.iter().all(|f| f[0].abs() <= 1.0));
    }
}
