//! The scrolling spectrogram: the analysis' time × frequency image
//! ([`Spectrogram`](ringscope::analysis::Spectrogram)), one texel per physical pixel of the plot,
//! on the spectrum's frequency axis with the spectrum's labels and a time axis in seconds ago.
//! Time runs along x with the newest column at the right, or, as a waterfall, along y with the
//! newest row at the top. Under the pointer a crosshair reads the cell's time ago, frequency,
//! nearest note and level, also while frozen.
//!
//! The image reaches the screen through one texture updated by columns ([`texture`]): the cost
//! of a display frame follows the columns that arrived, never the history.
//!
//! Other instances overlaid (the Compare group's choices) split the plot into stacked lanes,
//! one per instance, each its own image on the same axes ([`lanes`]).

mod lanes;
mod texture;

use egui::{Color32, Painter, Pos2, Rect, Response, Sense, Ui, pos2, vec2};
use ringscope::analysis::{
    FrequencyAxis, Orientation, Spectrogram, SpectrogramCell, SpectrogramColours,
    SpectrogramSettings,
};

use self::lanes::{OverlayLanes, SEPARATOR};
use self::texture::SpectrogramTexture;
use super::display::DisplayState;
use super::format::{self, TimeStyle, TimeUnit};
use super::plot::{self, AxisPainter, PlotFrame};
use super::readout::Readout;
use super::theme;
use crate::params::RingscopeParams;

/// The spectrogram view's texture and buffers, kept between frames.
#[derive(Debug, Default)]
pub struct SpectrogramView {
    /// This instance's lane's texture.
    texture: SpectrogramTexture,
    /// The overlaid instances' lanes.
    lanes: OverlayLanes,
    x_axis: AxisPainter,
    y_axis: AxisPainter,
    readout: Readout,
    caption: String,
}

/// What the spectrogram shows this frame, and where.
#[derive(Debug, Clone, Copy)]
struct Picture {
    frame: PlotFrame,
    axis: FrequencyAxis,
    orientation: Orientation,
    colours: SpectrogramColours,
    /// Time the image spans, s.
    history_seconds: f64,
    /// Columns (time) and rows (frequency) of each lane's image.
    columns: usize,
    rows: usize,
    /// Lanes the plot is split into along frequency: this instance's, then one per overlay.
    lanes: usize,
}

impl Picture {
    /// What to show in `rect` at `pixels_per_point` as the parameters ask, in `lanes` lanes
    /// (at least one), in textures no side of which exceeds `max_side` texels.
    fn new(
        rect: Rect,
        pixels_per_point: f32,
        max_side: usize,
        display: &DisplayState,
        params: &RingscopeParams,
        lanes: usize,
    ) -> Self {
        let frame = PlotFrame::new(rect);
        let orientation = params.spectrogram.direction.value().into();
        let (floor_db, ceiling_db) = params.spectrogram.levels();
        let pixels =
            |points: f32| ((points * pixels_per_point).round() as usize).clamp(1, max_side);
        let lanes = lanes.max(1);
        let lane = lane_extent(frequency_length(&frame, orientation), lanes);
        let (columns, rows) = match orientation {
            Orientation::TimeAlongX => (pixels(frame.plot.width()), pixels(lane)),
            Orientation::TimeAlongY => (pixels(frame.plot.height()), pixels(lane)),
        };
        Self {
            frame,
            axis: plot::frequency_axis(params, display.sample_rate),
            orientation,
            colours: SpectrogramColours {
                palette: params.spectrogram.palette.value().into(),
                floor_db,
                ceiling_db,
            },
            history_seconds: display.spectrogram.settings().history_seconds,
            columns,
            rows,
            lanes,
        }
    }

    /// Lane `index`'s part of the plot (0: this instance's, the top or, in a waterfall, the
    /// left one): the whole plot when it is the only lane.
    fn lane(&self, index: usize) -> Rect {
        let plot = self.frame.plot;
        if self.lanes == 1 {
            return plot;
        }
        let extent = lane_extent(frequency_length(&self.frame, self.orientation), self.lanes);
        let start = index as f32 * (extent + SEPARATOR);
        match self.orientation {
            Orientation::TimeAlongX => Rect::from_min_max(
                pos2(plot.left(), plot.top() + start),
                pos2(plot.right(), plot.top() + start + extent),
            ),
            Orientation::TimeAlongY => Rect::from_min_max(
                pos2(plot.left() + start, plot.top()),
                pos2(plot.left() + start + extent, plot.bottom()),
            ),
        }
    }

    /// The gap between lane `index` and the next.
    fn separator(&self, index: usize) -> Rect {
        let (this, next) = (self.lane(index), self.lane(index + 1));
        match self.orientation {
            Orientation::TimeAlongX => {
                Rect::from_x_y_ranges(this.x_range(), this.bottom()..=next.top())
            }
            Orientation::TimeAlongY => {
                Rect::from_x_y_ranges(this.right()..=next.left(), this.y_range())
            }
        }
    }

    /// The lane under `pointer` (on the plot; none over a separator).
    fn lane_at(&self, pointer: Pos2) -> Option<usize> {
        (0..self.lanes).find(|&index| self.lane(index).contains(pointer))
    }

    /// Sizes the analysis' image to the plot (a new size keeps the history, resampled into the
    /// new grid) and takes the sizes it settled on.
    fn configure(&mut self, spectrogram: &mut Spectrogram) {
        spectrogram.set_settings(SpectrogramSettings {
            columns: self.columns,
            rows: self.rows,
            axis: self.axis,
            ..*spectrogram.settings()
        });
        let settings = spectrogram.settings();
        (self.columns, self.rows, self.axis) = (settings.columns, settings.rows, settings.axis);
    }

    /// The cell under `pointer` (on lane `lane`): columns before the newest, and row.
    fn cell_at(&self, lane: usize, pointer: Pos2) -> (u64, usize) {
        let plot = self.lane(lane);
        // Fractions of the plot from the newest edge and from the lowest frequency.
        let (ago, up) = match self.orientation {
            Orientation::TimeAlongX => (
                (plot.right() - pointer.x) / plot.width(),
                (plot.bottom() - pointer.y) / plot.height(),
            ),
            Orientation::TimeAlongY => (
                (pointer.y - plot.top()) / plot.height(),
                (pointer.x - plot.left()) / plot.width(),
            ),
        };
        let index = |fraction: f32, count: usize| {
            ((fraction.max(0.0) * count as f32) as usize).min(count.saturating_sub(1))
        };
        (index(ago, self.columns) as u64, index(up, self.rows))
    }
}

/// The plot's length along frequency: its height (time along x) or width (a waterfall).
fn frequency_length(frame: &PlotFrame, orientation: Orientation) -> f32 {
    match orientation {
        Orientation::TimeAlongX => frame.plot.height(),
        Orientation::TimeAlongY => frame.plot.width(),
    }
}

/// Each of `lanes` lanes' length along frequency in a plot `length` long, separators between
/// them (never negative: a plot too small for its lanes draws them empty).
fn lane_extent(length: f32, lanes: usize) -> f32 {
    let lanes = lanes.max(1) as f32;
    ((length - SEPARATOR * (lanes - 1.0)) / lanes).max(0.0)
}

impl SpectrogramView {
    /// Lays out and paints the view into all of `ui`'s available space.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        display: &mut DisplayState,
        params: &RingscopeParams,
    ) -> Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let ctx = ui.ctx().clone();
        let max_side = ctx.input(|i| i.max_texture_side);
        self.lanes.follow(display, params);
        let mut picture = Picture::new(
            response.rect,
            ctx.pixels_per_point(),
            max_side,
            display,
            params,
            self.lanes.count(),
        );
        picture.configure(&mut display.spectrogram);
        let spectrogram = &mut display.spectrogram;
        self.texture
            .update(&ctx, spectrogram, picture.orientation, picture.colours);
        self.lanes
            .update(&ctx, display, picture.orientation, picture.colours);
        let spectrogram = &display.spectrogram;

        plot::background(&painter, picture.frame.plot);
        self.draw_axes(&painter, &picture);
        self.texture.draw(&painter, spectrogram, picture.lane(0));
        self.lanes
            .draw(&painter, (1..picture.lanes).map(|i| picture.lane(i)));
        if picture.lanes > 1 {
            self.draw_lane_names(&painter, &picture, params);
        }
        self.draw_caption(&painter, spectrogram, &picture);
        self.hover(&response, &painter, spectrogram, &picture);
        response
    }

    /// The separators between the lanes and each lane's instance name: this instance's in the
    /// label colour, each overlay's in its colour.
    fn draw_lane_names(&self, painter: &Painter, picture: &Picture, params: &RingscopeParams) {
        for index in 0..picture.lanes - 1 {
            lanes::draw_separator(painter, picture.separator(index));
        }
        lanes::draw_name(
            painter,
            picture.lane(0),
            &params.compare.name(),
            theme::LABEL,
        );
        for (index, lane) in self.lanes.lanes().iter().enumerate() {
            lanes::draw_name(painter, picture.lane(index + 1), &lane.name, lane.colour());
        }
    }

    /// The grid (under the image, which is opaque, so only its labels show beside it):
    /// frequency as the spectrum labels it, along each lane, and time in seconds ago across the
    /// whole plot, 0 at the newest edge.
    fn draw_axes(&mut self, painter: &Painter, picture: &Picture) {
        let Picture { frame, axis, .. } = picture;
        let plot = frame.plot;
        let own = picture.lane(0);
        let digit = plot::digit_width(painter);
        let (frequency, time) = match picture.orientation {
            Orientation::TimeAlongX => (&mut self.y_axis, &mut self.x_axis),
            Orientation::TimeAlongY => (&mut self.x_axis, &mut self.y_axis),
        };
        let (frequency_length, time_length) = match picture.orientation {
            Orientation::TimeAlongX => (own.height(), plot.width()),
            Orientation::TimeAlongY => (own.width(), plot.height()),
        };
        frequency.ticks.frequency(axis, frequency_length, digit);
        time.ticks
            .time(0.0, picture.history_seconds, time_length, digit);
        // The ticks run from 0 s at fraction 0 to the history at 1; seconds ago grow away from
        // the newest edge (the right, or the top), so they are flipped.
        for tick in &mut time.ticks.ticks {
            tick.fraction = 1.0 - tick.fraction;
        }
        match picture.orientation {
            Orientation::TimeAlongX => {
                self.x_axis.draw_x(painter, plot, frame.bottom);
                self.y_axis
                    .draw_y(painter, own, (own.bottom(), own.top()), frame.left);
            }
            Orientation::TimeAlongY => {
                self.x_axis.draw_x(painter, own, frame.bottom);
                self.y_axis
                    .draw_y(painter, plot, (plot.bottom(), plot.top()), frame.left);
            }
        }
        for (index, lane) in self.lanes.lanes_mut().iter_mut().enumerate() {
            let rect = picture.lane(index + 1);
            lane.frequency
                .ticks
                .frequency(axis, frequency_length, digit);
            match picture.orientation {
                Orientation::TimeAlongX => {
                    lane.frequency
                        .draw_y(painter, rect, (rect.bottom(), rect.top()), frame.left)
                }
                Orientation::TimeAlongY => lane.frequency.draw_x(painter, rect, frame.bottom),
            }
        }
    }

    /// "frozen" while it is, on a dark box at the plot's top left: the image under it may be
    /// bright (the time axis already says how long the history is).
    fn draw_caption(&mut self, painter: &Painter, spectrogram: &Spectrogram, picture: &Picture) {
        if !spectrogram.is_frozen() {
            return;
        }
        self.caption.clear();
        self.caption.push_str("frozen");
        let galley = painter.layout_no_wrap(self.caption.clone(), theme::axis_font(), theme::LABEL);
        let at = picture.frame.plot.left_top() + vec2(6.0, 4.0);
        let pad = vec2(4.0, 1.0);
        let rect = Rect::from_min_size(at - pad, galley.size() + 2.0 * pad);
        painter.rect_filled(rect, 2.0, theme::READOUT_BACKGROUND);
        painter.galley(at, galley, theme::LABEL);
    }

    /// The cell under the pointer: its readout (time ago, frequency and note, level), the
    /// crosshair and its axis tags.
    fn hover(
        &mut self,
        response: &Response,
        painter: &Painter,
        spectrogram: &Spectrogram,
        picture: &Picture,
    ) {
        let Some(pointer) = picture.frame.hovered(response) else {
            return;
        };
        let Some(lane) = picture.lane_at(pointer) else {
            return;
        };
        let (columns_ago, row) = picture.cell_at(lane, pointer);
        // Over an overlay's lane: its image, under its name.
        let (image, name) = match lane.checked_sub(1).map(|i| &self.lanes.lanes()[i]) {
            None => (spectrogram, None),
            Some(lane) => (&lane.spectrogram, Some((lane.name.clone(), lane.colour()))),
        };
        let cell = image.cell(columns_ago, row);
        self.write_readout(cell, name);
        let plot = picture.frame.plot;
        plot::crosshair(painter, plot, pointer);
        plot::readout_box(painter, plot, pointer, &self.readout);
        let Some(cell) = cell else {
            return;
        };
        let (mut time_tag, mut hz_tag) = (String::new(), String::new());
        // Short enough for the left gutter: "8.0 s".
        format::write_time_tick(cell.seconds_ago, TimeUnit::Seconds, 1, &mut time_tag);
        format::write_hz_tag(cell.frequency_hz, &mut hz_tag);
        let (x_tag, y_tag) = match picture.orientation {
            Orientation::TimeAlongX => (time_tag, hz_tag),
            Orientation::TimeAlongY => (hz_tag, time_tag),
        };
        plot::crosshair_tags(painter, &picture.frame, pointer, x_tag, y_tag);
    }

    /// The readout of `cell` (none: the pointer is over columns not yet written), under the
    /// overlaid instance's `name` in its colour when the cell is of an overlay's lane.
    fn write_readout(&mut self, cell: Option<SpectrogramCell>, name: Option<(String, Color32)>) {
        self.readout.clear();
        if let Some((name, colour)) = name {
            self.readout.push_line(colour, |s| s.push_str(&name));
        }
        let Some(cell) = cell else {
            self.readout
                .push_line(theme::LABEL_DIM, |s| s.push_str("no data yet"));
            return;
        };
        self.readout.push_line(theme::READOUT_TEXT, |s| {
            format::write_time(cell.seconds_ago, TimeStyle::READING, s);
            s.push_str(" ago");
        });
        self.readout.push_line(theme::READOUT_TEXT, |s| {
            format::write_hz(cell.frequency_hz, s);
            s.push_str("  ");
            format::write_note(cell.frequency_hz, s);
        });
        self.readout.push_line(theme::LABEL, |s| {
            format::write_db(cell.level_db, "dBFS", s);
        });
    }
}

#[cfg(test)]
mod tests;
