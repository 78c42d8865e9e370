//! Reference traces: a spectrum captured as a named curve, kept with the session and drawn over
//! the live spectrum on whatever axis the view has then.
//!
//! # The grid
//!
//! A reference is kept as levels on a fixed grid, independent of the pane's width, the FFT size
//! and the sample rate: [`GRID_POINTS`] (272) points spaced 1/24 octave apart, centred on
//! 1 kHz (point `i` at `1000 · 2^((i − 160) / 24)` Hz: 9.86 Hz … 24.6 kHz; anchored on 1 kHz
//! as the fractional-octave bands of IEC 61260 are). Capturing renders the curve onto those
//! points as the view renders onto pixel columns (each point's 1/24-octave cell shows the
//! highest bin in it, so no peak is lost, or a cubic between bins where a cell holds fewer than
//! two), as drawn (smoothing included) but *without* the display slope: the view adds its
//! current slope when it draws the reference, as it does to every curve. Cells above the
//! capturing instance's Nyquist frequency, and silence, hold the floor ([`FLOOR_DB`]).
//!
//! Drawing maps the grid onto the view's columns by the same rule: a column holding grid
//! points shows the highest of them; a column between two points (narrower than a cell)
//! interpolates linearly in log frequency at its centre. So a narrow peak (a sine) comes back
//! at its level, but at its cell's centre: within half a cell (±1/48 octave, ±1.5 %) of where
//! it was; and a column right beside a live peak may read the live curve's interpolation
//! between bins where the reference has the cell's highest bin.
//!
//! # Saved form
//!
//! The persisted field `compare-references` is a JSON array of at most [`MAX_REFERENCES`]
//! objects, one per reference:
//!
//! ```json
//! {"v":1,"name":"Ref 1","curve":"average","levels":"<base64>"}
//! ```
//!
//! - `v`: the format version, [`FORMAT_VERSION`] (a reference of another version is dropped).
//! - `curve`: `"average"` or `"peak-hold"`, the curve captured.
//! - `levels`: the [`GRID_POINTS`] levels as little-endian `i16` in tenths of a dB (so a level
//!   comes back within 0.05 dB), between −2400 and +2400, in standard base64 with padding
//!   (RFC 4648): 728 characters a reference.
//!
//! Each entry is read on its own: an entry that cannot be read (not an object, an unknown
//! version or curve, bad base64, a wrong count of levels, a level out of range, a missing or
//! `null` field, which is how JSON writes a NaN) is dropped and counted
//! ([`References::dropped`]); the editor says so until dismissed, and the others load. The
//! next save writes only the references that loaded.
//!
//! # At most three
//!
//! A capture with [`MAX_REFERENCES`] references kept is refused ([`Full`]), never replacing
//! one: the Compare group disables its capture buttons then and says to delete one first.

use ringscope::analysis::{Channel, FLOOR_DB, FrequencyAxis, FrequencyScale};
use ringscope::analysis::{Spectrum, SpectrumCurve, SpectrumSettings};
use serde::de::Deserializer;
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::registry::MAX_NAME_CHARS;

/// The most references kept (and shown) at once.
pub const MAX_REFERENCES: usize = 3;
/// The grid's points, 1/24 octave apart (see the [module docs](self)).
pub const GRID_POINTS: usize = 272;
/// The grid's points per octave.
const PER_OCTAVE: f64 = 24.0;
/// The index of the grid's 1 kHz point.
const ONE_KHZ_POINT: usize = 160;
/// The saved form's version.
pub const FORMAT_VERSION: u64 = 1;
/// The highest level kept, dB (the lowest is [`FLOOR_DB`]).
pub const MAX_DB: f32 = 240.0;

/// The frequency of grid point `i`, Hz.
pub fn grid_hz(i: usize) -> f64 {
    1000.0 * ((i as f64 - ONE_KHZ_POINT as f64) / PER_OCTAVE).exp2()
}

/// The log axis whose [`GRID_POINTS`] columns are the grid's cells (column `i` centred on
/// [`grid_hz`]`(i)`).
pub fn grid_axis() -> FrequencyAxis {
    let half = (0.5 / PER_OCTAVE).exp2();
    FrequencyAxis {
        scale: FrequencyScale::Logarithmic,
        min_hz: grid_hz(0) / half,
        max_hz: grid_hz(GRID_POINTS - 1) * half,
    }
}

/// A level in dB as saved: tenths of a dB, NaN as the floor, clamped to the kept range.
fn quantise(db: f32) -> i16 {
    let db = if db.is_nan() { FLOOR_DB } else { db };
    (db.clamp(FLOOR_DB, MAX_DB) * 10.0).round() as i16
}

/// The range of a saved level, tenths of a dB.
fn saved_range() -> std::ops::RangeInclusive<i16> {
    quantise(FLOOR_DB)..=quantise(MAX_DB)
}

/// One reference trace: its name, the curve it was captured from and its levels on the grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The name shown in the legend and the Compare group.
    pub name: String,
    /// The curve captured (average or peak hold).
    pub curve: SpectrumCurve,
    /// [`GRID_POINTS`] levels, tenths of a dB, untilted.
    levels: Vec<i16>,
}

impl Reference {
    /// `levels_db` (one per grid point, untilted dB) as a reference; NaN reads as the floor.
    pub fn from_levels(name: &str, curve: SpectrumCurve, levels_db: &[f32]) -> Self {
        let mut levels: Vec<i16> = levels_db.iter().map(|&db| quantise(db)).collect();
        levels.resize(GRID_POINTS, quantise(FLOOR_DB));
        Self {
            name: name.chars().take(MAX_NAME_CHARS).collect(),
            curve,
            levels,
        }
    }

    /// Captures `spectrum`'s `curve` of `channel` as drawn, without the slope (see the
    /// [module docs](self)). GUI thread; `spectrum`'s settings are as they were afterwards.
    pub fn capture(
        spectrum: &mut Spectrum,
        channel: Channel,
        curve: SpectrumCurve,
        name: &str,
    ) -> Self {
        let settings = *spectrum.settings();
        let tilted = settings.slope_db_per_octave != 0.0;
        if tilted {
            // A slope change recomputes the tilt only: the averages stay.
            spectrum.set_settings(SpectrumSettings {
                slope_db_per_octave: 0.0,
                ..settings
            });
        }
        let mut levels = vec![FLOOR_DB; GRID_POINTS];
        spectrum.render(channel, curve, &grid_axis(), &mut levels);
        if tilted {
            spectrum.set_settings(settings);
        }
        Self::from_levels(name, curve, &levels)
    }

    /// The level at grid point `i`, dB, untilted.
    pub fn level_db(&self, i: usize) -> f32 {
        f32::from(self.levels[i]) / 10.0
    }

    /// Renders the reference onto `columns` (dB, one per pixel column) along `axis`, with the
    /// view's slope (dB per octave, pivot 1 kHz) added (see the [module docs](self)).
    pub fn render(&self, axis: &FrequencyAxis, slope_db_per_oct: f32, columns: &mut [f32]) {
        let count = columns.len();
        let tilted =
            |i: usize| self.level_db(i) + slope_db_per_oct * ((grid_hz(i) / 1000.0).log2() as f32);
        // The grid's position of `hz`: point `i` at `i`.
        let position = |hz: f64| ONE_KHZ_POINT as f64 + PER_OCTAVE * (hz / 1000.0).log2();
        let last = (GRID_POINTS - 1) as f64;
        for (c, out) in columns.iter_mut().enumerate() {
            let lo = position(axis.frequency_at(c as f64 / count as f64));
            let hi = position(axis.frequency_at((c + 1) as f64 / count as f64));
            let centre = position(axis.frequency_at((c as f64 + 0.5) / count as f64));
            let first = lo.max(0.0).ceil();
            let end = hi.min(last + 1.0);
            *out = if first < end {
                // Grid points inside the column: the highest.
                (first as usize..end.ceil() as usize)
                    .filter(|&i| (i as f64) < hi)
                    .map(tilted)
                    .fold(f32::MIN, f32::max)
            } else if (0.0..=last).contains(&centre) {
                let i = (centre.floor() as usize).min(GRID_POINTS - 2);
                let t = (centre - i as f64) as f32;
                tilted(i) + t * (tilted(i + 1) - tilted(i))
            } else {
                FLOOR_DB
            };
        }
    }

    /// The saved form (see the [module docs](self)).
    fn to_saved(&self) -> Saved {
        let mut bytes = Vec::with_capacity(2 * GRID_POINTS);
        for level in &self.levels {
            bytes.extend_from_slice(&level.to_le_bytes());
        }
        Saved {
            v: FORMAT_VERSION,
            name: self.name.clone(),
            curve: curve_id(self.curve).to_owned(),
            levels: base64::encode(&bytes),
        }
    }

    /// Reads one saved entry; `None` when it cannot be read (see the [module docs](self)).
    fn from_saved(value: serde_json::Value) -> Option<Self> {
        let saved: Saved = serde_json::from_value(value).ok()?;
        if saved.v != FORMAT_VERSION {
            return None;
        }
        let curve = match saved.curve.as_str() {
            "average" => SpectrumCurve::Average,
            "peak-hold" => SpectrumCurve::PeakHold,
            _ => return None,
        };
        let bytes = base64::decode(&saved.levels)?;
        if bytes.len() != 2 * GRID_POINTS {
            return None;
        }
        let levels: Vec<i16> = bytes
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        if !levels.iter().all(|l| saved_range().contains(l)) {
            return None;
        }
        Some(Self {
            name: saved.name.chars().take(MAX_NAME_CHARS).collect(),
            curve,
            levels,
        })
    }
}

/// A curve's ID in the saved form.
fn curve_id(curve: SpectrumCurve) -> &'static str {
    match curve {
        SpectrumCurve::Average => "average",
        SpectrumCurve::PeakHold => "peak-hold",
    }
}

/// One reference as saved.
#[derive(Serialize, Deserialize)]
struct Saved {
    v: u64,
    name: String,
    curve: String,
    levels: String,
}

/// A capture refused: [`MAX_REFERENCES`] are kept already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

/// The references kept with the session, and how many of the last loaded state's could not be
/// read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    list: Vec<Reference>,
    dropped: usize,
}

impl References {
    /// The references, in capture order (the colour index).
    pub fn list(&self) -> &[Reference] {
        &self.list
    }

    /// Whether no more fit.
    pub fn is_full(&self) -> bool {
        self.list.len() >= MAX_REFERENCES
    }

    /// Adds `reference`, or refuses when [`MAX_REFERENCES`] are kept.
    pub fn add(&mut self, reference: Reference) -> Result<(), Full> {
        if self.is_full() {
            return Err(Full);
        }
        self.list.push(reference);
        Ok(())
    }

    /// Deletes reference `index` (nothing when there is none).
    pub fn remove(&mut self, index: usize) {
        if index < self.list.len() {
            self.list.remove(index);
        }
    }

    /// Renames reference `index`, cut to the longest name kept.
    pub fn rename(&mut self, index: usize, name: &str) {
        if let Some(reference) = self.list.get_mut(index) {
            reference.name = name.chars().take(MAX_NAME_CHARS).collect();
        }
    }

    /// The name a new capture gets: "Ref N", the lowest N no reference is called.
    pub fn next_name(&self) -> String {
        (1..)
            .map(|n| format!("Ref {n}"))
            .find(|name| self.list.iter().all(|r| r.name != *name))
            .unwrap_or_default()
    }

    /// How many saved references the last loaded state held that could not be read.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The notice about dropped references, while there is one.
    pub fn notice(&self) -> Option<String> {
        match self.dropped {
            0 => None,
            1 => Some("1 saved reference could not be read and was dropped".to_owned()),
            n => Some(format!(
                "{n} saved references could not be read and were dropped"
            )),
        }
    }

    /// Sets the count of dropped references, as a load does (tests of the notice's display).
    #[cfg(test)]
    pub(crate) fn dropped_for_test(&mut self, count: usize) {
        self.dropped = count;
    }

    /// Clears the notice (the user read it).
    pub fn dismiss_notice(&mut self) {
        self.dropped = 0;
    }
}

impl Serialize for References {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.list.len()))?;
        for reference in &self.list {
            seq.serialize_element(&reference.to_saved())?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for References {
    /// Reads each entry on its own, dropping and counting those that cannot be read; a value
    /// that is not an array at all counts as one dropped.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let mut references = Self::default();
        let serde_json::Value::Array(entries) = value else {
            references.dropped = 1;
            return Ok(references);
        };
        for entry in entries {
            match Reference::from_saved(entry) {
                Some(reference) if !references.is_full() => references.list.push(reference),
                _ => references.dropped += 1,
            }
        }
        Ok(references)
    }
}

/// Standard base64 with padding (RFC 4648 §4), for the saved levels.
mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// `bytes` in base64.
    pub(super) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// The bytes of `text`; `None` unless it is canonical padded base64.
    pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
        let text = text.as_bytes();
        if !text.len().is_multiple_of(4) {
            return None;
        }
        let value = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|v| v as u32);
        let mut out = Vec::with_capacity(text.len() / 4 * 3);
        for (q, quad) in text.chunks(4).enumerate() {
            let last = q + 1 == text.len() / 4;
            let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
            if pad > 2 || (pad > 0 && !last) {
                return None;
            }
            let mut n = 0u32;
            for &c in &quad[..4 - pad] {
                n = n << 6 | value(c)?;
            }
            n <<= 6 * pad as u32;
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            if bytes[3 - pad..].iter().any(|&b| b != 0) {
                return None; // stray bits in the padding: not what an encoder writes
            }
            out.extend_from_slice(&bytes[..3 - pad]);
        }
        Some(out)
    }
}

#[cfg(test)]
#[path = "reference_tests.rs"]
mod tests;
