//! Frequencies: readings, frequency-axis labels and tags, sample rates and notes.

use std::fmt::Write;

use ringscope::analysis::Note;

use super::number::{Sign, write_number};
use super::units::{Step, Style, Unit, convert, write_styled};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::text;

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
}
