//! The oscilloscope view: picks the sweep from the frame history and draws it.
//!
//! Each trace is computed as one (min, max) pair per pixel column, so a long window of a
//! high-frequency tone draws a filled envelope instead of an aliased wave; when a column covers
//! less than one sample the samples are drawn as a polyline.

use egui::{self, Pos2, Rect, Sense, Shape, Stroke, Ui, pos2};

use super::display::{DisplayState, FrameHistory};
use super::theme;
use crate::params::{ChannelMode, TriggerEdge, TriggerMode};

/// Scope settings read from the parameters each frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScopeSettings {
    /// Visible time span, ms.
    pub window_ms: f32,
    /// Which signal(s) to draw.
    pub channels: ChannelMode,
    /// Trigger mode.
    pub trigger_mode: TriggerMode,
    /// Trigger level, linear.
    pub trigger_level: f32,
    /// Trigger edge.
    pub trigger_edge: TriggerEdge,
    /// Hysteresis, linear.
    pub hysteresis: f32,
}

/// One signal derived from a stereo frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Left channel.
    Left,
    /// Right channel.
    Right,
    /// (L + R) / 2.
    Mid,
    /// (L − R) / 2.
    Side,
}

impl Signal {
    /// The signal's value in `frame`.
    #[inline]
    pub fn of(self, frame: [f32; 2]) -> f32 {
        match self {
            Self::Left => frame[0],
            Self::Right => frame[1],
            Self::Mid => 0.5 * (frame[0] + frame[1]),
            Self::Side => 0.5 * (frame[0] - frame[1]),
        }
    }

    /// The signals a channel mode draws, in drawing order.
    pub fn for_mode(mode: ChannelMode) -> &'static [Signal] {
        match mode {
            ChannelMode::Left => &[Signal::Left],
            ChannelMode::Right => &[Signal::Right],
            ChannelMode::Mid => &[Signal::Mid],
            ChannelMode::Side => &[Signal::Side],
            ChannelMode::LeftRight => &[Signal::Left, Signal::Right],
        }
    }

    /// The signal the trigger watches for a channel mode.
    pub fn trigger_source(mode: ChannelMode) -> Signal {
        match mode {
            ChannelMode::LeftRight => Signal::Mid,
            _ => Self::for_mode(mode)[0],
        }
    }
}

/// Where the sweep ends, counted back from the newest frame, or `None` when a triggered mode
/// found no trigger. Searches at most one window further back than the sweep itself needs.
pub fn find_sweep_end(
    history: &FrameHistory,
    window: usize,
    settings: &ScopeSettings,
) -> Option<usize> {
    if matches!(
        settings.trigger_mode,
        TriggerMode::Free | TriggerMode::BeatSync
    ) {
        return Some(0);
    }
    let source = Signal::trigger_source(settings.channels);
    let value = |back: usize| -> Option<f32> {
        let v = source.of(history.back(back)?);
        Some(match settings.trigger_edge {
            TriggerEdge::Rising => v,
            TriggerEdge::Falling => -v,
        })
    };
    let level = match settings.trigger_edge {
        TriggerEdge::Rising => settings.trigger_level,
        TriggerEdge::Falling => -settings.trigger_level,
    };
    let arm = level - settings.hysteresis.max(0.0);
    let last = history.len().checked_sub(1)?;
    // A trigger is the first sample ≥ level after the signal was ≤ arm (armed), so noise smaller
    // than the hysteresis cannot re-trigger. Walk back in time from the newest position whose
    // sweep is complete (the sweep's first frame is `window - 1` frames back) and take the
    // first crossing that was armed.
    let newest = window - 1;
    let limit = (newest + window).min(last);
    let mut s = newest;
    while s < limit {
        if value(s)? >= level && value(s + 1)? < level {
            let mut k = s + 1;
            let arm_limit = (s + 2 * window).min(last);
            let mut armed = false;
            while k <= arm_limit {
                let v = value(k)?;
                if v <= arm {
                    armed = true;
                    break;
                }
                if v >= level {
                    break;
                }
                k += 1;
            }
            if armed {
                return Some(s - newest);
            }
            s = k;
            continue;
        }
        s += 1;
    }
    None
}

/// Per-column (min, max) of `signal` over the `window` frames ending `end` frames before the
/// newest. Columns with no samples (history too short) are `None`.
pub fn column_extremes(
    history: &FrameHistory,
    signal: Signal,
    end: usize,
    window: usize,
    columns: usize,
    out: &mut Vec<Option<(f32, f32)>>,
) {
    out.clear();
    if columns == 0 || window == 0 {
        return;
    }
    let per_column = window as f64 / columns as f64;
    for c in 0..columns {
        // Frames [start, stop) of the window, oldest = 0.
        let start = (c as f64 * per_column).floor() as usize;
        let stop = (((c + 1) as f64 * per_column).floor() as usize).max(start + 1);
        let mut extremes: Option<(f32, f32)> = None;
        for i in start..stop.min(window) {
            let back = end + window - 1 - i;
            if let Some(frame) = history.back(back) {
                let v = signal.of(frame);
                extremes = Some(match extremes {
                    None => (v, v),
                    Some((lo, hi)) => (lo.min(v), hi.max(v)),
                });
            }
        }
        out.push(extremes);
    }
}

/// The scope view's state between frames (the held picture of normal/single triggering).
#[derive(Debug, Default)]
pub struct ScopeView {
    last_end: Option<usize>,
    columns: Vec<Option<(f32, f32)>>,
    points: Vec<Pos2>,
}

impl ScopeView {
    /// Draws the scope into all of `ui`'s available space.
    pub fn show(&mut self, ui: &mut Ui, display: &DisplayState, settings: &ScopeSettings) {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let rect = response.rect;
        painter.rect_filled(rect, 2.0, theme::PLOT_BACKGROUND);
        draw_grid(&painter, rect);

        let window =
            ((settings.window_ms.max(0.01) / 1000.0 * display.sample_rate).round() as usize).max(2);
        let end = match find_sweep_end(&display.history, window, settings) {
            Some(end) => {
                self.last_end = Some(end);
                Some(end)
            }
            // Auto mode free-runs without a trigger; normal and single hold the last sweep
            // position (which moves back as new frames arrive, so use the newest instead when
            // it fell out of the history).
            None if settings.trigger_mode == TriggerMode::Auto => Some(0),
            None => self.last_end.map(|e| e + display.frames_last_drain),
        };
        let Some(end) = end else {
            return;
        };
        self.last_end = Some(end);

        let columns = rect.width().max(1.0) as usize;
        for (n, &signal) in Signal::for_mode(settings.channels).iter().enumerate() {
            let colour = theme::channel_colour(signal, n);
            column_extremes(
                &display.history,
                signal,
                end,
                window,
                columns,
                &mut self.columns,
            );
            self.points.clear();
            let y = |v: f32| rect.center().y - v.clamp(-1.5, 1.5) * rect.height() * 0.5;
            if window <= columns {
                // Fewer samples than pixels: a polyline through the samples.
                for i in 0..window {
                    if let Some(frame) = display.history.back(end + window - 1 - i) {
                        let x = rect.left() + (i as f32 + 0.5) / window as f32 * rect.width();
                        self.points.push(pos2(x, y(signal.of(frame))));
                    }
                }
            } else {
                // Zig-zag through each column's extremes: a filled envelope for dense signals.
                for (c, extremes) in self.columns.iter().enumerate() {
                    if let Some((lo, hi)) = extremes {
                        let x = rect.left() + c as f32 + 0.5;
                        self.points.push(pos2(x, y(*lo)));
                        if hi != lo {
                            self.points.push(pos2(x, y(*hi)));
                        }
                    }
                }
            }
            if self.points.len() >= 2 {
                let shape = Shape::line(std::mem::take(&mut self.points), Stroke::new(1.5, colour));
                painter.add(shape);
            }
        }

        // Trigger level marker.
        if !matches!(
            settings.trigger_mode,
            TriggerMode::Free | TriggerMode::BeatSync
        ) {
            let y = rect.center().y - settings.trigger_level.clamp(-1.0, 1.0) * rect.height() * 0.5;
            painter.line_segment(
                [pos2(rect.left(), y), pos2(rect.left() + 8.0, y)],
                Stroke::new(2.0, theme::TRIGGER_MARKER),
            );
        }
        painter.text(
            rect.left_top() + egui::vec2(6.0, 4.0),
            egui::Align2::LEFT_TOP,
            format_window(settings.window_ms),
            egui::FontId::proportional(12.0),
            theme::LABEL,
        );
    }
}

fn format_window(ms: f32) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(mode: TriggerMode) -> ScopeSettings {
        ScopeSettings {
            window_ms: 10.0,
            channels: ChannelMode::Left,
            trigger_mode: mode,
            trigger_level: 0.0,
            trigger_edge: TriggerEdge::Rising,
            hysteresis: 0.05,
        }
    }

    fn sine_history(frames: usize, period: f32, phase: f32) -> FrameHistory {
        let mut h = FrameHistory::new(frames);
        let data: Vec<[f32; 2]> = (0..frames)
            .map(|i| {
                let v = (std::f32::consts::TAU * (i as f32 + phase) / period).sin();
                [v, -v]
            })
            .collect();
        h.extend(&data);
        h
    }

    #[test]
    fn edge_trigger_lands_on_a_rising_zero_crossing() {
        for phase in [0.0f32, 13.0, 37.5, 71.0] {
            let h = sine_history(4000, 100.0, phase);
            let end = find_sweep_end(&h, 480, &settings(TriggerMode::Normal)).unwrap();
            // The first frame of the sweep is at back index end + window - 1.
            let first = h.back(end + 480 - 1).unwrap()[0];
            let before = h.back(end + 480).unwrap()[0];
            assert!(
                first >= 0.0 && before < 0.0,
                "phase {phase}: {before} -> {first}"
            );
        }
    }

    #[test]
    fn falling_edge_and_no_trigger() {
        let h = sine_history(4000, 100.0, 0.0);
        let s = ScopeSettings {
            trigger_edge: TriggerEdge::Falling,
            ..settings(TriggerMode::Normal)
        };
        let end = find_sweep_end(&h, 480, &s).unwrap();
        let first = h.back(end + 480 - 1).unwrap()[0];
        let before = h.back(end + 480).unwrap()[0];
        assert!(first <= 0.0 && before > 0.0);

        let mut flat = FrameHistory::new(4000);
        flat.extend(&[[0.2f32; 2]; 4000]);
        assert_eq!(
            find_sweep_end(&flat, 480, &settings(TriggerMode::Normal)),
            None
        );
        assert_eq!(
            find_sweep_end(&flat, 480, &settings(TriggerMode::Free)),
            Some(0)
        );
    }

    #[test]
    fn columns_hold_the_true_extremes() {
        let mut h = FrameHistory::new(1000);
        let data: Vec<[f32; 2]> = (0..1000).map(|i| [(i % 10) as f32, 0.0]).collect();
        h.extend(&data);
        let mut out = Vec::new();
        column_extremes(&h, Signal::Left, 0, 1000, 100, &mut out);
        assert_eq!(out.len(), 100);
        assert!(out.iter().all(|c| *c == Some((0.0, 9.0))));
        column_extremes(&h, Signal::Left, 0, 1000, 200, &mut out);
        assert!(
            out.iter()
                .all(|c| *c == Some((0.0, 4.0)) || *c == Some((5.0, 9.0)))
        );
        // A window longer than the history leaves the oldest columns empty.
        column_extremes(&h, Signal::Left, 0, 2000, 100, &mut out);
        assert!(out[..50].iter().all(Option::is_none));
        assert!(out[50..].iter().all(Option::is_some));
    }
}
