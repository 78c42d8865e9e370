//! The oscilloscope: a long history of stereo frames, a trigger, and rendering of a time window
//! into pixel columns.
//!
//! Positions in a [`ScopeView`] are sample indices in the scope's *history clock*: the number of
//! frames recorded since creation (frames discarded while stopped or frozen are not recorded, so
//! they do not advance it). The host transport uses the *feed clock* instead ([`Scope::clock`]):
//! every frame fed counts, recorded or not.
//!
//! Sweeps follow a hardware scope: a trigger starts a sweep, the next trigger is accepted only
//! after that sweep has ended plus the holdoff, and the view shows the newest *completed* sweep,
//! so every picture of a periodic signal is aligned to the same phase.

use super::channel::{Channel, Frame};
use super::decimate::{ColumnMinMax, SampleSource, decimate_source};
use super::health::InputHealth;
use super::history::{History, HistoryChannel};
use super::sample_rate::valid_sample_rate;
use super::transport::TransportInfo;
use super::trigger::{TriggerFinder, TriggerMode, TriggerSettings};

mod view;

pub use self::view::{ScopeStatus, ScopeView};

/// Shortest time window.
pub const MIN_WINDOW_SECONDS: f64 = 1e-3;
/// Longest time window.
pub const MAX_WINDOW_SECONDS: f64 = 10.0;

/// Frames recorded per step while a single-shot capture may complete, and extra history kept
/// beyond the longest window so a completed capture is never overwritten by that step.
const FEED_STEP: usize = 4096;

/// Samples kept beyond the right edge of a drawn window: a zoomed-in view interpolates with a
/// kernel reaching 8 samples ahead, and without them its right edge would sag towards zero.
const INTERPOLATION_MARGIN: f64 = 8.0;

/// What the user sets on the scope.
///
/// ```
/// use ringscope::analysis::{ScopeSettings, TriggerMode};
/// let mut settings = ScopeSettings::default();
/// settings.window_seconds = 0.02;
/// settings.trigger.mode = TriggerMode::Normal;
/// assert_eq!(settings.trigger_position, 0.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScopeSettings {
    /// Visible time span in seconds, clamped to [`MIN_WINDOW_SECONDS`]…[`MAX_WINDOW_SECONDS`].
    pub window_seconds: f64,
    /// Where the trigger point sits in the window: 0 = left edge, 0.5 = centre, 1 = right edge.
    pub trigger_position: f64,
    /// Trigger mode, source, edge, level, hysteresis, holdoff, auto timeout and beat sync length.
    pub trigger: TriggerSettings,
}

impl Default for ScopeSettings {
    fn default() -> Self {
        Self {
            window_seconds: 0.02,
            trigger_position: 0.0,
            trigger: TriggerSettings::default(),
        }
    }
}

/// Where single-shot mode is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SingleShot {
    Armed,
    Stopped,
}

/// The oscilloscope.
///
/// Feed it every frame drained from the ring ([`Scope::feed`]) and the host transport
/// ([`Scope::feed_transport`]); once per display frame take a [`Scope::view`] and
/// [`Scope::render`] each trace into pixel columns. Only [`Scope::new`] and
/// [`Scope::set_sample_rate`] allocate.
///
/// ```
/// use ringscope::analysis::{Channel, ColumnMinMax, Scope, ScopeSettings, ScopeStatus, TriggerMode};
/// let mut settings = ScopeSettings::default();
/// settings.trigger.mode = TriggerMode::Normal;
/// settings.window_seconds = 0.01;
/// let mut scope = Scope::new(48_000.0, settings);
/// let sine: Vec<[f32; 2]> = (0..4800)
///     .map(|n| { let x = (n as f32 * 440.0 / 48_000.0 * std::f32::consts::TAU).sin(); [x, x] })
///     .collect();
/// scope.feed(&sine);
/// let view = scope.view();
/// assert_eq!(view.status, ScopeStatus::Triggered);
/// let mut columns = vec![ColumnMinMax::default(); 480];
/// scope.render(&view, Channel::Mid, &mut columns);
/// // A rising zero crossing sits at the left edge.
/// assert!(columns[0].max.abs() < 0.05 && columns[5].min > 0.0);
/// ```
#[derive(Debug)]
pub struct Scope {
    sample_rate: f64,
    history_seconds: f64,
    history: History,
    settings: ScopeSettings,
    health: InputHealth,
    finder: TriggerFinder,
    /// Accepted trigger whose sweep is still being recorded.
    running_sweep: Option<f64>,
    /// Newest trigger whose sweep is complete.
    completed_sweep: Option<f64>,
    single: SingleShot,
    frozen: bool,
    /// Feed clock − history clock: frames fed but not recorded (stopped or frozen), plus any
    /// [`Scope::set_clock`] jump (which may be negative).
    clock_offset: i64,
    transport: Option<TransportInfo>,
}

impl Scope {
    /// Default length of the history: the longest window plus room for a pre-trigger part.
    pub const DEFAULT_HISTORY_SECONDS: f64 = 2.0 * MAX_WINDOW_SECONDS;

    /// A scope at `sample_rate` keeping [`Scope::DEFAULT_HISTORY_SECONDS`] of history.
    ///
    /// A sample rate that is not real falls back to 48 kHz (see [`valid_sample_rate`]).
    pub fn new(sample_rate: f64, settings: ScopeSettings) -> Self {
        Self::with_history(sample_rate, Self::DEFAULT_HISTORY_SECONDS, settings)
    }

    /// A scope keeping at least `history_seconds` (at least the longest window) of history.
    pub fn with_history(sample_rate: f64, history_seconds: f64, settings: ScopeSettings) -> Self {
        let sample_rate = valid_sample_rate(sample_rate);
        let history_seconds = sanitize_history(history_seconds);
        let settings = sanitize_settings(settings);
        let trigger = settings.trigger;
        let mut scope = Self {
            sample_rate,
            history_seconds,
            history: History::new(history_capacity(sample_rate, history_seconds)),
            settings,
            health: InputHealth::default(),
            finder: TriggerFinder::new(trigger.edge, trigger.level, trigger.hysteresis),
            running_sweep: None,
            completed_sweep: None,
            single: SingleShot::Armed,
            frozen: false,
            clock_offset: 0,
            transport: None,
        };
        scope.reset();
        scope
    }

    /// Changes the sample rate: reallocates the history and forgets everything recorded.
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        let sample_rate = valid_sample_rate(sample_rate);
        if sample_rate != self.sample_rate {
            self.sample_rate = sample_rate;
            self.reallocate_history();
        }
    }

    /// Changes how much history is kept (at least the longest window): reallocates the history
    /// and forgets everything recorded, like a sample-rate change.
    pub fn set_history_seconds(&mut self, history_seconds: f64) {
        let history_seconds = sanitize_history(history_seconds);
        if history_seconds != self.history_seconds {
            self.history_seconds = history_seconds;
            self.reallocate_history();
        }
    }

    /// Replaces the history with an empty one sized for the current rate and length, keeping
    /// the feed clock.
    fn reallocate_history(&mut self) {
        let clock = self.clock();
        self.history = History::new(history_capacity(self.sample_rate, self.history_seconds));
        // The new history has written nothing yet: the whole clock is offset.
        self.clock_offset = clock as i64;
        self.reset();
    }

    /// Seconds of history kept (after clamping).
    pub fn history_seconds(&self) -> f64 {
        self.history_seconds
    }

    /// Forgets recorded frames, triggers and transport (no allocation).
    pub fn reset(&mut self) {
        let clock = self.clock();
        self.history.clear();
        self.clock_offset = clock as i64;
        self.finder.reset(0);
        self.running_sweep = None;
        self.completed_sweep = None;
        self.single = SingleShot::Armed;
        self.transport = None;
    }

    /// The sample rate in Hz.
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// The current settings (after clamping).
    pub fn settings(&self) -> &ScopeSettings {
        &self.settings
    }

    /// Applies new settings (no allocation). Values out of range are clamped.
    ///
    /// Changing the trigger mode or source restarts trigger search; changing only the level,
    /// edge or hysteresis keeps it running.
    pub fn set_settings(&mut self, settings: ScopeSettings) {
        let settings = sanitize_settings(settings);
        let old = self.settings.trigger;
        let new = settings.trigger;
        self.settings = settings;
        self.finder.configure(new.edge, new.level, new.hysteresis);
        if old.mode != new.mode || old.source != new.source {
            self.finder.reset(self.history.written());
            self.running_sweep = None;
            self.completed_sweep = None;
            if new.mode == TriggerMode::Single {
                self.single = SingleShot::Armed;
            }
        }
        if new.mode != TriggerMode::Single {
            self.single = SingleShot::Armed;
        }
    }

    /// Re-arms single-shot mode: recording resumes and the next trigger is captured.
    pub fn arm_single(&mut self) {
        self.single = SingleShot::Armed;
        self.running_sweep = None;
        self.completed_sweep = None;
        self.finder.reset(self.history.written());
    }

    /// Freezes (stops recording; the picture holds) or unfreezes the scope.
    pub fn set_frozen(&mut self, frozen: bool) {
        self.frozen = frozen;
    }

    /// Whether the scope is frozen.
    pub fn is_frozen(&self) -> bool {
        self.frozen
    }

    /// Counts of NaN/Inf/subnormal samples fed (replaced by 0 before recording).
    pub fn input_health(&self) -> InputHealth {
        self.health
    }

    /// How long the picture keeps changing once the input turns silent, in seconds of fed
    /// audio: the newest window fills with silence in free run (and in normal and single-shot
    /// mode while they wait; a triggered sweep holds); auto mode first waits out its patience
    /// (holdoff and timeout); a beat-synced sweep on a rolling transport redraws both of the
    /// sweeps it shows.
    ///
    /// ```
    /// use ringscope::analysis::{Scope, ScopeSettings, TriggerMode};
    /// let mut settings = ScopeSettings { window_seconds: 0.5, ..ScopeSettings::default() };
    /// settings.trigger.mode = TriggerMode::FreeRun;
    /// let settle = Scope::new(48_000.0, settings).settle_seconds();
    /// assert!(settle > 0.5 && settle < 0.501);
    /// ```
    pub fn settle_seconds(&self) -> f64 {
        // The drawn window ends the interpolation margin before the newest sample, and its
        // kernel reaches as far again on either side.
        let window = self.settings.window_seconds + 2.0 * INTERPOLATION_MARGIN / self.sample_rate;
        let trigger = self.settings.trigger;
        match trigger.mode {
            TriggerMode::FreeRun | TriggerMode::Normal | TriggerMode::Single => window,
            TriggerMode::Auto => {
                2.0 * window + trigger.holdoff_seconds + trigger.auto_timeout_seconds
            }
            TriggerMode::BeatSync => {
                let view = self.view();
                if view.status == ScopeStatus::BeatSync {
                    2.0 * view.length / self.sample_rate
                } else {
                    window
                }
            }
        }
    }

    /// The feed clock: frames fed since creation, i.e. the [`TransportInfo::frame_position`] of
    /// the next frame to be fed.
    pub fn clock(&self) -> u64 {
        (self.history.written() as i64).wrapping_add(self.clock_offset) as u64
    }

    /// Moves the feed clock so that the next frame fed has position `next_frame_position`,
    /// e.g. after the ring dropped frames. Recorded frames are not touched.
    pub fn set_clock(&mut self, next_frame_position: u64) {
        self.clock_offset =
            (next_frame_position as i64).wrapping_sub(self.history.written() as i64);
    }

    /// Records the host transport at [`TransportInfo::frame_position`] (in the feed clock) for
    /// beat sync. Only the newest is kept; feed them in order.
    pub fn feed_transport(&mut self, transport: TransportInfo) {
        self.transport = Some(transport);
    }

    /// Records `frames` (any length), and finds triggers in them.
    pub fn feed(&mut self, frames: &[Frame]) {
        if self.frozen || self.single == SingleShot::Stopped {
            for &frame in frames {
                self.health.sanitize_frame(frame);
            }
            self.clock_offset = self.clock_offset.wrapping_add(frames.len() as i64);
            return;
        }
        let mode = self.settings.trigger.mode;
        let triggering = matches!(
            mode,
            TriggerMode::Normal | TriggerMode::Auto | TriggerMode::Single
        );
        let mut rest = frames;
        while !rest.is_empty() {
            let (step, tail) = rest.split_at(rest.len().min(FEED_STEP));
            rest = tail;
            if triggering {
                self.record_and_trigger(step);
            } else {
                for &frame in step {
                    let frame = self.health.sanitize_frame(frame);
                    self.history.push(frame);
                }
            }
            if mode == TriggerMode::Single && self.completed_sweep.is_some() {
                self.single = SingleShot::Stopped;
                for &frame in rest {
                    self.health.sanitize_frame(frame);
                }
                self.clock_offset = self.clock_offset.wrapping_add(rest.len() as i64);
                return;
            }
        }
    }

    fn record_and_trigger(&mut self, frames: &[Frame]) {
        let source = self.settings.trigger.source;
        let after_trigger = self.post_trigger_samples();
        let holdoff = self.settings.trigger.holdoff_seconds * self.sample_rate;
        for &frame in frames {
            let frame = self.health.sanitize_frame(frame);
            self.history.push(frame);
            if let Some(position) = self.finder.push(source.sample(frame)) {
                // The lockout guarantees the previous sweep has ended by now.
                if let Some(previous) = self.running_sweep {
                    self.completed_sweep = Some(previous);
                }
                self.running_sweep = Some(position);
                self.finder.lock_until(position + after_trigger + holdoff);
            }
        }
        if let Some(position) = self.running_sweep
            && self.history.written() as f64 >= position + after_trigger + INTERPOLATION_MARGIN
        {
            self.completed_sweep = Some(position);
            self.running_sweep = None;
        }
    }

    fn window_samples(&self) -> f64 {
        self.settings.window_seconds * self.sample_rate
    }

    fn post_trigger_samples(&self) -> f64 {
        self.window_samples() * (1.0 - self.settings.trigger_position)
    }

    /// The window the next picture shows (no allocation; does not change the scope).
    pub fn view(&self) -> ScopeView {
        let newest = self.history.written() as f64;
        let length = self.window_samples();
        let free = ScopeView {
            start: newest - INTERPOLATION_MARGIN - length,
            length,
            newest,
            trigger: None,
            cursor: None,
            status: ScopeStatus::FreeRun,
            sample_rate: self.sample_rate,
        };
        let oldest = self.history.available().start as f64;
        let pre = length * self.settings.trigger_position;
        let triggered = |position: f64, status| ScopeView {
            start: position - pre,
            trigger: Some(self.settings.trigger_position),
            status,
            ..free
        };
        // A completed sweep that has scrolled out of the history cannot be drawn.
        let completed = self.completed_sweep.filter(|&t| t - pre >= oldest);
        let trigger = self.settings.trigger;
        let view = match trigger.mode {
            TriggerMode::FreeRun => free,
            TriggerMode::Normal => match completed {
                Some(t) => triggered(t, ScopeStatus::Triggered),
                None => ScopeView {
                    status: ScopeStatus::Waiting,
                    ..free
                },
            },
            TriggerMode::Auto => {
                let patience = length * (1.0 - self.settings.trigger_position)
                    + (trigger.holdoff_seconds + trigger.auto_timeout_seconds) * self.sample_rate;
                match completed {
                    Some(t) if newest - (t + length - pre) <= patience => {
                        triggered(t, ScopeStatus::Triggered)
                    }
                    _ => ScopeView {
                        status: ScopeStatus::AutoFreeRun,
                        ..free
                    },
                }
            }
            TriggerMode::Single => match (self.single, completed) {
                (SingleShot::Stopped, Some(t)) => triggered(t, ScopeStatus::Stopped),
                _ => ScopeView {
                    status: ScopeStatus::Waiting,
                    ..free
                },
            },
            TriggerMode::BeatSync => self.beat_sync_view(free),
        };
        if self.frozen {
            ScopeView {
                status: ScopeStatus::Frozen,
                ..view
            }
        } else {
            view
        }
    }

    fn beat_sync_view(&self, free: ScopeView) -> ScopeView {
        let idle = ScopeView {
            status: ScopeStatus::BeatSyncIdle,
            ..free
        };
        let Some(transport) = self.transport else {
            return idle;
        };
        let (Some(tempo), Some(beat)) = (transport.tempo_bpm, transport.beat_position) else {
            return idle;
        };
        let usable = tempo.is_finite() && tempo > 0.0 && beat.is_finite();
        if !(transport.playing && usable) {
            return idle;
        }
        let samples_per_quarter = 60.0 / tempo * self.sample_rate;
        let sweep_quarters = self.settings.trigger.beat_sync.length_quarters(&transport);
        let length = sweep_quarters * samples_per_quarter;
        // Longer than the history cannot be drawn; a huge tempo change is the likely cause.
        if !(length >= 1.0 && length <= self.history.capacity() as f64) {
            return idle;
        }
        let newest = free.newest;
        // The anchor's feed-clock position, moved into the history clock.
        let anchor = (transport.frame_position as i64).wrapping_sub(self.clock_offset) as f64;
        let beat_now = beat + (newest - anchor) / samples_per_quarter;
        let origin = transport
            .bar_start_beats
            .filter(|b| b.is_finite())
            .unwrap_or(0.0);
        let into_sweep = (beat_now - origin).rem_euclid(sweep_quarters);
        let start = newest - into_sweep * samples_per_quarter;
        ScopeView {
            start,
            length,
            newest,
            trigger: Some(0.0),
            cursor: Some(into_sweep / sweep_quarters),
            status: ScopeStatus::BeatSync,
            sample_rate: self.sample_rate,
        }
    }

    /// Renders one trace of `view` into `columns` (one per pixel column, any count).
    ///
    /// See [`decimate_min_max`](super::decimate_min_max) for what a column holds. In beat sync
    /// the part of the window right of the cursor shows the previous sweep, like a sweeping
    /// hardware display.
    pub fn render(&self, view: &ScopeView, channel: Channel, columns: &mut [ColumnMinMax]) {
        let source = HistoryChannel {
            history: &self.history,
            channel,
        };
        if columns.is_empty() {
            return;
        }
        let per_column = view.length / columns.len() as f64;
        let Some(_) = view.cursor else {
            decimate_source(&source, view.start, per_column, columns);
            return;
        };
        // Beat sync: columns right of the newest sample show the previous sweep.
        let split = (((view.newest - view.start) / per_column).floor().max(0.0) as usize)
            .min(columns.len());
        let (before, after) = columns.split_at_mut(split);
        decimate_source(&source, view.start, per_column, before);
        let after_start = view.start + split as f64 * per_column;
        decimate_source(&source, after_start - view.length, per_column, after);
        // The column holding the cursor shows both sweeps' samples.
        if let Some(column) = after.first_mut() {
            let available = source.available();
            let lo = (after_start.ceil() as i64).max(available.start);
            let hi = (view.newest as i64).min(available.end);
            if lo < hi && per_column >= 1.0 {
                let (min, max) = source.min_max(lo..hi);
                column.min = column.min.min(min);
                column.max = column.max.max(max);
            }
        }
    }
}

/// At least the longest window; a non-finite request gets the default.
fn sanitize_history(history_seconds: f64) -> f64 {
    if history_seconds.is_finite() {
        history_seconds.max(MAX_WINDOW_SECONDS)
    } else {
        Scope::DEFAULT_HISTORY_SECONDS
    }
}

fn history_capacity(sample_rate: f64, history_seconds: f64) -> usize {
    (sample_rate * history_seconds).ceil() as usize + 2 * FEED_STEP
}

fn sanitize_settings(mut settings: ScopeSettings) -> ScopeSettings {
    let finite_or = |x: f64, fallback: f64| if x.is_finite() { x } else { fallback };
    settings.window_seconds =
        finite_or(settings.window_seconds, 0.02).clamp(MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS);
    settings.trigger_position = finite_or(settings.trigger_position, 0.0).clamp(0.0, 1.0);
    let trigger = &mut settings.trigger;
    trigger.holdoff_seconds = finite_or(trigger.holdoff_seconds, 0.0).clamp(0.0, 10.0);
    trigger.auto_timeout_seconds = finite_or(trigger.auto_timeout_seconds, 0.1).clamp(0.0, 10.0);
    if !trigger.level.is_finite() {
        trigger.level = 0.0;
    }
    trigger.hysteresis = if trigger.hysteresis.is_finite() {
        trigger.hysteresis.abs()
    } else {
        0.0
    };
    settings
}
