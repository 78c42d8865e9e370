//! Deterministic test signals shared by the analysis integration tests.
#![allow(dead_code)]

use std::f64::consts::TAU;

/// SplitMix64: tiny, seeded, good enough for test noise (and unlike the plugin's test-signal
/// generator, so the two are not one generator written twice).
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn gaussian(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (TAU * v).cos()
    }
}

/// `amplitude·sin(2π·hz·n/rate + phase)` for `n` in `range`, computed in f64.
pub fn sine_at(n: u64, hz: f64, rate: f64, amplitude: f64, phase: f64) -> f64 {
    amplitude * (TAU * hz * n as f64 / rate + phase).sin()
}

/// A mono sine as stereo frames `[x, x]`.
pub fn sine_frames(len: usize, hz: f64, rate: f64, amplitude: f64) -> Vec<[f32; 2]> {
    (0..len as u64)
        .map(|n| {
            let x = sine_at(n, hz, rate, amplitude, 0.0) as f32;
            [x, x]
        })
        .collect()
}

/// Stereo frames `[l, r]` from `f(n)` for each sample index `n`.
pub fn stereo(len: usize, mut f: impl FnMut(u64) -> [f64; 2]) -> Vec<[f32; 2]> {
    (0..len as u64)
        .map(|n| {
            let [l, r] = f(n);
            [l as f32, r as f32]
        })
        .collect()
}

/// dB of a linear amplitude.
pub fn db(amplitude: f64) -> f64 {
    20.0 * amplitude.log10()
}
