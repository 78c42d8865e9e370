//! What the views share: the plot frame with its axis gutters, grid lines with labels that never
//! overlap, the hover crosshair, axis tags and the readout box, and the frequency axis the
//! parameters ask for.

use std::sync::Arc;

use egui::epaint::Mesh;
use egui::text::{LayoutJob, TextFormat};
use egui::{
    Align2, Color32, CornerRadius, Galley, Painter, Pos2, Rect, Response, Shape, Stroke, pos2, vec2,
};
use ringscope::analysis::Channel;

use super::readout::Readout;
use super::theme;
use super::ticks::{Ticks, Weight, label_span};
use super::trace;

mod backdrop;
mod frequency_axis;
mod level_scale;

pub use self::backdrop::{Backdrop, background, clear_colour};
pub use self::frequency_axis::frequency_axis;
pub use self::level_scale::LevelScale;

/// Width of the gutter left of a plot (level labels), points. The same for every view, so the
/// scope and the spectrum line up in the split view.
pub const LEFT_GUTTER: f32 = 36.0;
/// Height of the gutter under a plot (time or frequency labels), points.
pub const BOTTOM_GUTTER: f32 = 15.0;
/// Most pixel columns a trace is computed for (a 4K screen at 2×).
pub const MAX_COLUMNS: usize = 8192;

/// A view's area split into the plot and its gutters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotFrame {
    /// Where the curves are drawn.
    pub plot: Rect,
    /// Left of the plot: vertical axis labels.
    pub left: Rect,
    /// Under the plot: horizontal axis labels.
    pub bottom: Rect,
}

impl PlotFrame {
    /// Splits `outer`; a tiny area keeps a plot of at least one point.
    pub fn new(outer: Rect) -> Self {
        let gutter_x = LEFT_GUTTER.min(outer.width() * 0.3);
        let gutter_y = BOTTOM_GUTTER.min(outer.height() * 0.3);
        let plot = Rect::from_min_max(
            pos2(outer.left() + gutter_x, outer.top()),
            pos2(
                outer.right().max(outer.left() + gutter_x + 1.0),
                (outer.bottom() - gutter_y).max(outer.top() + 1.0),
            ),
        );
        Self {
            plot,
            left: Rect::from_min_max(outer.min, pos2(plot.left(), plot.bottom())),
            bottom: Rect::from_min_max(pos2(plot.left(), plot.bottom()), outer.max),
        }
    }

    /// Pixel columns of the plot at `pixels_per_point`: one per physical pixel.
    pub fn columns(&self, pixels_per_point: f32) -> usize {
        ((self.plot.width() * pixels_per_point).round() as usize).clamp(1, MAX_COLUMNS)
    }

    /// The x coordinate of the centre of column `c` of `columns`.
    pub fn column_x(&self, c: usize, columns: usize) -> f32 {
        self.plot.left() + (c as f32 + 0.5) * self.plot.width() / columns as f32
    }

    /// Where the pointer is, when it hovers over the plot (not its gutters).
    pub fn hovered(&self, response: &Response) -> Option<Pos2> {
        response.hover_pos().filter(|p| self.plot.contains(*p))
    }

    /// How far across the plot `x` is: 0 at its left edge, 1 at its right edge.
    pub fn fraction_at(&self, x: f32) -> f64 {
        f64::from((x - self.plot.left()) / self.plot.width())
    }
}

/// Width of a digit in the axis font, points (for the tick planner's label estimates).
pub fn digit_width(painter: &Painter) -> f32 {
    painter.fonts_mut(|f| f.glyph_width(&theme::axis_font(), '0'))
}

/// Height of a line of axis text, points.
pub fn label_height(painter: &Painter) -> f32 {
    painter.fonts_mut(|f| f.row_height(&theme::axis_font()))
}

fn grid_colour(weight: Weight) -> Color32 {
    match weight {
        Weight::Strong => theme::GRID_STRONG,
        Weight::Normal => theme::GRID,
        Weight::Faint => theme::GRID_FAINT,
    }
}

/// An axis' ticks and the label galleys of the current frame.
#[derive(Debug, Default)]
pub struct AxisPainter {
    /// The ticks to draw (planned by the view each frame).
    pub ticks: Ticks,
    galleys: Vec<Option<Arc<Galley>>>,
    extents: Vec<f32>,
}

impl AxisPainter {
    fn layout_labels(&mut self, painter: &Painter, vertical: bool) {
        self.galleys.clear();
        self.extents.clear();
        for tick in &self.ticks.ticks {
            if tick.priority.is_some() && (0.0..=1.0).contains(&tick.fraction) {
                let galley = painter.layout_no_wrap(
                    self.ticks.label(tick.value),
                    theme::axis_font(),
                    theme::LABEL,
                );
                self.extents.push(if vertical {
                    galley.size().y
                } else {
                    galley.size().x
                });
                self.galleys.push(Some(galley));
            } else {
                self.extents.push(0.0);
                self.galleys.push(None);
            }
        }
    }

    /// A horizontal axis: vertical grid lines across `plot`, labels in `gutter` under it.
    pub fn draw_x(&mut self, painter: &Painter, plot: Rect, gutter: Rect) {
        let ppp = painter.pixels_per_point();
        let mut grid = Mesh::default();
        for tick in &self.ticks.ticks {
            if (0.0..=1.0).contains(&tick.fraction) {
                let x = plot.left() + tick.fraction * plot.width();
                let colour = grid_colour(tick.weight);
                trace::pixel_vline(&mut grid, x, plot.y_range(), 1.0, ppp, colour);
            }
        }
        painter.add(Shape::mesh(grid));
        self.layout_labels(painter, false);
        self.ticks.choose_labels(plot.width(), &self.extents);
        for (tick, galley) in self.ticks.ticks.iter().zip(&self.galleys) {
            if let (true, Some(galley)) = (tick.labelled, galley) {
                let (start, _) = label_span(tick.fraction, galley.size().x, plot.width());
                let at = pos2(plot.left() + start, gutter.top() + 1.0);
                painter.galley(at, galley.clone(), theme::LABEL);
            }
        }
    }

    /// A vertical axis: horizontal grid lines across `plot` from `bottom` (fraction 0) to
    /// `top` (fraction 1), labels right-aligned in `gutter`.
    pub fn draw_y(
        &mut self,
        painter: &Painter,
        plot: Rect,
        (bottom, top): (f32, f32),
        gutter: Rect,
    ) {
        let length = bottom - top;
        let ppp = painter.pixels_per_point();
        let mut grid = Mesh::default();
        for tick in &self.ticks.ticks {
            let y = bottom - tick.fraction * length;
            if (plot.top()..=plot.bottom()).contains(&y) {
                let colour = grid_colour(tick.weight);
                trace::pixel_hline(&mut grid, plot.x_range(), y, 1.0, ppp, colour);
            }
        }
        painter.add(Shape::mesh(grid));
        self.layout_labels(painter, true);
        self.ticks.choose_labels(length, &self.extents);
        for (tick, galley) in self.ticks.ticks.iter().zip(&self.galleys) {
            if let (true, Some(galley)) = (tick.labelled, galley) {
                let (start, _) = label_span(tick.fraction, galley.size().y, length);
                let at = pos2(
                    gutter.right() - 4.0 - galley.size().x,
                    bottom - start - galley.size().y,
                );
                painter.galley(at, galley.clone(), theme::LABEL);
            }
        }
    }
}

/// Marks the point `at` where a curve of `colour` lies under the pointer.
pub fn value_mark(painter: &Painter, at: Pos2, colour: Color32) {
    painter.circle_stroke(at, 3.5, Stroke::new(1.5, colour));
}

/// The hover crosshair through `at`, across `plot`.
pub fn crosshair(painter: &Painter, plot: Rect, at: Pos2) {
    let stroke = Stroke::new(1.0, theme::CROSSHAIR.gamma_multiply(0.8));
    painter.vline(painter.round_to_pixel_center(at.x), plot.y_range(), stroke);
    painter.hline(plot.x_range(), painter.round_to_pixel_center(at.y), stroke);
}

/// A highlighted value on an axis (where the crosshair meets it): `text` centred on `at`, kept
/// inside `within`.
pub fn axis_tag(painter: &Painter, within: Rect, at: Pos2, text: String) {
    let galley = painter.layout_no_wrap(text, theme::axis_font(), theme::PLOT_BACKGROUND);
    let size = galley.size() + vec2(6.0, 0.0);
    let mut rect = Rect::from_center_size(at, size);
    rect = rect.translate(vec2(
        (within.left() - rect.left()).max(0.0) + (within.right() - rect.right()).min(0.0),
        (within.top() - rect.top()).max(0.0) + (within.bottom() - rect.bottom()).min(0.0),
    ));
    painter.rect_filled(rect, CornerRadius::same(2), theme::CROSSHAIR);
    painter.galley(rect.min + vec2(3.0, 0.0), galley, theme::PLOT_BACKGROUND);
}

/// The crosshair's values on both axes: `x_text` on the bottom axis below the pointer, `y_text`
/// on the left axis beside it.
pub fn crosshair_tags(
    painter: &Painter,
    frame: &PlotFrame,
    pointer: Pos2,
    x_text: String,
    y_text: String,
) {
    axis_tag(
        painter,
        frame.bottom,
        pos2(pointer.x, frame.bottom.center().y),
        x_text,
    );
    axis_tag(
        painter,
        frame.left,
        pos2(frame.left.center().x, pointer.y),
        y_text,
    );
}

/// The readout box next to the pointer at `at`, inside `plot`: right of and below the pointer
/// where it fits, otherwise mirrored.
pub fn readout_box(painter: &Painter, plot: Rect, at: Pos2, readout: &Readout) {
    if readout.is_empty() {
        return;
    }
    let mut job = LayoutJob::default();
    for (i, (line, colour)) in readout.iter().enumerate() {
        if i > 0 {
            job.append("\n", 0.0, TextFormat::simple(theme::readout_font(), colour));
        }
        job.append(line, 0.0, TextFormat::simple(theme::readout_font(), colour));
    }
    let galley = painter.layout_job(job);
    let pad = vec2(6.0, 4.0);
    let size = galley.size() + 2.0 * pad;
    let offset = 14.0;
    let x = if at.x + offset + size.x <= plot.right() {
        at.x + offset
    } else {
        at.x - offset - size.x
    };
    let y = if at.y + offset + size.y <= plot.bottom() {
        at.y + offset
    } else {
        at.y - offset - size.y
    };
    let x = x.clamp(plot.left(), (plot.right() - size.x).max(plot.left()));
    let y = y.clamp(plot.top(), (plot.bottom() - size.y).max(plot.top()));
    let rect = Rect::from_min_size(pos2(x, y), size);
    painter.rect(
        rect,
        CornerRadius::same(3),
        theme::READOUT_BACKGROUND,
        Stroke::new(1.0, theme::GRID_STRONG),
        egui::StrokeKind::Inside,
    );
    painter.galley(rect.min + pad, galley, theme::READOUT_TEXT);
}

/// A legend of the traces at the top right of `plot`: each channel's label in its colour on a
/// swatch of its stroke; `extra` (e.g. "peak hold") follows in `extra_colour`. Returns the
/// left edge of what was drawn.
pub fn legend(
    painter: &Painter,
    plot: Rect,
    channels: &[Channel],
    extra: Option<(&str, Color32)>,
) -> f32 {
    let font = theme::axis_font();
    let mut x = plot.right() - 6.0;
    let y = plot.top() + 4.0;
    if let Some((text, colour)) = extra {
        let rect = painter.text(pos2(x, y), Align2::RIGHT_TOP, text, font.clone(), colour);
        x = rect.left() - 10.0;
    }
    for (i, &channel) in channels.iter().enumerate().rev() {
        let colour = theme::channel_colour(channel);
        let rect = painter.text(
            pos2(x, y),
            Align2::RIGHT_TOP,
            channel.label(),
            font.clone(),
            colour,
        );
        let stroke = theme::trace_stroke(channel, i, channels.len(), false);
        let swatch_y = rect.center().y;
        painter.hline(rect.left() - 16.0..=rect.left() - 3.0, swatch_y, stroke);
        x = rect.left() - 24.0;
    }
    x
}

/// A caption at the top left of `plot`, drawn only when it fits left of `right` (the legend's
/// left edge): a caption that would run into the legend is left out rather than overlapped.
pub fn caption(painter: &Painter, plot: Rect, text: &str, right: f32) {
    let galley = painter.layout_no_wrap(text.to_owned(), theme::axis_font(), theme::LABEL);
    let at = plot.left_top() + vec2(6.0, 4.0);
    if at.x + galley.size().x + 8.0 <= right {
        painter.galley(at, galley, theme::LABEL);
    }
}
