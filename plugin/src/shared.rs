//! [`EditorShared`]: what the plugin and its editor windows share, and the tap switch's only
//! owner.
//!
//! The plugin makes the tap through it ([`EditorShared::connect`]) and keeps only the audio
//! end; the windows set what they want from the audio side through it; the audio thread reads
//! the switch through its [`AudioTap`] and never sees anything else here.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use nice_plug_egui::RepaintNotifier;

use crate::loudness_monitor::{ClosedEditorMeter, SharedLoudness};
use crate::params::{Pane, RingscopeParams};
use crate::tap::{AudioTap, Demand, Listener, TapReader, TapSwitch, tap_channel};

/// State shared between the plugin (audio and main thread) and its editor windows.
///
/// This is the interface the views build on: the parameters, the tap reader (behind a mutex
/// that only the GUI and main thread ever take; the audio thread never sees it), the tap's
/// switch, and the repaint flag the audio side raises to wake a resting window.
pub struct EditorShared {
    /// The plugin's parameters (also holds the persisted editor geometry).
    pub params: Arc<RingscopeParams>,
    switch: Arc<TapSwitch>,
    /// Every window of this plugin polls this flag; the audio thread sets it to wake a resting
    /// window (see [`Demand::Rest`]).
    repaint: RepaintNotifier,
    /// Shared with the [`ClosedEditorMeter`]'s thread, which reads while no window is open.
    reader: Arc<Mutex<ReaderSlot>>,
    /// The window system's scale factor last seen, as `f32` bits (1.0 until a window opened).
    system_scale: AtomicU32,
    /// Frames the windows have drawn so far (what the repaint pacing saves shows here).
    frames_drawn: AtomicU64,
    /// The loudness measurement every window feeds and shows (GUI threads only).
    loudness: SharedLoudness,
    /// Measuring loudness while no window is open (see
    /// [`loudness_monitor`](crate::loudness_monitor)).
    closed_meter: Mutex<Option<ClosedEditorMeter>>,
}

struct ReaderSlot {
    reader: Option<TapReader>,
    /// Bumped every time the plugin installs a new reader (activation at a new sample rate).
    generation: u64,
}

/// The reader slot, locked. A panic while holding the lock leaves the slot consistent (it is
/// only ever replaced whole), so a poisoned lock is safe to use.
fn lock_slot(slot: &Mutex<ReaderSlot>) -> MutexGuard<'_, ReaderSlot> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

impl EditorShared {
    /// Shared state for a plugin with `params`, no tap yet and every demand off.
    pub fn new(params: Arc<RingscopeParams>) -> Self {
        let repaint = RepaintNotifier::new();
        let waker = repaint.clone();
        Self {
            params,
            // A resting window is woken by the audio thread through the windows' repaint flag:
            // one relaxed store, real-time safe.
            switch: Arc::new(TapSwitch::with_waker(move || waker.request_repaint())),
            repaint,
            reader: Arc::new(Mutex::new(ReaderSlot {
                reader: None,
                generation: 0,
            })),
            system_scale: AtomicU32::new(1.0f32.to_bits()),
            frames_drawn: AtomicU64::new(0),
            // The windows' displays set the stream's rate at its first block.
            loudness: SharedLoudness::new(48_000.0),
            closed_meter: Mutex::new(None),
        }
    }

    fn slot(&self) -> MutexGuard<'_, ReaderSlot> {
        lock_slot(&self.reader)
    }

    /// Makes a tap with room for `capacity_frames` frames and keeps its reader: open windows
    /// notice the new generation and reset their display. Returns the audio end. Allocates:
    /// main thread (plugin creation and activation).
    pub fn connect(&self, capacity_frames: usize) -> AudioTap {
        let (tap, reader) = tap_channel(capacity_frames, self.switch.clone());
        let mut slot = self.slot();
        slot.reader = Some(reader);
        slot.generation += 1;
        tap
    }

    /// Runs `f` with the current reader and its generation, if the plugin has one yet.
    pub fn with_reader<R>(&self, f: impl FnOnce(&mut TapReader, u64) -> R) -> Option<R> {
        let mut slot = self.slot();
        let generation = slot.generation;
        slot.reader.as_mut().map(|reader| f(reader, generation))
    }

    /// A window opened: loudness measuring for the closed editor stops (after its last
    /// drain), stale frames from before it are discarded (they must not be shown as if they
    /// were new) and the audio side streams to it.
    pub fn window_opened(&self) {
        self.switch.set(Listener::LoudnessMonitor, Demand::Off);
        // Dropping the meter joins its thread.
        drop(self.closed_meter().take());
        self.with_reader(|reader, _| reader.discard_all());
        self.set_editor_demand(Demand::Stream);
    }

    /// The window closed: the audio side stops writing for it, unless the window showed a
    /// loudness layout: then loudness keeps being measured (see
    /// [`loudness_monitor`](crate::loudness_monitor)).
    pub fn window_closed(&self) {
        let loudness_shown = self
            .params
            .panes()
            .iter()
            .any(|pane| matches!(pane, Pane::LoudnessHistory | Pane::LoudnessFigures));
        let mut meter = self.closed_meter();
        if loudness_shown && meter.is_none() {
            let (reader, loudness) = (self.reader.clone(), self.loudness.clone());
            *meter = ClosedEditorMeter::start(move || {
                if let Some(reader) = lock_slot(&reader).reader.as_mut() {
                    let mut monitor = loudness.lock();
                    reader.read_blocks(reader.capacity(), |info, first, second| {
                        monitor.feed_block(info, first, second);
                    });
                }
            });
            if meter.is_some() {
                self.switch.set(Listener::LoudnessMonitor, Demand::Stream);
            }
        }
        self.set_editor_demand(Demand::Off);
    }

    /// Whether loudness is being measured with no window open.
    pub fn measuring_closed(&self) -> bool {
        self.closed_meter().is_some()
    }

    fn closed_meter(&self) -> MutexGuard<'_, Option<ClosedEditorMeter>> {
        // Only ever replaced whole: a poisoned lock is consistent.
        self.closed_meter.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets what the editor wants from the audio side (an open window, after each frame).
    pub fn set_editor_demand(&self, demand: Demand) {
        self.switch.set(Listener::Editor, demand);
    }

    /// What the editor wants from the audio side now (the audio side turns a resting demand
    /// into streaming when signal returns).
    pub fn editor_demand(&self) -> Demand {
        self.switch.demand(Listener::Editor)
    }

    /// The flag the windows poll for repaint requests (the audio side raises it to wake them).
    pub(crate) fn repaint_notifier(&self) -> RepaintNotifier {
        self.repaint.clone()
    }

    /// Counts one frame drawn by a window.
    pub(crate) fn frame_drawn(&self) {
        self.frames_drawn.fetch_add(1, Ordering::Relaxed);
    }

    /// Frames drawn by this plugin's windows so far.
    pub fn frames_drawn(&self) -> u64 {
        self.frames_drawn.load(Ordering::Relaxed)
    }

    /// The loudness measurement the windows share: it outlives each of them (see
    /// [`loudness_monitor`](crate::loudness_monitor)).
    pub fn loudness(&self) -> SharedLoudness {
        self.loudness.clone()
    }

    /// The window system's scale factor last seen.
    pub(crate) fn system_scale(&self) -> f32 {
        f32::from_bits(self.system_scale.load(Ordering::Relaxed))
    }

    /// Records the window system's scale factor.
    pub(crate) fn set_system_scale(&self, scale: f32) {
        self.system_scale.store(scale.to_bits(), Ordering::Relaxed);
    }
}
