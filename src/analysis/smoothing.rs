//! Fractional-octave smoothing of a power spectrum.
//!
//! Each bin `k` is replaced by the mean power over the band `[k·2^(−1/2n), k·2^(1/2n)]` (in bin
//! units) for 1/n-octave smoothing, treating each bin as constant over its width
//! `[k − ½, k + ½)`. Averaging *power* (not dB) keeps the level of broadband noise unchanged,
//! while a sine's power is spread over the band (it reads lower by roughly the band's width in
//! bins once the band is wider than the window's main lobe). Bands narrower than one bin leave the
//! bin unchanged, so low frequencies are not smeared. A running sum makes the cost one pass
//! whatever the band width.

/// How much the displayed spectrum is smoothed across frequency.
///
/// ```
/// use ringscope::analysis::Smoothing;
/// assert_eq!(Smoothing::OctaveFraction(3).band_octaves(), Some(1.0 / 3.0));
/// assert_eq!(Smoothing::Off.band_octaves(), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Smoothing {
    /// Every bin as measured.
    #[default]
    Off,
    /// 1/n-octave bands, n from 1 to 24 (values outside are clamped).
    OctaveFraction(u8),
}

impl Smoothing {
    /// Width of the smoothing band in octaves, if any.
    pub fn band_octaves(self) -> Option<f64> {
        match self {
            Smoothing::Off => None,
            Smoothing::OctaveFraction(n) => Some(1.0 / n.clamp(1, 24) as f64),
        }
    }
}

/// Fractional-octave smoother with its running-sum buffer.
#[derive(Clone, Debug)]
pub(crate) struct OctaveSmoother {
    /// `prefix[i]` = sum of the first `i` bins, in f64 so long sums of tiny values stay exact.
    prefix: Vec<f64>,
}

impl OctaveSmoother {
    pub(crate) fn new(bins: usize) -> Self {
        Self {
            prefix: vec![0.0; bins + 1],
        }
    }

    /// Writes the smoothed `input` into `output` (same length as the smoother's bin count).
    pub(crate) fn smooth(&mut self, band_octaves: f64, input: &[f32], output: &mut [f32]) {
        let bins = input.len().min(output.len()).min(self.prefix.len() - 1);
        let mut sum = 0.0;
        self.prefix[0] = 0.0;
        for (k, &p) in input[..bins].iter().enumerate() {
            sum += p as f64;
            self.prefix[k + 1] = sum;
        }
        let prefix = &self.prefix;
        // Integral of the piecewise-constant spectrum from −½ to x (bin k spans [k − ½, k + ½)).
        let integral = |x: f64| -> f64 {
            let u = (x + 0.5).clamp(0.0, bins as f64);
            let i = (u as usize).min(bins - 1);
            prefix[i] + (u - i as f64) * input[i] as f64
        };
        let half_band = (0.5 * band_octaves).exp2();
        output[0] = input[0];
        for k in 1..bins {
            let lo = k as f64 / half_band;
            let hi = (k as f64 * half_band).min(bins as f64 - 0.5);
            output[k] = if hi - lo <= 1.0 {
                input[k]
            } else {
                ((integral(hi) - integral(lo)) / (hi - lo)) as f32
            };
        }
    }
}
