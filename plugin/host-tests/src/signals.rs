//! Deterministic test signals, and the bit-exact comparison of what comes back.

/// A named input signal for passthrough tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestSignal {
    /// A 997 Hz sine at -6 dBFS (a prime frequency, so no block size lines up with its period),
    /// with the right channel a quarter period behind the left.
    Sine,
    /// Uniform white noise in [-1, 1), different per channel.
    Noise,
    /// All zeros.
    Silence,
    /// NaN (with several payloads and both signs), ±Inf, denormals, ±0, extremes and out-of-range
    /// values, interleaved with ordinary samples.
    NonFinite,
    /// A sine of this many hertz at -12 dBFS (amplitude 0.25), the same on every channel: a
    /// steady line in a spectrum, for tests that look for a peak at a known frequency.
    Tone(u32),
}

impl TestSignal {
    /// Every signal.
    pub const ALL: [TestSignal; 4] = [Self::Sine, Self::Noise, Self::Silence, Self::NonFinite];

    /// Fills `channels` (each the same length) with frames `start..start + len` of this signal.
    pub fn fill(self, sample_rate: f64, start: u64, channels: &mut [Vec<f32>]) {
        for (channel_index, channel) in channels.iter_mut().enumerate() {
            for (i, sample) in channel.iter_mut().enumerate() {
                *sample = self.sample(sample_rate, channel_index, start + i as u64);
            }
        }
    }

    /// Frame `n` of channel `channel`.
    pub fn sample(self, sample_rate: f64, channel: usize, n: u64) -> f32 {
        match self {
            Self::Sine => {
                let phase = std::f64::consts::TAU * 997.0 * n as f64 / sample_rate
                    - channel as f64 * std::f64::consts::FRAC_PI_2;
                (0.5 * phase.sin()) as f32
            }
            Self::Noise => {
                let bits = splitmix64(n ^ ((channel as u64) << 56));
                // 24 random mantissa bits → uniform in [-1, 1).
                ((bits >> 40) as f32 / (1u64 << 23) as f32) - 1.0
            }
            Self::Silence => 0.0,
            Self::Tone(hz) => {
                let phase = std::f64::consts::TAU * f64::from(hz) * n as f64 / sample_rate;
                (0.25 * phase.sin()) as f32
            }
            Self::NonFinite => {
                let i = (n as usize + channel * 7) % SPECIAL_VALUES.len();
                f32::from_bits(SPECIAL_VALUES[i])
            }
        }
    }
}

/// Bit patterns a passthrough must preserve exactly. NaNs carry payloads and signs, so a plugin
/// that "copies" through arithmetic (e.g. `x * 1.0`, or flushes denormals) would change them.
pub const SPECIAL_VALUES: [u32; 16] = [
    0x7fc0_0000, // quiet NaN
    0xffc0_0000, // negative quiet NaN
    0x7fc0_1234, // quiet NaN with a payload
    0x7f80_0001, // signalling NaN
    0x7f80_0000, // +Inf
    0xff80_0000, // -Inf
    0x0000_0001, // smallest positive denormal
    0x8000_0001, // smallest negative denormal
    0x007f_ffff, // largest denormal
    0x0000_0000, // +0
    0x8000_0000, // -0
    0x7f7f_ffff, // f32::MAX
    0xff7f_ffff, // f32::MIN
    0x0080_0000, // f32::MIN_POSITIVE
    0x4120_0000, // 10.0, far out of [-1, 1]
    0x3f00_0000, // 0.5, an ordinary sample
];

/// A small, well-distributed hash used as a counter-based random generator.
pub fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The first sample whose bits differ between `expected` and `actual`, as a readable message.
pub fn first_bit_difference(expected: &[f32], actual: &[f32]) -> Option<String> {
    if expected.len() != actual.len() {
        return Some(format!(
            "length differs: expected {}, got {}",
            expected.len(),
            actual.len()
        ));
    }
    expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e.to_bits() != a.to_bits())
        .map(|i| {
            format!(
                "sample {i}: expected {:?} (0x{:08x}), got {:?} (0x{:08x})",
                expected[i],
                expected[i].to_bits(),
                actual[i],
                actual[i].to_bits()
            )
        })
}

/// Asserts that every channel of `actual` equals `expected` bit for bit.
#[track_caller]
pub fn assert_bit_exact(expected: &[Vec<f32>], actual: &[Vec<f32>], context: &str) {
    assert_eq!(
        expected.len(),
        actual.len(),
        "{context}: channel count differs"
    );
    for (channel, (e, a)) in expected.iter().zip(actual).enumerate() {
        if let Some(difference) = first_bit_difference(e, a) {
            panic!("{context}: output is not the input on channel {channel}: {difference}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_are_what_they_claim() {
        let mut channels = vec![vec![0.0; 4096]; 2];
        TestSignal::Sine.fill(48_000.0, 0, &mut channels);
        let peak = channels[0].iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((0.49..=0.5).contains(&peak), "sine peak {peak}");
        assert_ne!(channels[0], channels[1]);

        TestSignal::Noise.fill(48_000.0, 0, &mut channels);
        assert!(channels[0].iter().all(|s| (-1.0..1.0).contains(s)));
        let mean = channels[0].iter().sum::<f32>() / 4096.0;
        assert!(mean.abs() < 0.05, "noise mean {mean}");
        assert_ne!(channels[0], channels[1]);

        TestSignal::NonFinite.fill(48_000.0, 0, &mut channels);
        assert!(channels[0].iter().any(|s| s.is_nan()));
        assert!(channels[0].iter().any(|s| s.is_infinite()));
        assert!(channels[0].iter().any(|s| s.is_subnormal()));
    }

    #[test]
    fn the_comparison_sees_nan_payloads_and_signed_zeros() {
        let a = [f32::from_bits(0x7fc0_0000), 0.0];
        assert!(first_bit_difference(&a, &[f32::from_bits(0x7fc0_0001), 0.0]).is_some());
        assert!(first_bit_difference(&a, &[a[0], -0.0]).is_some());
        assert!(first_bit_difference(&a, &a).is_none());
    }
}
