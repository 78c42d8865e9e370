//! Finding trigger points: edge, level, hysteresis, lockout, and a sub-sample position.
//!
//! A crossing is reported only after the signal has first moved past `level ∓ hysteresis` on the
//! far side (the finder is *armed*), so noise riding on a slow edge cannot trigger twice. The
//! position of each crossing is refined to a fraction of a sample: a least-squares line is fitted
//! to the samples around the crossing and solved for the level. Averaging over several samples
//! is what keeps a noisy periodic signal from jittering on screen; the fit is limited to a few
//! samples, and to a small part of the interval since the previous crossing, so that the curvature
//! of a fast wave does not bias it. When the fit is not trustworthy the finder falls back to
//! straight-line interpolation between the two samples around the crossing.

use super::channel::Channel;
use super::transport::BeatSyncLength;

/// Which direction of crossing triggers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Edge {
    /// The signal goes up through the level.
    #[default]
    Rising,
    /// The signal goes down through the level.
    Falling,
}

/// How the scope chooses where a sweep starts.
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

/// Most samples on each side of a crossing used by the line fit.
const MAX_FIT_RADIUS: u64 = 4;
/// Length of the delay line; a power of two larger than the widest fit (2·radius + 2).
const DELAY_LEN: usize = 16;

/// An edge detector with hysteresis, lockout and sub-sample crossing positions.
///
/// Positions count samples pushed since creation or the last [`TriggerFinder::reset`]. A crossing
/// is reported a few samples after it happened, once the samples the fit needs have arrived.
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
    /// The first sample at or above the level of a crossing whose refinement waits for samples,
    /// and the fit radius chosen for it.
    pending: Option<(u64, u64)>,
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
            pending: None,
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
            self.pending = None;
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
        self.pending = None;
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

    /// Feeds one (finite) sample; returns the sub-sample position of a crossing whose
    /// refinement completed with this sample.
    #[inline]
    pub fn push(&mut self, x: f32) -> Option<f64> {
        let x = self.sign * x;
        let n = self.position;
        self.delay[n as usize % DELAY_LEN] = x;
        self.position += 1;

        let mut found = None;
        if let Some((first_above, radius)) = self.pending
            && n >= first_above + radius
        {
            found = Some(self.refine(first_above, radius));
            self.pending = None;
        }

        if self.previous < self.level && x >= self.level && n > 0 {
            let interval = self.last_crossing.map(|c| n - c);
            self.last_crossing = Some(n);
            if self.armed && n as f64 >= self.locked_until {
                self.armed = false;
                // A quarter of a short interval keeps the fit on the straight part of the wave.
                let radius = interval.map_or(MAX_FIT_RADIUS, |i| (i / 12).min(MAX_FIT_RADIUS));
                if radius == 0 {
                    found = found.or(Some(self.interpolate_pair(n)));
                } else {
                    self.pending = Some((n, radius));
                }
            } else {
                self.armed = false;
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

    /// Straight-line crossing between samples `first_above − 1` and `first_above`.
    fn interpolate_pair(&self, first_above: u64) -> f64 {
        let before = self.sample(first_above - 1) as f64;
        let after = self.sample(first_above) as f64;
        let rise = after - before;
        let frac = if rise > 0.0 {
            ((self.level as f64 - before) / rise).clamp(0.0, 1.0)
        } else {
            1.0
        };
        (first_above - 1) as f64 + frac
    }

    /// Least-squares line over `radius` samples either side of the crossing pair.
    fn refine(&self, first_above: u64, radius: u64) -> f64 {
        let pair = self.interpolate_pair(first_above);
        if first_above < radius + 1 {
            return pair;
        }
        let centre = first_above as f64 - 0.5;
        let mut count = 0.0;
        let (mut sum_x, mut sum_tx, mut sum_tt) = (0.0f64, 0.0f64, 0.0f64);
        for index in (first_above - 1 - radius)..=(first_above + radius) {
            let t = index as f64 - centre;
            let x = self.sample(index) as f64;
            count += 1.0;
            sum_x += x;
            sum_tx += t * x;
            sum_tt += t * t;
        }
        let mean = sum_x / count;
        let slope = sum_tx / sum_tt;
        if slope <= 0.0 {
            return pair;
        }
        let offset = (self.level as f64 - mean) / slope;
        // A crossing more than a sample away from the pair means the line does not describe
        // the wave here (a fast or jagged signal): trust the pair instead.
        if offset.abs() > 1.0 {
            return pair;
        }
        centre + offset
    }
}
