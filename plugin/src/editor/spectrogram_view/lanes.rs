//! The spectrogram's overlays (see [`crate::compare`]): the plot split into stacked lanes, this
//! instance's first, then one per overlaid instance in the chosen order (the same choices as
//! the spectrum view's overlays), each with the whole frequency axis and the same time axis,
//! a thin separator between two, and the instance's name in its overlay colour.
//!
//! Each overlaid lane is this view's own analysis of the instance's published frames: this
//! view's FFT size, window and overlap on the mid trace ([`overlay_settings`], as the spectrum
//! view's overlays), this view's history, size and axis, drawn in this view's colours, in a
//! [`Spectrogram`] and a [`SpectrogramTexture`] of its own, updated by columns as this
//! instance's lane is. The lanes split the plot, so they cost the texture area of one.
//!
//! With no overlaid instance live there is one lane, the view as it is without overlays. The
//! lanes live with the view: closing the window, or unchoosing an instance, ends its
//! subscription (the instance stops publishing for it).

use egui::{Color32, Context, Painter, Rect, vec2};
use ringscope::analysis::{Orientation, Spectrogram, SpectrogramColours, SpectrogramSettings};

use super::texture::SpectrogramTexture;
use crate::compare::{Overlays, overlay_settings};
use crate::editor::display::DisplayState;
use crate::editor::plot::AxisPainter;
use crate::editor::spectrum_view::overlays::overlay_colour;
use crate::editor::theme;
use crate::params::RingscopeParams;

/// Points between two lanes, filled with the separator's colour.
pub(super) const SEPARATOR: f32 = 1.0;

/// The separator's colour: the strong grid line's.
const SEPARATOR_COLOUR: Color32 = theme::GRID_STRONG;

/// One overlaid instance's lane: its image and the frequency labels beside it.
#[derive(Debug)]
pub(super) struct Lane {
    /// The instance's registry id (a lane follows its instance, not its name).
    id: u64,
    /// The choice's slot (0 … [`crate::compare::MAX_OVERLAYS`] − 1): the lane's colour.
    slot: usize,
    /// The instance's name now.
    pub(super) name: String,
    /// The instance's spectrogram, as this view computes it.
    pub(super) spectrogram: Spectrogram,
    texture: SpectrogramTexture,
    /// The lane's frequency axis.
    pub(super) frequency: AxisPainter,
}

impl Lane {
    /// The lane's colour (its name's): its overlay's.
    pub(super) fn colour(&self) -> Color32 {
        overlay_colour(self.slot)
    }
}

/// The overlaid instances of one spectrogram view and their lanes, kept between frames.
#[derive(Debug, Default)]
pub(super) struct OverlayLanes {
    overlays: Overlays,
    /// One per live overlay, in the order of [`Overlays::slots_mut`].
    lanes: Vec<Lane>,
}

impl OverlayLanes {
    /// Follows the chosen overlays (renames written back into the choice, as the spectrum view
    /// does): a lane per live one, a lane kept while its instance stays, a new one made like
    /// `display`'s spectrogram. GUI thread.
    pub(super) fn follow(&mut self, display: &DisplayState, params: &RingscopeParams) {
        let compare = &params.compare;
        let mut chosen = compare.chosen();
        if chosen.is_empty() {
            self.overlays.clear();
            self.lanes.clear();
            return;
        }
        let settings = overlay_settings(display.settings.spectrum);
        if self
            .overlays
            .follow(compare.own_id(), &mut chosen, settings)
        {
            compare.set_chosen(chosen);
        }
        let mut old = std::mem::take(&mut self.lanes);
        for (slot, overlay) in self.overlays.slots_mut() {
            let entry = overlay.entry();
            let (id, name) = (entry.id(), entry.name());
            let lane = match old.iter().position(|lane| lane.id == id) {
                Some(index) => Lane {
                    slot,
                    name,
                    ..old.swap_remove(index)
                },
                None => Lane {
                    id,
                    slot,
                    name,
                    spectrogram: Spectrogram::new(
                        overlay.spectrum().sample_rate(),
                        *display.spectrogram.settings(),
                    ),
                    texture: SpectrogramTexture::default(),
                    frequency: AxisPainter::default(),
                },
            };
            self.lanes.push(lane);
        }
    }

    /// Lanes in the plot: this instance's and one per live overlay.
    pub(super) fn count(&self) -> usize {
        1 + self.lanes.len()
    }

    /// The overlaid lanes, in order (lane 1 on).
    pub(super) fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// The overlaid lanes, in order (lane 1 on).
    pub(super) fn lanes_mut(&mut self) -> &mut [Lane] {
        &mut self.lanes
    }

    /// Sizes every lane as `display`'s spectrogram (already configured for this frame), feeds
    /// it what its instance published since the last frame and uploads its new columns.
    pub(super) fn update(
        &mut self,
        ctx: &Context,
        display: &DisplayState,
        orientation: Orientation,
        colours: SpectrogramColours,
    ) {
        let frozen = display.settings.frozen;
        let settings = overlay_settings(display.settings.spectrum);
        let size: SpectrogramSettings = *display.spectrogram.settings();
        for ((_, overlay), lane) in self.overlays.slots_mut().zip(&mut self.lanes) {
            lane.spectrogram.set_settings(size);
            overlay.spectrum().set_frozen(frozen);
            lane.spectrogram.set_frozen(frozen);
            overlay.update_spectrogram(settings, &mut lane.spectrogram);
            lane.texture
                .update(ctx, &mut lane.spectrogram, orientation, colours);
        }
    }

    /// Draws each overlaid lane's image into its rect (`rects[i]` for lane `i + 1`).
    pub(super) fn draw(&self, painter: &Painter, rects: impl Iterator<Item = Rect>) {
        for (lane, rect) in self.lanes.iter().zip(rects) {
            lane.texture.draw(painter, &lane.spectrogram, rect);
        }
    }

    /// The texture of overlaid lane `index` (0: the first overlay), once made.
    #[cfg(test)]
    pub(super) fn texture_id(&self, index: usize) -> Option<egui::TextureId> {
        self.lanes.get(index).and_then(|lane| lane.texture.id())
    }
}

/// Fills `gap` (between two lanes) with the separator's colour.
pub(super) fn draw_separator(painter: &Painter, gap: Rect) {
    painter.rect_filled(gap, 0.0, SEPARATOR_COLOUR);
}

/// `name` in `colour` on a dark box at `lane`'s top right (the image under it may be bright;
/// the top left holds "frozen").
pub(super) fn draw_name(painter: &Painter, lane: Rect, name: &str, colour: Color32) {
    if name.is_empty() {
        return;
    }
    let galley = painter.layout_no_wrap(name.to_owned(), theme::axis_font(), colour);
    let pad = vec2(4.0, 1.0);
    let at = lane.right_top() + vec2(-6.0 - galley.size().x, 4.0);
    let rect = Rect::from_min_size(at - pad, galley.size() + 2.0 * pad);
    painter.rect_filled(rect, 2.0, theme::READOUT_BACKGROUND);
    painter.galley(at, galley, colour);
}
