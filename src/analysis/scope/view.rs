//! What one picture of the scope shows: [`ScopeView`] and its [`ScopeStatus`].

/// Why the view shows what it shows; the editor can print it.
///
/// ```
/// use ringscope::analysis::{Scope, ScopeSettings, ScopeStatus};
/// let mut scope = Scope::new(48_000.0, ScopeSettings::default()); // auto trigger
/// scope.feed(&[[0.3, 0.3]; 48_000]); // DC: no trigger, so auto mode free-runs
/// assert_eq!(scope.view().status, ScopeStatus::AutoFreeRun);
/// scope.set_frozen(true);
/// assert_eq!(scope.view().status, ScopeStatus::Frozen);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeStatus {
    /// Trigger mode is free run.
    FreeRun,
    /// The view is aligned to a trigger.
    Triggered,
    /// Normal or single mode with no trigger yet: the view shows the newest samples.
    Waiting,
    /// Auto mode timed out and free-runs until a trigger arrives.
    AutoFreeRun,
    /// Single shot captured a sweep and stopped recording; [`Scope::arm_single`](super::Scope::arm_single)
    /// re-arms.
    Stopped,
    /// Beat sync on a rolling transport.
    BeatSync,
    /// Beat sync without a tempo or with the transport stopped: free run.
    BeatSyncIdle,
    /// The display is frozen by [`Scope::set_frozen`](super::Scope::set_frozen).
    Frozen,
}

/// What the next picture shows: the window to draw, where the trigger and the playhead are.
///
/// It is a plain value, so every trace of one picture (e.g. L and R overlaid) is rendered from the
/// same window. Positions are in the history clock (see the [module docs](super)).
///
/// ```
/// use ringscope::analysis::{ColumnMinMax, Scope, ScopeSettings, Channel};
/// let mut scope = Scope::new(48_000.0, ScopeSettings::default());
/// scope.feed(&[[0.5, -0.5]; 2000]);
/// let view = scope.view();
/// let mut columns = [ColumnMinMax::default(); 100];
/// scope.render(&view, Channel::Left, &mut columns);
/// assert_eq!(columns[99], ColumnMinMax { min: 0.5, max: 0.5 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScopeView {
    /// Position of the window's left edge (fractional: the trigger is sub-sample).
    pub start: f64,
    /// Window length in samples.
    pub length: f64,
    /// One past the newest recorded sample.
    pub newest: f64,
    /// Where the trigger point is in the window (0…1), when the view is triggered.
    pub trigger: Option<f64>,
    /// Where the newest sample is in the window (0…1) in beat sync, where samples right of it
    /// are the previous sweep's.
    pub cursor: Option<f64>,
    /// Why the view is what it is.
    pub status: ScopeStatus,
    /// Sample rate, to turn positions into seconds.
    pub sample_rate: f64,
}

impl ScopeView {
    /// Window length in seconds.
    pub fn length_seconds(&self) -> f64 {
        self.length / self.sample_rate
    }

    /// Seconds from the trigger point (or from the window start when untriggered) to the point
    /// at `fraction` (0…1) of the window: the time readout under the mouse.
    pub fn time_at(&self, fraction: f64) -> f64 {
        (fraction - self.trigger.unwrap_or(0.0)) * self.length_seconds()
    }
}
