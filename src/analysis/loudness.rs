//! Loudness readings (EBU R128) and their history.
//!
//! The [`Meters`](super::Meters) measure; this module holds what they report ([`Loudness`],
//! refreshed every 100 ms; [`LoudnessBlock`], one per 100 ms block) and the
//! [`LoudnessHistory`] that keeps momentary and short-term loudness for a graph.
//!
//! Which figure comes from where:
//!
//! | figure | source |
//! |---|---|
//! | integrated loudness (BS.1770 gating) | `ebur128`'s `loudness_global`, histogram mode |
//! | loudness range (EBU Tech 3342: short-term values on a 1 s grid, gated at −70 LUFS and 20 LU below their integrated loudness, 10th to 95th percentile) | `ebur128`'s `loudness_range`, histogram mode |
//! | true peak of the programme (4× oversampled below 96 kHz) | the larger of the L and R meters' maximum of `ebur128`'s `prev_true_peak` |
//! | momentary (400 ms) and short-term (3 s) loudness | ours: the mean of the crate's last 4 and 30 consecutive 100 ms block energies (exactly the energy over 400 ms and 3 s, see [`meters`](super::meters)) |
//! | maximum momentary and short-term loudness | ours: the largest of those values, every 100 ms, since the loudness reset |
//! | PLR (peak to loudness ratio, EBU R128 s1) | ours: maximum true peak minus integrated loudness |
//! | the history | ours: [`LoudnessHistory`] |
//!
//! The histogram mode keeps memory constant however long the programme runs, at the cost of
//! quantising block loudness to 0.1 LU steps before gating (integrated loudness within
//! ±0.05 LU of the exact computation, LRA in 0.1 LU steps).

use super::axis::FLOOR_DB;
use super::decimate::ColumnMinMax;

/// EBU R128 loudness (LUFS; `-inf` until there is enough non-silent audio), loudness range and
/// programme true peak since the last loudness reset.
///
/// ```
/// use ringscope::analysis::{MeterSettings, Meters};
/// let mut meters = Meters::new(48_000.0, MeterSettings::default());
/// assert_eq!(meters.loudness().integrated_lufs, f64::NEG_INFINITY);
/// let noise: Vec<[f32; 2]> = (0..96_000u32)
///     .map(|n| { let x = ((n.wrapping_mul(2_654_435_761) >> 8) as f32 / 16_777_216.0 - 0.5) * 0.2; [x, x] })
///     .collect();
/// meters.feed(&noise);
/// let loudness = meters.loudness();
/// assert!(loudness.momentary_lufs.is_finite());
/// assert!(loudness.max_momentary_lufs >= loudness.momentary_lufs);
/// assert!(loudness.plr_lu().is_some()); // true peak minus integrated loudness
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loudness {
    /// Momentary loudness (400 ms window).
    pub momentary_lufs: f64,
    /// Short-term loudness (3 s window).
    pub short_term_lufs: f64,
    /// Integrated (gated) loudness since the last reset.
    pub integrated_lufs: f64,
    /// Loudness range (EBU Tech 3342), LU; 0 until there are short-term values to spread.
    pub range_lu: f64,
    /// Highest momentary loudness since the last reset.
    pub max_momentary_lufs: f64,
    /// Highest short-term loudness since the last reset.
    pub max_short_term_lufs: f64,
    /// Highest true peak of L and R since the last reset, dBTP.
    pub max_true_peak_dbtp: f64,
}

impl Default for Loudness {
    fn default() -> Self {
        Self {
            momentary_lufs: f64::NEG_INFINITY,
            short_term_lufs: f64::NEG_INFINITY,
            integrated_lufs: f64::NEG_INFINITY,
            range_lu: 0.0,
            max_momentary_lufs: f64::NEG_INFINITY,
            max_short_term_lufs: f64::NEG_INFINITY,
            max_true_peak_dbtp: f64::NEG_INFINITY,
        }
    }
}

impl Loudness {
    /// Peak to loudness ratio, LU: maximum true peak minus integrated loudness; `None` until
    /// both are finite.
    pub fn plr_lu(&self) -> Option<f64> {
        let plr = self.max_true_peak_dbtp - self.integrated_lufs;
        plr.is_finite().then_some(plr)
    }
}

/// One 100 ms loudness block, as [`Meters::feed_with`](super::Meters::feed_with) hands it over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoudnessBlock {
    /// Blocks since the loudness reset (0 = the first): a smaller index than the last means
    /// the measurement was reset.
    pub index: u64,
    /// Momentary loudness at the block's end, LUFS.
    pub momentary_lufs: f64,
    /// Short-term loudness at the block's end, LUFS.
    pub short_term_lufs: f64,
}

/// Which curve of the history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LoudnessCurve {
    /// Momentary loudness (400 ms).
    #[default]
    Momentary,
    /// Short-term loudness (3 s).
    ShortTerm,
}

/// Blocks per second.
const BLOCKS_PER_SECOND: f64 = 10.0;
/// The longest history, seconds (30 min).
pub const MAX_LOUDNESS_HISTORY_SECONDS: f64 = 1800.0;
/// The shortest span a graph can show, seconds (1 min).
pub const MIN_LOUDNESS_SPAN_SECONDS: f64 = 60.0;

/// The last 30 minutes of momentary and short-term loudness, one value per 100 ms block
/// (144 KB, allocated once). It clears itself when the meters' loudness is reset, so one
/// reset ([`Meters::reset_loudness`](super::Meters::reset_loudness)) clears every figure.
///
/// ```
/// use ringscope::analysis::*;
/// let mut meters = Meters::new(48_000.0, MeterSettings::default());
/// let mut history = LoudnessHistory::new();
/// meters.feed_with(&vec![[0.1f32, 0.1]; 48_000], |block| history.push(block));
/// assert_eq!(history.available_seconds(), 1.0);
/// let mut columns = [ColumnMinMax::default(); 600];
/// history.render(LoudnessCurve::ShortTerm, 60.0, &mut columns);
/// assert_eq!(columns[0].max, FLOOR_DB); // 59 s ago: not measured yet
/// ```
#[derive(Clone, Debug)]
pub struct LoudnessHistory {
    /// `[momentary, short-term]` per block, a ring; `-inf` for silence.
    values: Vec<[f32; 2]>,
    /// Blocks pushed since the last clear.
    written: u64,
    /// The index the next block should carry.
    next_index: u64,
}

impl Default for LoudnessHistory {
    fn default() -> Self {
        Self::new()
    }
}

impl LoudnessHistory {
    /// An empty history of [`MAX_LOUDNESS_HISTORY_SECONDS`].
    pub fn new() -> Self {
        Self {
            values: vec![
                [f32::NEG_INFINITY; 2];
                (MAX_LOUDNESS_HISTORY_SECONDS * BLOCKS_PER_SECOND) as usize
            ],
            written: 0,
            next_index: 0,
        }
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.written = 0;
        self.next_index = 0;
    }

    /// Records one block (from [`Meters::feed_with`](super::Meters::feed_with)). NaN is
    /// recorded as silence.
    pub fn push(&mut self, block: LoudnessBlock) {
        if block.index < self.next_index {
            self.clear();
        }
        self.next_index = block.index.saturating_add(1);
        let clean = |lufs: f64| if lufs.is_nan() { f64::NEG_INFINITY } else { lufs } as f32;
        let slot = (self.written % self.values.len() as u64) as usize;
        self.values[slot] = [clean(block.momentary_lufs), clean(block.short_term_lufs)];
        self.written += 1;
    }

    /// Seconds of history recorded (at most 30 min).
    pub fn available_seconds(&self) -> f64 {
        self.held() as f64 / BLOCKS_PER_SECOND
    }

    fn held(&self) -> usize {
        self.written.min(self.values.len() as u64) as usize
    }

    /// The value `back` blocks before the newest (0 = newest).
    fn value(&self, curve: LoudnessCurve, back: usize) -> Option<f32> {
        if back >= self.held() {
            return None;
        }
        let len = self.values.len() as u64;
        let slot = ((self.written - 1 - back as u64) % len) as usize;
        Some(self.values[slot][curve as usize])
    }

    /// The curve's value `seconds_ago` before the newest block, LUFS (`-inf` for silence);
    /// `None` outside the recorded history. For a hover readout.
    pub fn value_at(&self, curve: LoudnessCurve, seconds_ago: f64) -> Option<f32> {
        if seconds_ago.is_nan() || seconds_ago < 0.0 {
            return None;
        }
        self.value(curve, (seconds_ago * BLOCKS_PER_SECOND).round() as usize)
    }

    /// Renders the last `span_seconds` (1 … 30 min, clamped) of one curve onto `columns`, the
    /// newest at the right. A column spanning several blocks holds their lowest and highest
    /// loudness (silence does not count while any block is louder); a column narrower than a
    /// block holds the block under its centre. Columns before the recorded history, and
    /// silence, read [`FLOOR_DB`].
    pub fn render(&self, curve: LoudnessCurve, span_seconds: f64, columns: &mut [ColumnMinMax]) {
        let span = if span_seconds.is_nan() {
            MIN_LOUDNESS_SPAN_SECONDS
        } else {
            span_seconds.clamp(MIN_LOUDNESS_SPAN_SECONDS, MAX_LOUDNESS_HISTORY_SECONDS)
        };
        let blocks = span * BLOCKS_PER_SECOND;
        let per_column = blocks / columns.len().max(1) as f64;
        let count = columns.len();
        let floor = |x: f32| if x > FLOOR_DB { x } else { FLOOR_DB };
        for (i, column) in columns.iter_mut().enumerate() {
            // Blocks back from the newest: column i spans [hi, lo) blocks back.
            let lo = (count - i - 1) as f64 * per_column;
            let hi = lo + per_column;
            let (first, last) = (lo.ceil() as usize, (hi.ceil() as usize).saturating_sub(1));
            *column = if first > last {
                let back = (0.5 * (lo + hi)) as usize;
                ColumnMinMax::point(floor(self.value(curve, back).unwrap_or(FLOOR_DB)))
            } else {
                let (mut min, mut max) = (f32::INFINITY, FLOOR_DB);
                for back in first..=last.min(self.held().saturating_sub(1)) {
                    let value = self.value(curve, back).unwrap_or(FLOOR_DB);
                    if value > FLOOR_DB {
                        min = min.min(value);
                        max = max.max(value);
                    }
                }
                ColumnMinMax {
                    min: min.min(max),
                    max,
                }
            };
        }
    }
}
