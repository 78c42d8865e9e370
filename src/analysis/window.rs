//! FFT window functions and their calibration constants.
//!
//! Every window here is a periodic ("DFT-even") cosine sum,
//! `w[n] = Σₘ (−1)ᵐ aₘ cos(2π m n / N)`, so its spectrum is known in closed form and every
//! constant below is exact rather than measured:
//!
//! | window | coherent gain | ENBW (bins) | scalloping loss | highest side lobe |
//! |---|---|---|---|---|
//! | rectangular | 1.0 | 1.00 | 3.92 dB | −13 dB |
//! | Hann | 0.5 | 1.50 | 1.42 dB | −31 dB |
//! | Blackman-Harris (4-term) | 0.35875 | 2.00 | 0.83 dB | −92 dB |
//! | flat-top (5-term, SRS) | 0.21558 | 3.77 | 0.01 dB | −93 dB |
//!
//! *Coherent gain* (the window's mean) is what the spectrum divides by so that a sine centred on
//! a bin reads its true level with every window. *Scalloping loss* is how much lower a sine
//! exactly between two bins reads in its highest bin; the interpolated peak readout
//! ([`Spectrum::peak`](super::Spectrum::peak)) removes it. *ENBW* (equivalent noise bandwidth) is
//! how many bins' worth of noise power one bin collects; it sets the per-bin noise level (see
//! the [`spectrum`](super::spectrum) module docs).

use core::f64::consts::PI;

/// An FFT window.
///
/// ```
/// use ringscope::analysis::WindowKind;
/// let mut w = [0.0f32; 8];
/// WindowKind::Hann.fill(&mut w);
/// assert_eq!(w[0], 0.0);
/// assert_eq!(w[4], 1.0);
/// assert!((WindowKind::Hann.scalloping_loss_db() - 1.42).abs() < 0.01);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WindowKind {
    /// No window: the sharpest peak, the worst leakage (side lobes at −13 dB falling slowly).
    Rectangular,
    /// Hann: a good default for music.
    #[default]
    Hann,
    /// 4-term Blackman-Harris: side lobes below −92 dB, for a wide dynamic range.
    BlackmanHarris,
    /// Flat-top: almost no scalloping, for reading levels of sines exactly; the widest peak.
    FlatTop,
}

impl WindowKind {
    /// All windows, in declaration order.
    pub const ALL: [WindowKind; 4] = [
        WindowKind::Rectangular,
        WindowKind::Hann,
        WindowKind::BlackmanHarris,
        WindowKind::FlatTop,
    ];

    /// The cosine-sum coefficients `a₀, a₁, …`.
    pub fn coefficients(self) -> &'static [f64] {
        match self {
            WindowKind::Rectangular => &[1.0],
            WindowKind::Hann => &[0.5, 0.5],
            WindowKind::BlackmanHarris => &[0.35875, 0.48829, 0.14128, 0.01168],
            // Stanford Research Systems' flat-top, as in MATLAB's `flattopwin`.
            WindowKind::FlatTop => &[
                0.215_578_95,
                0.416_631_58,
                0.277_263_158,
                0.083_578_947,
                0.006_947_368,
            ],
        }
    }

    /// A human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            WindowKind::Rectangular => "Rectangular",
            WindowKind::Hann => "Hann",
            WindowKind::BlackmanHarris => "Blackman-Harris",
            WindowKind::FlatTop => "Flat-top",
        }
    }

    /// Fills `out` with the periodic window of length `out.len()`.
    pub fn fill(self, out: &mut [f32]) {
        let len = out.len() as f64;
        let coefficients = self.coefficients();
        for (n, w) in out.iter_mut().enumerate() {
            let mut value = 0.0;
            let mut sign = 1.0;
            for (m, a) in coefficients.iter().enumerate() {
                value += sign * a * (2.0 * PI * m as f64 * n as f64 / len).cos();
                sign = -sign;
            }
            *w = value as f32;
        }
    }

    /// The window's mean value (the gain a bin-centred sine sees).
    pub fn coherent_gain(self) -> f64 {
        self.coefficients()[0]
    }

    /// Equivalent noise bandwidth in bins: `N·Σw² / (Σw)²`.
    pub fn enbw_bins(self) -> f64 {
        let a = self.coefficients();
        let squares: f64 = a[1..].iter().map(|x| x * x).sum();
        (a[0] * a[0] + 0.5 * squares) / (a[0] * a[0])
    }

    /// Level drop (positive dB) of a sine halfway between two bins, for a long FFT.
    pub fn scalloping_loss_db(self) -> f64 {
        -20.0 * self.response(0.5, 1 << 16).log10()
    }

    /// Magnitude of the window's spectrum `offset_bins` away from a sine, for an FFT of `len`
    /// points, relative to the magnitude at the sine (1.0 at offset 0).
    ///
    /// This is the exact shape a pure sine leaves in the bins around it, which is what the
    /// interpolated peak readout fits.
    pub fn response(self, offset_bins: f64, len: usize) -> f64 {
        let n = len.max(1) as f64;
        // W(d) = Σₘ bₘ·D(d − m) with b₀ = a₀, b±ₘ = (−1)ᵐ aₘ/2 and the Dirichlet kernel
        // D(x) = e^{−jπx(N−1)/N}·sin(πx)/sin(πx/N).
        let dirichlet = |x: f64| -> (f64, f64) {
            let magnitude = if (x / n).fract().abs() < 1e-12 {
                n
            } else {
                (PI * x).sin() / (PI * x / n).sin()
            };
            let phase = -PI * x * (n - 1.0) / n;
            (magnitude * phase.cos(), magnitude * phase.sin())
        };
        let (mut re, mut im) = (0.0, 0.0);
        let mut sign = 1.0;
        for (m, a) in self.coefficients().iter().enumerate() {
            let terms: &[f64] = if m == 0 {
                &[0.0]
            } else {
                &[m as f64, -(m as f64)]
            };
            let b = if m == 0 { *a } else { sign * a / 2.0 };
            for &shift in terms {
                let (dr, di) = dirichlet(offset_bins - shift);
                re += b * dr;
                im += b * di;
            }
            sign = -sign;
        }
        (re * re + im * im).sqrt() / (self.coefficients()[0] * n)
    }
}
