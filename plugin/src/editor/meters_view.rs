//! The meters strip: peak and RMS per channel with falling ballistics, and L/R correlation.

use std::time::Instant;

use egui::{Align2, FontId, Rect, Sense, Stroke, Ui, pos2, vec2};

use super::display::DisplayState;
use super::scope_view::Signal;
use super::theme;

/// Meter scale bottom, dBFS.
const FLOOR_DB: f32 = -60.0;
/// Meter scale top, dBFS.
const CEILING_DB: f32 = 6.0;
/// Peak indicator fall rate, dB per second.
const PEAK_FALL_DB_PER_S: f32 = 20.0;
/// RMS bar smoothing time constant, seconds.
const RMS_TIME_CONSTANT_S: f32 = 0.3;

/// Meter ballistics between frames.
#[derive(Debug, Default)]
pub struct MetersView {
    peak_db: [f32; 2],
    rms_db: [f32; 2],
    correlation: f32,
    last: Option<Instant>,
}

fn to_db(v: f32) -> f32 {
    if v > 0.0 {
        (20.0 * v.log10()).max(FLOOR_DB)
    } else {
        FLOOR_DB
    }
}

impl MetersView {
    fn update(&mut self, display: &DisplayState, now: Instant) {
        let dt = self
            .last
            .map_or(0.0, |t| now.duration_since(t).as_secs_f32().min(1.0));
        self.last = Some(now);
        let fresh = display.frames_last_drain > 0;
        let alpha = 1.0 - (-dt / RMS_TIME_CONSTANT_S).exp();
        for c in 0..2 {
            let fallen = (self.peak_db[c] - PEAK_FALL_DB_PER_S * dt).max(FLOOR_DB);
            let new_peak = if fresh {
                to_db(display.recent_peak[c])
            } else {
                FLOOR_DB
            };
            self.peak_db[c] = fallen.max(new_peak);
            let target = if fresh {
                to_db(display.recent_rms[c])
            } else {
                FLOOR_DB
            };
            self.rms_db[c] += alpha * (target - self.rms_db[c]);
        }
        let target = if fresh {
            display.recent_correlation.unwrap_or(0.0)
        } else {
            0.0
        };
        self.correlation += alpha * (target - self.correlation);
    }

    /// Draws the strip into `ui`'s available space.
    pub fn show(&mut self, ui: &mut Ui, display: &DisplayState, now: Instant) {
        if self.last.is_none() {
            self.peak_db = [FLOOR_DB; 2];
            self.rms_db = [FLOOR_DB; 2];
        }
        self.update(display, now);
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let rect = response.rect;
        painter.rect_filled(rect, 2.0, theme::PLOT_BACKGROUND);

        let label_h = 16.0;
        let corr_h = 34.0;
        let bars = Rect::from_min_max(
            rect.min + vec2(6.0, label_h),
            pos2(rect.max.x - 6.0, rect.max.y - corr_h - 4.0),
        );
        let y_of = |db: f32| {
            let t = (db - FLOOR_DB) / (CEILING_DB - FLOOR_DB);
            bars.bottom() - t.clamp(0.0, 1.0) * bars.height()
        };
        // Scale ticks every 12 dB and at 0 dBFS.
        for db in [0.0f32, -12.0, -24.0, -36.0, -48.0] {
            let y = y_of(db);
            painter.line_segment(
                [pos2(bars.left(), y), pos2(bars.right(), y)],
                Stroke::new(
                    1.0,
                    if db == 0.0 {
                        theme::GRID_STRONG
                    } else {
                        theme::GRID
                    },
                ),
            );
        }
        let bar_w = (bars.width() - 6.0) / 2.0;
        for (c, signal) in [Signal::Left, Signal::Right].into_iter().enumerate() {
            let x0 = bars.left() + c as f32 * (bar_w + 6.0);
            let colour = theme::channel_colour(signal, c);
            let rms = Rect::from_min_max(
                pos2(x0, y_of(self.rms_db[c])),
                pos2(x0 + bar_w, bars.bottom()),
            );
            painter.rect_filled(rms, 0.0, colour.gamma_multiply(0.6));
            let y = y_of(self.peak_db[c]);
            painter.line_segment([pos2(x0, y), pos2(x0 + bar_w, y)], Stroke::new(2.0, colour));
            painter.text(
                pos2(x0 + bar_w / 2.0, rect.top() + 2.0),
                Align2::CENTER_TOP,
                if c == 0 { "L" } else { "R" },
                FontId::proportional(11.0),
                theme::LABEL,
            );
        }
        let peak = self.peak_db[0].max(self.peak_db[1]);
        painter.text(
            pos2(rect.center().x, bars.bottom() + 2.0),
            Align2::CENTER_TOP,
            if peak <= FLOOR_DB {
                "−∞ dB".to_owned()
            } else {
                format!("{peak:.1} dB")
            },
            FontId::proportional(11.0),
            theme::LABEL,
        );
        // Correlation: −1 … +1 across the strip.
        let corr_y = rect.bottom() - 10.0;
        let x_of =
            |c: f32| rect.left() + 6.0 + (c.clamp(-1.0, 1.0) + 1.0) / 2.0 * (rect.width() - 12.0);
        painter.line_segment(
            [pos2(x_of(-1.0), corr_y), pos2(x_of(1.0), corr_y)],
            Stroke::new(1.0, theme::GRID_STRONG),
        );
        painter.circle_filled(pos2(x_of(self.correlation), corr_y), 4.0, theme::INFO);
        painter.text(
            pos2(rect.center().x, corr_y - 6.0),
            Align2::CENTER_BOTTOM,
            format!("corr {:+.2}", self.correlation),
            FontId::proportional(10.0),
            theme::LABEL,
        );
    }
}
