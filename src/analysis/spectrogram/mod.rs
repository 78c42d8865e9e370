//! The spectrogram: a scrolling time × frequency image built from the spectrum engine's FFT
//! frames ([`Spectrum::feed_with`](super::Spectrum::feed_with) hands each one over), so it has
//! the spectrum's FFT size, window, overlap, channel mode and calibration.
//!
//! # Columns are pixels, not FFT frames
//!
//! The image is `columns` pixels wide and covers `history_seconds`; column `c` spans the
//! stream positions `[origin + c·spc, origin + (c + 1)·spc)`, `spc = history_seconds · rate /
//! columns` samples, where the origin is the centre of the first frame received (after
//! creation, a reset, a settings change or a freeze). An FFT frame belongs to the column holding
//! its window's centre ([`SpectrumFrame::centre`]).
//!
//! - A column holding several frames (long history, small hop) shows, per row, the **maximum**
//!   of their dB values: a short transient stays visible however many frames share a pixel.
//!   The traces of one hop (left and right in the overlay mode) are frames with the same
//!   centre, so the overlay mode shows the louder channel per cell.
//! - A column holding no frame (short history, large hop) **repeats the newest frame before
//!   it**, so the image scrolls at pixel rate without black gaps.
//!
//! A column is complete once a frame centred after it arrives; only then is it handed out, so
//! the picture lags the input by half an FFT, plus up to one hop, plus up to one column
//! ([`Spectrogram::settle_seconds`] counts all three). A cell's `seconds_ago` counts from the
//! newest column's end, not from the input's newest sample: add that lag for wall time. 60 s at FFT 512 and 87.5 %
//! overlap is 45 000 frames, but at 2000 px it is 2000 columns of 22 frames each.
//!
//! # Rows and interpolation
//!
//! Rows are pixels along a [`FrequencyAxis`] (log or linear), row 0 at its low end, filled by
//! the spectrum's own bins-to-pixels rule ([`map_power_to_columns`]): a row spanning two or more
//! bin centres shows the largest; a narrower row (the low end of a log axis) shows a cubic in
//! dB between the two bins around the row's centre frequency (geometric centre on a log axis),
//! with Catmull-Rom tangents from the four nearest bins limited as Fritsch and Carlson do, so
//! it never overshoots those two bins; a bin centre inside the row wins when it is higher. Low
//! frequencies are therefore smooth curves between bins, not blocky steps.
//!
//! # Handing columns to a texture
//!
//! Column `n` lives in slot `n mod columns` ([`Spectrogram::slot`]). The editor keeps a texture
//! of that width, asks [`Spectrogram::new_columns`] once per display frame, paints only those
//! ([`Spectrogram::paint`], each part of [`Spectrogram::split_at_wrap`]) and uploads them at
//! their slot (egui's `set_partial`); it draws the
//! texture in two parts split at the newest slot. Cost per display frame grows with the
//! columns that arrived, never with the history.
//!
//! # Keeping the image across a resize
//!
//! A change of the image's size or frequency axis (the editor's pane resized) resamples the
//! held columns into the new grid instead of clearing them: each new cell takes the maximum of
//! the old cells whose centres it covers (in seconds ago and in frequency), or else the old
//! cell under its centre. The clock is kept, so the next frame lands where it would have.

mod palette;
mod resample;

pub use self::palette::Palette;
use self::palette::{PaletteTables, TABLE_LEN};
use super::axis::{FLOOR_DB, FrequencyAxis, map_power_to_columns};
use super::sample_rate::valid_sample_rate;
use super::spectrum::SpectrumFrame;
use core::ops::Range;

/// Shortest history, seconds.
pub const MIN_HISTORY_SECONDS: f64 = 2.0;
/// Longest history, seconds.
pub const MAX_HISTORY_SECONDS: f64 = 60.0;
/// Largest image width, columns.
pub const MAX_COLUMNS: usize = 8192;
/// Largest image height, rows.
pub const MAX_ROWS: usize = 2048;

/// The spectrogram's size and axes.
///
/// ```
/// use ringscope::analysis::SpectrogramSettings;
/// let settings = SpectrogramSettings { history_seconds: 30.0, ..SpectrogramSettings::default() };
/// assert_eq!(settings.columns, 1000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpectrogramSettings {
    /// Time the image spans, 2 … 60 s (clamped).
    pub history_seconds: f64,
    /// Image width in pixels: columns of time, 1 … [`MAX_COLUMNS`] (clamped).
    pub columns: usize,
    /// Image height in pixels: rows of frequency, 1 … [`MAX_ROWS`] (clamped).
    pub rows: usize,
    /// The frequency axis along the rows.
    pub axis: FrequencyAxis,
}

impl Default for SpectrogramSettings {
    fn default() -> Self {
        Self {
            history_seconds: 10.0,
            columns: 1000,
            rows: 400,
            axis: FrequencyAxis::default(),
        }
    }
}

fn sanitize_settings(mut settings: SpectrogramSettings) -> SpectrogramSettings {
    let seconds = settings.history_seconds;
    settings.history_seconds = if seconds.is_nan() { 10.0 } else { seconds }
        .clamp(MIN_HISTORY_SECONDS, MAX_HISTORY_SECONDS);
    settings.columns = settings.columns.clamp(1, MAX_COLUMNS);
    settings.rows = settings.rows.clamp(1, MAX_ROWS);
    settings.axis = settings.axis.sanitized();
    settings
}

/// How levels become colours: a colour map between a floor and a ceiling.
///
/// ```
/// use ringscope::analysis::{Palette, SpectrogramColours};
/// let colours = SpectrogramColours { palette: Palette::Greyscale, floor_db: -120.0, ceiling_db: 0.0 };
/// assert_eq!(colours, SpectrogramColours::default().with_palette(Palette::Greyscale));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpectrogramColours {
    /// The colour map.
    pub palette: Palette,
    /// Level shown as the map's darkest colour (and anything quieter), dBFS.
    pub floor_db: f32,
    /// Level shown as the map's brightest colour (and anything louder), dBFS; at least 1 dB
    /// above the floor (raised if not).
    pub ceiling_db: f32,
}

impl Default for SpectrogramColours {
    fn default() -> Self {
        Self {
            palette: Palette::Magma,
            floor_db: -120.0,
            ceiling_db: 0.0,
        }
    }
}

impl SpectrogramColours {
    /// These colours with another palette.
    pub fn with_palette(self, palette: Palette) -> Self {
        Self { palette, ..self }
    }

    /// `(floor, 1 / (ceiling − floor))`, made usable.
    fn scale(&self) -> (f32, f32) {
        let floor = if self.floor_db.is_finite() {
            self.floor_db
        } else {
            -120.0
        };
        let ceiling = if self.ceiling_db.is_finite() {
            self.ceiling_db.max(floor + 1.0)
        } else {
            floor + 120.0
        };
        (floor, 1.0 / (ceiling - floor))
    }
}

/// How [`Spectrogram::paint`] lays out the pixels of a run of columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Orientation {
    /// Time along x (image `count` wide, `rows` high), the highest frequency in the top row.
    #[default]
    TimeAlongX,
    /// Time along y (image `rows` wide, `count` high, oldest column first), the lowest
    /// frequency at the left: a waterfall.
    TimeAlongY,
}

/// What the pointer is over: one cell of the image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpectrogramCell {
    /// Seconds from the cell's column centre to the end of the newest column.
    pub seconds_ago: f64,
    /// The row's centre frequency, Hz (geometric centre on a log axis).
    pub frequency_hz: f64,
    /// The cell's level, dBFS ([`FLOOR_DB`] for silence).
    pub level_db: f32,
}

/// The spectrogram. Feed it the spectrum engine's frames ([`Spectrogram::push`]); once per
/// display frame take the [new columns](Spectrogram::new_columns) and paint them. Allocation
/// happens only in [`Spectrogram::new`] and when a settings change alters the image size or axis.
///
/// ```
/// use ringscope::analysis::*;
/// let rate = 48_000.0;
/// let mut spectrum = Spectrum::new(rate, SpectrumSettings::default());
/// let mut spectrogram = Spectrogram::new(rate, SpectrogramSettings::default());
/// let mut pixels = vec![[0u8; 4]; 1000 * 400];
///
/// let tone: Vec<[f32; 2]> = (0..24_000)
///     .map(|n| { let x = 0.5 * (n as f32 * 1000.0 / 48_000.0 * std::f32::consts::TAU).sin(); [x, x] })
///     .collect();
/// spectrum.feed_with(&tone, |frame| spectrogram.push(frame));
/// let new = spectrogram.new_columns();
/// let count = spectrogram.paint(new.clone(), SpectrogramColours::default(),
///     Orientation::TimeAlongX, &mut pixels);
/// assert_eq!(count as u64, new.end - new.start);
/// // Upload the `count × 400` image at x = spectrogram.slot(new.start); when the run wraps
/// // past the texture's right edge, paint and upload each part of `split_at_wrap(new)`.
/// let row = (FrequencyAxis::default().fraction_of(1000.0) * 400.0) as usize;
/// let level = spectrogram.column(new.end - 1).unwrap()[row];
/// assert!(level > -8.0 && level < -6.0, "{level}"); // −6.02 dBFS, less Hann scalloping
/// ```
pub struct Spectrogram {
    sample_rate: f64,
    settings: SpectrogramSettings,
    /// Samples per column.
    spc: f64,
    /// `columns × rows` dB values; column `n` at slot `n mod columns`.
    cells: Vec<f32>,
    /// Columns completed so far.
    written: u64,
    /// Columns handed out by [`Spectrogram::new_columns`].
    seen: u64,
    /// Stream position where the open column starts; `None` until a frame sets the origin.
    open_start: Option<f64>,
    /// The origin's stream position and column number.
    origin: (f64, u64),
    /// Per-row maximum of the open column's frames, and whether it holds any.
    open: Vec<f32>,
    open_filled: bool,
    /// The newest hop's rows (what an empty column repeats: the maximum over the hop's traces),
    /// that hop's centre, and the current frame's rows.
    last: Vec<f32>,
    last_centre: Option<i64>,
    scratch: Vec<f32>,
    frozen: bool,
    tables: PaletteTables,
}

impl core::fmt::Debug for Spectrogram {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Spectrogram")
            .field("sample_rate", &self.sample_rate)
            .field("settings", &self.settings)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl Spectrogram {
    /// A spectrogram at `sample_rate` (one that is not real: 48 kHz, see
    /// [`valid_sample_rate`]); give it the spectrum's rate.
    pub fn new(sample_rate: f64, settings: SpectrogramSettings) -> Self {
        let settings = sanitize_settings(settings);
        let mut spectrogram = Self {
            sample_rate: valid_sample_rate(sample_rate),
            settings,
            spc: 1.0,
            cells: Vec::new(),
            written: 0,
            seen: 0,
            open_start: None,
            origin: (0.0, 0),
            open: Vec::new(),
            open_filled: false,
            last: Vec::new(),
            last_centre: None,
            scratch: Vec::new(),
            frozen: false,
            tables: PaletteTables::new(),
        };
        spectrogram.resize();
        spectrogram
    }

    fn resize(&mut self) {
        let SpectrogramSettings { columns, rows, .. } = self.settings;
        if self.cells.len() != columns * rows || self.open.len() != rows {
            self.cells = vec![FLOOR_DB; columns * rows];
            self.open = vec![FLOOR_DB; rows];
            self.last = vec![FLOOR_DB; rows];
            self.scratch = vec![FLOOR_DB; rows];
        }
        self.spc = self.settings.history_seconds * self.sample_rate / columns as f64;
        self.reset();
    }

    /// The current settings (after clamping).
    pub fn settings(&self) -> &SpectrogramSettings {
        &self.settings
    }

    /// Applies new settings (clamped). A change of size or frequency axis keeps the held image,
    /// resampled into the new grid (the module's "Keeping the image across a resize");
    /// a change of history length clears it (its columns would mean other times). Only a
    /// change of size or axis allocates.
    pub fn set_settings(&mut self, settings: SpectrogramSettings) {
        let settings = sanitize_settings(settings);
        if settings == self.settings {
            return;
        }
        let old = core::mem::replace(&mut self.settings, settings);
        if settings.history_seconds == old.history_seconds {
            self.resample_from(&old);
        } else {
            self.resize();
        }
    }

    /// Changes the sample rate (clears the image; no allocation).
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        let sample_rate = valid_sample_rate(sample_rate);
        if sample_rate != self.sample_rate {
            self.sample_rate = sample_rate;
            self.resize();
        }
    }

    /// The sample rate in Hz.
    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// Clears the image: every column reads [`FLOOR_DB`], and the next frame sets a new origin.
    /// Column numbers carry on, so a texture's slots stay valid; the cleared columns are handed
    /// out again by [`Spectrogram::new_columns`] so the editor repaints them.
    pub fn reset(&mut self) {
        self.cells.fill(FLOOR_DB);
        self.last.fill(FLOOR_DB);
        self.seen = self.written.saturating_sub(self.settings.columns as u64);
        self.restart_clock();
    }

    fn restart_clock(&mut self) {
        self.open_start = None;
        self.last_centre = None;
        self.open.fill(FLOOR_DB);
        self.open_filled = false;
    }

    /// Freezes or unfreezes the image. While frozen, frames are ignored and the held columns
    /// stay readable (hover works); unfreezing starts a new origin at the next frame, so the
    /// frozen time leaves no gap.
    pub fn set_frozen(&mut self, frozen: bool) {
        if frozen && !self.frozen {
            self.restart_clock();
        }
        self.frozen = frozen;
    }

    /// Whether the image is frozen.
    pub fn is_frozen(&self) -> bool {
        self.frozen
    }

    /// Seconds each column spans.
    pub fn seconds_per_column(&self) -> f64 {
        self.spc / self.sample_rate
    }

    /// How long the picture keeps changing once the input turns silent, in seconds of fed
    /// audio, fed by `spectrum`: its last frame holding signal passes (one FFT), the column it
    /// lands in completes (up to a hop and a column later), and that column scrolls out of the
    /// history.
    ///
    /// ```
    /// use ringscope::analysis::*;
    /// let spectrum = Spectrum::new(48_000.0, SpectrumSettings::default()); // 8192, hop 2048
    /// let spectrogram = Spectrogram::new(48_000.0, SpectrogramSettings::default()); // 10 s
    /// let expected = (8192.0 + 2048.0) / 48_000.0 + 10.0 + 0.01;
    /// assert!((spectrogram.settle_seconds(&spectrum) - expected).abs() < 1e-9);
    /// ```
    pub fn settle_seconds(&self, spectrum: &super::Spectrum) -> f64 {
        let frame = (spectrum.settings().fft_size.len() + spectrum.hop()) as f64;
        frame / spectrum.sample_rate() + self.settings.history_seconds + self.seconds_per_column()
    }

    /// Takes one FFT frame (from [`Spectrum::feed_with`](super::Spectrum::feed_with)); completes
    /// the columns before it. Frames must come in stream order, as the spectrum hands them out;
    /// a frame centred before the open column (after an FFT size change) joins the open column.
    pub fn push(&mut self, frame: SpectrumFrame<'_>) {
        let usable = frame.bin_hz > 0.0 && frame.bin_hz.is_finite() && !frame.power.is_empty();
        if self.frozen || !usable {
            return;
        }
        map_power_to_columns(
            &self.settings.axis,
            frame.bin_hz,
            frame.power,
            &mut self.scratch,
        );
        let centre = frame.centre as f64;
        let start = match self.open_start {
            Some(start) => start,
            None => {
                self.origin = (centre, self.written);
                centre
            }
        };
        self.open_start = Some(start);
        // Columns that end at or before this frame's centre are complete.
        let complete = ((centre - start) / self.spc).floor().max(0.0) as u64;
        if complete > 0 {
            self.complete_columns(complete);
            self.open_start = Some(start + complete as f64 * self.spc);
        }
        for (open, &row) in self.open.iter_mut().zip(&self.scratch) {
            *open = open.max(row);
        }
        self.open_filled = true;
        if self.last_centre == Some(frame.centre) {
            // Another trace of the same hop (the overlay's right channel).
            for (last, &row) in self.last.iter_mut().zip(&self.scratch) {
                *last = last.max(row);
            }
        } else {
            core::mem::swap(&mut self.last, &mut self.scratch);
            self.last_centre = Some(frame.centre);
        }
    }

    /// Writes the open column and `count − 1` empty ones after it.
    fn complete_columns(&mut self, count: u64) {
        let columns = self.settings.columns as u64;
        let rows = self.settings.rows;
        // Columns that this call would overwrite itself are only counted: bounded work.
        let skipped = count.saturating_sub(columns);
        if skipped > 0 {
            self.written += skipped;
            self.open_filled = false;
        }
        for _ in skipped..count {
            let slot = self.slot(self.written) * rows;
            let source = if self.open_filled {
                &self.open
            } else {
                &self.last
            };
            self.cells[slot..slot + rows].copy_from_slice(source);
            self.open_filled = false;
            self.written += 1;
        }
        self.open.fill(FLOOR_DB);
    }

    /// The stream positions column `n` spans (on the clock of [`SpectrumFrame::centre`]): `None`
    /// for a column from before the current origin (a reset, settings change or freeze).
    pub fn column_span(&self, n: u64) -> Option<Range<f64>> {
        let (position, column) = self.origin;
        let offset = n.checked_sub(column)? as f64 * self.spc;
        self.open_start?;
        Some(position + offset..position + offset + self.spc)
    }

    /// Columns completed since creation.
    pub fn columns_written(&self) -> u64 {
        self.written
    }

    /// The columns completed since the last call (at most the image width; oldest first), as
    /// absolute column numbers. After a reset or settings change: every column of the image.
    pub fn new_columns(&mut self) -> Range<u64> {
        let held = self.held();
        let start = self.seen.max(held.start);
        self.seen = self.written;
        start..held.end
    }

    /// Column numbers still held (the newest `columns`).
    pub fn held(&self) -> Range<u64> {
        self.written.saturating_sub(self.settings.columns as u64)..self.written
    }

    /// The texture slot (x, or y for a waterfall) of column `n`.
    pub fn slot(&self, n: u64) -> usize {
        (n % self.settings.columns as u64) as usize
    }

    /// `columns` split where the slots wrap from the texture's last to its first: each part is
    /// one upload of consecutive slots (the second is empty when there is no wrap).
    ///
    /// ```
    /// use ringscope::analysis::{Spectrogram, SpectrogramSettings};
    /// let settings = SpectrogramSettings { columns: 100, ..SpectrogramSettings::default() };
    /// let spectrogram = Spectrogram::new(48_000.0, settings);
    /// assert_eq!(spectrogram.split_at_wrap(195..210), [195..200, 200..210]);
    /// assert_eq!(spectrogram.split_at_wrap(201..210), [201..210, 210..210]);
    /// ```
    pub fn split_at_wrap(&self, columns: Range<u64>) -> [Range<u64>; 2] {
        let width = self.settings.columns as u64;
        let wrap = (columns.start / width + 1) * width;
        let middle = wrap.clamp(columns.start, columns.end.max(columns.start));
        [columns.start..middle, middle..columns.end.max(middle)]
    }

    /// The dB values of column `n` (row 0 at the axis's low end), if it is still held.
    pub fn column(&self, n: u64) -> Option<&[f32]> {
        if !self.held().contains(&n) {
            return None;
        }
        let rows = self.settings.rows;
        let slot = self.slot(n) * rows;
        Some(&self.cells[slot..slot + rows])
    }

    /// The cell `columns_ago` columns before the newest (0 = newest) in `row`; `None` outside
    /// the held image. Works while frozen.
    pub fn cell(&self, columns_ago: u64, row: usize) -> Option<SpectrogramCell> {
        let n = self.written.checked_sub(columns_ago.checked_add(1)?)?;
        let level_db = *self.column(n)?.get(row)?;
        let rows = self.settings.rows as f64;
        Some(SpectrogramCell {
            seconds_ago: (columns_ago as f64 + 0.5) * self.seconds_per_column(),
            frequency_hz: self.settings.axis.frequency_at((row as f64 + 0.5) / rows),
            level_db,
        })
    }

    /// Paints the held columns of `columns` into `out` (sRGBA, row-major, laid out as
    /// `orientation` says, `count × rows` pixels where `count` is the number of held columns in
    /// the range). Returns `count`; pixels past `out`'s end are not painted.
    pub fn paint(
        &self,
        columns: Range<u64>,
        colours: SpectrogramColours,
        orientation: Orientation,
        out: &mut [[u8; 4]],
    ) -> usize {
        let held = self.held();
        let first = columns.start.max(held.start);
        let end = columns.end.min(held.end);
        let count = end.saturating_sub(first) as usize;
        let rows = self.settings.rows;
        let table = self.tables.table(colours.palette);
        let (floor, per_db) = colours.scale();
        let top = (TABLE_LEN - 1) as f32;
        for (i, n) in (first..end).enumerate() {
            let Some(column) = self.column(n) else {
                continue;
            };
            for (row, &db) in column.iter().enumerate() {
                let index = ((db - floor) * per_db * top + 0.5).clamp(0.0, top) as usize;
                let pixel = match orientation {
                    Orientation::TimeAlongX => (rows - 1 - row) * count + i,
                    Orientation::TimeAlongY => i * rows + row,
                };
                if let Some(out) = out.get_mut(pixel) {
                    *out = table[index];
                }
            }
        }
        count
    }
}
