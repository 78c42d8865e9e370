//! Pictures of windows, and measurements that tell a drawn plot from a blank, black or error
//! window.

use std::collections::HashMap;
use std::path::Path;

/// An 8-bit RGB picture.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({}x{})", self.width, self.height)
    }
}

/// A rectangle in pixels: `x..x + width`, `y..y + height`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: usize,
    /// Top edge.
    pub y: usize,
    /// Width.
    pub width: usize,
    /// Height.
    pub height: usize,
}

impl Image {
    /// Wraps `width * height * 3` bytes of RGB.
    pub fn new(width: usize, height: usize, rgb: Vec<u8>) -> Self {
        assert_eq!(rgb.len(), width * height * 3, "RGB buffer size");
        Self { width, height, rgb }
    }

    /// Reads an 8-bit RGB or RGBA PNG.
    pub fn load_png(path: &Path) -> Self {
        let file =
            std::fs::File::open(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
        let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut buffer = vec![0; reader.output_buffer_size().expect("a sane PNG size")];
        let info = reader.next_frame(&mut buffer).expect("PNG image data");
        let (width, height) = (info.width as usize, info.height as usize);
        let rgb = match info.color_type {
            png::ColorType::Rgb => buffer[..width * height * 3].to_vec(),
            png::ColorType::Rgba => buffer[..width * height * 4]
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect(),
            other => panic!("unsupported PNG colour type {other:?}"),
        };
        Self::new(width, height, rgb)
    }

    /// Writes the picture as a PNG, creating parent directories.
    pub fn save_png(&self, path: &Path) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("creating {}: {e}", parent.display()));
        }
        let file = std::fs::File::create(path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        let mut encoder = png::Encoder::new(
            std::io::BufWriter::new(file),
            self.width as u32,
            self.height as u32,
        );
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder.write_header().expect("writing the PNG header");
        writer
            .write_image_data(&self.rgb)
            .expect("writing the PNG data");
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The whole picture as a rectangle.
    pub fn bounds(&self) -> Rect {
        Rect {
            x: 0,
            y: 0,
            width: self.width,
            height: self.height,
        }
    }

    /// The pixel at (`x`, `y`).
    pub fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let at = (y * self.width + x) * 3;
        [self.rgb[at], self.rgb[at + 1], self.rgb[at + 2]]
    }

    fn pixels_in(&self, rect: Rect) -> impl Iterator<Item = (usize, usize, [u8; 3])> + '_ {
        let x_end = (rect.x + rect.width).min(self.width);
        let y_end = (rect.y + rect.height).min(self.height);
        (rect.y..y_end).flat_map(move |y| (rect.x..x_end).map(move |x| (x, y, self.pixel(x, y))))
    }

    /// How many different colours `rect` holds.
    pub fn distinct_colours(&self, rect: Rect) -> usize {
        let mut seen = std::collections::HashSet::new();
        for (_, _, p) in self.pixels_in(rect) {
            seen.insert(p);
        }
        seen.len()
    }

    /// The most common colour of `rect` and the fraction of pixels that have it.
    pub fn dominant_colour(&self, rect: Rect) -> ([u8; 3], f64) {
        let mut counts: HashMap<[u8; 3], usize> = HashMap::new();
        let mut total = 0usize;
        for (_, _, p) in self.pixels_in(rect) {
            *counts.entry(p).or_default() += 1;
            total += 1;
        }
        counts
            .into_iter()
            .max_by_key(|&(_, n)| n)
            .map(|(colour, n)| (colour, n as f64 / total.max(1) as f64))
            .unwrap_or(([0; 3], 0.0))
    }

    /// How many pixels of `rect` satisfy `is_ink`.
    pub fn count(&self, rect: Rect, is_ink: impl Fn([u8; 3]) -> bool) -> usize {
        self.pixels_in(rect).filter(|&(_, _, p)| is_ink(p)).count()
    }

    /// The picture shrunk by a whole `factor` (each `factor` × `factor` block averaged): a
    /// window drawn at a scale of `factor` as it would look drawn at 1.
    pub fn downscaled(&self, factor: usize) -> Self {
        assert!(factor >= 1, "a downscaling factor of {factor}");
        let (width, height) = (self.width / factor, self.height / factor);
        let mut rgb = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                let mut sum = [0usize; 3];
                for dy in 0..factor {
                    for dx in 0..factor {
                        let p = self.pixel(x * factor + dx, y * factor + dy);
                        for (s, c) in sum.iter_mut().zip(p) {
                            *s += usize::from(c);
                        }
                    }
                }
                rgb.extend(sum.map(|s| (s / (factor * factor)) as u8));
            }
        }
        Self::new(width, height, rgb)
    }

    /// The grey level (0-255, Rec. 601 luma) of the pixel at (`x`, `y`).
    pub fn grey(&self, x: usize, y: usize) -> f64 {
        let [r, g, b] = self.pixel(x, y);
        0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b)
    }

    /// The mean absolute difference of grey levels between two pictures of the same size, over
    /// their common area.
    pub fn mean_grey_difference(&self, other: &Image) -> f64 {
        let (width, height) = (self.width.min(other.width), self.height.min(other.height));
        let mut sum = 0.0;
        for y in 0..height {
            for x in 0..width {
                sum += (self.grey(x, y) - other.grey(x, y)).abs();
            }
        }
        sum / (width * height).max(1) as f64
    }

    /// Per column of `rect`: the rows (relative to `rect.y`) holding pixels that satisfy
    /// `is_ink`, summarised as (count, mean row). Columns without ink are `None`.
    pub fn ink_columns(
        &self,
        rect: Rect,
        is_ink: impl Fn([u8; 3]) -> bool,
    ) -> Vec<Option<(usize, f64)>> {
        let x_end = (rect.x + rect.width).min(self.width);
        let y_end = (rect.y + rect.height).min(self.height);
        (rect.x..x_end)
            .map(|x| {
                let rows: Vec<usize> = (rect.y..y_end)
                    .filter(|&y| is_ink(self.pixel(x, y)))
                    .map(|y| y - rect.y)
                    .collect();
                (!rows.is_empty()).then(|| {
                    (
                        rows.len(),
                        rows.iter().sum::<usize>() as f64 / rows.len() as f64,
                    )
                })
            })
            .collect()
    }
}

/// The most a window drawn at 2×, shrunk by 2 ([`Image::downscaled`]), may differ from the same
/// window drawn at 1×, as a mean absolute
/// difference of grey levels (0-255). Text and lines rendered at twice the size and averaged
/// down differ from 1× rendering only at their edges: 2.1 on average, measured. An editor that
/// ignores the host's scale lays its 1× text and widgets out over the whole 2× window (at half
/// the size): 10.2 measured, with baseview ignoring the suggested scale.
pub const MAX_GREY_DIFFERENCE_AT_2X: f64 = 5.0;

/// A summary of how a curve drawn in some colour covers a plot area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurveStats {
    /// Pixels of the curve's colour.
    pub pixels: usize,
    /// Fraction of the area's columns that hold any.
    pub column_coverage: f64,
    /// Standard deviation of the curve's mean row over the columns, in pixels: 0 for a flat
    /// line, large for a waveform or a spectrum with peaks.
    pub row_spread: f64,
    /// Mean number of curve pixels per covered column: a thin line has a few, a filled area or a
    /// solid block has many.
    pub thickness: f64,
}

impl CurveStats {
    /// Measures the pixels of `rect` that satisfy `is_ink`.
    pub fn measure(image: &Image, rect: Rect, is_ink: impl Fn([u8; 3]) -> bool) -> Self {
        let columns = image.ink_columns(rect, is_ink);
        let covered: Vec<(usize, f64)> = columns.iter().flatten().copied().collect();
        let pixels = covered.iter().map(|&(n, _)| n).sum();
        let n = covered.len().max(1) as f64;
        let mean = covered.iter().map(|&(_, row)| row).sum::<f64>() / n;
        let variance = covered
            .iter()
            .map(|&(_, row)| (row - mean).powi(2))
            .sum::<f64>()
            / n;
        Self {
            pixels,
            column_coverage: covered.len() as f64 / columns.len().max(1) as f64,
            row_spread: variance.max(0.0).sqrt(),
            thickness: pixels as f64 / n,
        }
    }
}

/// Whether two colours are within `tolerance` on every channel.
pub fn near(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= tolerance)
}

/// Whether a colour is clearly chromatic (a coloured trace, not grey text, grid or background).
pub fn is_chromatic(p: [u8; 3]) -> bool {
    let max = *p.iter().max().expect("three channels");
    let min = *p.iter().min().expect("three channels");
    max >= 100 && max - min >= 70
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas(width: usize, height: usize) -> Image {
        Image::new(width, height, vec![20; width * height * 3])
    }

    fn paint(image: &mut Image, x: usize, y: usize, colour: [u8; 3]) {
        let at = (y * image.width + x) * 3;
        image.rgb[at..at + 3].copy_from_slice(&colour);
    }

    #[test]
    fn a_sine_curve_spreads_and_a_flat_line_does_not() {
        let mut sine = canvas(200, 100);
        let mut flat = canvas(200, 100);
        for x in 0..200 {
            let y = 50.0 + 40.0 * (x as f64 / 200.0 * std::f64::consts::TAU * 3.0).sin();
            paint(&mut sine, x, y as usize, [0, 200, 255]);
            paint(&mut flat, x, 50, [0, 200, 255]);
        }
        let s = CurveStats::measure(&sine, sine.bounds(), is_chromatic);
        let f = CurveStats::measure(&flat, flat.bounds(), is_chromatic);
        assert_eq!(s.column_coverage, 1.0);
        assert!(s.row_spread > 20.0, "{s:?}");
        assert!(f.row_spread < 0.01, "{f:?}");
        assert!((s.thickness - 1.0).abs() < 1e-9);
        let blank = CurveStats::measure(
            &canvas(10, 10),
            Rect {
                x: 0,
                y: 0,
                width: 10,
                height: 10,
            },
            is_chromatic,
        );
        assert_eq!(blank.pixels, 0);
        assert_eq!(blank.column_coverage, 0.0);
    }

    #[test]
    fn png_round_trip_keeps_pixels() {
        let mut image = canvas(7, 5);
        paint(&mut image, 3, 2, [255, 0, 10]);
        let path = std::env::temp_dir().join(format!("ringscope-png-{}.png", std::process::id()));
        image.save_png(&path);
        let back = Image::load_png(&path);
        let _ = std::fs::remove_file(&path);
        assert_eq!(back, image);
        assert_eq!(
            back.dominant_colour(back.bounds()),
            ([20, 20, 20], 34.0 / 35.0)
        );
        assert_eq!(back.distinct_colours(back.bounds()), 2);
    }
}
