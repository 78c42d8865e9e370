//! Musical readout: the nearest equal-tempered note to a frequency, and the offset in cents.

use core::fmt;

const NAMES: [&str; 12] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

/// The equal-tempered note nearest to a frequency.
///
/// ```
/// use ringscope::analysis::Note;
/// let note = Note::nearest(445.0, 440.0).unwrap();
/// assert_eq!(note.name(), "A");
/// assert_eq!(note.octave(), 4);
/// assert!((note.cents - 19.56).abs() < 0.01);
/// assert_eq!(note.to_string(), "A4 +20 ct");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Note {
    /// MIDI note number (60 = C4, 69 = A4).
    pub midi: i32,
    /// Offset of the frequency from the note, in cents (−50 … +50).
    pub cents: f64,
}

impl Note {
    /// The nearest note to `hz` with A4 tuned to `a4_hz` (usually 440); `None` for a frequency
    /// or tuning that is not positive and finite, or absurdly far outside the audio range.
    pub fn nearest(hz: f64, a4_hz: f64) -> Option<Note> {
        if !(hz > 0.0 && hz.is_finite() && a4_hz > 0.0 && a4_hz.is_finite()) {
            return None;
        }
        let semitones = 69.0 + 12.0 * (hz / a4_hz).log2();
        if semitones.abs() > 1e6 {
            return None;
        }
        let midi = semitones.round();
        Some(Note {
            midi: midi as i32,
            cents: 100.0 * (semitones - midi),
        })
    }

    /// Note name with sharps ("C", "C#", … "B").
    pub fn name(&self) -> &'static str {
        NAMES[self.midi.rem_euclid(12) as usize]
    }

    /// Octave number in scientific pitch notation (A4 = 440 Hz is in octave 4).
    pub fn octave(&self) -> i32 {
        self.midi.div_euclid(12) - 1
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} {:+} ct",
            self.name(),
            self.octave(),
            self.cents.round() as i64
        )
    }
}
