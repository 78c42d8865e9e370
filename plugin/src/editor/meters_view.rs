//! The meters strip: per channel a peak bar (translucent, the engine's hold-and-fall peak), an
//! RMS bar (solid) and a peak-hold tick on a dBFS scale, a clip indicator that latches when a
//! sample exceeds 0 dBFS, the highest peak; below them maximum true peak, EBU R128 loudness
//! (momentary, short-term, integrated) and stereo correlation. A click resets the latches, the
//! maxima and the integrated loudness.

use std::fmt::Write;
use std::time::{Duration, Instant};

use egui::{Align2, Color32, CornerRadius, Painter, Rect, Sense, Stroke, Ui, pos2};
use ringscope::analysis::Channel;

use super::display::DisplayState;
use super::readout;
use super::theme;
use super::ticks::{Ticks, label_span};

/// Meter scale bottom, dBFS.
const FLOOR_DB: f32 = -60.0;
/// Meter scale top, dBFS (room to show overs).
const CEILING_DB: f32 = 6.0;
/// How long the peak-hold tick stays before it drops to the current peak.
const TICK_HOLD: Duration = Duration::from_secs(3);
/// Correlation fill when the channels agree.
const CORRELATION_POSITIVE: Color32 = Color32::from_rgb(110, 200, 130);

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
    let t = (db - FLOOR_DB) / (CEILING_DB - FLOOR_DB);
    bottom - t.clamp(0.0, 1.0) * (bottom - top)
}

impl MetersView {
    /// Draws the strip into all of `ui`'s available space; `now` is the frame time.
    pub fn show(&mut self, ui: &mut Ui, display: &mut DisplayState, now: Instant) {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::click());
        let rect = response.rect;
        painter.rect_filled(rect, 2.0, theme::PLOT_BACKGROUND);
        let pairs = [Channel::Left, Channel::Right];
        if !display.settings.frozen {
            for (state, channel) in self.channels.iter_mut().zip(pairs) {
                state.update(display.meters.levels(channel).peak_db, now);
            }
        }
        if response.clicked() {
            display.meters.reset();
            self.channels = Default::default();
        }
        response.on_hover_text(
            "Click to reset the clip indicators, peak holds, maximum true peak and integrated \
             loudness",
        );

        let font = theme::axis_font();
        let line = painter.fonts_mut(|f| f.row_height(&font));
        let pad = 4.0;
        let scale_w = 24.0;
        let inner = rect.shrink(pad);
        // Bottom up: correlation (caption, track, scale), true peak and loudness (when there is
        // room), the highest peaks under the bars.
        let correlation_top = inner.bottom() - 2.0 * line - 11.0;
        let text_lines = if inner.height() > 14.0 * line {
            4.0
        } else {
            0.0
        };
        let text_top = correlation_top - pad - text_lines * line;
        let maxima_top = text_top - pad - line;
        let header_h = line;
        let led_h = 6.0;
        let bars = Rect::from_min_max(
            pos2(inner.left() + scale_w, inner.top() + header_h + led_h + 4.0),
            pos2(
                inner.right(),
                (maxima_top - 3.0).max(inner.top() + header_h + led_h + 24.0),
            ),
        );
        let (bottom, top) = (bars.bottom(), bars.top() + line * 0.5);

        self.draw_scale(&painter, bars, (bottom, top), inner.left() + scale_w - 3.0);
        let gap = 4.0;
        let bar_w = (bars.width() - gap) / 2.0;
        for (i, channel) in pairs.into_iter().enumerate() {
            let x0 = bars.left() + i as f32 * (bar_w + gap);
            let column = Rect::from_x_y_ranges(x0..=x0 + bar_w, top..=bottom);
            self.draw_bar(&painter, display, channel, i, column);
            // Label and clip indicator above, highest peak below.
            let colour = theme::channel_colour(channel);
            painter.text(
                pos2(column.center().x, inner.top()),
                Align2::CENTER_TOP,
                channel.label(),
                font.clone(),
                colour,
            );
            let led = Rect::from_x_y_ranges(
                column.x_range(),
                inner.top() + header_h..=inner.top() + header_h + led_h,
            );
            let clipped = self.channels[i].clipped;
            painter.rect_filled(
                led,
                CornerRadius::same(1),
                if clipped { theme::CLIP } else { theme::GRID },
            );
            let max = self.channels[i].max_db;
            self.text.clear();
            if max.is_finite() && max > FLOOR_DB - 60.0 {
                let _ = write!(self.text, "{max:.1}");
            } else {
                self.text.push_str("-inf");
            }
            painter.text(
                pos2(column.center().x, bottom + 3.0),
                Align2::CENTER_TOP,
                &self.text,
                font.clone(),
                if max > 0.0 { theme::CLIP } else { theme::LABEL },
            );
        }

        // True peak and loudness.
        let mut y = text_top;
        if text_lines > 0.0 {
            let meters = &display.meters;
            let true_peak = meters
                .levels(Channel::Left)
                .max_true_peak_db
                .max(meters.levels(Channel::Right).max_true_peak_db);
            let loudness = meters.loudness();
            let rows: [(&str, f64, &str); 4] = [
                ("TP", f64::from(true_peak), "dBTP"),
                ("M", loudness.momentary_lufs, "LUFS"),
                ("S", loudness.short_term_lufs, "LUFS"),
                ("I", loudness.integrated_lufs, "LUFS"),
            ];
            for (label, value, unit) in rows {
                painter.text(
                    pos2(inner.left(), y),
                    Align2::LEFT_TOP,
                    label,
                    font.clone(),
                    theme::LABEL_DIM,
                );
                self.text.clear();
                readout::write_db(value as f32, unit, &mut self.text);
                let colour = if label == "TP" && value > 0.0 {
                    theme::CLIP
                } else {
                    theme::LABEL
                };
                painter.text(
                    pos2(inner.right(), y),
                    Align2::RIGHT_TOP,
                    &self.text,
                    font.clone(),
                    colour,
                );
                y += line;
            }
        }

        self.draw_correlation(&painter, inner, display.meters.correlation(), line);
    }

    /// The dB scale left of the bars, with lines across them.
    fn draw_scale(&mut self, painter: &Painter, bars: Rect, (bottom, top): (f32, f32), right: f32) {
        let font = theme::axis_font();
        let height = painter.fonts_mut(|f| f.row_height(&font));
        self.scale.decibels(
            f64::from(FLOOR_DB),
            f64::from(CEILING_DB),
            bottom - top,
            height,
        );
        self.extents.clear();
        self.extents.resize(self.scale.ticks.len(), height);
        self.scale.choose_labels(bottom - top, &self.extents);
        for tick in &self.scale.ticks {
            let y = painter.round_to_pixel_center(bottom - tick.fraction * (bottom - top));
            let colour = if tick.value == 0.0 {
                theme::GRID_STRONG
            } else {
                theme::GRID
            };
            painter.hline(bars.left()..=bars.right(), y, Stroke::new(1.0, colour));
            if tick.labelled {
                let (start, _) = label_span(tick.fraction, height, bottom - top);
                painter.text(
                    pos2(right, bottom - start),
                    Align2::RIGHT_BOTTOM,
                    self.scale.label(tick.value),
                    font.clone(),
                    if tick.value > 0.0 {
                        theme::CLIP
                    } else {
                        theme::LABEL
                    },
                );
            }
        }
    }

    /// One channel's bar: peak (translucent), RMS (solid), the part above 0 dBFS in red, and
    /// the peak-hold tick.
    fn draw_bar(
        &self,
        painter: &Painter,
        display: &DisplayState,
        channel: Channel,
        index: usize,
        column: Rect,
    ) {
        let (bottom, top) = (column.bottom(), column.top());
        let levels = display.meters.levels(channel);
        let colour = theme::channel_colour(channel);
        let zero = level_y(0.0, bottom, top);
        let bar = |db: f32, fill: Color32| {
            let y = level_y(db, bottom, top);
            if y < bottom {
                painter.rect_filled(
                    Rect::from_x_y_ranges(column.x_range(), y..=bottom),
                    0.0,
                    fill,
                );
                if y < zero {
                    painter.rect_filled(
                        Rect::from_x_y_ranges(column.x_range(), y..=zero),
                        0.0,
                        theme::CLIP.gamma_multiply(0.8),
                    );
                }
            }
        };
        painter.rect_filled(column, 0.0, theme::GRID_FAINT.gamma_multiply(0.8));
        bar(levels.peak_db, colour.gamma_multiply(0.4));
        bar(levels.rms_db, colour.gamma_multiply(0.9));
        let tick = self.channels[index].tick_db;
        if tick > FLOOR_DB {
            let y = level_y(tick, bottom, top);
            let tick_colour = if tick > 0.0 {
                theme::CLIP
            } else {
                colour.lerp_to_gamma(Color32::WHITE, 0.5)
            };
            painter.hline(column.x_range(), y, Stroke::new(2.0, tick_colour));
        }
    }

    /// Correlation −1 … +1 at the bottom of `inner`, filled from 0 towards the reading.
    fn draw_correlation(&mut self, painter: &Painter, inner: Rect, correlation: f32, line: f32) {
        let font = theme::axis_font();
        // Caption (a line), 3 pt, the track (6 pt), 2 pt, the scale (a line).
        let track = Rect::from_x_y_ranges(
            inner.x_range(),
            inner.bottom() - line - 8.0..=inner.bottom() - line - 2.0,
        );
        let x_of = |c: f32| track.left() + (c.clamp(-1.0, 1.0) + 1.0) / 2.0 * track.width();
        painter.rect_filled(track, CornerRadius::same(1), theme::GRID);
        let (a, b) = (x_of(0.0), x_of(correlation));
        let fill = if correlation >= 0.0 {
            CORRELATION_POSITIVE
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
        let _ = write!(self.text, "corr {correlation:+.2}");
        painter.text(
            pos2(track.center().x, track.top() - 3.0),
            Align2::CENTER_BOTTOM,
            &self.text,
            font,
            theme::LABEL,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn levels_map_onto_the_bar() {
        assert_eq!(level_y(CEILING_DB, 100.0, 0.0), 0.0);
        assert_eq!(level_y(FLOOR_DB, 100.0, 0.0), 100.0);
        assert_eq!(level_y(-240.0, 100.0, 0.0), 100.0);
        assert_eq!(level_y(20.0, 100.0, 0.0), 0.0);
        let zero = level_y(0.0, 100.0, 0.0);
        assert!((zero - 100.0 * 6.0 / 66.0).abs() < 1e-4);
    }
}
