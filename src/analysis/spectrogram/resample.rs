//! Keeping the image across a change of its size or frequency axis (a window resized, another
//! layout): the held columns are resampled into the new grid instead of cleared.
//!
//! Time and frequency are mapped alike, each new cell from the old cells that cover it:
//!
//! - **Time.** New column `k` columns before the newest spans the same seconds ago as before
//!   (`k · spc′ … (k + 1) · spc′`, the newest column's end fixed). It shows, per row, the
//!   **maximum** of the old columns whose centres lie in that span (the rule that combines
//!   frames into a column, so a narrower image keeps every transient); a span holding no old
//!   centre (a wider image) repeats the old column under its own centre (nearest).
//! - **Frequency.** New row `r` spans the frequencies its edges have on the new axis; it shows
//!   the maximum of the old rows whose centre frequencies lie in that span, or the old row
//!   under its centre frequency; rows outside the old axis read [`FLOOR_DB`].
//!
//! So a tone's row and a transient's column move by less than a pixel of the new grid, and a
//! one-pixel line never disappears when the image shrinks. Resampling allocates the new image
//! (as any change of size does) and runs once per change, on the editor thread.

use core::ops::Range;

use super::{FLOOR_DB, Spectrogram, SpectrogramSettings};

/// The old cells (`count` of them, cell `i` spanning `[i, i + 1)`) that a new cell spanning
/// `[start, end)` with its centre at `centre` (in old cells) takes: those whose centres lie
/// inside it, or else the one under its centre; none when that is outside the old cells.
fn sources(start: f64, end: f64, centre: f64, count: usize) -> Range<usize> {
    let index = |x: f64| (x - 0.5).ceil().clamp(0.0, count as f64) as usize;
    let (first, last) = (index(start), index(end));
    if first < last {
        first..last
    } else if centre >= 0.0 && centre < count as f64 {
        let i = centre as usize;
        i..i + 1
    } else {
        0..0
    }
}

/// For each row of `new`, the rows of `old` it takes (frequencies compared through each axis).
fn row_sources(old: &SpectrogramSettings, new: &SpectrogramSettings) -> Vec<Range<usize>> {
    // Where a fraction of the new axis lies on the old one, in old rows.
    let on_old =
        |fraction: f64| old.axis.fraction_of(new.axis.frequency_at(fraction)) * old.rows as f64;
    let rows = new.rows as f64;
    (0..new.rows)
        .map(|r| {
            let r = r as f64;
            // The centre frequency is the geometric one on a log axis, as the rows' own.
            let (start, centre, end) = (
                on_old(r / rows),
                on_old((r + 0.5) / rows),
                on_old((r + 1.0) / rows),
            );
            sources(start, end, centre, old.rows)
        })
        .collect()
}

/// `target[r]` raised to the largest of `source[rows[r]]`.
fn take_rows(source: &[f32], rows: &[Range<usize>], target: &mut [f32]) {
    for (cell, taken) in target.iter_mut().zip(rows) {
        for &level in &source[taken.clone()] {
            *cell = cell.max(level);
        }
    }
}

impl Spectrogram {
    /// Resamples the held image from `old` settings into the current ones (same history and
    /// sample rate; another size or axis), keeping the clock: the open column still starts
    /// where it did, the newest held column ends there. The resampled columns are handed out
    /// again by [`Spectrogram::new_columns`] so the editor repaints them once.
    pub(super) fn resample_from(&mut self, old: &SpectrogramSettings) {
        let new = self.settings;
        let old_spc = self.spc;
        let spc = new.history_seconds * self.sample_rate / new.columns as f64;
        let old_held = self.written.min(old.columns as u64) as usize;
        let rows = row_sources(old, &new);
        // New columns reaching into the old history (the last may be partly older).
        let filled =
            ((old_held as f64 * old_spc / spc - 1e-9).ceil().max(0.0) as usize).min(new.columns);
        let written = self.written.max(filled as u64);
        let mut cells = vec![FLOOR_DB; new.columns * new.rows];
        for ago in 0..filled {
            let old_columns = |k: f64| k * spc / old_spc;
            let ago = ago as f64;
            let taken = sources(
                old_columns(ago),
                old_columns(ago + 1.0),
                old_columns(ago + 0.5),
                old_held,
            );
            let ago = ago as u64;
            let slot = ((written - 1 - ago) % new.columns as u64) as usize * new.rows;
            let target = &mut cells[slot..slot + new.rows];
            for old_ago in taken {
                let n = self.written - 1 - old_ago as u64;
                let old_slot = (n % old.columns as u64) as usize * old.rows;
                take_rows(&self.cells[old_slot..old_slot + old.rows], &rows, target);
            }
        }
        let remap = |source: &[f32]| {
            let mut target = vec![FLOOR_DB; new.rows];
            take_rows(source, &rows, &mut target);
            target
        };
        self.open = remap(&self.open);
        self.last = remap(&self.last);
        self.scratch = vec![FLOOR_DB; new.rows];
        self.cells = cells;
        self.spc = spc;
        self.written = written;
        self.seen = written.saturating_sub(new.columns as u64);
        if let Some(start) = self.open_start {
            self.origin = (start - filled as f64 * spc, written - filled as u64);
        }
    }
}
