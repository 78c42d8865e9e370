//! The meters strip: sample peak, true peak and RMS per channel, stereo correlation and
//! EBU R128 loudness, all from the analysis engine's `Meters`.

use egui::{Align2, FontId, Rect, Sense, Stroke, Ui, pos2, vec2};
use ringscope::analysis::Channel;

use super::display::DisplayState;
use super::theme;

/// Meter scale bottom, dBFS.
const FLOOR_DB: f32 = -60.0;
/// Meter scale top, dBFS.
const CEILING_DB: f32 = 6.0;

/// Formats a level, "−∞" below the scale.
fn db_text(db: f64, unit: &str) -> String {
    if db.is_finite() && db > f64::from(FLOOR_DB) - 60.0 {
        format!("{db:.1} {unit}")
    } else {
        format!("−∞ {unit}")
    }
}

/// The meters strip (stateless: the ballistics live in the analysis engine).
#[derive(Debug, Default)]
pub struct MetersView;

impl MetersView {
    /// Draws the strip into all of `ui`'s available space.
    pub fn show(&mut self, ui: &mut Ui, display: &DisplayState) {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let rect = response.rect;
        painter.rect_filled(rect, 2.0, theme::PLOT_BACKGROUND);
        let meters = &display.meters;
        let font = FontId::proportional(11.0);

        let label_h = 16.0;
        let text_h = 100.0;
        let bars = Rect::from_min_max(
            rect.min + vec2(6.0, label_h),
            pos2(rect.max.x - 6.0, rect.max.y - text_h),
        );
        let y_of = |db: f32| {
            let t = (db - FLOOR_DB) / (CEILING_DB - FLOOR_DB);
            bars.bottom() - t.clamp(0.0, 1.0) * bars.height()
        };
        for db in [0.0f32, -12.0, -24.0, -36.0, -48.0] {
            let y = y_of(db);
            let colour = if db == 0.0 {
                theme::GRID_STRONG
            } else {
                theme::GRID
            };
            painter.line_segment(
                [pos2(bars.left(), y), pos2(bars.right(), y)],
                Stroke::new(1.0, colour),
            );
        }
        let bar_w = (bars.width() - 6.0) / 2.0;
        for (i, channel) in [Channel::Left, Channel::Right].into_iter().enumerate() {
            let levels = meters.levels(channel);
            let x0 = bars.left() + i as f32 * (bar_w + 6.0);
            let colour = theme::channel_colour(channel);
            let rms = Rect::from_min_max(
                pos2(x0, y_of(levels.rms_db)),
                pos2(x0 + bar_w, bars.bottom()),
            );
            painter.rect_filled(rms, 0.0, colour.gamma_multiply(0.6));
            let peak_y = y_of(levels.peak_db);
            painter.line_segment(
                [pos2(x0, peak_y), pos2(x0 + bar_w, peak_y)],
                Stroke::new(2.0, colour),
            );
            let tp_y = y_of(levels.true_peak_db);
            painter.line_segment(
                [pos2(x0, tp_y), pos2(x0 + bar_w, tp_y)],
                Stroke::new(1.0, theme::LABEL),
            );
            painter.text(
                pos2(x0 + bar_w / 2.0, rect.top() + 2.0),
                Align2::CENTER_TOP,
                channel.label(),
                font.clone(),
                theme::LABEL,
            );
        }

        let peak = meters
            .levels(Channel::Left)
            .peak_db
            .max(meters.levels(Channel::Right).peak_db);
        let true_peak = meters
            .levels(Channel::Left)
            .max_true_peak_db
            .max(meters.levels(Channel::Right).max_true_peak_db);
        let loudness = meters.loudness();
        let lines = [
            format!("pk {}", db_text(f64::from(peak), "dB")),
            format!("TP {}", db_text(f64::from(true_peak), "dBTP")),
            format!("M {}", db_text(loudness.momentary_lufs, "LUFS")),
            format!("S {}", db_text(loudness.short_term_lufs, "LUFS")),
            format!("I {}", db_text(loudness.integrated_lufs, "LUFS")),
        ];
        let mut y = bars.bottom() + 4.0;
        for line in lines {
            painter.text(
                pos2(rect.left() + 4.0, y),
                Align2::LEFT_TOP,
                line,
                font.clone(),
                theme::LABEL,
            );
            y += 13.0;
        }
        // Correlation −1 … +1 across the strip.
        let corr = meters.correlation();
        let corr_y = rect.bottom() - 8.0;
        let x_of =
            |c: f32| rect.left() + 6.0 + (c.clamp(-1.0, 1.0) + 1.0) / 2.0 * (rect.width() - 12.0);
        painter.line_segment(
            [pos2(x_of(-1.0), corr_y), pos2(x_of(1.0), corr_y)],
            Stroke::new(1.0, theme::GRID_STRONG),
        );
        painter.circle_filled(pos2(x_of(corr), corr_y), 3.5, theme::INFO);
        painter.text(
            pos2(rect.left() + 4.0, corr_y - 5.0),
            Align2::LEFT_BOTTOM,
            format!("corr {corr:+.2}"),
            font,
            theme::LABEL,
        );
    }
}
