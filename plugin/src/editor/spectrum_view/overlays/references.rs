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
