//! The spectrum view: log-frequency axis between the chosen limits, dBFS axis.

use egui::{Align2, FontId, Rect, Sense, Stroke, Ui, pos2};

use super::display::DisplayState;
use super::theme;
use crate::params::RingscopeParams;

/// Frequency grid lines and which of them carry a label.
const GRID_HZ: [(f32, Option<&str>); 10] = [
    (20.0, Some("20")),
    (50.0, Some("50")),
    (100.0, Some("100")),
    (200.0, Some("200")),
    (500.0, Some("500")),
    (1000.0, Some("1k")),
    (2000.0, Some("2k")),
    (5000.0, Some("5k")),
    (10_000.0, Some("10k")),
    (20_000.0, Some("20k")),
];

/// The frequency and level ranges to draw, made valid whatever the parameters say.
pub fn ranges(params: &RingscopeParams, sample_rate: f32) -> ((f32, f32), (f32, f32)) {
    let nyquist = sample_rate / 2.0;
    let lo = params.freq_min_hz.value().clamp(1.0, nyquist * 0.5);
    let hi = params.freq_max_hz.value().clamp(lo * 2.0, nyquist);
    let db_lo = params.db_min.value();
    let db_hi = params.db_max.value().max(db_lo + 6.0);
    ((lo, hi), (db_lo, db_hi))
}

/// Spectrum view state between frames.
#[derive(Debug, Default)]
pub struct SpectrumView {}

impl SpectrumView {
    /// Draws the spectrum into `ui`'s available space.
    pub fn show(&mut self, ui: &mut Ui, display: &DisplayState, params: &RingscopeParams) {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let rect = response.rect;
        painter.rect_filled(rect, 2.0, theme::PLOT_BACKGROUND);
        let ((f_lo, f_hi), (db_lo, db_hi)) = ranges(params, display.sample_rate);
        let x_of = |f: f32| rect.left() + (f / f_lo).ln() / (f_hi / f_lo).ln() * rect.width();
        let y_of = |db: f32| rect.top() + (db_hi - db) / (db_hi - db_lo) * rect.height();
        draw_grid(&painter, rect, (f_lo, f_hi), (db_lo, db_hi), x_of, y_of);

        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            "Spectrum: waiting for the analysis engine (ringscope::analysis)",
            FontId::proportional(13.0),
            theme::LABEL,
        );
    }
}

fn draw_grid(
    painter: &egui::Painter,
    rect: Rect,
    (f_lo, f_hi): (f32, f32),
    (db_lo, db_hi): (f32, f32),
    x_of: impl Fn(f32) -> f32,
    y_of: impl Fn(f32) -> f32,
) {
    for (hz, label) in GRID_HZ {
        if hz < f_lo || hz > f_hi {
            continue;
        }
        let x = x_of(hz);
        painter.line_segment(
            [pos2(x, rect.top()), pos2(x, rect.bottom())],
            Stroke::new(1.0, theme::GRID),
        );
        if let Some(label) = label {
            painter.text(
                pos2(x + 2.0, rect.bottom() - 2.0),
                Align2::LEFT_BOTTOM,
                label,
                FontId::proportional(11.0),
                theme::LABEL,
            );
        }
    }
    let step = if db_hi - db_lo > 60.0 { 12.0 } else { 6.0 };
    let mut db = (db_hi / step).floor() * step;
    while db > db_lo {
        let y = y_of(db);
        painter.line_segment(
            [pos2(rect.left(), y), pos2(rect.right(), y)],
            Stroke::new(
                1.0,
                if db == 0.0 {
                    theme::GRID_STRONG
                } else {
                    theme::GRID
                },
            ),
        );
        painter.text(
            pos2(rect.left() + 2.0, y - 1.0),
            Align2::LEFT_BOTTOM,
            format!("{db:.0}"),
            FontId::proportional(11.0),
            theme::LABEL,
        );
        db -= step;
    }
}
