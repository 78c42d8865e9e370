//! The meters strip: per channel a peak bar (translucent, the engine's hold-and-fall peak), an
//! RMS bar (solid) and a peak-hold tick on a dBFS scale, a clip indicator that latches when a
//! sample exceeds 0 dBFS, the highest peak; below them maximum true peak, EBU R128 loudness
//! (momentary, short-term, integrated) and stereo correlation. A click resets the latches, the
//! maxima and the integrated loudness.

use std::time::{Duration, Instant};

use egui::epaint::Mesh;
use egui::{
    Align2, Color32, CornerRadius, Painter, Rect, Response, Sense, Shape, Stroke, Ui, pos2,
};
use ringscope::analysis::Channel;

use super::display::{DisplayState, METER_BOTTOM_DB, METER_TOP_DB};
use super::format::{self, Sign};
use super::plot;
use super::theme;
use super::ticks::{Ticks, label_span};
use super::trace;

/// How long the peak-hold tick stays before it drops to the current peak.
const TICK_HOLD: Duration = Duration::from_secs(3);
/// The channels metered, left to right.
const CHANNELS: [Channel; 2] = [Channel::Left, Channel::Right];

/// Per-channel state the strip keeps between frames (the ballistics live in the engine).
#[derive(Debug, Clone, Copy)]
struct ChannelState {
    /// Level of the peak-hold tick, dBFS, and when it was set.
    tick_db: f32,
    tick_at: Option<Instant>,
    /// Highest sample peak since the last reset, dBFS.
    max_db: f32,
    /// A sample exceeded 0 dBFS since the last reset.
    clipped: bool,
}

impl Default for ChannelState {
    fn default() -> Self {
        Self {
            tick_db: f32::NEG_INFINITY,
            tick_at: None,
            max_db: f32::NEG_INFINITY,
            clipped: false,
        }
    }
}

impl ChannelState {
    /// Takes the newest (engine-held) peak at `now`.
    fn update(&mut self, peak_db: f32, now: Instant) {
        let expired = self
            .tick_at
            .is_none_or(|t| now.duration_since(t) >= TICK_HOLD);
        if peak_db >= self.tick_db || expired {
            self.tick_db = peak_db;
            self.tick_at = Some(now);
        }
        self.max_db = self.max_db.max(peak_db);
        self.clipped |= peak_db > 0.0;
    }
}

/// The meters strip.
#[derive(Debug, Default)]
pub struct MetersView {
    channels: [ChannelState; 2],
    scale: Ticks,
    extents: Vec<f32>,
    text: String,
}

/// Where a level lies on a bar from `bottom` to `top`.
fn level_y(db: f32, bottom: f32, top: f32) -> f32 {
    let t = (db - METER_BOTTOM_DB) / (METER_TOP_DB - METER_BOTTOM_DB);
    bottom - t.clamp(0.0, 1.0) * (bottom - top)
}

/// The colour of a peak level's text: red above full scale (an over), else the label colour.
fn level_colour(db: f64) -> Color32 {
    if db > 0.0 { theme::CLIP } else { theme::LABEL }
}

/// Where the parts of the strip go. Top down: the channel labels and clip indicators, the
/// bars with the dB scale left of them, the highest peaks under the bars, true peak and
/// loudness (when there is room), the correlation (caption, track, scale).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    /// The strip inside its padding.
    inner: Rect,
    /// Height of a line of text.
    line: f32,
    /// Right edge of the dB scale's labels.
    scale_right: f32,
    /// What the scale's lines span: both bars and the gap between them.
    bars: Rect,
    /// One bar per channel, from the scale's 0 (bottom) to its top.
    columns: [Rect; 2],
    /// The clip indicator above each bar.
    leds: [Rect; 2],
    /// Top of the first of the true-peak and loudness rows, when there is room for them.
    readings_top: Option<f32>,
    /// The correlation track.
    correlation: Rect,
}

impl Layout {
    /// Padding around the strip, and between its groups.
    const PAD: f32 = 4.0;
    /// Width of the dB scale left of the bars.
    const SCALE_WIDTH: f32 = 24.0;
    /// Height of a clip indicator.
    const LED_HEIGHT: f32 = 6.0;
    /// Space between the two bars.
    const BAR_GAP: f32 = 4.0;
    /// The true-peak and loudness rows.
    const READINGS: f32 = 4.0;

    /// The layout of a strip in `rect` whose text lines are `line` points tall.
    fn new(rect: Rect, line: f32) -> Self {
        let pad = Self::PAD;
        let inner = rect.shrink(pad);
        // Bottom up: the correlation (a caption line, the track, a scale line), the readings
        // when the strip is tall enough, a line of maxima under the bars.
        let correlation_top = inner.bottom() - 2.0 * line - 11.0;
        let reading_lines = if inner.height() > 14.0 * line {
            Self::READINGS
        } else {
            0.0
        };
        let readings_top = correlation_top - pad - reading_lines * line;
        let maxima_top = readings_top - pad - line;
        let led_top = inner.top() + line;
        let bars = Rect::from_min_max(
            pos2(
                inner.left() + Self::SCALE_WIDTH,
                led_top + Self::LED_HEIGHT + 4.0,
            ),
            pos2(
                inner.right(),
                (maxima_top - 3.0).max(led_top + Self::LED_HEIGHT + 24.0),
            ),
        );
        // Half a line of headroom above the scale, for its top label.
        let top = bars.top() + line * 0.5;
        let bar_width = (bars.width() - Self::BAR_GAP) / 2.0;
        let column = |i: usize| {
            let x0 = bars.left() + i as f32 * (bar_width + Self::BAR_GAP);
            Rect::from_x_y_ranges(x0..=x0 + bar_width, top..=bars.bottom())
        };
        let columns = [column(0), column(1)];
        let led =
            |c: Rect| Rect::from_x_y_ranges(c.x_range(), led_top..=led_top + Self::LED_HEIGHT);
        Self {
            inner,
            line,
            scale_right: inner.left() + Self::SCALE_WIDTH - 3.0,
            bars,
            columns,
            leds: columns.map(led),
            readings_top: (reading_lines > 0.0).then_some(readings_top),
            // A caption line, 3 pt, the track (6 pt), 2 pt, the scale (a line).
            correlation: Rect::from_x_y_ranges(
                inner.x_range(),
                inner.bottom() - line - 8.0..=inner.bottom() - line - 2.0,
            ),
        }
    }

    /// The scale's extent on screen: the bars' bottom (fraction 0) and top (fraction 1).
    fn scale_span(&self) -> (f32, f32) {
        (self.columns[0].bottom(), self.columns[0].top())
    }
}

impl MetersView {
    /// Draws the strip into all of `ui`'s available space; `now` is the frame time.
    pub fn show(&mut self, ui: &mut Ui, display: &mut DisplayState, now: Instant) -> Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click());
        plot::background(&painter, response.rect);
        self.follow(display, now, response.clicked());
        let rect = response.rect;
        let response = response.on_hover_text(
            "Click to reset the clip indicators, peak holds, maximum true peak and integrated \
             loudness",
        );

        let layout = Layout::new(rect, plot::label_height(&painter));
        self.draw_scale(&painter, &layout);
        for (index, channel) in CHANNELS.into_iter().enumerate() {
            self.draw_channel(&painter, display, &layout, (index, channel));
        }
        if let Some(top) = layout.readings_top {
            self.draw_readings(&painter, display, &layout, top);
        }
        let correlation = display.loudness().meters.correlation();
        self.draw_correlation(&painter, &layout, correlation);
        response
    }

    /// Takes the newest peaks into the latches (not while frozen); a click resets them, with
    /// the engine's maxima and integrated loudness.
    fn follow(&mut self, display: &mut DisplayState, now: Instant, reset: bool) {
        let mut monitor = display.loudness();
        if !display.settings.frozen {
            for (state, channel) in self.channels.iter_mut().zip(CHANNELS) {
                state.update(monitor.meters.levels(channel).peak_db, now);
            }
        }
        if reset {
            monitor.reset();
            self.channels = Default::default();
        }
    }

    /// The dB scale left of the bars, with lines across them.
    fn draw_scale(&mut self, painter: &Painter, layout: &Layout) {
        let font = theme::axis_font();
        let (bottom, top) = layout.scale_span();
        let (height, length) = (layout.line, bottom - top);
        self.scale.decibels(
            f64::from(METER_BOTTOM_DB),
            f64::from(METER_TOP_DB),
            length,
            height,
        );
        self.extents.clear();
        self.extents.resize(self.scale.ticks.len(), height);
        self.scale.choose_labels(length, &self.extents);
        let ppp = painter.pixels_per_point();
        let mut lines = Mesh::default();
        for tick in &self.scale.ticks {
            let y = bottom - tick.fraction * length;
            let colour = if tick.value == 0.0 {
                theme::GRID_STRONG
            } else {
                theme::GRID
            };
            trace::pixel_hline(&mut lines, layout.bars.x_range(), y, 1.0, ppp, colour);
            if tick.labelled {
                let (start, _) = label_span(tick.fraction, height, length);
                painter.text(
                    pos2(layout.scale_right, bottom - start),
                    Align2::RIGHT_BOTTOM,
                    self.scale.label(tick.value),
                    font.clone(),
                    level_colour(tick.value),
                );
            }
        }
        painter.add(Shape::mesh(lines));
    }

    /// One channel: its bar, its label and clip indicator above, its highest peak below.
    fn draw_channel(
        &mut self,
        painter: &Painter,
        display: &DisplayState,
        layout: &Layout,
        (index, channel): (usize, Channel),
    ) {
        let font = theme::axis_font();
        let column = layout.columns[index];
        let state = self.channels[index];
        draw_bar(painter, display, channel, state.tick_db, column);
        painter.text(
            pos2(column.center().x, layout.inner.top()),
            Align2::CENTER_TOP,
            channel.label(),
            font.clone(),
            theme::channel_colour(channel),
        );
        let led = if state.clipped {
            theme::CLIP
        } else {
            theme::GRID
        };
        painter.rect_filled(layout.leds[index], CornerRadius::same(1), led);
        self.text.clear();
        format::write_level(state.max_db, Sign::Negative, &mut self.text);
        painter.text(
            pos2(column.center().x, column.bottom() + 3.0),
            Align2::CENTER_TOP,
            &self.text,
            font.clone(),
            level_colour(f64::from(state.max_db)),
        );
    }

    /// Maximum true peak and loudness (momentary, short-term, integrated), a row each from
    /// `top`.
    fn draw_readings(
        &mut self,
        painter: &Painter,
        display: &DisplayState,
        layout: &Layout,
        top: f32,
    ) {
        let font = theme::axis_font();
        let monitor = display.loudness();
        let meters = &monitor.meters;
        let true_peak = meters
            .levels(Channel::Left)
            .max_true_peak_db
            .max(meters.levels(Channel::Right).max_true_peak_db);
        let loudness = meters.loudness();
        // Label, reading, unit, and whether the reading is a peak (an over shows in red).
        let rows: [(&str, f64, &str, bool); 4] = [
            ("TP", f64::from(true_peak), "dBTP", true),
            ("M", loudness.momentary_lufs, "LUFS", false),
            ("S", loudness.short_term_lufs, "LUFS", false),
            ("I", loudness.integrated_lufs, "LUFS", false),
        ];
        let (left, right) = (layout.inner.left(), layout.inner.right());
        let mut y = top;
        for (label, value, unit, peak) in rows {
            painter.text(
                pos2(left, y),
                Align2::LEFT_TOP,
                label,
                font.clone(),
                theme::LABEL_DIM,
            );
            self.text.clear();
            format::write_db(value as f32, unit, &mut self.text);
            let colour = if peak {
                level_colour(value)
            } else {
                theme::LABEL
            };
            painter.text(
                pos2(right, y),
                Align2::RIGHT_TOP,
                &self.text,
                font.clone(),
                colour,
            );
            y += layout.line;
        }
    }

    /// Correlation −1 … +1 on its track, filled from 0 towards the reading.
    fn draw_correlation(&mut self, painter: &Painter, layout: &Layout, correlation: f32) {
        let font = theme::axis_font();
        let track = layout.correlation;
        let x_of = |c: f32| track.left() + (c.clamp(-1.0, 1.0) + 1.0) / 2.0 * track.width();
        painter.rect_filled(track, CornerRadius::same(1), theme::GRID);
        let (a, b) = (x_of(0.0), x_of(correlation));
        let fill = if correlation >= 0.0 {
            theme::CORRELATION_POSITIVE
        } else {
            theme::CLIP
        };
        if (a - b).abs() >= 0.5 {
            painter.rect_filled(
                Rect::from_x_y_ranges(a.min(b)..=a.max(b), track.y_range()),
                0.0,
                fill.gamma_multiply(0.85),
            );
        }
        painter.vline(
            x_of(0.0),
            track.top() - 2.0..=track.bottom() + 2.0,
            Stroke::new(1.0, theme::LABEL_DIM),
        );
        painter.vline(
            b,
            track.top() - 2.0..=track.bottom() + 2.0,
            Stroke::new(2.0, theme::READOUT_TEXT),
        );
        let below = track.bottom() + 2.0;
        for (c, text, align) in [
            (-1.0, "-1", Align2::LEFT_TOP),
            (1.0, "+1", Align2::RIGHT_TOP),
        ] {
            painter.text(
                pos2(x_of(c), below),
                align,
                text,
                font.clone(),
                theme::LABEL_DIM,
            );
        }
        self.text.clear();
        format::write_correlation(correlation, &mut self.text);
        painter.text(
            pos2(track.center().x, track.top() - 3.0),
            Align2::CENTER_BOTTOM,
            &self.text,
            font,
            theme::LABEL,
        );
    }
}

/// One channel's bar in `column`: peak (translucent), RMS (solid), the part above 0 dBFS in
/// red, and the peak-hold tick at `tick_db`.
fn draw_bar(
    painter: &Painter,
    display: &DisplayState,
    channel: Channel,
    tick_db: f32,
    column: Rect,
) {
    let (bottom, top) = (column.bottom(), column.top());
    let levels = display.loudness().meters.levels(channel);
    let colour = theme::channel_colour(channel);
    let zero = level_y(0.0, bottom, top);
    // One unfeathered mesh, snapped to pixels, and no pixel painted twice: the bars are tall,
    // and under a software rasteriser egui's feathered rectangles cost about twice their area.
    // The layers (the track, the peak bar, the RMS bar, each red above 0 dBFS) are composed
    // here, per stretch of the column between their edges, into the colour they make together.
    let ppp = painter.pixels_per_point();
    let mut mesh = Mesh::default();
    let over = theme::CLIP.gamma_multiply(0.8);
    let bars = [
        (
            level_y(levels.peak_db, bottom, top),
            colour.gamma_multiply(0.4),
        ),
        (
            level_y(levels.rms_db, bottom, top),
            colour.gamma_multiply(0.9),
        ),
    ];
    let mut edges = [top, bars[0].0, bars[1].0, zero.clamp(top, bottom), bottom];
    edges.sort_by(f32::total_cmp);
    for stretch in edges.windows(2) {
        let (from, to) = (stretch[0], stretch[1]);
        if (to * ppp).round() <= (from * ppp).round() {
            // Less than a pixel: its neighbours cover it.
            continue;
        }
        let mut fill = theme::GRID_FAINT.gamma_multiply(0.8);
        for &(y, bar) in &bars {
            if from >= y && y < bottom {
                fill = fill.blend(bar);
                if from < zero {
                    fill = fill.blend(over);
                }
            }
        }
        let rect = Rect::from_x_y_ranges(column.x_range(), from..=to);
        trace::pixel_rect(&mut mesh, rect, ppp, fill);
    }
    if tick_db > METER_BOTTOM_DB {
        let y = level_y(tick_db, bottom, top);
        let tick_colour = if tick_db > 0.0 {
            theme::CLIP
        } else {
            colour.lerp_to_gamma(Color32::WHITE, 0.5)
        };
        trace::pixel_hline(&mut mesh, column.x_range(), y, 2.0, ppp, tick_colour);
    }
    painter.add(Shape::mesh(mesh));
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::vec2;

    #[test]
    fn clip_latches_above_full_scale_only() {
        let now = Instant::now();
        let mut state = ChannelState::default();
        state.update(-0.0, now);
        assert!(!state.clipped, "exactly full scale is no over");
        state.update(0.3, now);
        assert!(state.clipped);
        state.update(-20.0, now + Duration::from_secs(60));
        assert!(state.clipped, "latched until reset");
        assert_eq!(state.max_db, 0.3);
    }

    #[test]
    fn the_peak_tick_holds_then_follows_the_peak() {
        let t0 = Instant::now();
        let mut state = ChannelState::default();
        state.update(-6.0, t0);
        state.update(-12.0, t0 + Duration::from_secs(1));
        assert_eq!(state.tick_db, -6.0, "held");
        state.update(-3.0, t0 + Duration::from_secs(2));
        assert_eq!(state.tick_db, -3.0, "a higher peak takes over at once");
        state.update(-12.0, t0 + Duration::from_secs(2) + TICK_HOLD);
        assert_eq!(state.tick_db, -12.0, "after the hold it drops to the peak");
    }

    #[test]
    fn the_layout_stacks_labels_bars_readings_and_correlation() {
        let line = 13.0;
        let tall = Layout::new(
            Rect::from_min_size(pos2(0.0, 0.0), vec2(112.0, 600.0)),
            line,
        );
        let [left, right] = tall.columns;
        assert!(
            left.right() + Layout::BAR_GAP <= right.left() + 1e-4,
            "bars side by side"
        );
        assert!((left.width() - right.width()).abs() < 1e-4);
        assert!(
            tall.scale_right < left.left(),
            "the scale's labels left of the bars"
        );
        for (led, column) in tall.leds.iter().zip(tall.columns) {
            assert!(led.bottom() < column.top(), "clip indicator above its bar");
            assert_eq!(led.x_range(), column.x_range());
        }
        assert_eq!(tall.scale_span(), (left.bottom(), left.top()));
        // The maxima line, four reading rows and the correlation below the bars, in order.
        let readings = tall.readings_top.expect("room for the readings");
        assert!(left.bottom() + line <= readings);
        assert!(readings + Layout::READINGS * line <= tall.correlation.top() - line);
        assert!(tall.correlation.bottom() + line <= tall.inner.bottom() + 1e-4);
        // A short strip drops the readings, never the bars.
        let short = Layout::new(
            Rect::from_min_size(pos2(0.0, 0.0), vec2(112.0, 150.0)),
            line,
        );
        assert_eq!(short.readings_top, None);
        assert!(short.columns[0].height() >= 20.0);
    }

    #[test]
    fn levels_map_onto_the_bar() {
        assert_eq!(level_y(METER_TOP_DB, 100.0, 0.0), 0.0);
        assert_eq!(level_y(METER_BOTTOM_DB, 100.0, 0.0), 100.0);
        assert_eq!(level_y(-240.0, 100.0, 0.0), 100.0);
        assert_eq!(level_y(20.0, 100.0, 0.0), 0.0);
        let zero = level_y(0.0, 100.0, 0.0);
        assert!((zero - 100.0 * 6.0 / 66.0).abs() < 1e-4);
    }
}
