//! Colour maps for the spectrogram: levels between a floor and a ceiling mapped through a
//! perceptually uniform colour map (magma and inferno as matplotlib defines them, via the
//! `colorous` crate), or a grey ramp.

/// A colour map from quiet (0) to loud (1).
///
/// ```
/// use ringscope::analysis::Palette;
/// assert_eq!(Palette::Greyscale.colour(0.0), [0, 0, 0, 255]);
/// assert_eq!(Palette::Greyscale.colour(1.0), [255, 255, 255, 255]);
/// assert_eq!(Palette::Magma.colour(0.0), [0, 0, 4, 255]); // matplotlib's magma starts near black
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Palette {
    /// Matplotlib's magma: black, purple, orange, pale yellow.
    #[default]
    Magma,
    /// Matplotlib's inferno: black, purple, orange, bright yellow.
    Inferno,
    /// Black to white in equal sRGB steps (sRGB's curve is close to perceptual lightness).
    Greyscale,
}

impl Palette {
    /// All colour maps, in declaration order.
    pub const ALL: [Palette; 3] = [Palette::Magma, Palette::Inferno, Palette::Greyscale];

    /// The colour at `t` (0 = floor, 1 = ceiling; clamped, NaN reads 0) as opaque sRGBA.
    pub fn colour(self, t: f64) -> [u8; 4] {
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let [r, g, b] = match self {
            Palette::Magma => colorous::MAGMA.eval_continuous(t).into_array(),
            Palette::Inferno => colorous::INFERNO.eval_continuous(t).into_array(),
            Palette::Greyscale => [(t * 255.0).round() as u8; 3],
        };
        [r, g, b, 255]
    }
}

/// Entries in a colour table: finer than 8-bit colour channels can show.
pub(crate) const TABLE_LEN: usize = 256;

/// Every palette tabulated once, so painting costs a multiply and a lookup per pixel.
#[derive(Clone)]
pub(crate) struct PaletteTables([[[u8; 4]; TABLE_LEN]; 3]);

impl PaletteTables {
    pub(crate) fn new() -> Self {
        Self(core::array::from_fn(|p| {
            core::array::from_fn(|i| Palette::ALL[p].colour(i as f64 / (TABLE_LEN - 1) as f64))
        }))
    }

    pub(crate) fn table(&self, palette: Palette) -> &[[u8; 4]; TABLE_LEN] {
        &self.0[palette as usize]
    }
}
