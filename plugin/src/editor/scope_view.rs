//! The oscilloscope view: asks the analysis engine's [`Scope`](ringscope::analysis::Scope) for
//! the window to show and one (min, max) pair per pixel column, and draws each trace.
//!
//! Dense windows draw a filled envelope (a 10 s window of a 1 kHz tone is a band, never an
//! aliased wave); sparse ones a line through the interpolated samples.

use egui::{Align2, FontId, Pos2, Rect, Sense, Shape, Stroke, Ui, pos2, vec2};
use ringscope::analysis::{ColumnMinMax, ScopeStatus, TriggerMode};

use super::display::DisplayState;
use super::theme;

/// The scope view's buffers, reused between frames.
#[derive(Debug, Default)]
pub struct ScopeView {
    columns: Vec<ColumnMinMax>,
    points: Vec<Pos2>,
}

/// A short caption for the scope's status.
fn status_text(status: ScopeStatus) -> &'static str {
    match status {
        ScopeStatus::FreeRun => "free run",
        ScopeStatus::Triggered => "triggered",
        ScopeStatus::Waiting => "waiting for trigger",
        ScopeStatus::AutoFreeRun => "auto: no trigger",
        ScopeStatus::Stopped => "single: captured",
        ScopeStatus::BeatSync => "beat sync",
        ScopeStatus::BeatSyncIdle => "beat sync: transport stopped",
        ScopeStatus::Frozen => "frozen",
    }
}

/// Formats a duration in seconds as "850 µs", "20.0 ms" or "2.50 s".
fn format_seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

impl ScopeView {
    /// Draws the scope into all of `ui`'s available space.
    pub fn show(&mut self, ui: &mut Ui, display: &DisplayState) {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let rect = response.rect;
        painter.rect_filled(rect, 2.0, theme::PLOT_BACKGROUND);
        draw_grid(&painter, rect);

        let view = display.scope.view();
        let width = rect.width().max(1.0) as usize;
        self.columns.resize(width, ColumnMinMax::default());
        let y = |v: f32| rect.center().y - v.clamp(-1.5, 1.5) * rect.height() * 0.5;
        // Only columns that hold recorded samples: right of the newest sample there is nothing
        // to draw (a sweep still filling, or a view that reaches past the newest frame). In beat
        // sync the columns right of the cursor show the previous sweep, so all are drawn.
        let drawn = if view.cursor.is_some() {
            width
        } else {
            let recorded = ((view.newest - view.start) / view.length).clamp(0.0, 1.0);
            ((recorded * width as f64).ceil() as usize).min(width)
        };
        for &channel in display.settings.channels() {
            display.scope.render(&view, channel, &mut self.columns);
            self.points.clear();
            for (c, column) in self.columns[..drawn].iter().enumerate() {
                let x = rect.left() + c as f32 + 0.5;
                // Zig-zag through each column's extremes: a band where the signal is dense,
                // a line where it is not (min = max).
                if c % 2 == 0 {
                    self.points.push(pos2(x, y(column.min)));
                    self.points.push(pos2(x, y(column.max)));
                } else {
                    self.points.push(pos2(x, y(column.max)));
                    self.points.push(pos2(x, y(column.min)));
                }
            }
            let colour = theme::channel_colour(channel);
            painter.add(Shape::line(self.points.clone(), Stroke::new(1.5, colour)));
        }

        let trigger = display.settings.scope.trigger;
        if !matches!(trigger.mode, TriggerMode::FreeRun | TriggerMode::BeatSync) {
            let y = y(trigger.level);
            painter.line_segment(
                [pos2(rect.left(), y), pos2(rect.left() + 10.0, y)],
                Stroke::new(2.0, theme::TRIGGER_MARKER),
            );
        }
        if let Some(at) = view.trigger {
            let x = rect.left() + at as f32 * rect.width();
            painter.line_segment(
                [pos2(x, rect.top()), pos2(x, rect.top() + 8.0)],
                Stroke::new(2.0, theme::TRIGGER_MARKER),
            );
        }
        if let Some(at) = view.cursor {
            let x = rect.left() + at as f32 * rect.width();
            painter.line_segment(
                [pos2(x, rect.top()), pos2(x, rect.bottom())],
                Stroke::new(1.0, theme::GRID_STRONG),
            );
        }
        painter.text(
            rect.left_top() + vec2(6.0, 4.0),
            Align2::LEFT_TOP,
            format!(
                "{} · {}",
                format_seconds(view.length_seconds()),
                status_text(view.status)
            ),
            FontId::proportional(12.0),
            theme::LABEL,
        );
    }
}

fn draw_grid(painter: &egui::Painter, rect: Rect) {
    let stroke = Stroke::new(1.0, theme::GRID);
    for i in 1..10 {
        let x = rect.left() + rect.width() * i as f32 / 10.0;
        painter.line_segment([pos2(x, rect.top()), pos2(x, rect.bottom())], stroke);
    }
    for i in 1..8 {
        let y = rect.top() + rect.height() * i as f32 / 8.0;
        let stroke = if i == 4 {
            Stroke::new(1.0, theme::GRID_STRONG)
        } else {
            stroke
        };
        painter.line_segment([pos2(rect.left(), y), pos2(rect.right(), y)], stroke);
    }
}
