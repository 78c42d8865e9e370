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
//! - Levels at or below [`MINUS_INF_DB`], and any that is not finite, read "-inf".

use std::fmt::Write;

use ringscope::analysis::{ColumnMinMax, Note};

use crate::beats::BeatPosition;

/// Levels at or below this are written "-inf": nothing audible is this quiet, and the
/// analysis reports silence far lower still (`analysis::FLOOR_DB`).
pub const MINUS_INF_DB: f32 = -200.0;

/// When a number carries a sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    /// Only a negative number: "-3.0", "3.0".
    Negative,
    /// Always, so a column of readings stays aligned: "-3.0", "+3.0", "+0.0".
    Always,
}

/// Appends `value` with `decimals` decimals, `sign` as asked; a value that rounds to zero at
/// that precision is written as (positive) zero.
pub fn write_number(value: f64, decimals: usize, sign: Sign, out: &mut String) {
    let start = out.len();
    let _ = match sign {
        Sign::Negative => write!(out, "{value:.decimals$}"),
        Sign::Always => write!(out, "{value:+.decimals$}"),
    };
    // Decided on the digits written, so no rounding of a test value can disagree with them.
    if out[start..].starts_with('-') && is_zero(&out[start..]) {
        match sign {
            Sign::Negative => {
                out.remove(start);
            }
            Sign::Always => out.replace_range(start..=start, "+"),
        }
    }
}

/// Whether a written number is zero ("0", "-0.00", "+0.0").
fn is_zero(number: &str) -> bool {
    number
        .trim_start_matches(['+', '-'])
        .bytes()
        .all(|b| b == b'0' || b == b'.')
}

/// Appends `value` as [`write_number`] does, but a zero as a bare "0" (an axis' origin);
/// whether it was zero.
fn write_tick_number(value: f64, decimals: usize, sign: Sign, out: &mut String) -> bool {
    let start = out.len();
    write_number(value, decimals, sign, out);
    let zero = is_zero(&out[start..]);
    if zero {
        out.truncate(start);
        out.push('0');
    }
    zero
}

// ---- Quantities in units: times and frequencies ----

/// A unit a quantity is written in.
pub trait Unit: Copy + 'static {
    /// How many of this unit make one of the quantity's base unit (a second, a hertz), as a
    /// power of ten: ms 3, µs 6, kHz −3.
    fn per_base_log10(self) -> i32;
    /// The unit's symbol, written after the number.
    fn symbol(self) -> &'static str;
}

/// `value` in `from`, in `to`: multiplied or divided by a whole power of ten (exact in binary),
/// so it is the correctly rounded result and `value` itself when the units agree.
pub fn convert<U: Unit>(value: f64, from: U, to: U) -> f64 {
    let exponent = to.per_base_log10() - from.per_base_log10();
    if exponent >= 0 {
        value * 10f64.powi(exponent)
    } else {
        value / 10f64.powi(-exponent)
    }
}

/// Unit of a written time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// Microseconds, "µs".
    Microseconds,
    /// Milliseconds, "ms".
    Milliseconds,
    /// Seconds, "s".
    Seconds,
}

impl TimeUnit {
    /// How many of this unit make a second.
    pub fn per_second(self) -> f64 {
        10f64.powi(self.per_base_log10())
    }
}

impl Unit for TimeUnit {
    fn per_base_log10(self) -> i32 {
        match self {
            TimeUnit::Microseconds => 6,
            TimeUnit::Milliseconds => 3,
            TimeUnit::Seconds => 0,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            TimeUnit::Microseconds => "µs",
            TimeUnit::Milliseconds => "ms",
            TimeUnit::Seconds => "s",
        }
    }
}

/// Unit of a written frequency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrequencyUnit {
    /// Hertz, "Hz".
    Hertz,
    /// Kilohertz, "kHz".
    Kilohertz,
}

impl Unit for FrequencyUnit {
    fn per_base_log10(self) -> i32 {
        match self {
            FrequencyUnit::Hertz => 0,
            FrequencyUnit::Kilohertz => -3,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            FrequencyUnit::Hertz => "Hz",
            FrequencyUnit::Kilohertz => "kHz",
        }
    }
}

/// One range of a [`Style`]: quantities whose magnitude, written in `unit` with `decimals`,
/// reaches `from` (in that unit) are written so.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step<U> {
    /// Smallest magnitude written this way, in `unit`.
    pub from: f64,
    /// The unit.
    pub unit: U,
    /// Decimals after the point.
    pub decimals: usize,
}

/// How a quantity is written: its steps from the coarsest unit down (the last one takes every
/// smaller magnitude).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style<U: 'static>(pub &'static [Step<U>]);

/// How a time is written.
pub type TimeStyle = Style<TimeUnit>;

impl TimeStyle {
    /// A length, about three significant digits: "850 µs", "20.0 ms", "2.50 s".
    pub const LENGTH: Self = Self(&[
        Step {
            from: 1.0,
            unit: TimeUnit::Seconds,
            decimals: 2,
        },
        Step {
            from: 1.0,
            unit: TimeUnit::Milliseconds,
            decimals: 1,
        },
        Step {
            from: 0.0,
            unit: TimeUnit::Microseconds,
            decimals: 0,
        },
    ]);

    /// A time read under the pointer, to about a sample at 48 kHz and above: "0.250 ms",
    /// "12.50 ms", "1.2500 s".
    pub const READING: Self = Self(&[
        Step {
            from: 1.0,
            unit: TimeUnit::Seconds,
            decimals: 4,
        },
        Step {
            from: 10.0,
            unit: TimeUnit::Milliseconds,
            decimals: 2,
        },
        Step {
            from: 0.0,
            unit: TimeUnit::Milliseconds,
            decimals: 3,
        },
    ]);
}

/// How a frequency is written.
pub type FrequencyStyle = Style<FrequencyUnit>;

impl FrequencyStyle {
    /// A frequency read under the pointer or at a peak, four significant digits: "43.07 Hz",
    /// "440.0 Hz", "1.234 kHz", "12.35 kHz".
    pub const READING: Self = Self(&[
        Step {
            from: 10.0,
            unit: FrequencyUnit::Kilohertz,
            decimals: 2,
        },
        Step {
            from: 1.0,
            unit: FrequencyUnit::Kilohertz,
            decimals: 3,
        },
        Step {
            from: 100.0,
            unit: FrequencyUnit::Hertz,
            decimals: 1,
        },
        Step {
            from: 0.0,
            unit: FrequencyUnit::Hertz,
            decimals: 2,
        },
    ]);
}

/// Appends a quantity in the first step of `style` its magnitude reaches, sign only when
/// negative; `value_in(unit)` is the quantity in `unit` (the caller converts, so a value stays
/// exactly what it is in its own unit). A magnitude that the next finer step would round up
/// to a step's first value takes that step: 999.7 µs as a length is "1.0 ms", never "1000 µs",
/// so the text read back is written the same way again.
pub fn write_styled<U: Unit>(style: Style<U>, value_in: impl Fn(U) -> f64, out: &mut String) {
    let steps = style.0;
    let reaches = |i: usize, step: &Step<U>| {
        let here = value_in(step.unit).abs();
        // The number the finer step would write, in this step's unit.
        let written_finer = steps.get(i + 1).map_or(0.0, |finer| {
            let scale = 10f64.powi(finer.decimals as i32);
            let written = (value_in(finer.unit).abs() * scale).round() / scale;
            convert(written, finer.unit, step.unit)
        });
        here >= step.from || written_finer >= step.from
    };
    let chosen = steps.iter().enumerate().find(|&(i, step)| reaches(i, step));
    // Only NaN reaches none (the last step takes everything else); it goes to the last step.
    if let Some(step) = chosen.map(|(_, step)| step).or(steps.last()) {
        write_number(value_in(step.unit), step.decimals, Sign::Negative, out);
        out.push(' ');
        out.push_str(step.unit.symbol());
    }
}

/// Appends `seconds` as `style` writes times (see [`TimeStyle::LENGTH`] and
/// [`TimeStyle::READING`]).
pub fn write_time(seconds: f64, style: TimeStyle, out: &mut String) {
    write_styled(style, |unit| convert(seconds, TimeUnit::Seconds, unit), out);
}

/// Appends a time-axis label: `seconds` in `unit` with `decimals` ("5 ms", "2.5 s"), zero as
/// "0" (the axis' origin needs no unit).
pub fn write_time_tick(seconds: f64, unit: TimeUnit, decimals: usize, out: &mut String) {
    if !write_tick_number(seconds * unit.per_second(), decimals, Sign::Negative, out) {
        out.push(' ');
        out.push_str(unit.symbol());
    }
}

// ---- Level ----

/// Appends a level with one decimal ("-23.4", or "+1.0" with [`Sign::Always`]), "-inf" at or
/// below [`MINUS_INF_DB`].
pub fn write_level(db: f32, sign: Sign, out: &mut String) {
    if db.is_finite() && db > MINUS_INF_DB {
        write_number(f64::from(db), 1, sign, out);
    } else {
        out.push_str("-inf");
    }
}

/// Appends a level reading with its unit: "-23.4 dB", "+0.0 dBFS", "-inf LUFS".
pub fn write_db(db: f32, unit: &str, out: &mut String) {
    write_level(db, Sign::Always, out);
    out.push(' ');
    out.push_str(unit);
}

/// Appends a level-axis label, signed, shortest exact form: "0", "-12", "+6", "+1.5".
pub fn write_db_tick(db: f64, out: &mut String) {
    if (db - db.round()).abs() < 1e-6 {
        let db = db.round() as i64;
        let _ = if db > 0 {
            write!(out, "+{db}")
        } else {
            write!(out, "{db}")
        };
    } else {
        write_number(db, 1, Sign::Always, out);
    }
}

// ---- Amplitude ----

/// `20·log10|v|`, dBFS (a huge negative number for 0, which reads "-inf").
fn amplitude_db(v: f32) -> f32 {
    20.0 * v.abs().max(1e-12).log10()
}

/// Appends a linear-amplitude axis label, signed, shortest form up to four decimals: "+1",
/// "+0.5", "0", "-0.25".
pub fn write_amplitude_tick(v: f64, out: &mut String) {
    let mut digits = 0;
    while digits < 4 && (v * 10f64.powi(digits)).fract().abs() > 1e-6 {
        digits += 1;
    }
    write_tick_number(v, digits as usize, Sign::Always, out);
}

/// Appends an amplitude with two decimals, signed: "+0.53" (the scope's crosshair tag).
pub fn write_amplitude(v: f32, out: &mut String) {
    write_number(f64::from(v), 2, Sign::Always, out);
}

/// Appends one sample value and its level: "+0.532  -5.5 dBFS".
pub fn write_sample(v: f32, out: &mut String) {
    write_number(f64::from(v), 3, Sign::Always, out);
    out.push_str("  ");
    write_db(amplitude_db(v), "dBFS", out);
}

/// Appends what a pixel column of the scope holds: one value where the trace is a line
/// ("+0.250  -12.0 dBFS"), its range and peak where many samples share the column
/// ("-0.500…+0.250  pk -6.0 dBFS").
pub fn write_column(column: ColumnMinMax, out: &mut String) {
    // Below a thousandth of full scale the range would print as one number anyway.
    if (column.max - column.min).abs() < 1e-3 {
        write_sample(0.5 * (column.min + column.max), out);
    } else {
        write_number(f64::from(column.min), 3, Sign::Always, out);
        out.push('…');
        write_number(f64::from(column.max), 3, Sign::Always, out);
        out.push_str("  pk ");
        let peak = column.min.abs().max(column.max.abs());
        write_db(amplitude_db(peak), "dBFS", out);
    }
}

/// Appends a stereo correlation (−1 … +1), signed, two decimals: "corr +0.98".
pub fn write_correlation(correlation: f32, out: &mut String) {
    out.push_str("corr ");
    write_number(f64::from(correlation), 2, Sign::Always, out);
}

// ---- Frequency ----

/// Appends a frequency reading ([`FrequencyStyle::READING`]): "440.0 Hz", "1.234 kHz".
pub fn write_hz(hz: f64, out: &mut String) {
    write_styled(
        FrequencyStyle::READING,
        |unit| convert(hz, FrequencyUnit::Hertz, unit),
        out,
    );
}

/// Appends a frequency-axis label, "k" for thousands, shortest form up to two decimals: "20",
/// "500", "1k", "2.5k".
pub fn write_hz_tick(hz: f64, out: &mut String) {
    let (value, suffix) = if hz.abs() >= 1000.0 {
        (hz / 1000.0, "k")
    } else {
        (hz, "")
    };
    let decimals = if (value - value.round()).abs() < 1e-6 {
        0
    } else if (value * 10.0 - (value * 10.0).round()).abs() < 1e-6 {
        1
    } else {
        2
    };
    write_number(value, decimals, Sign::Negative, out);
    out.push_str(suffix);
}

/// Appends a frequency as the crosshair's axis tag, fixed precision: "440", "1.23k".
pub fn write_hz_tag(hz: f64, out: &mut String) {
    if hz >= 1000.0 {
        write_number(hz / 1000.0, 2, Sign::Negative, out);
        out.push('k');
    } else {
        write_number(hz, 0, Sign::Negative, out);
    }
}

/// Appends a sample rate in kHz with one decimal: "48.0 kHz", "44.1 kHz".
pub fn write_sample_rate(hz: f32, out: &mut String) {
    write_number(f64::from(hz) / 1000.0, 1, Sign::Negative, out);
    out.push_str(" kHz");
}

/// Appends the nearest note (A4 = 440 Hz) and the offset: "A4 +0 ct"; nothing for a frequency
/// without one.
pub fn write_note(hz: f64, out: &mut String) {
    if let Some(note) = Note::nearest(hz, 440.0) {
        let _ = write!(out, "{note}");
    }
}

// ---- Musical position ----

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

    fn text(f: impl FnOnce(&mut String)) -> String {
        let mut s = String::new();
        f(&mut s);
        s
    }

    #[test]
    fn zero_never_carries_a_minus() {
        for v in [-0.0, -0.04, -1e-12] {
            assert_eq!(text(|s| write_number(v, 1, Sign::Negative, s)), "0.0");
            assert_eq!(text(|s| write_number(v, 1, Sign::Always, s)), "+0.0");
        }
        assert_eq!(text(|s| write_number(-0.05, 1, Sign::Negative, s)), "-0.1");
        // Just short of rounding away from zero: decided on the digits written.
        let near_half = -0.049_999_999_999_999_996;
        assert_eq!(
            text(|s| write_number(near_half, 1, Sign::Always, s)),
            "+0.0"
        );
        assert_eq!(text(|s| write_number(-1.0, 0, Sign::Negative, s)), "-1");
        assert_eq!(
            text(|s| write_number(f64::NEG_INFINITY, 1, Sign::Negative, s)),
            "-inf"
        );
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

    #[test]
    fn lengths_switch_from_microseconds_to_milliseconds_to_seconds() {
        let length = |seconds| text(|s| write_time(seconds, TimeStyle::LENGTH, s));
        assert_eq!(length(0.000_85), "850 µs");
        assert_eq!(length(0.02), "20.0 ms");
        assert_eq!(length(2.5), "2.50 s");
        assert_eq!(length(1.0), "1.00 s");
        // On the value as written: 999.96 ms is "1.00 s", 999.6 µs is "1.0 ms".
        assert_eq!(length(0.999_96), "1.00 s");
        assert_eq!(length(0.000_999_6), "1.0 ms");
        assert_eq!(length(0.000_999_4), "999 µs");
        assert_eq!(length(0.999_94), "999.9 ms");
    }

    #[test]
    fn readings_keep_their_decimals_and_switch_at_the_value_as_written() {
        let reading = |seconds| text(|s| write_time(seconds, TimeStyle::READING, s));
        assert_eq!(reading(0.000_25), "0.250 ms");
        assert_eq!(reading(0.0125), "12.50 ms");
        assert_eq!(reading(-0.0125), "-12.50 ms");
        assert_eq!(reading(2.5), "2.5000 s");
        assert_eq!(reading(0.999_999_9), "1.0000 s");
        assert_eq!(reading(-0.009_999_9), "-10.00 ms");
        assert_eq!(reading(0.001), "1.000 ms");
    }

    #[test]
    fn time_ticks_share_their_axis_unit_and_write_zero_bare() {
        let tick = |seconds, unit, decimals| text(|s| write_time_tick(seconds, unit, decimals, s));
        assert_eq!(tick(0.005, TimeUnit::Milliseconds, 0), "5 ms");
        assert_eq!(tick(-0.005, TimeUnit::Milliseconds, 0), "-5 ms");
        assert_eq!(tick(0.0002, TimeUnit::Milliseconds, 1), "0.2 ms");
        assert_eq!(tick(2.5, TimeUnit::Seconds, 1), "2.5 s");
        assert_eq!(tick(0.0, TimeUnit::Seconds, 1), "0");
    }

    #[test]
    fn levels_read_with_their_unit_and_silence_as_minus_infinity() {
        assert_eq!(text(|s| write_db(-3.01, "dB", s)), "-3.0 dB");
        assert_eq!(text(|s| write_db(1.0, "dBTP", s)), "+1.0 dBTP");
        assert_eq!(text(|s| write_db(f32::NEG_INFINITY, "dB", s)), "-inf dB");
        assert_eq!(text(|s| write_db(f32::NAN, "LUFS", s)), "-inf LUFS");
        assert_eq!(text(|s| write_db(MINUS_INF_DB, "dB", s)), "-inf dB");
        assert_eq!(text(|s| write_db(MINUS_INF_DB + 1.0, "dB", s)), "-199.0 dB");
        assert_eq!(text(|s| write_level(0.34, Sign::Negative, s)), "0.3");
        assert_eq!(text(|s| write_level(-130.0, Sign::Negative, s)), "-130.0");
        for (db, label) in [(0.0, "0"), (-12.0, "-12"), (6.0, "+6"), (1.5, "+1.5")] {
            assert_eq!(text(|s| write_db_tick(db, s)), label);
        }
    }

    #[test]
    fn samples_and_columns_read_as_value_and_level() {
        assert_eq!(text(|s| write_sample(0.5, s)), "+0.500  -6.0 dBFS");
        assert_eq!(text(|s| write_sample(-1.0, s)), "-1.000  +0.0 dBFS");
        assert_eq!(text(|s| write_sample(0.0, s)), "+0.000  -inf dBFS");
        let line = ColumnMinMax {
            min: 0.25,
            max: 0.2504,
        };
        assert_eq!(text(|s| write_column(line, s)), "+0.250  -12.0 dBFS");
        let band = ColumnMinMax {
            min: -0.5,
            max: 0.25,
        };
        assert_eq!(
            text(|s| write_column(band, s)),
            "-0.500…+0.250  pk -6.0 dBFS"
        );
        for (v, label) in [(1.0, "+1"), (0.5, "+0.5"), (0.0, "0"), (-0.25, "-0.25")] {
            assert_eq!(text(|s| write_amplitude_tick(v, s)), label);
        }
        assert_eq!(text(|s| write_amplitude(0.534, s)), "+0.53");
        assert_eq!(text(|s| write_correlation(0.98, s)), "corr +0.98");
    }

    #[test]
    fn frequencies_switch_from_hz_to_khz() {
        let reading = |hz| text(|s| write_hz(hz, s));
        assert_eq!(reading(43.066), "43.07 Hz");
        assert_eq!(reading(440.0), "440.0 Hz");
        assert_eq!(reading(1234.5), "1.234 kHz");
        assert_eq!(reading(12_345.0), "12.35 kHz");
        // On the value as written: 999.97 Hz is "1.000 kHz", 99.997 Hz "100.0 Hz".
        assert_eq!(reading(999.97), "1.000 kHz");
        assert_eq!(reading(999.94), "999.9 Hz");
        assert_eq!(reading(99.997), "100.0 Hz");
        assert_eq!(reading(9_999.996), "10.00 kHz");
        let tick = |hz| text(|s| write_hz_tick(hz, s));
        assert_eq!(
            [20.0, 500.0, 1000.0, 2500.0, 1250.0, 20_000.0].map(tick),
            ["20", "500", "1k", "2.5k", "1.25k", "20k"]
        );
        let tag = |hz| text(|s| write_hz_tag(hz, s));
        assert_eq!([440.4, 999.0, 1234.0].map(tag), ["440", "999", "1.23k"]);
        assert_eq!(text(|s| write_sample_rate(44_100.0, s)), "44.1 kHz");
    }

    #[test]
    fn notes_name_the_nearest_pitch() {
        assert_eq!(text(|s| write_note(440.0, s)), "A4 +0 ct");
        assert_eq!(text(|s| write_note(1000.0, s)), "B5 +21 ct");
        assert_eq!(text(|s| write_note(0.0, s)), "");
    }

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
