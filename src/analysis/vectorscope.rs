//! The vectorscope (goniometer): the stereo image as points, in three modes (as iZotope
//! Insight offers them).
//!
//! - **Lissajous**: each frame is the point `(x, y) = (−side, mid) = ((R − L)/2, (L + R)/2)`,
//!   the L/R plane rotated by 45° with the halved mid/side convention of
//!   [`Channel`]: mono is a vertical line, left only leans −45° (up-left), right only +45°
//!   (up-right), and out-of-phase signals lie horizontal. Full scale mono reaches `y = ±1`.
//! - **Polar sample**: the same points folded into the upper half-plane (a point below the
//!   horizontal is mirrored through the centre), so the angle from vertical, −90° … +90°, is
//!   the stereo direction and the radius the level.
//! - **Polar level**: no points; per direction ([`POLAR_SECTORS`] sectors of the half-plane),
//!   the mean square of the radius of the samples pointing that way, exponentially averaged
//!   with the level time constant and read in dB: a full-scale mono sine reads −3.01 dB at 0°.
//!   The sectors' powers add up to the mean square of the whole signal.
//!
//! Correlation and balance, the readouts beside the scope, are the meters' ([`Meters::correlation`],
//! [`Meters::balance`]): one home for the stereo statistics.
//!
//! # Bounded points, and how huge blocks are decimated
//!
//! Points since the last [`Vectorscope::take_points`] go into a buffer of at most
//! `max_points`, allocated once. When more frames arrive than fit, every other kept point is
//! dropped and from then on only every 2nd (4th, 8th …) frame is kept: the points stay
//! genuine sample pairs, evenly spread over the whole time since the last read (a uniform
//! subsample has the same distribution as the whole, so the figure's shape holds), never only
//! the newest or oldest part of the block, and never interpolated pairs that were not in the
//! signal. Cost per frame fed is O(1); a read costs nothing.
//!
//! [`Meters::correlation`]: super::Meters::correlation
//! [`Meters::balance`]: super::Meters::balance

use super::axis::{FLOOR_DB, decay_seconds, power_to_db};
use super::channel::{Channel, Frame};
use super::health::InputHealth;
use super::sample_rate::valid_sample_rate;

/// Sectors of the polar-level mode over −90° … +90°.
pub const POLAR_SECTORS: usize = 90;
/// Largest auto-gain, dB.
pub const MAX_AUTO_GAIN_DB: f32 = 40.0;
/// Largest auto-gain cut, dB (for inputs beyond full scale).
pub const MIN_AUTO_GAIN_DB: f32 = -12.0;
/// The radius auto-gain brings the recent peak to.
const AUTO_GAIN_TARGET: f32 = 0.9;

/// What the vectorscope shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum VectorscopeMode {
    /// Points in the rotated L/R plane.
    #[default]
    Lissajous,
    /// Points folded into the upper half-plane.
    PolarSample,
    /// Level per direction.
    PolarLevel,
}

/// What the user sets on the vectorscope.
///
/// ```
/// use ringscope::analysis::VectorscopeSettings;
/// assert!(VectorscopeSettings::default().auto_gain);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VectorscopeSettings {
    /// The mode.
    pub mode: VectorscopeMode,
    /// Whether the gain follows the signal's recent peak (else it is `manual_gain_db`).
    pub auto_gain: bool,
    /// Gain without auto-gain, dB, −12 … +40 (clamped).
    pub manual_gain_db: f32,
    /// How fast auto-gain lets the gain rise again after a peak, seconds (time constant of the
    /// peak envelope's fall), 0.05 … 30.
    pub release_seconds: f64,
    /// Time constant of the polar-level averages, seconds, 0.01 … 10.
    pub level_seconds: f64,
    /// Most points per read, 64 … 65 536 (clamped, rounded to even).
    pub max_points: usize,
}

impl Default for VectorscopeSettings {
    fn default() -> Self {
        Self {
            mode: VectorscopeMode::Lissajous,
            auto_gain: true,
            manual_gain_db: 0.0,
            release_seconds: 2.0,
            level_seconds: 0.3,
            max_points: 8192,
        }
    }
}

fn sanitize_settings(mut settings: VectorscopeSettings) -> VectorscopeSettings {
    let clean = |x: f64, fallback: f64, lo: f64, hi: f64| {
        if x.is_finite() {
            x.clamp(lo, hi)
        } else {
            fallback
        }
    };
    let gain = settings.manual_gain_db;
    settings.manual_gain_db =
        if gain.is_finite() { gain } else { 0.0 }.clamp(MIN_AUTO_GAIN_DB, MAX_AUTO_GAIN_DB);
    settings.release_seconds = clean(settings.release_seconds, 2.0, 0.05, 30.0);
    settings.level_seconds = clean(settings.level_seconds, 0.3, 0.01, 10.0);
    settings.max_points = (settings.max_points.clamp(64, 65_536) + 1) & !1;
    settings
}

/// One point, in units of full scale (multiply by [`Vectorscope::gain`] to draw).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VectorscopePoint {
    /// Rightwards: `(R − L)/2`.
    pub x: f32,
    /// Upwards: `(L + R)/2`.
    pub y: f32,
}

impl VectorscopePoint {
    /// The point of a stereo frame in the Lissajous plane.
    ///
    /// ```
    /// use ringscope::analysis::VectorscopePoint;
    /// let left_only = VectorscopePoint::of([1.0, 0.0]);
    /// assert_eq!(left_only.angle_degrees(), -45.0);
    /// assert_eq!(VectorscopePoint::of([0.5, 0.5]).angle_degrees(), 0.0);
    /// ```
    #[inline]
    pub fn of(frame: Frame) -> Self {
        Self {
            x: -Channel::Side.sample(frame),
            y: Channel::Mid.sample(frame),
        }
    }

    /// Angle from vertical, degrees, clockwise positive (−180 … +180).
    pub fn angle_degrees(self) -> f32 {
        self.x.atan2(self.y).to_degrees()
    }

    /// Distance from the centre.
    pub fn radius(self) -> f32 {
        self.x.hypot(self.y)
    }

    /// Mirrored through the centre when below the horizontal.
    #[inline]
    fn folded(self) -> Self {
        if self.y < 0.0 || (self.y == 0.0 && self.x < 0.0) {
            Self {
                x: -self.x,
                y: -self.y,
            }
        } else {
            self
        }
    }
}

/// The vectorscope. Feed it every frame drained from the ring; once per display frame take
/// its points (or read its polar levels) and its gain. Only [`Vectorscope::new`] and a
/// settings change of `max_points` allocate.
///
/// ```
/// use ringscope::analysis::{Vectorscope, VectorscopeSettings};
/// let mut scope = Vectorscope::new(48_000.0, VectorscopeSettings::default());
/// scope.feed(&[[0.1, 0.1], [0.2, 0.2], [-0.3, -0.3]]);
/// let gain = scope.gain();
/// assert!((scope.gain_db() - 20.0 * (0.9f32 / 0.3).log10()).abs() < 0.01);
/// for point in scope.take_points() {
///     assert_eq!(point.x, 0.0); // mono: a vertical line
///     let _screen = (point.x * gain, point.y * gain);
/// }
/// ```
pub struct Vectorscope {
    sample_rate: f64,
    settings: VectorscopeSettings,
    points: Vec<VectorscopePoint>,
    /// Keep one frame in `stride`; `countdown` frames are skipped before the next one.
    stride: usize,
    countdown: usize,
    /// Set by a read: the next feed starts a new set of points.
    taken: bool,
    /// Peak-radius envelope for auto-gain.
    envelope: f32,
    /// Mean square of the radius per polar sector, and this block's sums.
    sector_power: [f64; POLAR_SECTORS],
    block_power: [f64; POLAR_SECTORS],
    health: InputHealth,
}

impl core::fmt::Debug for Vectorscope {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Vectorscope")
            .field("settings", &self.settings)
            .field("points", &self.points.len())
            .field("stride", &self.stride)
            .finish_non_exhaustive()
    }
}

impl Vectorscope {
    /// A vectorscope at `sample_rate` (one that is not real: 48 kHz, see
    /// [`valid_sample_rate`]).
    pub fn new(sample_rate: f64, settings: VectorscopeSettings) -> Self {
        let settings = sanitize_settings(settings);
        Self {
            sample_rate: valid_sample_rate(sample_rate),
            settings,
            points: Vec::with_capacity(settings.max_points),
            stride: 1,
            countdown: 0,
            taken: false,
            envelope: 0.0,
            sector_power: [0.0; POLAR_SECTORS],
            block_power: [0.0; POLAR_SECTORS],
            health: InputHealth::default(),
        }
    }

    /// The current settings (after clamping).
    pub fn settings(&self) -> &VectorscopeSettings {
        &self.settings
    }

    /// Applies new settings (clamped); allocates only when `max_points` grows.
    pub fn set_settings(&mut self, settings: VectorscopeSettings) {
        let settings = sanitize_settings(settings);
        if settings.max_points > self.points.capacity() {
            self.points = Vec::with_capacity(settings.max_points);
        }
        if settings.mode != self.settings.mode || settings.max_points != self.settings.max_points {
            self.clear_points();
        }
        if settings.mode != self.settings.mode {
            // Only the polar-level mode updates the sector levels: coming back to it must not
            // show what was measured before it was left.
            self.sector_power = [0.0; POLAR_SECTORS];
        }
        self.settings = settings;
    }

    /// Changes the sample rate (no allocation).
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        self.sample_rate = valid_sample_rate(sample_rate);
    }

    /// Forgets the points, the auto-gain envelope and the polar levels.
    pub fn reset(&mut self) {
        self.clear_points();
        self.envelope = 0.0;
        self.sector_power = [0.0; POLAR_SECTORS];
    }

    fn clear_points(&mut self) {
        self.points.clear();
        self.stride = 1;
        self.countdown = 0;
        self.taken = false;
    }

    /// How long the picture keeps changing once the input turns silent, in seconds of fed
    /// audio, on a level scale `range_db` deep: points collapse at once; auto-gain rises from
    /// a full-scale peak to its largest gain at the release rate; polar levels decay from full
    /// scale through the scale.
    ///
    /// ```
    /// use ringscope::analysis::{Vectorscope, VectorscopeSettings};
    /// let scope = Vectorscope::new(48_000.0, VectorscopeSettings::default());
    /// // Auto-gain: 2 s · ln(1 / (0.9 · 10^(−40/20))) ≈ 9.42 s.
    /// assert!((scope.settle_seconds(60.0) - 9.42).abs() < 0.01);
    /// ```
    pub fn settle_seconds(&self, range_db: f64) -> f64 {
        let settings = &self.settings;
        let gain = if settings.auto_gain {
            let quietest = AUTO_GAIN_TARGET as f64 * 10f64.powf(-MAX_AUTO_GAIN_DB as f64 / 20.0);
            settings.release_seconds * -quietest.ln()
        } else {
            0.0
        };
        let levels = if settings.mode == VectorscopeMode::PolarLevel {
            decay_seconds(settings.level_seconds, range_db.max(0.0))
        } else {
            0.0
        };
        gain.max(levels)
    }

    /// Counts of NaN/Inf/out-of-range/subnormal samples fed (replaced by 0).
    pub fn input_health(&self) -> InputHealth {
        self.health
    }

    /// Takes `frames` (any length).
    pub fn feed(&mut self, frames: &[Frame]) {
        if self.taken {
            self.clear_points();
        }
        let mode = self.settings.mode;
        let mut peak_square = 0.0f32;
        self.block_power = [0.0; POLAR_SECTORS];
        for &frame in frames {
            let point = VectorscopePoint::of(self.health.sanitize_frame(frame));
            let square = point.x * point.x + point.y * point.y;
            peak_square = peak_square.max(square);
            match mode {
                VectorscopeMode::Lissajous => self.keep(point),
                VectorscopeMode::PolarSample => self.keep(point.folded()),
                VectorscopeMode::PolarLevel if square > 0.0 => {
                    let folded = point.folded();
                    let angle = folded.x.atan2(folded.y); // −π/2 … π/2
                    let sector =
                        ((angle / core::f32::consts::PI + 0.5) * POLAR_SECTORS as f32) as usize;
                    self.block_power[sector.min(POLAR_SECTORS - 1)] += square as f64;
                }
                VectorscopeMode::PolarLevel => {}
            }
        }
        let seconds = frames.len() as f64 / self.sample_rate;
        let release = (-seconds / self.settings.release_seconds).exp() as f32;
        self.envelope = (self.envelope * release).max(peak_square.sqrt());
        if mode == VectorscopeMode::PolarLevel && !frames.is_empty() {
            // Per block: the block's mean weighted as an exponential average over its length.
            let keep = (-seconds / self.settings.level_seconds).exp();
            let count = frames.len() as f64;
            for (power, block) in self.sector_power.iter_mut().zip(&self.block_power) {
                let next = *power * keep + (1.0 - keep) * block / count;
                *power = if next < 1e-30 { 0.0 } else { next };
            }
        }
    }

    #[inline]
    fn keep(&mut self, point: VectorscopePoint) {
        if self.countdown > 0 {
            self.countdown -= 1;
            return;
        }
        self.points.push(point);
        self.countdown = self.stride - 1;
        if self.points.len() >= self.settings.max_points {
            // Keep the even ones: the last kept is now `stride` frames before the one just
            // dropped, so after `stride − 1` more skips the next is 2·stride after it.
            let len = self.points.len();
            for i in 0..len / 2 {
                self.points[i] = self.points[2 * i];
            }
            self.points.truncate(len / 2);
            self.stride *= 2;
        }
    }

    /// The points fed since the last call (oldest first, at most `max_points`; none in the
    /// polar-level mode), in units of full scale. The next [`Vectorscope::feed`] starts afresh.
    pub fn take_points(&mut self) -> &[VectorscopePoint] {
        self.taken = true;
        &self.points
    }

    /// How many frames each point stands for in the current set (1 until a read's worth of
    /// frames outgrew `max_points`, then 2, 4, …).
    pub fn frames_per_point(&self) -> usize {
        self.stride
    }

    /// The display gain, linear: the manual gain, or with auto-gain what brings the recent
    /// peak radius to 0.9 (between [`MIN_AUTO_GAIN_DB`] and [`MAX_AUTO_GAIN_DB`]).
    pub fn gain(&self) -> f32 {
        10f32.powf(self.gain_db() / 20.0)
    }

    /// [`Vectorscope::gain`] in dB, to show beside the scope.
    pub fn gain_db(&self) -> f32 {
        if !self.settings.auto_gain {
            return self.settings.manual_gain_db;
        }
        if self.envelope <= 0.0 {
            return MAX_AUTO_GAIN_DB;
        }
        (20.0 * (AUTO_GAIN_TARGET / self.envelope).log10())
            .clamp(MIN_AUTO_GAIN_DB, MAX_AUTO_GAIN_DB)
    }

    /// The polar-level reading per sector, dB ([`FLOOR_DB`] for none): sector `i` covers the
    /// directions `−90° + i·180°/POLAR_SECTORS` onwards. [`FLOOR_DB`] in every sector outside the
    /// polar-level mode.
    pub fn polar_levels_db(&self, out: &mut [f32; POLAR_SECTORS]) {
        for (db, &power) in out.iter_mut().zip(&self.sector_power) {
            *db = if power > 0.0 {
                power_to_db(power as f32)
            } else {
                FLOOR_DB
            };
        }
    }
}
