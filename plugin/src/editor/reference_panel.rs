//! The Compare group's reference traces: capture the first trace's average or peak hold as a
//! named reference (at most [`MAX_REFERENCES`]; a capture beyond that is refused, see
//! [`crate::compare::reference`]), rename and delete them, and the notice about saved ones
//! that could not be read.

use ringscope::analysis::SpectrumCurve;

use egui::{RichText, Ui};

use crate::compare::MAX_REFERENCES;
use crate::editor::spectrum_view::overlays::reference_colour;
use crate::editor::theme;
use crate::params::{Pane, RingscopeParams};

/// Why capturing is refused with every place taken.
pub const FULL: &str = "3 references kept: delete one to capture another.";

/// The references part of the Compare group.
pub fn show(ui: &mut Ui, params: &RingscopeParams) {
    let compare = &params.compare;
    let mut references = compare.references();
    ui.label(format!("Reference traces (up to {MAX_REFERENCES}):"));
    if let Some(notice) = references.notice() {
        ui.horizontal(|ui| {
            ui.label(RichText::new(notice).color(theme::WARNING));
            if ui.small_button("Dismiss").clicked() {
                references.dismiss_notice();
            }
        });
    }
    let mut delete = None;
    for index in 0..references.list().len() {
        ui.horizontal(|ui| {
            let reference = &references.list()[index];
            let mut name = reference.name.clone();
            let kind = match reference.curve {
                SpectrumCurve::Average => "average",
                SpectrumCurve::PeakHold => "peak hold",
            };
            ui.label(RichText::new("━").color(reference_colour(index)));
            if ui.text_edit_singleline(&mut name).changed() {
                references.rename(index, &name);
            }
            ui.label(RichText::new(kind).color(theme::LABEL_DIM));
            if ui.small_button("Delete").clicked() {
                delete = Some(index);
            }
        });
    }
    if let Some(index) = delete {
        references.remove(index);
    }
    // The spectrum view captures (it holds the analysis): only while it shows.
    let shown = params.panes().contains(&Pane::Spectrum);
    let full = references.is_full();
    drop(references);
    let why = if full {
        FULL
    } else if !shown {
        "Capturing needs the spectrum view in the layout."
    } else {
        "Keeps the first trace's curve as a line over the spectrum, saved with the session"
    };
    ui.horizontal(|ui| {
        let hold = params.peak_hold_s.value() > 0.0;
        for (label, curve, on) in [
            ("Capture average", SpectrumCurve::Average, true),
            ("Capture peak hold", SpectrumCurve::PeakHold, hold),
        ] {
            let button = ui
                .add_enabled(shown && !full && on, egui::Button::new(label))
                .on_hover_text(why)
                .on_disabled_hover_text(why);
            if button.clicked() {
                compare.request_capture(curve);
            }
        }
    });
    if full {
        ui.label(RichText::new(FULL).color(theme::LABEL_DIM));
    }
}
