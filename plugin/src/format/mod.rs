//! Every number Ringscope writes as text: the editor's times, levels, amplitudes, frequencies,
//! notes and musical positions (axis labels, captions, readouts, crosshair tags), and the
//! parameters' times and frequencies (`params/format.rs` chooses their [`Style`]s and reads
//! their texts back).
//!
//! Each writer appends to a caller's `String` (the views keep theirs from frame to frame), so
//! writing costs no allocation once the string has grown. GUI-free, and free of the parameters:
//! a writer is a plain `fn write_x(value, …, &mut String)`.
//!
//! Rules every writer keeps:
//! - **No "-0".** A value that rounds to zero at the precision shown is written as zero:
//!   "0.0", or "+0.0" where the sign is always written (see [`Sign`]). Tick labels write a zero
//!   as a bare "0".
//! - **Fixed precision per purpose**, so a reading under a moving pointer does not change width:
//!   a reading keeps its decimals, a tick label is the shortest exact form of its value.
//! - **Units switch on the value as written**: a time or frequency that rounds up to the next
//!   unit's first value is written in that unit ("1.0000 s", never "1000.00 ms"), so a text
//!   read back is written the same way again.
//! - Levels at or below [`MINUS_INF_DB`](level::MINUS_INF_DB), and any that is not finite,
//!   read "-inf".
//!
//! One file per kind of quantity: [`number`] (signs, the "no -0" rule), [`units`] (styles of
//! units and the step a value is written in), [`time`], [`frequency`] (and notes), [`level`],
//! [`amplitude`] and [`music`] (bars and beats).

mod amplitude;
mod frequency;
mod level;
mod music;
mod number;
mod time;
mod units;

pub use amplitude::{
    write_amplitude, write_amplitude_tick, write_column, write_correlation, write_sample,
};
pub use frequency::{
    FrequencyStyle, FrequencyUnit, write_hz, write_hz_tag, write_hz_tick, write_note,
    write_sample_rate,
};
pub use level::{write_balance, write_db, write_db_tick, write_level};
pub use music::{write_bar_and_beat, write_bar_beat, write_bar_beat_tick};
pub use number::{Sign, decimals_of_step, write_number};
pub use time::{TimeStyle, TimeUnit, write_time, write_time_tick};
pub use units::{Step, Style, Unit, convert, write_styled};

/// What the writers' tests share.
#[cfg(test)]
mod testing {
    /// The text `f` appends to an empty string.
    pub(super) fn text(f: impl FnOnce(&mut String)) -> String {
        let mut s = String::new();
        f(&mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::testing::text;
    use super::*;

    /// The "no -0" rule, through every writer that could break it.
    #[test]
    fn no_writer_writes_a_minus_zero() {
        assert_eq!(text(|s| write_level(-0.04, Sign::Negative, s)), "0.0");
        assert_eq!(text(|s| write_db(-0.0, "dB", s)), "+0.0 dB");
        assert_eq!(
            text(|s| write_time(-0.000_000_1, TimeStyle::READING, s)),
            "0.000 ms"
        );
        assert_eq!(
            text(|s| write_time_tick(-1e-9, TimeUnit::Milliseconds, 0, s)),
            "0"
        );
        assert_eq!(text(|s| write_amplitude_tick(-0.0, s)), "0");
        assert_eq!(text(|s| write_db_tick(-0.0, s)), "0");
        assert_eq!(text(|s| write_amplitude(-0.001, s)), "+0.00");
        assert_eq!(text(|s| write_correlation(-0.001, s)), "corr +0.00");
        assert_eq!(text(|s| write_hz_tag(-0.2, s)), "0");
    }
}
