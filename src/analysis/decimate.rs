//! Turning many samples into a few pixel columns, and a few samples into many.
//!
//! Column `i` of `n` covers the half-open sample interval
//! `[start + i·spc, start + (i + 1)·spc)`, where `spc` is samples per column and positions are
//! in samples (fractional positions are allowed, which is how a sub-sample trigger shifts the
//! picture without jitter).
//!
//! - When a column covers at least one sample (`spc ≥ 1`), it holds the exact minimum and maximum
//!   of the samples whose index lies in its interval. A 10 s window of a 1 kHz tone therefore
//!   draws a filled envelope, never an aliased wave.
//! - When a column covers less than one sample (`spc < 1`), it holds the band-limited value at
//!   the column's centre (`min == max`), reconstructed with a Blackman-windowed sinc over ±8
//!   samples, so
//!   a zoomed-in view shows the wave between the samples rather than straight lines.
//!
//! Columns (or parts of columns) outside the available samples read as silence (0).

use super::channel::{Channel, Frame};
use core::ops::Range;

/// The extremes of the samples one pixel column covers.
///
/// ```
/// use ringscope::analysis::{decimate_min_max, ColumnMinMax};
/// let samples = [0.0, 1.0, -2.0, 3.0];
/// let mut columns = [ColumnMinMax::default(); 2];
/// decimate_min_max(&samples, 0.0, 2.0, &mut columns);
/// assert_eq!(columns, [ColumnMinMax { min: 0.0, max: 1.0 }, ColumnMinMax { min: -2.0, max: 3.0 }]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ColumnMinMax {
    /// Smallest sample value in the column.
    pub min: f32,
    /// Largest sample value in the column.
    pub max: f32,
}

impl ColumnMinMax {
    /// A column holding one value.
    pub const fn point(value: f32) -> Self {
        Self {
            min: value,
            max: value,
        }
    }
}

/// Something that holds samples at integer positions: a slice, or the scope's history ring seen
/// through a channel.
pub(crate) trait SampleSource {
    /// Positions that hold samples.
    fn available(&self) -> Range<i64>;
    /// The sample at `position`, which lies inside [`SampleSource::available`].
    fn sample(&self, position: i64) -> f32;
    /// Minimum and maximum over a non-empty `range` inside [`SampleSource::available`].
    fn min_max(&self, range: Range<i64>) -> (f32, f32);

    /// The samples at `first .. first + taps.len()`, with 0 where there is none.
    fn fill_taps(&self, first: i64, taps: &mut [f32]) {
        let available = self.available();
        for (i, tap) in taps.iter_mut().enumerate() {
            let position = first + i as i64;
            *tap = if available.contains(&position) {
                self.sample(position)
            } else {
                0.0
            };
        }
    }
}

impl SampleSource for [f32] {
    fn available(&self) -> Range<i64> {
        0..self.len() as i64
    }

    fn sample(&self, position: i64) -> f32 {
        self[position as usize]
    }

    fn min_max(&self, range: Range<i64>) -> (f32, f32) {
        min_max_of(&self[range.start as usize..range.end as usize])
    }
}

/// Minimum and maximum of a non-empty slice.
#[inline]
pub(crate) fn min_max_of(samples: &[f32]) -> (f32, f32) {
    // Four independent accumulators let the compiler vectorise; `min`/`max` (not `<`) keep the
    // loop branch-free.
    let mut lo = [f32::INFINITY; 4];
    let mut hi = [f32::NEG_INFINITY; 4];
    let mut chunks = samples.chunks_exact(4);
    for c in &mut chunks {
        for j in 0..4 {
            lo[j] = lo[j].min(c[j]);
            hi[j] = hi[j].max(c[j]);
        }
    }
    for &x in chunks.remainder() {
        lo[0] = lo[0].min(x);
        hi[0] = hi[0].max(x);
    }
    (
        lo[0].min(lo[1]).min(lo[2].min(lo[3])),
        hi[0].max(hi[1]).max(hi[2].max(hi[3])),
    )
}

/// Minimum and maximum of one channel over a non-empty run of frames.
#[inline]
pub(crate) fn min_max_of_frames(frames: &[Frame], channel: Channel) -> (f32, f32) {
    // One loop per channel, so the derivation is not re-decided per sample.
    match channel {
        Channel::Left => min_max_by(frames, |f| f[0]),
        Channel::Right => min_max_by(frames, |f| f[1]),
        Channel::Mid => min_max_by(frames, |f| 0.5 * (f[0] + f[1])),
        Channel::Side => min_max_by(frames, |f| 0.5 * (f[0] - f[1])),
    }
}

#[inline(always)]
fn min_max_by(frames: &[Frame], value: impl Fn(&Frame) -> f32) -> (f32, f32) {
    let mut lo = [f32::INFINITY; 4];
    let mut hi = [f32::NEG_INFINITY; 4];
    let mut chunks = frames.chunks_exact(4);
    for c in &mut chunks {
        for j in 0..4 {
            let x = value(&c[j]);
            lo[j] = lo[j].min(x);
            hi[j] = hi[j].max(x);
        }
    }
    for f in chunks.remainder() {
        let x = value(f);
        lo[0] = lo[0].min(x);
        hi[0] = hi[0].max(x);
    }
    (
        lo[0].min(lo[1]).min(lo[2].min(lo[3])),
        hi[0].max(hi[1]).max(hi[2].max(hi[3])),
    )
}

/// Fills `columns` from `samples`: the exact min/max of the samples each column covers, or the
/// interpolated value at its centre when a column covers less than one sample.
///
/// `start` is the (possibly fractional, possibly negative) sample position of the left edge of
/// column 0, and `samples_per_column` must be positive and finite (otherwise every column reads
/// 0). See the [module docs](self) for the exact conventions.
///
/// ```
/// use ringscope::analysis::{decimate_min_max, ColumnMinMax};
/// let ramp: Vec<f32> = (0..100).map(|i| i as f32).collect();
/// let mut columns = [ColumnMinMax::default(); 10];
/// decimate_min_max(&ramp, 0.0, 10.0, &mut columns);
/// assert_eq!(columns[3], ColumnMinMax { min: 30.0, max: 39.0 });
/// ```
pub fn decimate_min_max(
    samples: &[f32],
    start: f64,
    samples_per_column: f64,
    columns: &mut [ColumnMinMax],
) {
    decimate_source(samples, start, samples_per_column, columns);
}

pub(crate) fn decimate_source<S: SampleSource + ?Sized>(
    source: &S,
    start: f64,
    samples_per_column: f64,
    columns: &mut [ColumnMinMax],
) {
    if !(samples_per_column > 0.0 && samples_per_column.is_finite() && start.is_finite()) {
        columns.fill(ColumnMinMax::default());
        return;
    }
    if samples_per_column < 1.0 {
        // Neighbouring columns share their taps: fetch them only when the base sample moves.
        let mut taps = [0.0f32; TAPS];
        let mut taps_base = i64::MIN;
        for (i, column) in columns.iter_mut().enumerate() {
            let centre = start + (i as f64 + 0.5) * samples_per_column;
            let base = floor_i64(centre);
            let frac = centre - base as f64;
            if base != taps_base {
                source.fill_taps(base + FIRST_TAP, &mut taps);
                taps_base = base;
            }
            *column = ColumnMinMax::point(windowed_sinc(&taps, frac));
        }
        return;
    }
    let available = source.available();
    for (i, column) in columns.iter_mut().enumerate() {
        let lo = start + i as f64 * samples_per_column;
        let hi = start + (i + 1) as f64 * samples_per_column;
        // Sample k is in the column when lo <= k < hi.
        let first = ceil_i64(lo).max(available.start);
        let end = ceil_i64(hi).min(available.end);
        *column = if first < end {
            let (min, max) = source.min_max(first..end);
            ColumnMinMax { min, max }
        } else {
            ColumnMinMax::default()
        };
    }
}

/// `floor(x)` without a libm call (baseline x86-64 has no rounding instruction).
#[inline]
pub(crate) fn floor_i64(x: f64) -> i64 {
    let t = x as i64; // rounds toward zero
    t - i64::from((t as f64) > x)
}

/// `ceil(x)` without a libm call.
#[inline]
pub(crate) fn ceil_i64(x: f64) -> i64 {
    let t = x as i64;
    t + i64::from((t as f64) < x)
}

/// Half-width of the interpolation kernel, in samples.
const SINC_HALF_WIDTH: i64 = 8;
/// Offset of the first tap from the sample at or before the wanted position.
const FIRST_TAP: i64 = 1 - SINC_HALF_WIDTH;
/// Number of taps.
const TAPS: usize = 2 * SINC_HALF_WIDTH as usize;

/// Kernel phases tabulated per sample; the kernel between two phases is interpolated linearly
/// (error below 1e-5 of full scale).
const PHASES: usize = 256;

/// `KERNEL[p][i]`: the windowed-sinc weight of tap `i` for the fractional position `p / PHASES`.
type KernelTable = [[f32; TAPS]; PHASES + 1];

/// The tabulated kernel, built on first use (in place: no heap allocation).
fn kernel() -> &'static KernelTable {
    static KERNEL: std::sync::OnceLock<KernelTable> = std::sync::OnceLock::new();
    KERNEL.get_or_init(|| {
        use core::f64::consts::PI;
        let half = SINC_HALF_WIDTH as f64;
        let mut table = [[0.0f32; TAPS]; PHASES + 1];
        for (phase, row) in table.iter_mut().enumerate() {
            let frac = phase as f64 / PHASES as f64;
            for (i, weight) in row.iter_mut().enumerate() {
                // Distance from this tap to the wanted position.
                let d = frac - (FIRST_TAP + i as i64) as f64;
                let sinc = if d == 0.0 {
                    1.0
                } else {
                    (PI * d).sin() / (PI * d)
                };
                let blackman =
                    0.42 + 0.5 * (PI * d / half).cos() + 0.08 * (2.0 * PI * d / half).cos();
                *weight = (sinc * blackman) as f32;
            }
        }
        table
    })
}

/// The band-limited value of `source` at fractional `position`: a Blackman-windowed sinc over
/// ±8 samples (accurate to about 1e-4 of full scale up to a fifth of the sample rate).
pub(crate) fn interpolate<S: SampleSource + ?Sized>(source: &S, position: f64) -> f32 {
    let base = floor_i64(position);
    let mut taps = [0.0f32; TAPS];
    source.fill_taps(base + FIRST_TAP, &mut taps);
    windowed_sinc(&taps, position - base as f64)
}

/// The windowed-sinc value `frac` (0 ≤ frac < 1) past the sample `taps[TAPS/2 − 1]`.
#[inline]
fn windowed_sinc(taps: &[f32; TAPS], frac: f64) -> f32 {
    let table = kernel();
    let phase = frac * PHASES as f64;
    let index = (phase as usize).min(PHASES - 1);
    let t = (phase - index as f64) as f32;
    let (a, b) = (&table[index], &table[index + 1]);
    let mut acc = 0.0f32;
    for i in 0..TAPS {
        acc += taps[i] * (a[i] + t * (b[i] - a[i]));
    }
    acc
}
