//! The readouts beside the vectorscope: the display gain ("auto" with auto-gain), the stereo
//! correlation on a −1 … +1 bar and the balance on an L … R bar, each with its number.

use egui::{Align2, Color32, CornerRadius, Painter, Rect, Stroke, pos2};
use ringscope::analysis::Channel;

use crate::editor::theme;
use crate::format::{self, Sign};

/// Height of one bar group: a caption line, 3 pt, the track, 2 pt, its end labels (a line).
pub fn group_height(line: f32) -> f32 {
    2.0 * line + TRACK + 5.0
}

/// Height of a bar's track.
const TRACK: f32 = 6.0;

/// What the readouts show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// Display gain, dB.
    pub gain_db: f32,
    /// Whether auto-gain sets it.
    pub auto_gain: bool,
    /// −1 … +1.
    pub correlation: f32,
    /// −1 (left) … +1 (right).
    pub balance: f32,
}

/// Draws the readouts into `rect` (`side`: stacked in a column, else the gain on a line and the
/// two bars side by side under it).
pub fn draw(
    painter: &Painter,
    rect: Rect,
    side: bool,
    line: f32,
    figures: Figures,
    text: &mut String,
) {
    let font = theme::axis_font();
    text.clear();
    text.push_str("gain ");
    format::write_level(figures.gain_db, Sign::Always, text);
    text.push_str(" dB");
    if figures.auto_gain {
        text.push_str(" auto");
    }
    painter.text(
        rect.left_top(),
        Align2::LEFT_TOP,
        &*text,
        font,
        theme::LABEL,
    );
    let top = rect.top() + line + 6.0;
    let group = group_height(line);
    let (correlation, balance) = if side {
        let width = rect.x_range();
        (
            Rect::from_x_y_ranges(width, top..=top + group),
            Rect::from_x_y_ranges(width, top + group + 6.0..=top + 2.0 * group + 6.0),
        )
    } else {
        let middle = rect.center().x;
        (
            Rect::from_x_y_ranges(rect.left()..=middle - 6.0, top..=top + group),
            Rect::from_x_y_ranges(middle + 6.0..=rect.right(), top..=top + group),
        )
    };
    text.clear();
    format::write_correlation(figures.correlation, text);
    let fill = if figures.correlation >= 0.0 {
        theme::CORRELATION_POSITIVE
    } else {
        theme::CLIP
    };
    bar(
        painter,
        correlation,
        line,
        figures.correlation,
        fill,
        ["-1", "+1"],
        text,
    );
    text.clear();
    format::write_balance(figures.balance, text);
    let side_colour = theme::channel_colour(if figures.balance < 0.0 {
        Channel::Left
    } else {
        Channel::Right
    });
    bar(
        painter,
        balance,
        line,
        figures.balance,
        side_colour,
        ["L", "R"],
        text,
    );
}

/// A −1 … +1 bar in `rect`, filled from 0 towards `value`, `caption` above, `ends` below.
fn bar(
    painter: &Painter,
    rect: Rect,
    line: f32,
    value: f32,
    fill: Color32,
    ends: [&str; 2],
    caption: &str,
) {
    let font = theme::axis_font();
    let top = rect.top() + line + 3.0;
    let track = Rect::from_x_y_ranges(rect.x_range(), top..=top + TRACK);
    let value = if value.is_nan() { 0.0 } else { value };
    let x_of = |v: f32| track.left() + (v.clamp(-1.0, 1.0) + 1.0) / 2.0 * track.width();
    painter.rect_filled(track, CornerRadius::same(1), theme::GRID);
    let (a, b) = (x_of(0.0), x_of(value));
    if (a - b).abs() >= 0.5 {
        painter.rect_filled(
            Rect::from_x_y_ranges(a.min(b)..=a.max(b), track.y_range()),
            0.0,
            fill.gamma_multiply(0.85),
        );
    }
    let ticks = track.top() - 2.0..=track.bottom() + 2.0;
    painter.vline(a, ticks.clone(), Stroke::new(1.0, theme::LABEL_DIM));
    painter.vline(b, ticks, Stroke::new(2.0, theme::READOUT_TEXT));
    let below = track.bottom() + 2.0;
    for (v, end, align) in [
        (-1.0, ends[0], Align2::LEFT_TOP),
        (1.0, ends[1], Align2::RIGHT_TOP),
    ] {
        painter.text(
            pos2(x_of(v), below),
            align,
            end,
            font.clone(),
            theme::LABEL_DIM,
        );
    }
    painter.text(
        pos2(track.center().x, rect.top()),
        Align2::CENTER_TOP,
        caption,
        font,
        theme::LABEL,
    );
}
