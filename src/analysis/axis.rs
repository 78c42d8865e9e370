//! Frequency axes and the mapping of spectrum bins onto pixel columns.
//!
//! Column `i` of `n` spans the frequencies between its edges `f(i/n)` and `f((i+1)/n)`. A column
//! that contains two or more bin centres shows the largest of them, so no narrow peak is lost
//! however many bins share a pixel. A column with fewer (the low end of a log axis, where one bin
//! spans many pixels) shows a Catmull-Rom cubic through the neighbouring bins' dB values at the
//! column's centre frequency, so the curve is smooth instead of a staircase; a bin centre inside
//! such a column still wins when it is higher, so peaks are never shaved off.

/// How frequency maps to horizontal position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FrequencyScale {
    /// Equal width per octave.
    #[default]
    Logarithmic,
    /// Equal width per hertz.
    Linear,
}

/// The frequency axis of a spectrum display.
///
/// ```
/// use ringscope::analysis::{FrequencyAxis, FrequencyScale};
/// let axis = FrequencyAxis { scale: FrequencyScale::Logarithmic, min_hz: 20.0, max_hz: 20_000.0 };
/// assert!((axis.frequency_at(0.5) - 632.455).abs() < 0.01);
/// assert!((axis.fraction_of(20_000.0) - 1.0).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrequencyAxis {
    /// Log or linear.
    pub scale: FrequencyScale,
    /// Frequency at the left edge, Hz (at least 1 Hz on a log axis).
    pub min_hz: f64,
    /// Frequency at the right edge, Hz.
    pub max_hz: f64,
}

impl Default for FrequencyAxis {
    fn default() -> Self {
        Self {
            scale: FrequencyScale::Logarithmic,
            min_hz: 20.0,
            max_hz: 20_000.0,
        }
    }
}

impl FrequencyAxis {
    /// The axis with limits made usable: finite, ordered, and positive on a log scale.
    pub fn sanitized(self) -> Self {
        let finite_or = |x: f64, fallback: f64| if x.is_finite() { x } else { fallback };
        let floor = match self.scale {
            FrequencyScale::Logarithmic => 1.0,
            FrequencyScale::Linear => 0.0,
        };
        let min_hz = finite_or(self.min_hz, 20.0).max(floor);
        let max_hz = finite_or(self.max_hz, 20_000.0).max(min_hz + 1.0);
        Self {
            scale: self.scale,
            min_hz,
            max_hz,
        }
    }

    /// The frequency at `fraction` (0 = left edge, 1 = right edge) of the axis.
    pub fn frequency_at(&self, fraction: f64) -> f64 {
        let axis = self.sanitized();
        match axis.scale {
            FrequencyScale::Logarithmic => axis.min_hz * (axis.max_hz / axis.min_hz).powf(fraction),
            FrequencyScale::Linear => axis.min_hz + (axis.max_hz - axis.min_hz) * fraction,
        }
    }

    /// Where `hz` lies on the axis (0 = left edge, 1 = right edge; outside for out-of-range).
    pub fn fraction_of(&self, hz: f64) -> f64 {
        let axis = self.sanitized();
        match axis.scale {
            FrequencyScale::Logarithmic => {
                (hz.max(f64::MIN_POSITIVE) / axis.min_hz).ln() / (axis.max_hz / axis.min_hz).ln()
            }
            FrequencyScale::Linear => (hz - axis.min_hz) / (axis.max_hz - axis.min_hz),
        }
    }
}

/// Lowest level the spectrum reports, dBFS: silence, and anything quieter.
pub const FLOOR_DB: f32 = -240.0;
/// [`FLOOR_DB`] as power.
pub(crate) const FLOOR_POWER: f32 = 1e-24;

/// Power to dB, with the floor.
#[inline]
pub(crate) fn power_to_db(power: f32) -> f32 {
    10.0 * power.max(FLOOR_POWER).log10()
}

/// Maps a calibrated per-bin power spectrum (bin `k` at `k·bin_hz`) onto `columns` (dB, one
/// per pixel column) along `axis`, as described in the [module docs](self). Columns above the
/// last bin read [`FLOOR_DB`].
///
/// ```
/// use ringscope::analysis::{map_power_to_columns, FrequencyAxis, FrequencyScale};
/// let mut power = vec![1e-6f32; 1025];
/// power[700] = 1.0; // one loud bin among many per column
/// let axis = FrequencyAxis { scale: FrequencyScale::Linear, min_hz: 0.0, max_hz: 1024.0 };
/// let mut columns = [0.0f32; 64];
/// map_power_to_columns(&axis, 1.0, &power, &mut columns);
/// assert_eq!(columns[700 / 16], 0.0);
/// assert_eq!(columns[0], -60.0);
/// ```
pub fn map_power_to_columns(axis: &FrequencyAxis, bin_hz: f64, power: &[f32], columns: &mut [f32]) {
    let axis = axis.sanitized();
    let count = columns.len();
    if count == 0 || power.is_empty() {
        return;
    }
    let last_bin = power.len() - 1;
    let db_at = |k: isize| power_to_db(power[k.clamp(0, last_bin as isize) as usize]);
    // Column edges in bins; one `exp` per edge rather than a `powf` per call.
    let log_span = (axis.max_hz / axis.min_hz).ln();
    let bin_at = |fraction: f64| -> f64 {
        let hz = match axis.scale {
            FrequencyScale::Logarithmic => axis.min_hz * (fraction * log_span).exp(),
            FrequencyScale::Linear => axis.min_hz + (axis.max_hz - axis.min_hz) * fraction,
        };
        hz / bin_hz
    };
    let mut hi = bin_at(0.0);
    for (i, column) in columns.iter_mut().enumerate() {
        let lo = hi;
        hi = bin_at((i + 1) as f64 / count as f64);
        // Bin centres k with lo <= k < hi.
        let first = lo.ceil().max(0.0) as usize;
        let end = (hi.ceil().max(0.0) as usize).min(last_bin + 1);
        let mut loudest = 0.0f32;
        for &p in power.get(first..end).unwrap_or(&[]) {
            loudest = loudest.max(p);
        }
        let inside = end.saturating_sub(first);
        *column = if inside >= 2 {
            power_to_db(loudest)
        } else {
            let centre = bin_at((i as f64 + 0.5) / count as f64);
            if centre > last_bin as f64 {
                FLOOR_DB
            } else {
                let base = centre.floor() as isize;
                let t = (centre - base as f64) as f32;
                let (p0, p1, p2, p3) = (
                    db_at(base - 1),
                    db_at(base),
                    db_at(base + 1),
                    db_at(base + 2),
                );
                // Catmull-Rom through the four neighbouring bins.
                let curve = p1
                    + 0.5
                        * t
                        * (p2 - p0
                            + t * (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3
                                + t * (3.0 * (p1 - p2) + p3 - p0)));
                let inside_db = if inside == 1 {
                    power_to_db(loudest)
                } else {
                    FLOOR_DB
                };
                curve.max(inside_db).max(FLOOR_DB)
            }
        };
    }
}
