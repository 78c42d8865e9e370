//! The loudness history graph: momentary loudness (a band, each column's lowest to highest
//! 100 ms value) and short-term loudness (a line) over the last `span_min` minutes, newest at
//! the right, on a LUFS axis and a time axis in minutes and seconds ago. The integrated loudness
//! is a dashed line with its value, the target a line with its name; whatever lies above the
//! target (band and line) is drawn in the warning colour. Under the pointer a crosshair reads
//! the time ago and the momentary and short-term loudness of the 100 ms block there (also while
//! frozen). Reset (top left) starts the loudness programme over: integrated loudness, LRA, the
//! maxima and the history.
//!
//! The history is the plugin's [`LoudnessMonitor`](crate::loudness_monitor::LoudnessMonitor),
//! not the window's: it survives closing and reopening the editor.

use egui::epaint::Mesh;
use egui::{Align2, Button, Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, pos2, vec2};
use nice_plug::prelude::Enum;
use ringscope::analysis::{ColumnMinMax, FLOOR_DB, Loudness, LoudnessCurve};

use super::display::DisplayState;
use super::format::{self, Sign};
use super::plot::{self, AxisPainter, LevelScale, PlotFrame};
use super::readout::Readout;
use super::{theme, trace};
use crate::params::{LoudnessTarget, RingscopeParams};

/// Physical pixels per column of the graph (as the spectrum: the band and line look the same,
/// at half the triangles).
const PIXELS_PER_COLUMN: f32 = 2.0;

/// The time steps the time axis may take, seconds.
const TIME_STEPS: [f64; 9] = [5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0];

/// The loudness axis shown for `target`: 36 LU below it, up to 0 LUFS (6 LU above a target
/// that is higher than −6).
fn lufs_scale(target: f32, plot: Rect) -> LevelScale {
    LevelScale::new(
        plot,
        (target - 36.0).floor(),
        (target + 6.0).max(0.0).ceil(),
    )
}

/// A run of consecutive points of a split curve, all on one side of the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// First point (into the points [`split_at_target`] wrote).
    pub start: usize,
    /// One past the last point.
    pub end: usize,
    /// Whether the run lies above the target.
    pub above: bool,
}

/// Splits a curve of `(x, LUFS)` points at `target` into `points` (as `(x, LUFS)`) and `runs`
/// that lie wholly at-or-below or above it: where the curve crosses the target, the crossing
/// point is interpolated and ends one run and starts the next, so the coloured parts meet
/// exactly on the target line. Unmeasured points (silence, before the history: at or below
/// [`FLOOR_DB`]) break the curve. Reuses both buffers.
pub fn split_at_target(
    curve: impl IntoIterator<Item = (f32, f32)>,
    target: f32,
    points: &mut Vec<Pos2>,
    runs: &mut Vec<Run>,
) {
    points.clear();
    runs.clear();
    let mut previous: Option<(f32, f32)> = None;
    for (x, lufs) in curve {
        // NaN is unmeasured too.
        if lufs.is_nan() || lufs <= FLOOR_DB {
            previous = None;
            continue;
        }
        let above = lufs > target;
        match previous {
            None => runs.push(Run {
                start: points.len(),
                end: points.len(),
                above,
            }),
            Some((px, plufs)) if (plufs > target) != above => {
                let t = (target - plufs) / (lufs - plufs);
                points.push(pos2(px + t * (x - px), target));
                if let Some(run) = runs.last_mut() {
                    run.end = points.len();
                }
                runs.push(Run {
                    start: points.len() - 1,
                    end: points.len(),
                    above,
                });
            }
            Some(_) => {}
        }
        points.push(pos2(x, lufs));
        if let Some(run) = runs.last_mut() {
            run.end = points.len();
        }
        previous = Some((x, lufs));
    }
}

/// Appends a time before now, on the graph's axis and readout: "now", "-30 s", "-2 min",
/// "-1:30"; with `decimals` the seconds get them ("-12.3 s", "-1:05.2").
pub fn write_ago(seconds: f64, decimals: usize, out: &mut String) {
    let scale = 10f64.powi(decimals as i32);
    let seconds = (seconds.max(0.0) * scale).round() / scale;
    if seconds == 0.0 {
        out.push_str("now");
        return;
    }
    let minutes = (seconds / 60.0).floor();
    let rest = seconds - minutes * 60.0;
    use std::fmt::Write;
    let _ = if minutes == 0.0 {
        write!(out, "-{rest:.decimals$} s")
    } else if rest * scale < 0.5 {
        write!(out, "-{minutes} min")
    } else {
        let width = if decimals == 0 { 2 } else { decimals + 3 };
        write!(out, "-{minutes}:{rest:0width$.decimals$}")
    };
}

/// The target's name on its line: the preset's name, or the custom value.
fn write_target(target: LoudnessTarget, lufs: f32, out: &mut String) {
    out.push_str("target ");
    if target == LoudnessTarget::Custom {
        format::write_number(f64::from(lufs), 1, Sign::Negative, out);
        out.push_str(" LUFS (custom)");
    } else {
        out.push_str(LoudnessTarget::variants()[target.to_index()]);
    }
}

/// The loudness graph's buffers, reused between frames.
#[derive(Debug, Default)]
pub struct LoudnessView {
    /// The columns drawn this frame, per curve (momentary, short-term).
    columns: [Vec<ColumnMinMax>; 2],
    /// The short-term line split at the target, `(x, LUFS)`.
    points: Vec<Pos2>,
    runs: Vec<Run>,
    y_axis: AxisPainter,
    readout: Readout,
    text: String,
}

/// What the graph shows this frame, and where.
struct Picture {
    frame: PlotFrame,
    scale: LevelScale,
    span_s: f64,
    target: f32,
    loudness: Loudness,
}

impl LoudnessView {
    /// Lays out and paints the view into all of `ui`'s available space.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        display: &mut DisplayState,
        params: &RingscopeParams,
    ) -> Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let frame = PlotFrame::new(response.rect);
        let target = params.loudness.target_lufs();
        let span_s = f64::from(params.loudness.span_min.value()) * 60.0;
        let columns = frame.columns(ui.ctx().pixels_per_point() / PIXELS_PER_COLUMN);
        let picture = {
            let monitor = display.loudness();
            for (buffer, curve) in self
                .columns
                .iter_mut()
                .zip([LoudnessCurve::Momentary, LoudnessCurve::ShortTerm])
            {
                buffer.resize(columns, ColumnMinMax::default());
                monitor.history.render(curve, span_s, buffer);
            }
            Picture {
                frame,
                scale: lufs_scale(target, frame.plot),
                span_s,
                target,
                loudness: monitor.meters.loudness(),
            }
        };

        let plot = frame.plot;
        plot::background(&painter, plot);
        // Above the target: the zone a loudness meter warns about.
        let target_y = picture.scale.y(target).clamp(plot.top(), plot.bottom());
        painter.rect_filled(
            Rect::from_min_max(plot.min, pos2(plot.right(), target_y)),
            0.0,
            theme::OVER_ZONE,
        );
        self.draw_axes(&painter, &picture);
        let clip = painter.with_clip_rect(plot);
        self.draw_momentary(&clip, &picture);
        self.draw_short_term(&clip, &picture);
        self.draw_lines(&clip, &picture, params.loudness.target.value());
        self.draw_legend(&painter, plot);
        self.hover(&response, &painter, display, &picture);

        let button = Rect::from_min_size(plot.left_top() + vec2(6.0, 4.0), vec2(48.0, 18.0));
        let reset = ui.put(button, Button::new("Reset").small());
        if reset
            .on_hover_text("Start integrated loudness, LRA, the maxima and the history over")
            .clicked()
        {
            display.loudness().reset_loudness();
        }
        response
    }

    /// The grid: LUFS up, minutes ago across.
    fn draw_axes(&mut self, painter: &Painter, picture: &Picture) {
        let Picture {
            frame,
            scale,
            span_s,
            ..
        } = picture;
        let plot = frame.plot;
        let (lo, hi) = scale.range();
        self.y_axis.ticks.decibels(
            f64::from(lo),
            f64::from(hi),
            plot.height(),
            plot::label_height(painter),
        );
        self.y_axis
            .draw_y(painter, plot, (plot.bottom(), plot.top()), frame.left);

        // Labels need room for "-12:30" and a gap.
        let room = 9.0 * plot::digit_width(painter);
        let step = TIME_STEPS
            .into_iter()
            .find(|&s| s / span_s * f64::from(plot.width()) >= f64::from(room))
            .unwrap_or(*span_s);
        let mut ago = 0.0;
        while ago <= *span_s + 1e-6 {
            let x = plot.right() - (ago / span_s) as f32 * plot.width();
            let x = painter.round_to_pixel_center(x);
            painter.vline(x, plot.y_range(), Stroke::new(1.0, theme::GRID));
            self.text.clear();
            write_ago(ago, 0, &mut self.text);
            let align = if ago == 0.0 {
                Align2::RIGHT_TOP
            } else if ago + step > *span_s + 1e-6 && x - room < plot.left() {
                Align2::LEFT_TOP
            } else {
                Align2::CENTER_TOP
            };
            painter.text(
                pos2(x, frame.bottom.top() + 1.0),
                align,
                &self.text,
                theme::axis_font(),
                theme::LABEL,
            );
            ago += step;
        }
    }

    /// Each column's lowest to highest momentary loudness, the part above the target in the
    /// warning colour.
    fn draw_momentary(&self, painter: &Painter, picture: &Picture) {
        let Picture { frame, scale, .. } = picture;
        let values = &self.columns[LoudnessCurve::Momentary as usize];
        let width = frame.plot.width() / values.len().max(1) as f32;
        let target_y = scale.y(picture.target);
        let mut mesh = Mesh::default();
        for (c, column) in values.iter().enumerate() {
            if column.max <= FLOOR_DB {
                continue;
            }
            let x = frame.column_x(c, values.len());
            let (x0, x1) = (x - 0.5 * width, x + 0.5 * width);
            let top = scale.y(column.max);
            // At least a pixel thick, so a steady loudness still shows.
            let bottom = scale.y(column.min).max(top + 1.0);
            if top < target_y {
                let rect = Rect::from_min_max(pos2(x0, top), pos2(x1, bottom.min(target_y)));
                mesh.add_colored_rect(rect, theme::LOUDNESS_ABOVE_TARGET.gamma_multiply(0.55));
            }
            if bottom > target_y {
                let rect = Rect::from_min_max(pos2(x0, top.max(target_y)), pos2(x1, bottom));
                mesh.add_colored_rect(rect, theme::LOUDNESS_MOMENTARY);
            }
        }
        painter.add(Shape::mesh(mesh));
    }

    /// The short-term line (each column's highest value), split at the target.
    fn draw_short_term(&mut self, painter: &Painter, picture: &Picture) {
        let Picture { frame, scale, .. } = picture;
        let values = &self.columns[LoudnessCurve::ShortTerm as usize];
        let count = values.len();
        split_at_target(
            values
                .iter()
                .enumerate()
                .map(|(c, column)| (frame.column_x(c, count), column.max)),
            picture.target,
            &mut self.points,
            &mut self.runs,
        );
        for run in &self.runs {
            let colour = if run.above {
                theme::LOUDNESS_ABOVE_TARGET
            } else {
                theme::LOUDNESS_SHORT_TERM
            };
            let line: Vec<Pos2> = self.points[run.start..run.end]
                .iter()
                .map(|p| pos2(p.x, scale.y(p.y)))
                .collect();
            painter.add(trace::line_shape(painter, &line, Stroke::new(1.5, colour)));
        }
    }

    /// The target line with its name, and the integrated loudness as a dashed line with its
    /// value.
    fn draw_lines(&mut self, painter: &Painter, picture: &Picture, target: LoudnessTarget) {
        let Picture { frame, scale, .. } = picture;
        let plot = frame.plot;
        let font = theme::axis_font();
        let y = painter.round_to_pixel_center(scale.y(picture.target));
        painter.hline(plot.x_range(), y, Stroke::new(1.0, theme::LOUDNESS_TARGET));
        self.text.clear();
        write_target(target, picture.target, &mut self.text);
        painter.text(
            pos2(plot.left() + 60.0, y - 1.0),
            Align2::LEFT_BOTTOM,
            &self.text,
            font.clone(),
            theme::LOUDNESS_TARGET,
        );

        let integrated = picture.loudness.integrated_lufs as f32;
        if integrated.is_finite() {
            let y = painter.round_to_pixel_center(scale.y(integrated));
            painter.extend(Shape::dashed_line(
                &[pos2(plot.left(), y), pos2(plot.right(), y)],
                Stroke::new(1.0, theme::LOUDNESS_INTEGRATED),
                6.0,
                4.0,
            ));
            self.text.clear();
            self.text.push_str("I ");
            format::write_db(integrated, "LUFS", &mut self.text);
            painter.text(
                pos2(plot.right() - 6.0, y - 1.0),
                Align2::RIGHT_BOTTOM,
                &self.text,
                font,
                theme::LOUDNESS_INTEGRATED,
            );
        }
    }

    /// Which colour is which, at the top right.
    fn draw_legend(&self, painter: &Painter, plot: Rect) {
        let font = theme::axis_font();
        let mut x = plot.right() - 6.0;
        let y = plot.top() + 4.0;
        for (text, colour) in [
            ("above target", theme::LOUDNESS_ABOVE_TARGET),
            ("short-term", theme::LOUDNESS_SHORT_TERM),
            ("momentary", theme::LOUDNESS_MOMENTARY),
        ] {
            let rect = painter.text(pos2(x, y), Align2::RIGHT_TOP, text, font.clone(), colour);
            x = rect.left() - 12.0;
        }
    }

    /// The crosshair and readout under the pointer: time ago, and the momentary and
    /// short-term loudness of the block there.
    fn hover(
        &mut self,
        response: &Response,
        painter: &Painter,
        display: &DisplayState,
        picture: &Picture,
    ) {
        let Picture { frame, scale, .. } = picture;
        let Some(pointer) = frame.hovered(response) else {
            return;
        };
        let plot = frame.plot;
        plot::crosshair(painter, plot, pointer);
        let ago = (1.0 - frame.fraction_at(pointer.x)).clamp(0.0, 1.0) * picture.span_s;
        let (momentary, short_term) = {
            let monitor = display.loudness();
            (
                monitor.history.value_at(LoudnessCurve::Momentary, ago),
                monitor.history.value_at(LoudnessCurve::ShortTerm, ago),
            )
        };
        self.readout.clear();
        self.readout.push_line(theme::READOUT_TEXT, |s| {
            write_ago(ago, 1, s);
        });
        for (label, value, colour) in [
            ("M ", momentary, theme::LOUDNESS_MOMENTARY),
            ("S ", short_term, theme::LOUDNESS_SHORT_TERM),
        ] {
            self.readout.push_line(colour, |s| {
                s.push_str(label);
                match value {
                    Some(lufs) => format::write_db(lufs, "LUFS", s),
                    None => s.push_str("not measured"),
                }
            });
            if let Some(lufs) = value.filter(|&v| v > FLOOR_DB) {
                let y = scale.y(lufs);
                if (plot.top()..=plot.bottom()).contains(&y) {
                    plot::value_mark(painter, pos2(pointer.x, y), colour);
                }
            }
        }
        plot::readout_box(painter, plot, pointer, &self.readout);
        let mut time_tag = String::new();
        write_ago(ago, 0, &mut time_tag);
        let mut level_tag = String::new();
        format::write_number(
            f64::from(scale.level(pointer.y)),
            1,
            Sign::Negative,
            &mut level_tag,
        );
        plot::crosshair_tags(painter, frame, pointer, time_tag, level_tag);
    }
}

#[cfg(test)]
mod tests;
