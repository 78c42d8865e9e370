//! What the ticks' tests share: label widths estimated without a window, and label placement
//! checked for overlap on every call.

use super::{Ticks, label_span, labels::LABEL_GAP};

/// Width estimate for tests: every character as wide as a digit of an 11 pt font.
pub const CHAR: f32 = 6.5;

fn labels(ticks: &Ticks) -> Vec<String> {
    ticks
        .ticks
        .iter()
        .filter(|t| t.labelled)
        .map(|t| ticks.label(t.value))
        .collect()
}

/// Chooses labels of a horizontal axis with estimated widths, and checks that the placed
/// ones do not overlap.
pub fn place(ticks: &mut Ticks, length: f32) -> Vec<String> {
    place_with(ticks, length, |label| label.chars().count() as f32 * CHAR)
}

/// The same for a vertical axis: every label is a line of text 13 pt tall.
pub fn place_vertical(ticks: &mut Ticks, length: f32) -> Vec<String> {
    place_with(ticks, length, |_| 13.0)
}

fn place_with(ticks: &mut Ticks, length: f32, extent: impl Fn(&str) -> f32) -> Vec<String> {
    let extents: Vec<f32> = ticks
        .ticks
        .iter()
        .map(|t| extent(&ticks.label(t.value)))
        .collect();
    ticks.choose_labels(length, &extents);
    let mut spans: Vec<(f32, f32)> = ticks
        .ticks
        .iter()
        .zip(&extents)
        .filter(|(t, _)| t.labelled)
        .map(|(t, &e)| label_span(t.fraction, e, length))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    for pair in spans.windows(2) {
        assert!(
            pair[0].1 + LABEL_GAP <= pair[1].0 + 1e-3,
            "labels overlap at {length} pt: {spans:?}"
        );
    }
    for &(s, e) in &spans {
        assert!(s >= 0.0 && e <= length + 1e-3, "label outside the axis");
    }
    labels(ticks)
}
