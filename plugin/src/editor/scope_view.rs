//! The oscilloscope view: asks the analysis engine's [`Scope`](ringscope::analysis::Scope) for
//! the window to show and one (min, max) pair per pixel column, and draws each trace over a
//! labelled grid: time (or bars and beats in beat sync) across, linear amplitude up, full scale
//! at ±1 with a little headroom where overs show.
//!
//! Dense windows draw a filled envelope (a 10 s window of a 1 kHz tone is a band, never an
//! aliased wave); sparse ones a line through the interpolated samples. Under the pointer a
//! crosshair reads time and each trace's value, also while frozen.

use egui::epaint::Mesh;
use egui::{Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, pos2, vec2};
use ringscope::analysis::{self, Channel, ColumnMinMax, ScopeStatus, TriggerMode};

use super::beats::BeatGrid;
use super::display::DisplayState;
use super::format::{self, TimeStyle};
use super::plot::{self, AxisPainter, PlotFrame};
use super::readout::{self, Readout};
use super::theme;
use super::trace;

/// Share of the plot's half height that full scale (±1) spans: the rest shows overs.
const FULL_SCALE: f32 = 0.9;
/// Mean height the trace spans per column, points, from which it is a band rather than a line.
const DENSE_EXTENT: f32 = 6.0;

/// The scope view's buffers, reused between frames.
#[derive(Debug, Default)]
pub struct ScopeView {
    /// Rendered columns of each trace (at most two: L and R overlaid).
    traces: [Vec<ColumnMinMax>; 2],
    points: Vec<Pos2>,
    /// `points` without what lies on the straight line between its neighbours.
    simplified: Vec<Pos2>,
    /// A dense trace's band.
    band: Mesh,
    x_axis: AxisPainter,
    y_axis: AxisPainter,
    readout: Readout,
    caption: String,
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

/// Where a value lies on the plot, and back.
#[derive(Debug, Clone, Copy)]
struct AmplitudeScale {
    centre: f32,
    /// Points per unit of amplitude.
    half: f32,
}

impl AmplitudeScale {
    fn new(plot: Rect) -> Self {
        Self {
            centre: plot.center().y,
            half: plot.height() * 0.5 * FULL_SCALE,
        }
    }

    fn y(&self, v: f32) -> f32 {
        // Far beyond the plot is as good as at its edge (and keeps the tessellator sane).
        self.centre - v.clamp(-2.0, 2.0) * self.half
    }

    fn value(&self, y: f32) -> f32 {
        (self.centre - y) / self.half.max(1e-3)
    }
}

/// What the scope shows this frame, and where: everything the axes, markers and hover
/// readout read besides the rendered traces.
struct Picture {
    frame: PlotFrame,
    scale: AmplitudeScale,
    /// The stretch of the input shown.
    window: analysis::ScopeView,
    /// The musical grid, in a running beat-synced sweep.
    beats: Option<BeatGrid>,
    /// The traces, in drawing order.
    channels: &'static [Channel],
    /// Pixel columns of every trace.
    columns: usize,
    /// Columns from the left that hold recorded samples (see [`recorded_columns`]).
    drawn: usize,
}

impl ScopeView {
    /// Draws the scope into all of `ui`'s available space.
    pub fn show(&mut self, ui: &mut Ui, display: &DisplayState) -> Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let picture = self.render(display, response.rect, ui.ctx().pixels_per_point());

        paint_background(&painter, &picture);
        self.draw_axes(&painter, &picture);
        self.draw_traces(&painter, &picture);
        draw_markers(&painter, &picture, display.settings.scope.trigger);
        self.draw_caption(&painter, &picture);
        self.hover(&response, &painter, &picture);
        response
    }

    /// Asks the analysis what to show in `rect` and renders every trace's columns.
    fn render(&mut self, display: &DisplayState, rect: Rect, pixels_per_point: f32) -> Picture {
        let frame = PlotFrame::new(rect);
        let window = display.scope.view();
        let beats = BeatGrid::of(
            &window,
            display.settings.scope.trigger.beat_sync,
            &display.transport,
        );
        let channels = display.settings.channels();
        let columns = frame.columns(pixels_per_point);
        for (trace, &channel) in self.traces.iter_mut().zip(channels) {
            trace.resize(columns, ColumnMinMax::default());
            display.scope.render(&window, channel, trace);
        }
        Picture {
            frame,
            scale: AmplitudeScale::new(frame.plot),
            drawn: recorded_columns(&window, columns),
            window,
            beats,
            channels: &channels[..channels.len().min(self.traces.len())],
            columns,
        }
    }

    /// The grid: amplitude up, time (or bars and beats) across.
    fn draw_axes(&mut self, painter: &Painter, picture: &Picture) {
        let Picture {
            frame,
            scale,
            window,
            ..
        } = picture;
        let plot = frame.plot;
        let label_height = plot::label_height(painter);
        let digit = plot::digit_width(painter);
        self.y_axis.ticks.amplitude(2.0 * scale.half, label_height);
        self.y_axis
            .draw_y(painter, plot, (scale.y(-1.0), scale.y(1.0)), frame.left);
        match &picture.beats {
            Some(grid) => self.x_axis.ticks.beats(grid, plot.width(), digit),
            None => self.x_axis.ticks.time(
                window.time_at(0.0),
                window.time_at(1.0),
                plot.width(),
                digit,
            ),
        }
        self.x_axis.draw_x(painter, plot, frame.bottom);
    }

    /// Each trace through its columns' extremes: where the signal is dense, a band from each
    /// column's minimum to its maximum (one strip of two triangles per column); where it is
    /// not, a line through them (min = max where the trace is flat), without the
    /// points that lie on the straight line between their neighbours.
    fn draw_traces(&mut self, painter: &Painter, picture: &Picture) {
        let Picture {
            frame,
            scale,
            channels,
            columns,
            drawn,
            ..
        } = *picture;
        // Where the first trace is a band (the zig-zag spans several points per column), it
        // draws as a filled envelope; elsewhere as a line.
        let dense = mean_span(&self.traces[0][..drawn]) * scale.half >= DENSE_EXTENT;
        let clip = painter.with_clip_rect(frame.plot);
        for (i, (trace, &channel)) in self.traces.iter().zip(channels).enumerate() {
            let stroke = theme::trace_stroke(channel, i, channels.len(), dense);
            if dense {
                // At least the stroke's width high, as the zig-zag line it replaces was, and
                // reaching the previous column's extent where it does not overlap it (as the
                // zig-zag's segment from one column to the next did).
                let half = 0.5 * stroke.width;
                let mut previous: Option<(f32, f32)> = None;
                let columns_drawn = trace[..drawn].iter().enumerate().map(|(c, column)| {
                    let (a, b) = (scale.y(column.max), scale.y(column.min));
                    let (mut top, mut bottom) = (a.min(b), a.max(b));
                    if let Some((above, below)) = previous {
                        top = top.min(below);
                        bottom = bottom.max(above);
                    }
                    previous = Some((a.min(b), a.max(b)));
                    (frame.column_x(c, columns), top - half, bottom + half)
                });
                trace::band(columns_drawn, stroke.color, &mut self.band);
                clip.add(Shape::mesh(self.band.clone()));
                continue;
            }
            self.points.clear();
            let mut last: Option<f32> = None;
            for (c, column) in trace[..drawn].iter().enumerate() {
                let x = frame.column_x(c, columns);
                // The column's extreme nearer to where the line is first: a smooth curve then
                // runs straight on through both (and its points fall on straight stretches
                // that `simplify` leaves out), where a strict zig-zag doubled back in every
                // column, twice the triangles for a frayed edge.
                let (low, high) = (scale.y(column.min), scale.y(column.max));
                let (a, b) = match last {
                    Some(y) if (y - low).abs() > (y - high).abs() => (high, low),
                    _ => (low, high),
                };
                self.points.push(pos2(x, a));
                if b != a {
                    self.points.push(pos2(x, b));
                }
                last = Some(b);
            }
            trace::simplify(&self.points, trace::TOLERANCE, &mut self.simplified);
            clip.add(trace::line_shape(&clip, &self.simplified, stroke));
        }
    }

    /// The legend, and a caption with the window's length and the trigger's status.
    fn draw_caption(&mut self, painter: &Painter, picture: &Picture) {
        let plot = picture.frame.plot;
        let legend_left = plot::legend(painter, plot, picture.channels, None);
        self.caption.clear();
        format::write_time(
            picture.window.length_seconds(),
            TimeStyle::LENGTH,
            &mut self.caption,
        );
        self.caption.push_str(" · ");
        self.caption.push_str(status_text(picture.window.status));
        plot::caption(painter, plot, &self.caption, legend_left);
    }

    /// The crosshair and readout under the pointer: time (or bar and beat), each trace's
    /// value in the column there, and the level at the pointer's height.
    fn hover(&mut self, response: &Response, painter: &Painter, picture: &Picture) {
        let Picture {
            frame,
            scale,
            window,
            beats,
            channels,
            columns,
            drawn,
        } = *picture;
        let Some(pointer) = frame.hovered(response) else {
            return;
        };
        let plot = frame.plot;
        let fraction = frame.fraction_at(pointer.x);
        plot::crosshair(painter, plot, pointer);

        self.readout.clear();
        let seconds = window.time_at(fraction);
        let mut tag = String::new();
        match beats {
            Some(grid) => {
                let position = grid.position_at(fraction);
                self.readout.push_line(theme::READOUT_TEXT, |s| {
                    format::write_bar_and_beat(position, s);
                    s.push_str("  ");
                    format::write_time(seconds, TimeStyle::READING, s);
                });
                format::write_bar_beat(position, &mut tag);
            }
            None => {
                self.readout.push_line(theme::READOUT_TEXT, |s| {
                    s.push_str("t ");
                    format::write_time(seconds, TimeStyle::READING, s);
                    if window.trigger.is_some() {
                        s.push_str(" from trigger");
                    }
                });
                format::write_time(seconds, TimeStyle::READING, &mut tag);
            }
        }
        let column = readout::column_at(fraction, columns).filter(|&c| c < drawn);
        for (trace, &channel) in self.traces.iter().zip(channels) {
            let value = column.and_then(|c| trace.get(c).copied());
            let colour = theme::channel_colour(channel);
            self.readout.push_line(colour, |s| {
                s.push_str(channel.label());
                s.push(' ');
                match value {
                    Some(v) => format::write_column(v, s),
                    None => s.push_str("no data"),
                }
            });
            // Mark where the trace is in this column.
            if let (Some(c), Some(v)) = (column, value) {
                let x = frame.column_x(c, columns);
                for y in [scale.y(v.min), scale.y(v.max)] {
                    if (plot.top()..=plot.bottom()).contains(&y) {
                        plot::value_mark(painter, pos2(x, y), colour);
                    }
                }
            }
        }
        let level = scale.value(pointer.y);
        self.readout.push_line(theme::LABEL, |s| {
            s.push_str("y ");
            format::write_sample(level, s);
        });
        plot::readout_box(painter, plot, pointer, &self.readout);
        let mut level_tag = String::new();
        format::write_amplitude(level, &mut level_tag);
        plot::crosshair_tags(painter, &frame, pointer, tag, level_tag);
    }
}

/// The plot's background, tinted beyond full scale so an over stands out at once.
fn paint_background(painter: &Painter, picture: &Picture) {
    let (plot, scale) = (picture.frame.plot, picture.scale);
    plot::background(painter, plot);
    let mut zones = Mesh::default();
    for zone in [
        Rect::from_x_y_ranges(plot.x_range(), plot.top()..=scale.y(1.0)),
        Rect::from_x_y_ranges(plot.x_range(), scale.y(-1.0)..=plot.bottom()),
    ] {
        trace::pixel_rect(
            &mut zones,
            zone,
            painter.pixels_per_point(),
            theme::OVER_ZONE,
        );
    }
    painter.add(Shape::mesh(zones));
}

/// Trigger level and position, and the beat-sync playhead.
fn draw_markers(painter: &Painter, picture: &Picture, trigger: analysis::TriggerSettings) {
    let (plot, scale, window) = (picture.frame.plot, picture.scale, &picture.window);
    let uses_level = !matches!(trigger.mode, TriggerMode::FreeRun | TriggerMode::BeatSync);
    if uses_level {
        let y = painter.round_to_pixel_center(scale.y(trigger.level));
        if (plot.top()..=plot.bottom()).contains(&y) {
            painter.extend(Shape::dashed_line(
                &[pos2(plot.left(), y), pos2(plot.right(), y)],
                Stroke::new(1.0, theme::TRIGGER_LINE),
                6.0,
                4.0,
            ));
            // A flag at the right edge pointing at the level (the left gutter holds the
            // labels), rimmed in the source channel's colour: it says which trace triggers.
            let tip = pos2(plot.right() - 1.0, y);
            let flag = vec![tip, tip + vec2(-9.0, 5.0), tip + vec2(-9.0, -5.0)];
            painter.add(Shape::convex_polygon(
                flag,
                theme::TRIGGER_MARKER,
                Stroke::new(1.0, theme::channel_colour(trigger.source)),
            ));
        }
    }
    if let (Some(at), None) = (window.trigger, window.cursor) {
        let x = plot.left() + at as f32 * plot.width();
        let tip = pos2(x, plot.top() + 8.0);
        let marker = vec![tip, tip + vec2(-5.0, -8.0), tip + vec2(5.0, -8.0)];
        painter.add(Shape::convex_polygon(
            marker,
            theme::TRIGGER_MARKER,
            Stroke::NONE,
        ));
    }
    if let Some(at) = window.cursor {
        let x = plot.left() + at as f32 * plot.width();
        painter.vline(x, plot.y_range(), Stroke::new(1.5, theme::LABEL_DIM));
    }
}

/// Mean height the zig-zag through `columns` spans per column, amplitude units: each column's
/// extremes together with the previous column's (the line joins them). 0 for fewer than two.
fn mean_span(columns: &[ColumnMinMax]) -> f32 {
    if columns.len() < 2 {
        return 0.0;
    }
    let total: f32 = columns
        .windows(2)
        .map(|w| w[0].max.max(w[1].max) - w[0].min.min(w[1].min))
        .sum();
    total / (columns.len() - 1) as f32
}

/// Columns that hold recorded samples: right of the newest sample there is nothing to draw (a
/// sweep still filling, or a view that reaches past the newest frame). In beat sync the columns
/// right of the cursor show the previous sweep, so all are drawn.
fn recorded_columns(window: &analysis::ScopeView, columns: usize) -> usize {
    if window.cursor.is_some() {
        return columns;
    }
    let recorded = ((window.newest - window.start) / window.length).clamp(0.0, 1.0);
    ((recorded * columns as f64).ceil() as usize).min(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringscope::analysis::{Scope, ScopeSettings};

    #[test]
    fn amplitude_scale_round_trips_and_leaves_headroom() {
        let plot = Rect::from_min_size(pos2(0.0, 0.0), vec2(400.0, 200.0));
        let scale = AmplitudeScale::new(plot);
        assert_eq!(scale.y(0.0), 100.0);
        assert!(
            (scale.y(1.0) - 10.0).abs() < 1e-4,
            "full scale 10 pt below the top"
        );
        assert!((scale.y(-1.0) - 190.0).abs() < 1e-4);
        for v in [-1.1f32, -0.5, 0.0, 0.25, 1.05] {
            assert!((scale.value(scale.y(v)) - v).abs() < 1e-5);
        }
    }

    #[test]
    fn hover_reads_the_trace_under_the_pointer() {
        // A ramp from -1 to +1 over the window: the value under the pointer follows it.
        let mut settings = ScopeSettings::default();
        settings.trigger.mode = TriggerMode::FreeRun;
        settings.window_seconds = 0.01;
        let mut scope = Scope::new(48_000.0, settings);
        let ramp: Vec<[f32; 2]> = (0..480)
            .map(|n| {
                let x = -1.0 + 2.0 * n as f32 / 479.0;
                [x, -x]
            })
            .collect();
        scope.feed(&ramp);
        scope.feed(&[[1.0, -1.0]; 8]); // the engine keeps a few samples past the right edge
        let window = scope.view();
        let mut columns = vec![ColumnMinMax::default(); 480];
        for (channel, sign) in [(Channel::Left, 1.0f32), (Channel::Right, -1.0)] {
            scope.render(&window, channel, &mut columns);
            let drawn = recorded_columns(&window, columns.len());
            assert_eq!(drawn, 480);
            for fraction in [0.1, 0.5, 0.9] {
                let c = readout::column_at(fraction, columns.len()).unwrap();
                let v = columns[c];
                let expected = sign * (-1.0 + 2.0 * fraction as f32);
                assert!(
                    (0.5 * (v.min + v.max) - expected).abs() < 0.02,
                    "{channel:?} at {fraction}: {v:?}, expected {expected}"
                );
            }
        }
        // Time under the pointer: from the window start in free run.
        assert!((window.time_at(0.5) - 0.005).abs() < 1e-9);
    }

    #[test]
    fn a_high_tone_is_a_band_and_a_low_one_a_line() {
        let mut settings = ScopeSettings::default();
        settings.trigger.mode = TriggerMode::FreeRun;
        let extent = |hz: f32| {
            let mut scope = Scope::new(48_000.0, settings);
            let tone: Vec<[f32; 2]> = (0..4800)
                .map(|n| {
                    let x = 0.5 * (n as f32 * hz / 48_000.0 * std::f32::consts::TAU).sin();
                    [x, x]
                })
                .collect();
            scope.feed(&tone);
            let window = scope.view();
            let mut columns = vec![ColumnMinMax::default(); 740];
            scope.render(&window, Channel::Left, &mut columns);
            // A 240 pt tall plot: 108 pt per unit of amplitude.
            mean_span(&columns) * 108.0
        };
        assert!(extent(440.0) < DENSE_EXTENT, "{}", extent(440.0));
        assert!(extent(9000.0) > 4.0 * DENSE_EXTENT, "{}", extent(9000.0));
        assert_eq!(mean_span(&[]), 0.0);
    }

    #[test]
    fn nothing_is_drawn_right_of_the_newest_sample() {
        let window = analysis::ScopeView {
            start: 1000.0,
            length: 480.0,
            newest: 1240.0,
            trigger: Some(0.0),
            cursor: None,
            status: ScopeStatus::Triggered,
            sample_rate: 48_000.0,
        };
        assert_eq!(recorded_columns(&window, 1000), 500);
        assert_eq!(
            recorded_columns(
                &analysis::ScopeView {
                    newest: 900.0,
                    ..window
                },
                1000
            ),
            0
        );
        assert_eq!(
            recorded_columns(
                &analysis::ScopeView {
                    newest: 9e9,
                    ..window
                },
                1000
            ),
            1000
        );
        // In beat sync the previous sweep fills the rest.
        let sweeping = analysis::ScopeView {
            cursor: Some(0.5),
            ..window
        };
        assert_eq!(recorded_columns(&sweeping, 1000), 1000);
    }
}
