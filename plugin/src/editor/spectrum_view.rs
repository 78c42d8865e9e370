//! The spectrum view: the analysis engine's averaged spectrum (and peak hold) on a log-frequency
//! axis between the chosen limits, with a readout of the loudest peak.

use egui::{Align2, FontId, Pos2, Rect, Sense, Shape, Stroke, Ui, pos2, vec2};
use ringscope::analysis::{FrequencyAxis, FrequencyScale, Note, SpectrumCurve};

use super::display::DisplayState;
use super::theme;
use crate::params::RingscopeParams;

/// Frequency grid lines and their labels.
const GRID_HZ: [(f32, &str); 10] = [
    (20.0, "20"),
    (50.0, "50"),
    (100.0, "100"),
    (200.0, "200"),
    (500.0, "500"),
    (1000.0, "1k"),
    (2000.0, "2k"),
    (5000.0, "5k"),
    (10_000.0, "10k"),
    (20_000.0, "20k"),
];

/// The frequency axis and dB range to draw, made valid whatever the parameters say.
pub fn ranges(params: &RingscopeParams, sample_rate: f32) -> (FrequencyAxis, (f32, f32)) {
    let nyquist = f64::from(sample_rate) / 2.0;
    let lo = f64::from(params.freq_min_hz.value()).clamp(1.0, nyquist * 0.5);
    let hi = f64::from(params.freq_max_hz.value()).clamp(lo * 2.0, nyquist);
    let db_lo = params.db_min.value();
    let db_hi = params.db_max.value().max(db_lo + 6.0);
    let axis = FrequencyAxis {
        scale: FrequencyScale::Logarithmic,
        min_hz: lo,
        max_hz: hi,
    };
    (axis.sanitized(), (db_lo, db_hi))
}

/// The spectrum view's buffers, reused between frames.
#[derive(Debug, Default)]
pub struct SpectrumView {
    columns: Vec<f32>,
    points: Vec<Pos2>,
}

impl SpectrumView {
    /// Draws the spectrum into all of `ui`'s available space.
    pub fn show(&mut self, ui: &mut Ui, display: &mut DisplayState, params: &RingscopeParams) {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let rect = response.rect;
        painter.rect_filled(rect, 2.0, theme::PLOT_BACKGROUND);
        let (axis, (db_lo, db_hi)) = ranges(params, display.sample_rate);
        let x_of = |hz: f64| rect.left() + axis.fraction_of(hz) as f32 * rect.width();
        let y_of = |db: f32| {
            let db = db.clamp(db_lo - 10.0, db_hi + 10.0);
            rect.top() + (db_hi - db) / (db_hi - db_lo) * rect.height()
        };
        draw_grid(&painter, rect, &axis, (db_lo, db_hi), x_of, y_of);

        let width = rect.width().max(1.0) as usize;
        self.columns.resize(width, 0.0);
        let peak_hold = params.peak_hold_s.value() > 0.0;
        let clip = painter.with_clip_rect(rect);
        for &channel in display.settings.channels() {
            let colour = theme::channel_colour(channel);
            let curves: &[SpectrumCurve] = if peak_hold {
                &[SpectrumCurve::PeakHold, SpectrumCurve::Average]
            } else {
                &[SpectrumCurve::Average]
            };
            for &curve in curves {
                display
                    .spectrum
                    .render(channel, curve, &axis, &mut self.columns);
                self.points.clear();
                self.points.extend(
                    self.columns
                        .iter()
                        .enumerate()
                        .map(|(c, &db)| pos2(rect.left() + c as f32 + 0.5, y_of(db))),
                );
                let stroke = match curve {
                    SpectrumCurve::Average => Stroke::new(1.5, colour),
                    SpectrumCurve::PeakHold => Stroke::new(1.0, colour.gamma_multiply(0.45)),
                };
                clip.add(Shape::line(self.points.clone(), stroke));
            }
        }

        // Loudest peak of the first trace, with its note.
        if let Some(&channel) = display.settings.channels().first()
            && let Some(peak) = display.spectrum.peak(channel, axis.min_hz, axis.max_hz)
            && peak.level_db > f64::from(db_lo)
        {
            let note = Note::nearest(peak.frequency_hz, 440.0)
                .map(|n| format!(" {}{} {:+.0}¢", n.name(), n.octave(), n.cents))
                .unwrap_or_default();
            painter.text(
                rect.right_top() + vec2(-6.0, 4.0),
                Align2::RIGHT_TOP,
                format!(
                    "peak {:.1} Hz{note} · {:.1} dBFS",
                    peak.frequency_hz, peak.level_db
                ),
                FontId::proportional(12.0),
                theme::LABEL,
            );
        }
    }
}

fn draw_grid(
    painter: &egui::Painter,
    rect: Rect,
    axis: &FrequencyAxis,
    (db_lo, db_hi): (f32, f32),
    x_of: impl Fn(f64) -> f32,
    y_of: impl Fn(f32) -> f32,
) {
    for (hz, label) in GRID_HZ {
        let hz = f64::from(hz);
        if hz < axis.min_hz || hz > axis.max_hz {
            continue;
        }
        let x = x_of(hz);
        painter.line_segment(
            [pos2(x, rect.top()), pos2(x, rect.bottom())],
            Stroke::new(1.0, theme::GRID),
        );
        painter.text(
            pos2(x + 2.0, rect.bottom() - 2.0),
            Align2::LEFT_BOTTOM,
            label,
            FontId::proportional(11.0),
            theme::LABEL,
        );
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
