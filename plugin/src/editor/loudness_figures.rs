//! The loudness figures (integrated, range, maxima, PLR). (Placeholder pane: the view is being built.)

use egui::{Align2, Response, Sense, Ui};

use super::display::DisplayState;
use super::theme;
use crate::params::RingscopeParams;

/// The loudness figures (integrated, range, maxima, PLR).
#[derive(Debug, Default)]
pub struct LoudnessFigures {}

impl LoudnessFigures {
    /// Lays out and paints the view into all of `ui`'s available space.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        _display: &mut DisplayState,
        _params: &RingscopeParams,
    ) -> Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        painter.text(
            response.rect.center(),
            Align2::CENTER_CENTER,
            "The loudness figures (integrated, range, maxima, PLR)",
            egui::FontId::proportional(14.0),
            theme::LABEL_DIM,
        );
        response
    }
}
