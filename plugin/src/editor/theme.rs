//! Colours shared by the views (the editor-polish pass owns the final palette).

use egui::Color32;

use ringscope::analysis::Channel;

/// Plot area background.
pub const PLOT_BACKGROUND: Color32 = Color32::from_rgb(14, 16, 20);
/// Minor grid lines.
pub const GRID: Color32 = Color32::from_rgb(34, 38, 46);
/// Zero line / major grid lines.
pub const GRID_STRONG: Color32 = Color32::from_rgb(58, 64, 76);
/// Axis labels and captions inside plots.
pub const LABEL: Color32 = Color32::from_rgb(150, 156, 168);
/// Trigger level marker.
pub const TRIGGER_MARKER: Color32 = Color32::from_rgb(240, 200, 80);
/// Warning messages (dropped frames, NaN/Inf).
pub const WARNING: Color32 = Color32::from_rgb(255, 170, 60);
/// Informational messages (no input, test signal on).
pub const INFO: Color32 = Color32::from_rgb(120, 180, 255);

/// Colour of a trace: left cyan, right magenta, mid green, side orange.
pub fn channel_colour(channel: Channel) -> Color32 {
    match channel {
        Channel::Left => Color32::from_rgb(80, 200, 255),
        Channel::Right => Color32::from_rgb(255, 90, 170),
        Channel::Mid => Color32::from_rgb(120, 230, 120),
        Channel::Side => Color32::from_rgb(255, 170, 70),
    }
}
