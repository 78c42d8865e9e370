//! The reference traces over the spectrum (see [`crate::compare::reference`]): captured here
//! when the Compare group asks (this view holds the analysis), drawn as lines in their own
//! colours with their names in a legend row of their own, and the notice about saved
//! references that could not be read.

use egui::{Align2, Color32, Painter, Stroke, pos2};

use super::{LegendRow, Lines, Picture};
use crate::compare::{MAX_REFERENCES, Reference};
use crate::editor::display::DisplayState;
use crate::editor::{plot, theme};
use crate::params::RingscopeParams;

/// The references' colours, by position in the list: apart from the channels' and the
/// overlays' (warm and earthy where those are bright).
const COLOURS: [Color32; MAX_REFERENCES] = [
    Color32::from_rgb(230, 150, 120),
    Color32::from_rgb(160, 200, 120),
    Color32::from_rgb(200, 160, 210),
];

/// The colour of reference `index` (0 … [`MAX_REFERENCES`] − 1).
pub(crate) fn reference_colour(index: usize) -> Color32 {
    COLOURS[index % MAX_REFERENCES]
}

/// Does a capture asked for, then draws every reference and the notice (GUI thread).
pub(super) fn show(
    lines: &mut Lines,
    painter: &Painter,
    display: &mut DisplayState,
    params: &RingscopeParams,
    picture: &Picture,
) {
    let compare = &params.compare;
    let mut references = compare.references();
    if let Some(curve) = compare.take_capture()
        && let Some(&channel) = picture.channels.first()
    {
        let name = references.next_name();
        let reference = Reference::capture(&mut display.spectrum, channel, curve, &name);
        // Full: refused (the Compare group disables capturing then and says why).
        let _ = references.add(reference);
    }
    let slope = display.settings.spectrum.slope_db_per_octave as f32;
    // Their own legend row, under the overlays'.
    let mut legend = LegendRow::new(painter, picture, 1);
    for (index, reference) in references.list().iter().enumerate() {
        let stroke = Stroke::new(1.5, reference_colour(index));
        lines.columns.resize(picture.columns, 0.0);
        reference.render(&picture.axis, slope, &mut lines.columns);
        lines.draw(painter, picture, stroke);
        legend.entry(painter, reference.name.clone(), stroke);
    }
    if let Some(notice) = references.notice() {
        let plot = picture.frame.plot;
        let y = plot.top() + 6.0 + 3.0 * plot::label_height(painter);
        painter.text(
            pos2(plot.right() - 6.0, y),
            Align2::RIGHT_TOP,
            notice,
            theme::axis_font(),
            theme::WARNING,
        );
    }
}

#[cfg(test)]
mod tests {
    use egui::Shape;
    use egui::epaint::ColorMode;
    use ringscope::analysis::SpectrumCurve;

    use super::*;
    use crate::editor::display::AnalysisSettings;

    #[test]
    fn a_capture_asked_for_is_drawn_in_its_colour_with_its_name_and_a_notice_shows() {
        let params = RingscopeParams::default();
        let mut display = DisplayState::new(48_000.0, AnalysisSettings::from_params(&params));
        let tone: Vec<[f32; 2]> = (0..48_000)
            .map(|n| {
                let x = 0.5 * (n as f32 * 1000.0 / 48_000.0 * std::f32::consts::TAU).sin();
                [x, x]
            })
            .collect();
        display.spectrum.feed(&tone);
        let picture = Picture::for_tests(display.settings.channels());
        params.compare.request_capture(SpectrumCurve::Average);
        params
            .compare
            .references
            .write()
            .unwrap()
            .dropped_for_test(2);
        let ctx = egui::Context::default();
        let mut lines = Lines::default();
        let mut drawn = ctx.run_ui(egui::RawInput::default(), |ui| {
            show(&mut lines, ui.painter(), &mut display, &params, &picture);
        });
        drawn.textures_delta.clear();
        assert_eq!(params.compare.take_capture(), None, "the request is taken");
        let references = params.compare.references();
        assert_eq!(references.list().len(), 1);
        assert_eq!(references.list()[0].name, "Ref 1");
        let shapes = drawn.shapes;
        let line = shapes.iter().any(|s| match &s.shape {
            Shape::Path(p) => p.stroke.color == ColorMode::Solid(reference_colour(0)),
            _ => false,
        });
        assert!(line, "a line in the first reference's colour");
        let text = |wanted: &str| {
            shapes.iter().any(|s| match &s.shape {
                Shape::Text(t) => t.galley.text() == wanted,
                _ => false,
            })
        };
        assert!(text("Ref 1"), "the name in the legend");
        assert!(text(
            "2 saved references could not be read and were dropped"
        ));
    }
}
