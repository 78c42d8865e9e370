//! The egui editor: a thin [`Editor`] wrapper that restores the saved window geometry, switches
//! the audio tap on while a window exists, and an [`EditorApp`] that drains the tap each frame
//! and lays out the views.
//!
//! Lifecycle, per window: `spawn` discards whatever stale frames the rings still hold, switches
//! the tap on and opens a window with a fresh [`EditorApp`] (fresh display state, nothing carried
//! over from an earlier window); dropping the returned handle (host closes the editor) switches
//! the tap off again. Opening and closing a thousand times leaves nothing behind: every window's
//! state is owned by that window and dropped with it.

mod beats;
mod controls;
pub mod display;
mod format;
mod meters_view;
mod plot;
mod readout;
pub mod scope_view;
mod spectrum_view;
mod status;
mod theme;
mod ticks;

use std::error::Error;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use egui::{self, Ui};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::NativeSize;
use nice_plug::editor::dpi::{LogicalSize, Size};
use nice_plug::editor::{EditorHandle, HostMethods, SpawnedEditor};
use nice_plug::prelude::*;
use nice_plug_egui::{
    EguiEditorHandle, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier, baseview,
    create_egui_editor, resizable_window::ResizableWindow,
};

use self::display::{AnalysisSettings, DisplayState};
use self::meters_view::MetersView;
use self::scope_view::ScopeView;
use self::spectrum_view::SpectrumView;
use crate::params::{EditorGeometry, RingscopeParams, View};
use crate::tap::{TapMode, TapReader, TapSwitch};

/// Repaint interval while new, non-silent data arrives (the display rate).
const FRAME_INTERVAL: Duration = Duration::from_micros(16_667);
/// Repaint interval while no block has arrived yet (host not processing), before the window
/// goes idle.
const IDLE_INTERVAL: Duration = Duration::from_millis(250);

/// State shared between the plugin (audio and main thread) and its editor windows.
///
/// This is the interface the views build on: the parameters, the tap reader (behind a mutex
/// that only the GUI and main thread ever take; the audio thread never sees it), and the tap's
/// on/off switch.
pub struct EditorShared {
    /// The plugin's parameters (also holds the persisted editor geometry).
    pub params: Arc<RingscopeParams>,
    switch: Arc<TapSwitch>,
    /// Every window of this plugin polls this flag; the audio thread sets it to wake an idle
    /// window (see [`TapMode::Idle`]).
    repaint: RepaintNotifier,
    reader: Mutex<ReaderSlot>,
    /// The window system's scale factor last seen, as `f32` bits (1.0 until a window opened).
    system_scale: AtomicU32,
    /// Windows opened so far (diagnostics and tests).
    windows_opened: AtomicU64,
}

struct ReaderSlot {
    reader: Option<TapReader>,
    /// Bumped every time the plugin installs a new reader (activation at a new sample rate).
    generation: u64,
}

impl EditorShared {
    /// Shared state for a plugin whose tap obeys `switch`, and whose windows repaint when
    /// `repaint` is set (the switch's waker should set it).
    pub fn new(
        params: Arc<RingscopeParams>,
        switch: Arc<TapSwitch>,
        repaint: RepaintNotifier,
    ) -> Self {
        Self {
            params,
            switch,
            repaint,
            reader: Mutex::new(ReaderSlot {
                reader: None,
                generation: 0,
            }),
            system_scale: AtomicU32::new(1.0f32.to_bits()),
            windows_opened: AtomicU64::new(0),
        }
    }

    fn slot(&self) -> MutexGuard<'_, ReaderSlot> {
        // A panic while holding the lock leaves the slot consistent (it is only ever replaced
        // whole), so a poisoned lock is safe to use.
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Installs the reader of a freshly created tap (main thread, plugin activation). Open
    /// windows notice the new generation and reset their display.
    pub fn install_reader(&self, reader: TapReader) {
        let mut slot = self.slot();
        slot.reader = Some(reader);
        slot.generation += 1;
    }

    /// Runs `f` with the current reader and its generation, if the plugin has one yet.
    pub fn with_reader<R>(&self, f: impl FnOnce(&mut TapReader, u64) -> R) -> Option<R> {
        let mut slot = self.slot();
        let generation = slot.generation;
        slot.reader.as_mut().map(|reader| f(reader, generation))
    }

    /// Whether a window is open (the tap writes, or idles waiting for signal).
    pub fn tap_is_on(&self) -> bool {
        self.switch.mode() != TapMode::Off
    }

    /// What the audio side does now.
    pub fn tap_mode(&self) -> TapMode {
        self.switch.mode()
    }

    /// Number of editor windows opened so far.
    pub fn windows_opened(&self) -> u64 {
        self.windows_opened.load(Ordering::Relaxed)
    }

    fn editor_opened(&self) {
        // Stale frames from before this window must not be shown as if they were new.
        self.with_reader(|reader, _| reader.discard_all());
        self.switch.set(true);
        self.windows_opened.fetch_add(1, Ordering::Relaxed);
    }

    fn editor_closed(&self) {
        self.switch.set(false);
    }

    fn system_scale(&self) -> f32 {
        f32::from_bits(self.system_scale.load(Ordering::Relaxed))
    }
}

/// The plugin's [`Editor`]: creates one egui window per `spawn` at the saved geometry.
pub struct RingscopeEditor {
    shared: Arc<EditorShared>,
}

impl RingscopeEditor {
    /// An editor over `shared`.
    pub fn new(shared: Arc<EditorShared>) -> Self {
        Self { shared }
    }

    fn geometry(&self) -> EditorGeometry {
        self.shared.params.editor_geometry.load().sanitized()
    }
}

/// Resizable, never smaller than what the controls need.
const RESIZE_HINT: ResizeHint = ResizeHint::RESIZABLE.with_min_logical_size(LogicalSize {
    width: EditorGeometry::MIN_WIDTH,
    height: EditorGeometry::MIN_HEIGHT,
});

impl Editor for RingscopeEditor {
    type Handle = RingscopeEditorHandle;

    fn spawn(
        &self,
        parent: Option<ParentWindowHandle>,
        wait_for_parent: bool,
        fallback_scale_factor: Option<f64>,
        gui_context: GuiContext,
        host: Option<HostMethods>,
    ) -> Result<SpawnedEditor<Self::Handle>, Box<dyn Error>> {
        let geometry = self.geometry();
        let egui_state = EguiEditorState::from_size(
            Size::Logical(LogicalSize::new(
                f64::from(geometry.width),
                f64::from(geometry.height),
            )),
            geometry.zoom,
        );
        let settings = EguiNiceSettings::new()
            .with_tile("Ringscope")
            .with_resize_hint(RESIZE_HINT);
        let app = EditorApp::new(self.shared.clone());
        let egui_editor =
            create_egui_editor(egui_state, self.shared.repaint.clone(), settings, app)
                .ok_or("could not create the egui editor")?;

        self.shared.editor_opened();
        // If the window cannot be created, switch the tap off again.
        let guard = TapGuard(self.shared.clone());
        let spawned = egui_editor.spawn(
            parent,
            wait_for_parent,
            fallback_scale_factor,
            gui_context,
            host,
        )?;
        Ok(SpawnedEditor {
            handle: RingscopeEditorHandle {
                inner: spawned.handle,
                _tap: guard,
            },
            window: spawned.window,
        })
    }

    fn size(&self) -> NativeSize<u32> {
        let g = self.geometry();
        NativeSize::from_size(
            Size::Logical(LogicalSize::new(
                f64::from(g.width * g.zoom),
                f64::from(g.height * g.zoom),
            )),
            f64::from(self.shared.system_scale()),
        )
    }

    fn resize_hint(&self) -> ResizeHint {
        RESIZE_HINT
    }

    unsafe fn assume_standalone_in_process(&self) {
        // SAFETY: same contract as `Editor::assume_standalone_in_process`, which the caller
        // upholds (only the standalone wrapper calls it, once, before creating windows).
        unsafe { baseview::assume_standalone_in_process() }
    }
}

/// Switches the tap off when dropped.
struct TapGuard(Arc<EditorShared>);

impl Drop for TapGuard {
    fn drop(&mut self) {
        self.0.editor_closed();
    }
}

/// Handle of an open editor window; the host drops it to close the window, which switches the
/// audio tap off.
pub struct RingscopeEditorHandle {
    inner: EguiEditorHandle,
    _tap: TapGuard,
}

impl EditorHandle for RingscopeEditorHandle {
    type Window = <EguiEditorHandle as EditorHandle>::Window;
    type Error = <EguiEditorHandle as EditorHandle>::Error;

    fn run_until_closed(window: Self::Window) -> Result<(), Self::Error> {
        EguiEditorHandle::run_until_closed(window)
    }

    fn set_parent(
        &self,
        parent: ParentWindowHandle,
        window: &Self::Window,
    ) -> Result<(), Self::Error> {
        self.inner.set_parent(parent, window)
    }

    fn show(&self, window: &Self::Window) -> Result<(), Self::Error> {
        self.inner.show(window)
    }

    fn hide(&self, window: &Self::Window) -> Result<(), Self::Error> {
        self.inner.hide(window)
    }

    fn set_size(
        &self,
        new_size: NativeSize<u32>,
        window: &Self::Window,
    ) -> Result<(), Self::Error> {
        self.inner.set_size(new_size, window)
    }

    fn host_main_thread_callback(&self, window: &Self::Window) {
        self.inner.host_main_thread_callback(window)
    }

    fn adjust_size(
        &self,
        new_size: NativeSize<u32>,
        window: &Self::Window,
    ) -> Option<NativeSize<u32>> {
        self.inner.adjust_size(new_size, window)
    }

    fn set_fallback_scale_factor(
        &self,
        scale_factor: f64,
        window: &Self::Window,
    ) -> Result<(), Self::Error> {
        self.inner.set_fallback_scale_factor(scale_factor, window)
    }

    fn on_virtual_key_from_host(
        &self,
        key_code: VirtualKeyCode,
        is_down: bool,
        modifiers: Modifiers,
    ) -> bool {
        self.inner
            .on_virtual_key_from_host(key_code, is_down, modifiers)
    }

    fn state_changed(&self) {
        self.inner.state_changed()
    }

    fn param_value_changed(&self, id: &str, normalized_value: f32) {
        self.inner.param_value_changed(id, normalized_value)
    }

    fn param_modulation_changed(&self, id: &str, modulation_offset: f32) {
        self.inner.param_modulation_changed(id, modulation_offset)
    }
}

/// One editor window's state: created with the window, dropped with it.
pub struct EditorApp {
    shared: Arc<EditorShared>,
    gui_context: Option<GuiContext>,
    /// Reader generation the display was built for.
    generation: u64,
    display: DisplayState,
    scope: ScopeView,
    spectrum: SpectrumView,
    meters: MetersView,
    show_settings: bool,
    /// When this window opened: it does not idle before it has shown the input for a while.
    opened: Instant,
}

impl EditorApp {
    fn new(shared: Arc<EditorShared>) -> Self {
        let settings = AnalysisSettings::from_params(&shared.params);
        Self {
            shared,
            gui_context: None,
            generation: 0,
            display: DisplayState::new(48_000.0, settings),
            scope: ScopeView::default(),
            spectrum: SpectrumView::default(),
            meters: MetersView::default(),
            show_settings: false,
            opened: Instant::now(),
        }
    }

    /// Applies the parameters and moves everything the tap delivered since the last frame into
    /// the analysis (frozen parts only count what they are fed).
    fn drain(&mut self, now: Instant) {
        let settings = AnalysisSettings::from_params(&self.shared.params);
        self.display.configure(settings);
        let display = &mut self.display;
        let generation = &mut self.generation;
        self.shared.with_reader(|reader, reader_generation| {
            if reader_generation != *generation {
                // The plugin was re-activated (new ring, maybe a new rate): start afresh.
                *display = DisplayState::new(display.sample_rate, settings);
                *generation = reader_generation;
            }
            display.drain(reader, now);
        });
    }

    /// Sets what the audio side does and asks for the next frame: at the display rate while
    /// something moves; not at all while frozen (input and parameter changes still repaint) or
    /// while the input has been silent long enough for every curve to settle, in which case the
    /// tap idles and the audio thread wakes this window when signal returns.
    fn schedule_repaint(&self, ctx: &egui::Context, now: Instant) {
        let params = &self.shared.params;
        let display = &self.display;
        if params.freeze.value() {
            self.shared.switch.set_mode(TapMode::Off);
            return;
        }
        let messages_showing = display.recently_dropped(now) || display.recently_invalid(now);
        let quiet_for = display.quiet_for(now).min(now.duration_since(self.opened));
        let quiet = quiet_for >= settle_time(params);
        if quiet && !messages_showing {
            // Nothing will change on screen until signal returns.
            self.shared.switch.set_mode(TapMode::Idle);
            return;
        }
        self.shared.switch.set_mode(TapMode::Writing);
        let interval = if display.frames_last_drain > 0 {
            FRAME_INTERVAL
        } else {
            // Nothing arrived yet (host not processing): look again soon, cheaply.
            IDLE_INTERVAL
        };
        ctx.request_repaint_after(interval);
    }
}

/// How long after the signal stops the picture still changes: spectrum averages decay (five
/// time constants), peak holds hold and then fall through the level range (20 dB/s), the meters'
/// peaks fall from full scale to their floor (about 6 s).
fn settle_time(params: &RingscopeParams) -> Duration {
    let averaging = 5.0 * params.averaging_ms.value().max(0.0) / 1000.0;
    let range_db = (params.db_max.value() - params.db_min.value()).clamp(6.0, 300.0);
    let peak_hold = params.peak_hold_s.value().max(0.0) + range_db / 20.0;
    let meters = 6.5;
    Duration::from_secs_f32(1.0 + averaging.max(peak_hold).max(meters))
}

impl NiceEguiApp for EditorApp {
    fn build(
        &mut self,
        _egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), baseview::HandlerError> {
        self.gui_context = Some(nice_gui_ctx);
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        let now = Instant::now();
        self.drain(now);
        let shared = self.shared.clone();
        let params = &shared.params;
        let Some(gui_context) = self.gui_context.clone() else {
            return;
        };
        let setter = gui_context.param_setter();

        ResizableWindow::new("ringscope-resize")
            .min_size(egui::vec2(
                EditorGeometry::MIN_WIDTH,
                EditorGeometry::MIN_HEIGHT,
            ))
            .show(ui, |ui| {
                egui::Panel::top("controls").show(ui, |ui| {
                    let rearm = controls::top_bar(ui, params, &setter, &mut self.show_settings);
                    if rearm {
                        self.display.scope.arm_single();
                    }
                });
                egui::Panel::bottom("status").show(ui, |ui| {
                    let idle = self.shared.tap_mode() == TapMode::Idle;
                    status::show(ui, &self.display, status::Context::new(params, idle), now);
                });
                if self.show_settings {
                    egui::Panel::left("settings")
                        .default_size(240.0)
                        .show(ui, |ui| controls::settings_panel(ui, params, &setter));
                }
                egui::Panel::right("meters")
                    .resizable(false)
                    .exact_size(112.0)
                    .show(ui, |ui| self.meters.show(ui, &mut self.display, now));
                egui::CentralPanel::default().show(ui, |ui| match params.view.value() {
                    View::Scope => self.scope.show(ui, &self.display),
                    View::Spectrum => self.spectrum.show(ui, &mut self.display, params),
                    View::Split => {
                        let half = (ui.available_height() - ui.spacing().item_spacing.y) / 2.0;
                        let width = ui.available_width();
                        ui.allocate_ui(egui::vec2(width, half), |ui| {
                            self.scope.show(ui, &self.display)
                        });
                        self.spectrum.show(ui, &mut self.display, params);
                    }
                });
            });

        self.schedule_repaint(ui.ctx(), now);
    }

    fn resized(&mut self, new_size: baseview::WindowSize) {
        let geometry = self.shared.params.editor_geometry.load();
        let zoom = if geometry.zoom > 0.0 {
            geometry.zoom
        } else {
            1.0
        };
        // `new_size.logical` is already divided by the zoom factor: store the unzoomed size.
        self.shared.params.editor_geometry.store(
            EditorGeometry {
                width: new_size.logical.width as f32,
                height: new_size.logical.height as f32,
                zoom,
            }
            .sanitized(),
        );
        let system_scale = (new_size.scale_factor as f32 / zoom).max(0.25);
        self.shared
            .system_scale
            .store(system_scale.to_bits(), Ordering::Relaxed);
    }

    fn zoom_factor_changed(&mut self, zoom_factor: f32) {
        let mut geometry = self.shared.params.editor_geometry.load();
        geometry.zoom = zoom_factor;
        self.shared
            .params
            .editor_geometry
            .store(geometry.sanitized());
    }

    fn editor_closed(&mut self) {
        self.gui_context = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tap::{BlockInfo, tap_channel};

    #[test]
    fn a_thousand_open_close_cycles_leave_no_state_behind() {
        let switch = Arc::new(TapSwitch::default());
        let shared = Arc::new(EditorShared::new(
            Arc::new(RingscopeParams::default()),
            switch.clone(),
            RepaintNotifier::new(),
        ));
        let (mut tap, reader) = tap_channel(4096, switch.clone());
        shared.install_reader(reader);
        let info = BlockInfo {
            sample_rate: 48_000.0,
            ..Default::default()
        };
        for i in 0..1000u32 {
            // While closed the audio side writes nothing.
            let before = shared.with_reader(|r, _| r.frames_available());
            tap.write_block(&[[i as f32; 64]], info);
            assert_eq!(shared.with_reader(|r, _| r.frames_available()), before);

            shared.editor_opened();
            let guard = TapGuard(shared.clone());
            assert!(shared.tap_is_on());
            tap.write_block(&[[i as f32; 64]], info);
            let mut seen = Vec::new();
            shared.with_reader(|r, _| {
                r.read_blocks(usize::MAX, |_, a, b| {
                    seen.extend(a.iter().chain(b).copied())
                })
            });
            assert_eq!(seen, vec![[i as f32; 2]; 64], "only this window's frames");
            // Leave something unread: the next window must not show it.
            tap.write_block(&[[-1.0f32; 32]], info);
            drop(guard);
            assert!(!shared.tap_is_on());
        }
        assert_eq!(shared.windows_opened(), 1000);
        assert_eq!(Arc::strong_count(&shared), 1, "no window kept a reference");
    }
}
