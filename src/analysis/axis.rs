//! Frequency axes and the mapping of spectrum bins onto pixel columns.
//!
//! Column `i` of `n` spans the frequencies between its edges `f(i/n)` and `f((i+1)/n)`. A column
//! that contains two or more bin centres shows the largest of them, so no narrow peak is lost
//! however many bins share a pixel. A column with fewer (the low end of a log axis, where one bin
//! spans many pixels) shows a cubic through the neighbouring bins' dB values at the column's
//! centre frequency (Catmull-Rom tangents from the four nearest bins, limited as Fritsch and
//! Carlson do so the curve never overshoots the two bins it lies between), so the curve is
//! smooth instead of a staircase; a bin centre inside such a column still wins when it is
//! higher, so peaks are never shaved off.

/// How frequency maps to horizontal position.
///
/// ```
/// use ringscope::analysis::{FrequencyAxis, FrequencyScale};
/// let linear = FrequencyAxis { scale: FrequencyScale::Linear, min_hz: 0.0, max_hz: 20_000.0 };
/// assert_eq!(linear.frequency_at(0.5), 10_000.0);
/// ```
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

/// `ceil(x)` as an index, 0 for negative `x` (without a libm call on baseline x86-64).
#[inline]
fn ceil_index(x: f64) -> usize {
    if x <= 0.0 {
        return 0;
    }
    let truncated = x as usize;
    truncated + usize::from((truncated as f64) < x)
}

/// Lowest level the spectrum reports, dBFS: silence, and anything quieter.
pub const FLOOR_DB: f32 = -240.0;
/// [`FLOOR_DB`] as power.
pub(crate) const FLOOR_POWER: f32 = 1e-24;

/// How long an exponential average of power with time constant `tau_seconds` takes to fall by
/// `range_db` (how long a decaying curve or meter still moves on a scale that deep).
pub(crate) fn decay_seconds(tau_seconds: f64, range_db: f64) -> f64 {
    tau_seconds * range_db / 10.0 * std::f64::consts::LN_10
}

/// Power to dB, with the floor: `10·log10(power)` to within 1e-4 dB.
///
/// Rendering converts thousands of values per picture, and libm's `log10f` was a tenth of the
/// whole frame's time; this splits off the binary exponent and evaluates the mantissa's
/// logarithm with a short series instead.
#[inline]
pub(crate) fn power_to_db(power: f32) -> f32 {
    // Also catches NaN; +Inf becomes the largest finite value.
    if power.is_nan() || power <= FLOOR_POWER {
        return FLOOR_DB;
    }
    let x = power.min(f32::MAX);
    let bits = x.to_bits();
    let exponent = ((bits >> 23) & 0xff) as i32 - 127;
    let mantissa = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000) as f64; // in [1, 2)
    // ln(m) = 2·atanh(t) with t = (m − 1)/(m + 1) ≤ 1/3: the series' next term is below 1e-6.
    let t = (mantissa - 1.0) / (mantissa + 1.0);
    let t2 = t * t;
    let ln_mantissa =
        2.0 * t * (1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0 + t2 * (1.0 / 7.0 + t2 / 9.0))));
    let log2 = exponent as f64 + ln_mantissa * core::f64::consts::LOG2_E;
    (log2 * (10.0 * core::f64::consts::LOG10_2)) as f32
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
    // Sparse columns walk through the low bins in order; remembering the dB of the four bins
    // around the last one keeps it to one `log10` per bin rather than four per column.
    let mut cached_base = isize::MIN;
    let mut cached = [0.0f32; 4];
    let mut four_around = |base: isize| -> [f32; 4] {
        if base != cached_base {
            let db_at = |k: isize| power_to_db(power[k.clamp(0, last_bin as isize) as usize]);
            cached = if base == cached_base + 1 {
                [cached[1], cached[2], cached[3], db_at(base + 2)]
            } else {
                [
                    db_at(base - 1),
                    db_at(base),
                    db_at(base + 1),
                    db_at(base + 2),
                ]
            };
            cached_base = base;
        }
        cached
    };
    // Column edges in bins, stepped by a constant ratio (log) or difference (linear): no
    // transcendental call per column.
    let first_edge = axis.min_hz / bin_hz;
    let (ratio, step) = match axis.scale {
        FrequencyScale::Logarithmic => {
            (((axis.max_hz / axis.min_hz).ln() / count as f64).exp(), 0.0)
        }
        FrequencyScale::Linear => (1.0, (axis.max_hz - axis.min_hz) / bin_hz / count as f64),
    };
    let mut hi = first_edge;
    let mut growth = 1.0;
    for (i, column) in columns.iter_mut().enumerate() {
        let lo = hi;
        hi = match axis.scale {
            FrequencyScale::Logarithmic => {
                // A running product drifts by ~1e-16 per step: nothing at 10⁴ columns.
                growth *= ratio;
                first_edge * growth
            }
            FrequencyScale::Linear => first_edge + step * (i + 1) as f64,
        };
        // Bin centres k with lo <= k < hi.
        let first = ceil_index(lo);
        let end = ceil_index(hi).min(last_bin + 1);
        let mut loudest = 0.0f32;
        for &p in power.get(first..end).unwrap_or(&[]) {
            loudest = loudest.max(p);
        }
        let inside = end.saturating_sub(first);
        *column = if inside >= 2 {
            power_to_db(loudest)
        } else {
            // The column's visual centre: geometric on a log axis.
            let centre = match axis.scale {
                FrequencyScale::Logarithmic => (lo * hi).sqrt(),
                FrequencyScale::Linear => 0.5 * (lo + hi),
            };
            if centre > last_bin as f64 {
                FLOOR_DB
            } else {
                let base = centre.floor() as isize;
                let t = (centre - base as f64) as f32;
                let curve = monotone_cubic(four_around(base), t);
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

/// The cubic through `p1` (t = 0) and `p2` (t = 1) with Catmull-Rom tangents limited as
/// Fritsch and Carlson do: it never leaves `[min(p1, p2), max(p1, p2)]`. Plain Catmull-Rom
/// overshoots by up to 8 dB next to a bin-centred Hann tone, whose neighbours' neighbours are
/// at the floor; on smooth data (a straight line, say) the two are the same curve.
#[inline]
fn monotone_cubic([p0, p1, p2, p3]: [f32; 4], t: f32) -> f32 {
    let d = p2 - p1;
    let (mut m1, mut m2) = (0.5 * (p2 - p0), 0.5 * (p3 - p1));
    if d == 0.0 {
        return p1;
    }
    // A tangent against the segment's direction would make a bump: flatten it.
    if m1 * d <= 0.0 {
        m1 = 0.0;
    }
    if m2 * d <= 0.0 {
        m2 = 0.0;
    }
    let (a, b) = (m1 / d, m2 / d);
    let size = a * a + b * b;
    if size > 9.0 {
        let scale = 3.0 / size.sqrt();
        m1 *= scale;
        m2 *= scale;
    }
    let (t2, t3) = (t * t, t * t * t);
    (2.0 * t3 - 3.0 * t2 + 1.0) * p1
        + (t3 - 2.0 * t2 + t) * m1
        + (3.0 * t2 - 2.0 * t3) * p2
        + (t3 - t2) * m2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_to_db_matches_log10() {
        let mut x = FLOOR_POWER;
        while x < 1e30 {
            let exact = 10.0 * (x as f64).log10();
            let fast = power_to_db(x) as f64;
            assert!((fast - exact).abs() < 1e-4, "{x}: {fast} vs {exact}");
            x *= 1.0173;
        }
        assert_eq!(power_to_db(0.0), FLOOR_DB);
        assert_eq!(power_to_db(f32::NAN), FLOOR_DB);
        assert!(power_to_db(f32::INFINITY) > 380.0);
    }
}
