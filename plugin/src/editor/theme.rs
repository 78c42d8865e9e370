//! Colours, strokes and text sizes shared by the views, so a channel looks the same in the scope,
//! the spectrum and the meters.
//!
//! Grid, labels and markers are grey or muted: the only saturated ink in a plot is the signal.

use egui::{Color32, FontId, Stroke};

use ringscope::analysis::Channel;

/// Plot area background.
pub const PLOT_BACKGROUND: Color32 = Color32::from_rgb(14, 16, 20);
/// The parts of the scope beyond full scale (overs show there).
pub const OVER_ZONE: Color32 = Color32::from_rgb(30, 17, 20);
/// Subdivision grid lines.
pub const GRID_FAINT: Color32 = Color32::from_rgb(24, 27, 33);
/// Grid lines.
pub const GRID: Color32 = Color32::from_rgb(36, 40, 48);
/// Zero, full scale, decades, bars.
pub const GRID_STRONG: Color32 = Color32::from_rgb(60, 66, 78);
/// Axis labels and captions inside plots.
pub const LABEL: Color32 = Color32::from_rgb(150, 156, 168);
/// Captions of lesser importance.
pub const LABEL_DIM: Color32 = Color32::from_rgb(105, 110, 122);
/// Trigger level and position markers.
pub const TRIGGER_MARKER: Color32 = Color32::from_rgb(240, 200, 80);
/// The trigger level line across the plot: muted, so it never reads as a trace.
pub const TRIGGER_LINE: Color32 = Color32::from_rgb(88, 80, 52);
/// Hover crosshair.
pub const CROSSHAIR: Color32 = Color32::from_rgb(120, 126, 138);
/// Hover readout box.
pub const READOUT_BACKGROUND: Color32 = Color32::from_rgba_premultiplied(8, 9, 12, 225);
/// Readout lines that belong to no channel (time, frequency, cursor level).
pub const READOUT_TEXT: Color32 = Color32::from_rgb(220, 224, 232);
/// Clip indicators and levels above 0 dBFS.
pub const CLIP: Color32 = Color32::from_rgb(255, 60, 60);
/// Warning messages (dropped frames, NaN/Inf).
pub const WARNING: Color32 = Color32::from_rgb(255, 170, 60);
/// The correlation bar's fill where the channels agree (the meters strip, the vectorscope).
pub const CORRELATION_POSITIVE: Color32 = Color32::from_rgb(110, 200, 130);
/// Informational messages (no input, test signal on).
pub const INFO: Color32 = Color32::from_rgb(120, 180, 255);

/// Axis labels.
pub fn axis_font() -> FontId {
    FontId::proportional(11.0)
}

/// Readouts (monospaced, so numbers do not jump as the pointer moves).
pub fn readout_font() -> FontId {
    FontId::monospace(11.0)
}

/// Colour of a channel: left blue, right pink, mid green, side orange (the usual
/// meter conventions; L and R stay apart also for the common forms of colour blindness, as
/// they differ in lightness and blue content, not only in hue).
pub fn channel_colour(channel: Channel) -> Color32 {
    match channel {
        Channel::Left => Color32::from_rgb(70, 190, 255),
        Channel::Right => Color32::from_rgb(255, 90, 170),
        Channel::Mid => Color32::from_rgb(120, 230, 120),
        Channel::Side => Color32::from_rgb(255, 170, 70),
    }
}

/// Stroke of trace `index` of `count` traces drawn over each other. With two traces (L and R
/// overlaid) the first is drawn wide and the second narrow on top of it, so where they coincide
/// (a mono signal) the first still shows as a rim around the second. A `dense` trace (many
/// samples per column: a zig-zag band) gets no rim: it would only fill the band's texture in.
pub fn trace_stroke(channel: Channel, index: usize, count: usize, dense: bool) -> Stroke {
    let width = match (count, index, dense) {
        (1, _, _) => 1.5,
        (_, 0, false) => 4.0,
        (_, 0, true) => 1.5,
        (_, _, false) => 1.5,
        (_, _, true) => 1.0,
    };
    Stroke::new(width, channel_colour(channel))
}

/// Peak-hold curve of a spectrum: a thin, lighter and translucent version of the channel.
pub fn peak_hold_stroke(channel: Channel) -> Stroke {
    let colour = channel_colour(channel).lerp_to_gamma(Color32::WHITE, 0.45);
    Stroke::new(1.0, colour.gamma_multiply(0.7))
}

/// The shade under an averaged spectrum curve, where it meets the curve (it fades out below).
pub fn spectrum_fill(channel: Channel) -> Color32 {
    channel_colour(channel).gamma_multiply(0.24)
}

/// The collision display's colour (its legend entry; see [`collision_band`]): a red of its
/// own, apart from the channels', the overlays' and the references' colours.
pub const COLLISION: Color32 = Color32::from_rgb(235, 45, 75);

/// The translucent strip marking colliding columns in the spectrum.
pub fn collision_band() -> Color32 {
    COLLISION.gamma_multiply(0.55)
}

/// The loudness graph's momentary loudness (a band: each column's lowest to highest).
pub const LOUDNESS_MOMENTARY: Color32 = Color32::from_rgb(52, 96, 140);
/// The loudness graph's short-term loudness (a line over the band).
pub const LOUDNESS_SHORT_TERM: Color32 = Color32::from_rgb(120, 200, 255);
/// Loudness above the target, on the graph (band and line).
pub const LOUDNESS_ABOVE_TARGET: Color32 = WARNING;
/// The loudness target line and its name.
pub const LOUDNESS_TARGET: Color32 = TRIGGER_MARKER;
/// The integrated loudness line and its value.
pub const LOUDNESS_INTEGRATED: Color32 = READOUT_TEXT;

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: Color32, b: Color32) -> i32 {
        (0..3)
            .map(|i| (i32::from(a[i]) - i32::from(b[i])).abs())
            .sum()
    }

    /// The host tests' notion of "coloured ink" (a trace, not grid or text).
    fn chromatic(c: Color32) -> bool {
        let (r, g, b) = (c.r(), c.g(), c.b());
        let max = r.max(g).max(b);
        let min = r.min(g).min(b);
        max >= 100 && max - min >= 70
    }

    #[test]
    fn every_channel_has_its_own_clearly_coloured_ink() {
        for (i, &a) in Channel::ALL.iter().enumerate() {
            assert!(chromatic(channel_colour(a)), "{a:?}");
            for &b in &Channel::ALL[i + 1..] {
                assert!(
                    distance(channel_colour(a), channel_colour(b)) > 150,
                    "{a:?} and {b:?} look alike"
                );
            }
        }
        // The same channel gets the same colour in every view.
        assert_eq!(
            trace_stroke(Channel::Left, 0, 2, false).color,
            channel_colour(Channel::Left)
        );
        assert_eq!(
            trace_stroke(Channel::Mid, 0, 1, true).color,
            channel_colour(Channel::Mid)
        );
    }

    #[test]
    fn overlaid_traces_differ_in_width_so_both_show_when_they_coincide() {
        let under = trace_stroke(Channel::Left, 0, 2, false);
        let over = trace_stroke(Channel::Right, 1, 2, false);
        assert!(under.width >= 2.0 * over.width);
        // Dense bands keep their texture: no wide rim.
        assert!(trace_stroke(Channel::Left, 0, 2, true).width <= 1.5);
    }

    #[test]
    fn peak_hold_is_told_apart_from_the_average() {
        for channel in Channel::ALL {
            let average = trace_stroke(channel, 0, 1, false);
            let hold = peak_hold_stroke(channel);
            assert!(hold.width < average.width);
            assert!(distance(hold.color, average.color) > 60, "{channel:?}");
        }
    }

    #[test]
    fn grid_labels_and_markers_are_not_coloured_ink() {
        for c in [
            GRID_FAINT,
            GRID,
            GRID_STRONG,
            LABEL,
            LABEL_DIM,
            TRIGGER_LINE,
            CROSSHAIR,
            OVER_ZONE,
            PLOT_BACKGROUND,
        ] {
            assert!(!chromatic(c), "{c:?}");
        }
        for channel in Channel::ALL {
            assert!(!chromatic(spectrum_fill(channel)), "{channel:?}");
        }
    }
}
