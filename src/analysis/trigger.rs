//! Finding trigger points: edge, level, hysteresis, lockout, and a sub-sample position.
//!
//! A crossing is reported only after the signal has first moved past `level ∓ hysteresis` on the
//! far side (the finder is *armed*), so noise riding on a slow edge cannot trigger twice.
//!
//! The position of each crossing is refined to a fraction of a sample, because a trace that
//! starts a whole sample early or late on alternate sweeps visibly jitters:
//!
//! - On a slow wave (at least 30 samples between armed crossings) a cubic is fitted by least
//!   squares to up to 16 samples around the crossing and solved for the level. Fitting many
//!   samples averages the noise (the reason for the fit), and a cubic rather than a line follows
//!   the wave's curvature, so a clean sine is not biased by where the samples fall.
//! - On a fast wave, the first crossing, or when the fit does not describe the samples, the
//!   crossing of the band-limited (windowed-sinc) interpolation between the two samples around
//!   it is found instead: exact for clean signals at any frequency, but with no noise averaging.
//!
//! Either way a crossing is reported [`TriggerFinder::LATENCY`] samples after it happened, once
//! the samples the refinement needs have arrived.

use super::channel::Channel;
use super::decimate::{SampleSource, interpolate};
use super::transport::BeatSyncLength;
use core::ops::Range;

/// Which direction of crossing triggers.
///
/// ```
/// use ringscope::analysis::{Edge, TriggerFinder};
/// let mut finder = TriggerFinder::new(Edge::Falling, 0.0, 0.1);
/// let ramp_down = (0..40).map(|n| 1.0 - n as f32 * 0.05);
/// let crossing: Vec<f64> = ramp_down.filter_map(|x| finder.push(x)).collect();
/// assert!((crossing[0] - 20.0).abs() < 1e-4); // 1 − 0.05·n = 0 at n = 20
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Edge {
    /// The signal goes up through the level.
    #[default]
    Rising,
    /// The signal goes down through the level.
    Falling,
}

/// How the scope chooses where a sweep starts.
///
/// ```
/// use ringscope::analysis::{Scope, ScopeSettings, ScopeStatus, TriggerMode};
/// let mut settings = ScopeSettings::default();
/// settings.trigger.mode = TriggerMode::Normal;
/// let mut scope = Scope::new(48_000.0, settings);
/// scope.feed(&[[0.0, 0.0]; 4800]); // silence never triggers
/// assert_eq!(scope.view().status, ScopeStatus::Waiting);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TriggerMode {
    /// Always show the newest samples; no trigger.
    FreeRun,
    /// Show the last triggered sweep; wait (showing the newest samples, flagged as waiting) until
    /// the first trigger arrives.
    Normal,
    /// Like [`TriggerMode::Normal`], but free-run when no trigger arrives within the auto timeout
    /// after the trigger re-arms.
    #[default]
    Auto,
    /// Capture one sweep after [`Scope::arm_single`](super::Scope::arm_single), then stop
    /// recording and keep showing it.
    Single,
    /// Sweeps aligned to the host's beat grid (one beat, one bar, N bars).
    BeatSync,
}

/// Everything about triggering that the user sets.
///
/// ```
/// use ringscope::analysis::{Edge, TriggerMode, TriggerSettings};
/// let settings = TriggerSettings {
///     mode: TriggerMode::Normal,
///     edge: Edge::Falling,
///     level: 0.25,
///     ..TriggerSettings::default()
/// };
/// assert_eq!(settings.hysteresis, TriggerSettings::default().hysteresis);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TriggerSettings {
    /// How sweeps start.
    pub mode: TriggerMode,
    /// Which signal the trigger watches.
    pub source: Channel,
    /// Which crossing direction triggers.
    pub edge: Edge,
    /// Trigger level, linear full scale (1.0 = 0 dBFS).
    pub level: f32,
    /// How far (linear) the signal must move back past the level before the next crossing can
    /// trigger. Set it above the noise's peak amplitude to stop noise from re-triggering.
    pub hysteresis: f32,
    /// Extra time after a sweep ends before a new trigger is accepted, in seconds.
    pub holdoff_seconds: f64,
    /// In [`TriggerMode::Auto`], how long to wait for a trigger after re-arming before free
    /// running, in seconds.
    pub auto_timeout_seconds: f64,
    /// Sweep length in [`TriggerMode::BeatSync`].
    pub beat_sync: BeatSyncLength,
}

impl Default for TriggerSettings {
    fn default() -> Self {
        Self {
            mode: TriggerMode::Auto,
            source: Channel::Mid,
            edge: Edge::Rising,
            level: 0.0,
            hysteresis: 0.01,
            holdoff_seconds: 0.0,
            auto_timeout_seconds: 0.1,
            beat_sync: BeatSyncLength::Bars(1),
        }
    }
}

/// Most samples on each side of a crossing used by the cubic fit.
const MAX_FIT_RADIUS: u64 = 8;
/// The fit spans at most a tenth of the interval between crossings on each side, and needs at
/// least this radius to average anything.
const MIN_FIT_RADIUS: u64 = 3;
/// How far (samples) the fit may move from the first sample past the level.
const MAX_RECENTRE: u64 = 4;
/// Room for crossings awaiting refinement.
const PENDING_SLOTS: usize = (MAX_FIT_RADIUS + MAX_RECENTRE) as usize / 2 + 1;
/// Length of the delay line: a power of two holding every sample a refinement reads.
const DELAY_LEN: usize = 32;

/// An edge detector with hysteresis, lockout and sub-sample crossing positions.
///
/// Positions count samples pushed since creation or the last [`TriggerFinder::reset`]. A crossing
/// is reported [`TriggerFinder::LATENCY`] samples after the first sample past the level.
///
/// ```
/// use ringscope::analysis::{Edge, TriggerFinder};
/// let mut finder = TriggerFinder::new(Edge::Rising, 0.0, 0.1);
/// let wave = (0..400).map(|n| (n as f32 * std::f32::consts::TAU / 100.0 + 0.3).sin());
/// let crossings: Vec<f64> = wave.filter_map(|x| finder.push(x)).collect();
/// // sin(2π n/100 + 0.3) rises through 0 at n = 100·k − 100·0.3/2π.
/// let first = 100.0 - 100.0 * 0.3 / std::f64::consts::TAU;
/// assert!((crossings[0] - first).abs() < 0.01, "{crossings:?}");
/// assert_eq!(crossings.len(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct TriggerFinder {
    /// +1 for rising, −1 for falling: the finder works on `sign·x` and always looks for a rise.
    sign: f32,
    /// Level in the sign-flipped domain.
    level: f32,
    /// Arming threshold in the sign-flipped domain (`level − hysteresis`).
    arm_below: f32,
    armed: bool,
    previous: f32,
    /// Index of the next sample to be pushed.
    position: u64,
    /// Crossings detected before this position are ignored.
    locked_until: f64,
    /// Crossings whose refinement waits for samples, oldest first: the first sample at or above
    /// the level, and the fit radius chosen for it. Armed crossings are at least two samples
    /// apart, so `LATENCY / 2 + 1` slots always suffice.
    pending: [(u64, u64); PENDING_SLOTS],
    /// Index of the oldest pending crossing, and how many there are.
    pending_head: usize,
    pending_len: usize,
    /// Coarse position of the previous crossing (locked out or not), to size the fit.
    last_crossing: Option<u64>,
    /// The most recent samples (sign-flipped), indexed by `position % DELAY_LEN`.
    delay: [f32; DELAY_LEN],
}

impl TriggerFinder {
    /// A finder for `edge` crossings of `level`, armed by moving `hysteresis` past it.
    pub fn new(edge: Edge, level: f32, hysteresis: f32) -> Self {
        let mut finder = Self {
            sign: 1.0,
            level: 0.0,
            arm_below: 0.0,
            armed: false,
            previous: 0.0,
            position: 0,
            locked_until: 0.0,
            pending: [(0, 0); PENDING_SLOTS],
            pending_head: 0,
            pending_len: 0,
            last_crossing: None,
            delay: [0.0; DELAY_LEN],
        };
        finder.configure(edge, level, hysteresis);
        finder
    }

    /// Changes edge, level and hysteresis without losing the position.
    ///
    /// Non-finite values are replaced by 0 and a negative hysteresis by its magnitude.
    pub fn configure(&mut self, edge: Edge, level: f32, hysteresis: f32) {
        let level = if level.is_finite() { level } else { 0.0 };
        let hysteresis = if hysteresis.is_finite() {
            hysteresis.abs()
        } else {
            0.0
        };
        let sign = match edge {
            Edge::Rising => 1.0,
            Edge::Falling => -1.0,
        };
        if sign != self.sign {
            // The stored history is in the old sign's domain.
            self.previous = -self.previous;
            for x in &mut self.delay {
                *x = -*x;
            }
            self.armed = false;
            self.pending_len = 0;
        }
        self.sign = sign;
        self.level = sign * level;
        self.arm_below = self.level - hysteresis;
    }

    /// Forgets all state and restarts counting at `position`.
    pub fn reset(&mut self, position: u64) {
        self.armed = false;
        self.previous = 0.0;
        self.position = position;
        self.locked_until = 0.0;
        self.pending_len = 0;
        self.last_crossing = None;
        self.delay = [0.0; DELAY_LEN];
    }

    /// Position of the next sample to be pushed.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Ignores crossings before `position` (the running sweep plus holdoff).
    pub fn lock_until(&mut self, position: f64) {
        self.locked_until = position;
    }

    /// Samples between the first sample past the level and the report of the crossing.
    pub const LATENCY: u64 = MAX_FIT_RADIUS + MAX_RECENTRE;

    /// Feeds one sample (a non-finite one counts as 0); returns the sub-sample position of a
    /// crossing whose refinement completed with this sample.
    #[inline]
    pub fn push(&mut self, x: f32) -> Option<f64> {
        let x = if x.is_finite() { self.sign * x } else { 0.0 };
        let n = self.position;
        self.delay[n as usize % DELAY_LEN] = x;
        self.position += 1;

        let mut found = None;
        if self.pending_len > 0 {
            let (first_above, radius) = self.pending[self.pending_head];
            if n >= first_above + Self::LATENCY {
                // A lock set after this crossing was queued (by the caller, on the report of an
                // earlier one) applies to it too: at high frequencies several crossings wait
                // in the queue at once, and reporting them would restart a running sweep.
                if first_above as f64 >= self.locked_until {
                    found = Some(self.refine(first_above, radius));
                }
                self.pending_head = (self.pending_head + 1) % PENDING_SLOTS;
                self.pending_len -= 1;
            }
        }

        if self.armed && self.previous < self.level && x >= self.level && n > 0 {
            self.armed = false;
            let interval = self.last_crossing.map(|c| n - c);
            self.last_crossing = Some(n);
            if n as f64 >= self.locked_until && self.pending_len < PENDING_SLOTS {
                let radius = interval.map_or(0, |i| (i / 10).min(MAX_FIT_RADIUS));
                let slot = (self.pending_head + self.pending_len) % PENDING_SLOTS;
                self.pending[slot] = (n, radius);
                self.pending_len += 1;
            }
        }
        if x <= self.arm_below && x < self.level {
            self.armed = true;
        }
        self.previous = x;
        found
    }

    fn sample(&self, index: u64) -> f32 {
        self.delay[index as usize % DELAY_LEN]
    }

    /// The crossing near samples `first_above − 1` and `first_above`.
    fn refine(&self, first_above: u64, radius: u64) -> f64 {
        if radius >= MIN_FIT_RADIUS && first_above >= radius + MAX_RECENTRE {
            // Noise can push the first sample past the level early or late; when the fit says
            // the crossing is elsewhere, centre the fit there and fit again.
            let mut centre = first_above;
            let mut near = None;
            for _ in 0..3 {
                let Some(offset) = self.fit_cubic(centre, radius) else {
                    break;
                };
                let position = centre as f64 - 0.5 + offset;
                if offset.abs() <= 1.0 {
                    near = Some(position);
                }
                let shift = offset.round();
                let moved = centre as i64 + shift as i64;
                if shift == 0.0 || moved.abs_diff(first_above as i64) > MAX_RECENTRE {
                    break;
                }
                centre = moved as u64;
            }
            if let Some(position) = near {
                return position;
            }
        }
        self.band_limited_root(first_above)
    }

    /// Least-squares cubic over samples `centre − radius ..= centre + radius − 1`, solved for
    /// the level: the root's offset from `centre − ½`, or `None` when the fit does not describe
    /// a rising crossing within a sample of there.
    fn fit_cubic(&self, first_above: u64, radius: u64) -> Option<f64> {
        let centre = first_above as f64 - 0.5;
        // Symmetric sample times decouple the even (1, t²) and odd (t, t³) parts of the fit.
        let (mut s2, mut s4, mut s6) = (0.0f64, 0.0f64, 0.0f64);
        let (mut x0, mut x1, mut x2, mut x3) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        let count = 2 * radius;
        for index in (first_above - radius)..(first_above + radius) {
            let t = index as f64 - centre;
            let x = self.sample(index) as f64 - self.level as f64;
            let t2 = t * t;
            s2 += t2;
            s4 += t2 * t2;
            s6 += t2 * t2 * t2;
            x0 += x;
            x1 += t * x;
            x2 += t2 * x;
            x3 += t2 * t * x;
        }
        let n = count as f64;
        let even = n * s4 - s2 * s2;
        let odd = s2 * s6 - s4 * s4;
        let a = (s4 * x0 - s2 * x2) / even;
        let c = (n * x2 - s2 * x0) / even;
        let b = (s6 * x1 - s4 * x3) / odd;
        let d = (s2 * x3 - s4 * x1) / odd;
        // Also rejects NaN from a degenerate fit.
        if b.is_nan() || b <= 0.0 {
            return None;
        }
        // Newton from the straight-line root.
        let mut t = -a / b;
        for _ in 0..8 {
            let value = a + t * (b + t * (c + t * d));
            let slope = b + t * (2.0 * c + 3.0 * t * d);
            if slope.is_nan() || slope <= 0.0 {
                return None;
            }
            t -= value / slope;
        }
        // A root far from the window's centre means the cubic does not describe the wave here
        // (a jagged or fast signal).
        (t.is_finite() && t.abs() <= radius as f64 / 2.0).then_some(t)
    }

    /// Where the band-limited interpolation crosses the level between samples `first_above − 1`
    /// and `first_above`.
    fn band_limited_root(&self, first_above: u64) -> f64 {
        let level = self.level as f64;
        let value = |t: f64| interpolate(self, t) as f64 - level;
        let (mut lo, mut hi) = ((first_above - 1) as f64, first_above as f64);
        let (mut f_lo, mut f_hi) = (
            self.sample(first_above - 1) as f64 - level,
            self.sample(first_above) as f64 - level,
        );
        if f_hi <= 0.0 {
            return hi;
        }
        // Illinois regula falsi: bracketing (never leaves the pair) and fast.
        let mut side = 0;
        for _ in 0..20 {
            let t = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
            let f = value(t);
            if f.abs() < 1e-9 || hi - lo < 1e-9 {
                return t;
            }
            if f < 0.0 {
                lo = t;
                f_lo = f;
                if side == -1 {
                    f_hi *= 0.5;
                }
                side = -1;
            } else {
                hi = t;
                f_hi = f;
                if side == 1 {
                    f_lo *= 0.5;
                }
                side = 1;
            }
        }
        (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
    }
}

/// The delay line as samples at their absolute positions, for the interpolator.
impl SampleSource for TriggerFinder {
    fn available(&self) -> Range<i64> {
        self.position.saturating_sub(DELAY_LEN as u64) as i64..self.position as i64
    }

    fn sample(&self, position: i64) -> f32 {
        self.delay[position as usize % DELAY_LEN]
    }

    fn min_max(&self, range: Range<i64>) -> (f32, f32) {
        range.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), i| {
            let x = SampleSource::sample(self, i);
            (lo.min(x), hi.max(x))
        })
    }
}
