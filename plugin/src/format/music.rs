//! Musical positions: bar, beat and sixteenth.

use std::fmt::Write;

use super::number::{Sign, write_number};
use crate::beats::BeatPosition;

/// Appends a grid position as DAWs write it, in full: "2.3.1" (bar, beat, sixteenth).
pub fn write_bar_beat(position: BeatPosition, out: &mut String) {
    let _ = write!(
        out,
        "{}.{}.{}",
        position.bar, position.beat, position.sixteenth
    );
}

/// Appends a beat-axis label, shortest form: "2" (a bar), "2.3" (a beat), "2.3.2" (a
/// sixteenth within the beat).
pub fn write_bar_beat_tick(position: BeatPosition, out: &mut String) {
    let BeatPosition {
        bar,
        beat,
        sixteenth,
        ..
    } = position;
    let _ = match (beat, sixteenth) {
        (1, 1) => write!(out, "{bar}"),
        (_, 1) => write!(out, "{bar}.{beat}"),
        _ => write!(out, "{bar}.{beat}.{sixteenth}"),
    };
}

/// Appends a musical position read under the pointer: "bar 2 · beat 3.50".
pub fn write_bar_and_beat(position: BeatPosition, out: &mut String) {
    let _ = write!(out, "bar {} · beat ", position.bar);
    write_number(position.beat_fraction, 2, Sign::Negative, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::text;

    #[test]
    fn musical_positions_read_as_bar_beat_and_sixteenth() {
        let at = |quarters| BeatPosition::at(quarters, 1.0, 4.0);
        assert_eq!(text(|s| write_bar_beat(at(5.5), s)), "2.2.3");
        assert_eq!(
            text(|s| write_bar_and_beat(at(5.5), s)),
            "bar 2 · beat 2.50"
        );
        let tick = |quarters| text(|s| write_bar_beat_tick(at(quarters), s));
        assert_eq!([4.0, 5.0, 5.25].map(tick), ["2", "2.2", "2.2.2"]);
        // 6/8: eighth-note beats.
        let six_eight = BeatPosition::at(1.0, 0.5, 6.0);
        assert_eq!(
            text(|s| write_bar_and_beat(six_eight, s)),
            "bar 1 · beat 3.00"
        );
    }
}
