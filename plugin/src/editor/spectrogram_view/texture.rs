//! The spectrogram's one egui texture, kept up to date by columns: each display frame uploads
//! only the columns the analysis completed since the last (`set_partial` at their slots), so
//! the cost follows the new columns, never the history. The whole held image is painted only
//! when the texture is made (first show, a new size or direction) or the colours change.
//!
//! The texture is a ring: column `n` lives in slot `n mod columns`. It is drawn as two parts
//! split at the newest slot, so the picture scrolls without moving a pixel in memory.

use std::ops::Range;

use egui::{Color32, ColorImage, Context, Painter, Rect, TextureHandle, TextureOptions, pos2};
use ringscope::analysis::{Orientation, Spectrogram, SpectrogramColours};

use crate::editor::theme;

/// One texel per physical pixel: no filtering to blur a column into its neighbour (or, at the
/// ring's seam, the newest column into the oldest).
const OPTIONS: TextureOptions = TextureOptions::NEAREST;

/// What the texture holds now.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    orientation: Orientation,
    /// Width and height, texels.
    size: [usize; 2],
    colours: SpectrogramColours,
}

/// The spectrogram's texture and the pixel buffer its uploads are painted in.
#[derive(Default)]
pub struct SpectrogramTexture {
    handle: Option<TextureHandle>,
    layout: Option<Layout>,
    /// The columns being uploaded, painted (reused between frames).
    pixels: Vec<[u8; 4]>,
}

impl std::fmt::Debug for SpectrogramTexture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpectrogramTexture")
            .field("layout", &self.layout)
            .finish_non_exhaustive()
    }
}

/// The texture's size for `spectrogram`'s image laid out as `orientation` says.
fn texture_size(spectrogram: &Spectrogram, orientation: Orientation) -> [usize; 2] {
    let settings = spectrogram.settings();
    match orientation {
        Orientation::TimeAlongX => [settings.columns, settings.rows],
        Orientation::TimeAlongY => [settings.rows, settings.columns],
    }
}

impl SpectrogramTexture {
    /// The texture, once made.
    pub fn id(&self) -> Option<egui::TextureId> {
        self.handle.as_ref().map(TextureHandle::id)
    }

    /// Brings the texture up to date with `spectrogram`, drawn as `orientation` in `colours`:
    /// uploads the columns completed since the last call; every held column when the texture
    /// is new (first call, another size or orientation) or the colours changed. Returns the
    /// columns uploaded.
    pub fn update(
        &mut self,
        ctx: &Context,
        spectrogram: &mut Spectrogram,
        orientation: Orientation,
        colours: SpectrogramColours,
    ) -> Range<u64> {
        let layout = Layout {
            orientation,
            size: texture_size(spectrogram, orientation),
            colours,
        };
        // Always taken, so that a repaint of everything leaves nothing to upload again.
        let new = spectrogram.new_columns();
        let columns = match (&self.handle, self.layout) {
            (Some(_), Some(held)) if held == layout => new,
            (Some(_), Some(held))
                if held.size == layout.size && held.orientation == orientation =>
            {
                // Only the colours changed: repaint what is held, once.
                spectrogram.held()
            }
            _ => {
                // The slots not yet written are never drawn; their colour does not matter.
                let blank = ColorImage::filled(layout.size, theme::PLOT_BACKGROUND);
                self.handle = Some(ctx.load_texture("spectrogram", blank, OPTIONS));
                spectrogram.held()
            }
        };
        self.layout = Some(layout);
        for part in spectrogram.split_at_wrap(columns.clone()) {
            self.upload(spectrogram, part, layout);
        }
        columns
    }

    /// Paints `columns` (consecutive slots, all held) and uploads them at their slot.
    fn upload(&mut self, spectrogram: &Spectrogram, columns: Range<u64>, layout: Layout) {
        let Some(handle) = &mut self.handle else {
            return;
        };
        let count = (columns.end - columns.start) as usize;
        if count == 0 {
            return;
        }
        let rows = spectrogram.settings().rows;
        let slot = spectrogram.slot(columns.start);
        self.pixels.clear();
        self.pixels.resize(count * rows, [0; 4]);
        let painted = spectrogram.paint(
            columns,
            layout.colours,
            layout.orientation,
            &mut self.pixels,
        );
        let (size, pos) = match layout.orientation {
            Orientation::TimeAlongX => ([painted, rows], [slot, 0]),
            Orientation::TimeAlongY => ([rows, painted], [0, slot]),
        };
        // The colour maps are opaque: premultiplied and straight alpha are the same bytes.
        let image =
            ColorImage::from_rgba_premultiplied(size, self.pixels[..painted * rows].as_flattened());
        handle.set_partial(pos, image, OPTIONS);
    }

    /// Draws the held columns into `plot`, newest at the right edge (time along x) or the top
    /// edge (a waterfall), the texture's ring split at the newest slot.
    pub fn draw(&self, painter: &Painter, spectrogram: &Spectrogram, plot: Rect) {
        let (Some(id), Some(layout)) = (self.id(), self.layout) else {
            return;
        };
        for (rect, uv) in parts(spectrogram, layout.orientation, plot) {
            painter.image(id, rect, uv, Color32::WHITE);
        }
    }
}

/// Where the two parts of the ring go on `plot` and which texture coordinates each shows:
/// the held columns, split where their slots wrap, the newest column at the right (time along
/// x) or top (time along y) edge. An empty part has zero extent.
pub fn parts(spectrogram: &Spectrogram, orientation: Orientation, plot: Rect) -> [(Rect, Rect); 2] {
    let held = spectrogram.held();
    let total = spectrogram.settings().columns as f32;
    spectrogram.split_at_wrap(held.clone()).map(|part| {
        // How many columns the part's ends lie before the end of the newest column.
        let older = (held.end - part.start) as f32 / total;
        let newer = (held.end - part.end) as f32 / total;
        let first = spectrogram.slot(part.start) as f32 / total;
        let last = first + (part.end - part.start) as f32 / total;
        match orientation {
            Orientation::TimeAlongX => {
                let x = |ago: f32| plot.right() - ago * plot.width();
                (
                    Rect::from_min_max(pos2(x(older), plot.top()), pos2(x(newer), plot.bottom())),
                    Rect::from_min_max(pos2(first, 0.0), pos2(last, 1.0)),
                )
            }
            Orientation::TimeAlongY => {
                let y = |ago: f32| plot.top() + ago * plot.height();
                (
                    Rect::from_min_max(pos2(plot.left(), y(newer)), pos2(plot.right(), y(older))),
                    // Flipped: the texture's later slots are lower, the picture's newer rows
                    // higher.
                    Rect::from_min_max(pos2(0.0, last), pos2(1.0, first)),
                )
            }
        }
    })
}
