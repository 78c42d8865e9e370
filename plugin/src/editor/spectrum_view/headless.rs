//! The spectrum view drawn without a window, for measurements from outside the crate (the
//! ignored `four_overlays_cost_per_frame` in `plugin/tests/compare.rs`): an egui context, this
//! view and its analysis, and egui's tessellation of what a frame drew, as a renderer would
//! ask for it (only the GPU's share is missing).

use egui::epaint::{ClippedShape, Primitive};
use egui::{Pos2, Rect, vec2};
use ringscope::analysis::valid_sample_rate;

use super::{PIXELS_PER_COLUMN, SpectrumView};
use crate::editor::display::{AnalysisSettings, DisplayState};
use crate::editor::plot::LEFT_GUTTER;
use crate::loudness_monitor::SharedLoudness;
use crate::params::RingscopeParams;

/// One spectrum view in a headless egui context, sized to draw a given number of columns.
#[doc(hidden)]
pub struct HeadlessSpectrum {
    ctx: egui::Context,
    view: SpectrumView,
    display: DisplayState,
    screen: Rect,
}

impl HeadlessSpectrum {
    /// A view of `params` at `sample_rate` on a pane `height` points tall and wide enough for
    /// `columns` columns (at one pixel per point).
    pub fn new(params: &RingscopeParams, sample_rate: f32, columns: usize, height: f32) -> Self {
        let width = LEFT_GUTTER + columns as f32 * PIXELS_PER_COLUMN;
        Self {
            ctx: egui::Context::default(),
            view: SpectrumView::default(),
            display: DisplayState::with_loudness(
                sample_rate,
                AnalysisSettings::from_params(params),
                SharedLoudness::new(valid_sample_rate(f64::from(sample_rate))),
            ),
            screen: Rect::from_min_size(Pos2::ZERO, vec2(width, height)),
        }
    }

    /// Feeds this instance's own stereo `frames` to its analysis, as the editor's drain does.
    pub fn feed(&mut self, frames: &[[f32; 2]]) {
        self.display.spectrum.feed(frames);
    }

    /// Draws one frame (the view, its overlays following `params`) and returns its shapes.
    pub fn draw(&mut self, params: &RingscopeParams) -> Vec<ClippedShape> {
        let input = egui::RawInput {
            screen_rect: Some(self.screen),
            ..Default::default()
        };
        let (view, display) = (&mut self.view, &mut self.display);
        let mut output = self.ctx.run_ui(input, |ui| {
            view.show(ui, display, params);
        });
        // A renderer would upload the font atlas; there is none.
        output.textures_delta.clear();
        output.shapes
    }

    /// Tessellates `shapes` into triangles as the renderer would (at one pixel per point);
    /// returns how many.
    pub fn tessellate(&self, shapes: Vec<ClippedShape>) -> usize {
        self.ctx
            .tessellate(shapes, 1.0)
            .iter()
            .map(|p| match &p.primitive {
                Primitive::Mesh(mesh) => mesh.indices.len() / 3,
                Primitive::Callback(_) => 0,
            })
            .sum()
    }

    /// The columns the last frame drew per curve.
    pub fn columns(&self) -> usize {
        self.view.curves[0].len()
    }
}
