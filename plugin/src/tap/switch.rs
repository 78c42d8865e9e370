//! The switch: the one place that decides whether the audio thread writes a block.
//!
//! It holds a set of reasons, not one on/off: each [`Listener`] has its own [`Demand`], and the
//! audio thread serves the most demanding one. The listeners are the editor (streaming
//! while a window shows the input, resting while that input is silent, off while no window is
//! open or the picture is frozen) and the loudness monitor (streaming while no window is open
//! after the last one showed a loudness layout); a subscriber in another instance would become
//! a listener of its own, without touching the audio path.

use std::sync::atomic::{AtomicU8, Ordering};

/// Who may want the audio side's frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Listener {
    /// The plugin's editor window.
    Editor = 0,
    /// The loudness measurement while no window is open (see
    /// [`loudness_monitor`](crate::loudness_monitor)).
    LoudnessMonitor = 1,
}

/// What one listener wants from the audio side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demand {
    /// Nothing.
    Off,
    /// Every block.
    Stream,
    /// Nothing while the input is silent (see [`ringscope::analysis::is_silent`]); the first
    /// block that is not silent is written, turns every resting demand into [`Demand::Stream`]
    /// and runs the switch's waker.
    Rest,
}

/// Listeners the switch's byte has room for: a streaming bit each in the low half, a resting
/// bit each in the high half.
const SLOTS: u8 = 4;
const STREAMING: u8 = (1 << SLOTS) - 1;

impl Listener {
    fn bits(self, demand: Demand) -> u8 {
        let stream = 1u8 << (self as u8);
        match demand {
            Demand::Off => 0,
            Demand::Stream => stream,
            Demand::Rest => stream << SLOTS,
        }
    }

    fn mask(self) -> u8 {
        self.bits(Demand::Stream) | self.bits(Demand::Rest)
    }
}

/// The switch between the listeners and the audio thread, plus how the audio side wakes a
/// resting listener. Shared in an `Arc` by the listeners' owner and the tap's writer, so it
/// survives re-creating the rings.
///
/// The audio thread reads it on every block, so it gets cache lines of its own (128 bytes: the
/// adjacent-line prefetcher pairs lines): a neighbouring allocation that another thread writes
/// (e.g. the editor's reader mutex) must not make that read miss.
///
/// Orderings: all `Relaxed`. The switch guards no data (the rings publish the frames with their
/// own release/acquire pairs); an audio thread that sees a change one block late writes or skips
/// one block, and an editor discards what it did not ask for when a window opens.
#[repr(align(128))]
pub struct TapSwitch {
    state: AtomicU8,
    /// Called (on the audio thread) when a resting listener is woken. Must be real-time safe:
    /// the editor passes a repaint request, which is one relaxed atomic store.
    waker: Option<Box<dyn Fn() + Send + Sync>>,
}

impl std::fmt::Debug for TapSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TapSwitch")
            .field("editor", &self.demand(Listener::Editor))
            .field("loudness_monitor", &self.demand(Listener::LoudnessMonitor))
            .finish_non_exhaustive()
    }
}

impl Default for TapSwitch {
    /// Every demand off, no waker.
    fn default() -> Self {
        Self {
            state: AtomicU8::new(0),
            waker: None,
        }
    }
}

impl TapSwitch {
    /// A switch (every demand off) whose audio side calls `waker` when it wakes a resting
    /// listener. `waker` runs on the audio thread: it must not allocate, lock or block.
    pub fn with_waker(waker: impl Fn() + Send + Sync + 'static) -> Self {
        Self {
            waker: Some(Box::new(waker)),
            ..Self::default()
        }
    }

    /// Sets what `listener` wants (any thread but the audio thread; lock-free, retries only when
    /// the audio thread wakes the listener at the same moment).
    pub fn set(&self, listener: Listener, demand: Demand) {
        let bits = listener.bits(demand);
        let _ = self
            .state
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |state| {
                Some((state & !listener.mask()) | bits)
            });
    }

    /// What `listener` wants now.
    pub fn demand(&self, listener: Listener) -> Demand {
        let state = self.state.load(Ordering::Relaxed);
        if state & listener.bits(Demand::Stream) != 0 {
            Demand::Stream
        } else if state & listener.bits(Demand::Rest) != 0 {
            Demand::Rest
        } else {
            Demand::Off
        }
    }

    /// Whether any listener wants anything: when not, the audio thread does nothing else.
    #[inline]
    pub(super) fn is_listening(&self) -> bool {
        self.state.load(Ordering::Relaxed) != 0
    }

    /// Whether the audio side writes the block now. Never while nobody listens; while every
    /// listener rests, only a block that `is_silent` says is not silent, which wakes them.
    /// `is_silent` runs only then.
    #[inline]
    pub(super) fn admits(&self, is_silent: impl FnOnce() -> bool) -> bool {
        let state = self.state.load(Ordering::Relaxed);
        if state & STREAMING != 0 {
            return true;
        }
        if state == 0 || is_silent() {
            return false;
        }
        self.wake(state);
        true
    }

    /// Every resting listener streams from this block on and the waker runs, unless a listener
    /// changed its demand since `resting` was read: then its new choice stands (one attempt,
    /// so the audio thread never loops).
    #[cold]
    fn wake(&self, resting: u8) {
        let woke = self
            .state
            .compare_exchange(
                resting,
                resting >> SLOTS,
                Ordering::Relaxed,
                Ordering::Relaxed,
            )
            .is_ok();
        if woke && let Some(waker) = &self.waker {
            waker();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demand_reads_back_and_leaves_the_others_alone() {
        let switch = TapSwitch::default();
        assert!(!switch.is_listening());
        for demand in [Demand::Stream, Demand::Rest, Demand::Off, Demand::Rest] {
            switch.set(Listener::Editor, demand);
            assert_eq!(switch.demand(Listener::Editor), demand);
            assert_eq!(switch.is_listening(), demand != Demand::Off);
        }
        // Another listener's bits are not the editor's.
        switch.state.fetch_or(1 << 1, Ordering::Relaxed);
        switch.set(Listener::Editor, Demand::Off);
        assert_eq!(switch.state.load(Ordering::Relaxed), 1 << 1);
    }

    #[test]
    fn a_resting_switch_admits_only_signal_and_wakes_once() {
        let (switch, wakes) = super::super::counting_switch();
        assert!(!switch.admits(|| false), "off admits nothing");
        switch.set(Listener::Editor, Demand::Rest);
        assert!(!switch.admits(|| true), "silence stays out");
        assert_eq!(switch.demand(Listener::Editor), Demand::Rest);
        assert!(switch.admits(|| false), "signal is written");
        assert_eq!(switch.demand(Listener::Editor), Demand::Stream);
        assert!(
            switch.admits(|| true),
            "a streaming switch writes silence too"
        );
        assert_eq!(wakes.load(Ordering::Relaxed), 1);
    }
}
