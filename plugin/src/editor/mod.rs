//! The egui editor: a thin [`Editor`] wrapper that restores the saved window geometry, switches
//! the audio tap on while a window exists, and an [`EditorApp`] that drains the tap each frame,
//! lays out the views and paces the next frame.
//!
//! Lifecycle, per window: `spawn` discards whatever stale frames the rings still hold, switches
//! the tap on and opens a window with a fresh [`EditorApp`] (fresh display state, nothing carried
//! over from an earlier window); dropping the returned handle (host closes the editor) switches
//! the tap off again. Opening and closing a thousand times leaves nothing behind: every window's
//! state is owned by that window and dropped with it.
//!
//! Pacing, per frame ([`display::Pace`]): at the display rate while blocks arrive; not at all
//! while frozen; not at all once the input has been silent for the analysis' settle time, the
//! tap resting until a block with signal wakes the window through the shared repaint flag.

mod controls;
mod display;
mod frame_clock;
mod frame_file;
mod handle;
mod loudness_figures;
mod loudness_view;
mod meters_view;
mod plot;
mod readout;
mod scope_view;
mod spectrogram_view;
mod spectrum_view;
mod status;
mod theme;
mod ticks;
mod trace;
mod vectorscope_view;

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{self, Ui};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::NativeSize;
use nice_plug::editor::dpi::{LogicalSize, Size};
use nice_plug::editor::{HostMethods, SpawnedEditor};
use nice_plug::prelude::*;
use nice_plug_egui::{
    EguiEditorState, EguiNiceSettings, GraphicsConfig, NiceEguiApp, baseview, create_egui_editor,
    resizable_window::ResizableWindow,
};

// The views' text writers and beat grid live at the crate's top: the parameters' texts share
// the writers, and the parameters must not depend on the editor.
use crate::{beats, format};

pub use self::frame_file::FrameCountFile;
pub use self::handle::RingscopeEditorHandle;
#[doc(hidden)]
pub use self::spectrum_view::HeadlessSpectrum;

use self::display::{AnalysisSettings, DisplayState, Pace};
use self::frame_clock::FrameClock;
use self::loudness_figures::LoudnessFigures;
use self::loudness_view::LoudnessView;
use self::meters_view::MetersView;
use self::scope_view::ScopeView;
use self::spectrogram_view::SpectrogramView;
use self::spectrum_view::SpectrumView;
use self::vectorscope_view::VectorscopeView;
use crate::params::{EditorGeometry, Pane, RingscopeParams};
use crate::shared::EditorShared;
use crate::tap::Demand;

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
        // nice-plug-egui polls the windows' repaint flag (how the audio side wakes a resting
        // window, and how the host's parameter changes reach it) at 64 Hz by default, drawing or
        // not. At the frame rate instead, a resting window wakes within one frame and the poll
        // costs half as much at the default 30 fps (a quarter at 15).
        // No dithering: egui's shader then skips its per-pixel noise, which under a software
        // rasteriser is a good part of the cost of every pixel drawn; the picture has no wide
        // smooth gradients for it to smooth (it spreads 8-bit rounding error only).
        let graphics = GraphicsConfig {
            dithering: false,
            ..GraphicsConfig::default()
        };
        let settings = EguiNiceSettings::new()
            .with_tile("Ringscope")
            .with_graphics_config(graphics)
            .with_resize_hint(RESIZE_HINT)
            .with_repaint_poll_interval(self.shared.params.frame_rate.value().period());
        let app = EditorApp::new(self.shared.clone());
        let egui_editor =
            create_egui_editor(egui_state, self.shared.repaint_notifier(), settings, app)
                .ok_or("could not create the egui editor")?;

        self.shared.window_opened();
        // If the window cannot be created, switch the tap off again.
        let guard = TapGuard(self.shared.clone());
        let spawned = egui_editor.spawn(
            parent,
            wait_for_parent,
            fallback_scale_factor,
            gui_context,
            host,
        )?;
        // `size()` reports at the scale the window was created at (`Xft.dpi` or the host's).
        self.shared
            .set_system_scale(spawned.window.size().scale_factor as f32);
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

    // The host's scale with no window open (VST3 `setContentScaleFactor` before `attached`):
    // `size()` reports at it until a window reports its own.
    fn set_host_scale_factor(&self, scale_factor: f64) {
        self.shared.set_system_scale(scale_factor as f32);
    }

    // CLAP's track-info and VST3's channel context: the track's name names this instance in
    // other instances' compare lists, unless the user gave it a name of their own.
    fn track_info_updated(&self, info: TrackInfo) {
        self.shared.params.compare.adopt_track_name(info.name());
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
        self.0.window_closed();
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
    spectrogram: SpectrogramView,
    vectorscope: VectorscopeView,
    loudness: LoudnessView,
    loudness_figures: LoudnessFigures,
    meters: MetersView,
    show_settings: bool,
    /// The pace chosen after the previous frame.
    pace: Option<Pace>,
    /// Where the frame count goes for measurements (usually nowhere).
    frame_file: FrameCountFile,
    /// When the next frame of the moving picture is due.
    frame_clock: FrameClock,
    /// What the panels painted before they were made transparent (see [`take_panel_fill`]).
    panel_fill: egui::Color32,
}

impl EditorApp {
    fn new(shared: Arc<EditorShared>) -> Self {
        let settings = AnalysisSettings::from_params(&shared.params);
        // The loudness measurement is the plugin's, not the window's: it outlives the window.
        let loudness = shared.loudness();
        Self {
            shared,
            gui_context: None,
            generation: 0,
            display: DisplayState::with_loudness(48_000.0, settings, loudness),
            scope: ScopeView::default(),
            spectrum: SpectrumView::default(),
            spectrogram: SpectrogramView::default(),
            vectorscope: VectorscopeView::default(),
            loudness: LoudnessView::default(),
            loudness_figures: LoudnessFigures::default(),
            meters: MetersView::default(),
            show_settings: false,
            pace: None,
            frame_file: FrameCountFile::from_env(),
            frame_clock: FrameClock::default(),
            panel_fill: egui::Visuals::dark().panel_fill,
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
                *display = DisplayState::with_loudness(
                    display.sample_rate,
                    settings,
                    display.shared_loudness(),
                );
                *generation = reader_generation;
            }
            display.drain(reader, now);
        });
    }

    /// Tells the audio side what this window wants next and asks egui for the next frame at
    /// the display's pace (see [`DisplayState::pace`]), on the frame clock's grid while the
    /// picture moves. `spent`: the time this frame has taken so far.
    fn schedule_repaint(&mut self, ctx: &egui::Context, now: Instant, spent: Duration) {
        let pace = self.display.pace(now);
        self.shared.set_editor_demand(pace.demand());
        match pace {
            Pace::Repaint(period) if self.display.frames_last_drain > 0 => {
                ctx.request_repaint_after(self.frame_clock.next_delay(now, period, spent));
            }
            Pace::Repaint(after) => {
                self.frame_clock.stop();
                ctx.request_repaint_after(after);
            }
            Pace::Rest | Pace::Frozen => self.frame_clock.stop(),
        }
        let resting = |pace: Option<Pace>| pace == Some(Pace::Rest);
        if resting(Some(pace)) != resting(self.pace) {
            let frames = self.shared.frames_drawn();
            if pace == Pace::Rest {
                nice_log!("editor resting on silence ({frames} frames drawn)");
            } else {
                nice_log!("editor drawing again ({frames} frames drawn)");
            }
        }
        self.pace = Some(pace);
        let stopping = !matches!(pace, Pace::Repaint(_));
        self.frame_file
            .record(self.shared.frames_drawn(), now, stopping);
    }

    /// One frame at `now`: drain, lay out and paint every view into `ui`, pace the next frame.
    fn draw(&mut self, ui: &mut Ui, now: Instant) {
        let started = Instant::now();
        self.shared.frame_drawn();
        self.drain(now);
        let shared = self.shared.clone();
        let params = &shared.params;
        let Some(gui_context) = self.gui_context.clone() else {
            return;
        };
        let setter = gui_context.param_setter();

        let mut backdrop = plot::Backdrop::reserve(ui);
        ResizableWindow::new("ringscope-resize")
            .min_size(egui::vec2(
                EditorGeometry::MIN_WIDTH,
                EditorGeometry::MIN_HEIGHT,
            ))
            .show(ui, |ui| {
                // The fixed panels' separator lines are the backdrop's (pixel quads, not
                // feathered lines across the whole window).
                let top = egui::Panel::top("controls")
                    .show_separator_line(false)
                    .show(ui, |ui| {
                        let rearm = controls::top_bar(ui, params, &setter, &mut self.show_settings);
                        if rearm {
                            self.display.scope.arm_single();
                        }
                    });
                let rect = top.response.rect;
                backdrop.separator(egui::Rect::from_x_y_ranges(
                    rect.x_range(),
                    rect.bottom()..=rect.bottom() + 1.0,
                ));
                let bottom = egui::Panel::bottom("status")
                    .show_separator_line(false)
                    .show(ui, |ui| {
                        let idle = self.shared.editor_demand() == Demand::Rest;
                        status::show(ui, &self.display, status::Context::new(params, idle), now);
                    });
                let rect = bottom.response.rect;
                backdrop.separator(egui::Rect::from_x_y_ranges(
                    rect.x_range(),
                    rect.top() - 1.0..=rect.top(),
                ));
                if self.show_settings {
                    egui::Panel::left("settings")
                        .default_size(240.0)
                        .show(ui, |ui| controls::settings_panel(ui, params, &setter));
                }
                if params.meters_strip.value() {
                    let meters = egui::Panel::right("meters")
                        .resizable(false)
                        .show_separator_line(false)
                        .exact_size(112.0)
                        .show(ui, |ui| self.meters.show(ui, &mut self.display, now));
                    let rect = meters.response.rect;
                    backdrop.separator(egui::Rect::from_x_y_ranges(
                        rect.left() - 1.0..=rect.left(),
                        rect.y_range(),
                    ));
                }
                egui::CentralPanel::default().show(ui, |ui| self.show_panes(ui, params));
            });
        backdrop.paint(ui, self.panel_fill);

        self.schedule_repaint(ui.ctx(), now, started.elapsed());
    }
}

impl EditorApp {
    /// The layout's panes, one above the other in equal parts (side by side for the layouts
    /// that say so).
    fn show_panes(&mut self, ui: &mut Ui, params: &RingscopeParams) -> egui::Response {
        let layout = params.layout.value();
        let panes = params.panes();
        let gap = ui.spacing().item_spacing;
        let count = panes.len() as f32;
        let size = if layout.side_by_side() {
            egui::vec2(
                (ui.available_width() - gap.x * (count - 1.0)) / count,
                ui.available_height(),
            )
        } else {
            egui::vec2(
                ui.available_width(),
                (ui.available_height() - gap.y * (count - 1.0)) / count,
            )
        };
        let mut show_all = |ui: &mut Ui| {
            let mut responses = panes.iter().map(|&pane| {
                ui.allocate_ui(size, |ui| self.show_pane(ui, pane, params))
                    .inner
            });
            let first = responses.next().expect("every layout has a pane");
            responses.fold(first, |all, response| all | response)
        };
        if layout.side_by_side() {
            ui.horizontal(|ui| show_all(ui)).inner
        } else {
            show_all(ui)
        }
    }

    fn show_pane(&mut self, ui: &mut Ui, pane: Pane, params: &RingscopeParams) -> egui::Response {
        let display = &mut self.display;
        match pane {
            Pane::Scope => self.scope.show(ui, display),
            Pane::Spectrum => self.spectrum.show(ui, display, params),
            Pane::Spectrogram => self.spectrogram.show(ui, display, params),
            Pane::Vectorscope => self.vectorscope.show(ui, display, params),
            Pane::LoudnessHistory => self.loudness.show(ui, display, params),
            Pane::LoudnessFigures => self.loudness_figures.show(ui, display, params),
        }
    }
}

/// Has the panels paint no background and returns the colour they painted: the backdrop
/// ([`plot::Backdrop`]) paints it once, where no plot is. Under a software rasteriser each
/// full-window fill costs as much as a bare window's frame, and the window and its five panels
/// painted two of them over the clear.
fn take_panel_fill(ctx: &egui::Context) -> egui::Color32 {
    let fill = ctx.global_style().visuals.panel_fill;
    ctx.all_styles_mut(|style| style.visuals.panel_fill = egui::Color32::TRANSPARENT);
    fill
}

impl NiceEguiApp for EditorApp {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), baseview::HandlerError> {
        self.panel_fill = take_panel_fill(&egui_ctx);
        frame.set_clear_color(plot::clear_colour());
        self.gui_context = Some(nice_gui_ctx);
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        self.draw(ui, Instant::now());
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
        self.shared.set_system_scale(system_scale);
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
mod tests;
