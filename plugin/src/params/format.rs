//! Every conversion between a parameter's value and its text, in both directions.
//!
//! The text functions are plain and allocation-free given a reused `String`
//! ([`write_time`], [`write_frequency`]; [`parse_time`] the other way), so the editor's own
//! display text can share them; the parameters attach them through the `with_*_text` helpers.
//! Parameters whose text is a number and a fixed unit (dB, dBFS, dB/oct) keep nice-plug's
//! number formatting and unit, which hosts show apart from the value (VST3 asks for the value
//! without its unit).

use std::fmt::Write;
use std::sync::Arc;

use nice_plug::prelude::*;

/// Appends a duration as the parameters show it: "5.00 ms" below 10 ms, "850 ms" below a
/// second, "2.50 s" from a second up.
///
/// ```
/// use ringscope_plugin::params::format::write_time;
/// let mut text = String::new();
/// for seconds in [0.005, 0.85, 2.5] {
///     write_time(seconds, &mut text);
///     text.push('|');
/// }
/// assert_eq!(text, "5.00 ms|850 ms|2.50 s|");
/// ```
pub fn write_time(seconds: f64, out: &mut String) {
    write_time_as(seconds * 1000.0, seconds, out);
}

/// [`write_time`] of one duration given both in milliseconds and in seconds, each formatted
/// as it is: a parameter in ms keeps the digits it has always shown (its value divided in
/// `f32`, as before the formats had one home).
fn write_time_as(ms: f64, seconds: f64, out: &mut String) {
    // Writing to a `String` cannot fail.
    let _ = if ms >= 1000.0 {
        write!(out, "{seconds:.2} s")
    } else if ms >= 10.0 {
        write!(out, "{ms:.0} ms")
    } else {
        write!(out, "{ms:.2} ms")
    };
}

/// Reads a duration with its unit ("850 ms", "2.5 s", "2.5s"; any case), in seconds. A bare
/// number gives `None`: its unit is the caller's to decide.
///
/// ```
/// use ringscope_plugin::params::format::parse_time;
/// assert_eq!(parse_time("850 ms"), Some(0.85));
/// assert_eq!(parse_time(" 2.5S "), Some(2.5));
/// assert_eq!(parse_time("2.5"), None);
/// ```
pub fn parse_time(text: &str) -> Option<f64> {
    let text = text.trim().to_ascii_lowercase();
    if let Some(ms) = text.strip_suffix("ms") {
        ms.trim().parse::<f64>().ok().map(|ms| ms / 1000.0)
    } else {
        text.strip_suffix('s')?.trim().parse().ok()
    }
}

/// Appends a frequency as the parameters show it: "440.0 Hz" below 1 kHz (after rounding),
/// "12.5 kHz" from there up (nice-plug's `v2s_f32_hz_then_khz(1)`).
///
/// ```
/// use ringscope_plugin::params::format::write_frequency;
/// let mut text = String::new();
/// write_frequency(440.0, &mut text);
/// text.push('|');
/// write_frequency(12_500.0, &mut text);
/// assert_eq!(text, "440.0 Hz|12.5 kHz");
/// ```
pub fn write_frequency(hz: f32, out: &mut String) {
    let _ = if hz.round() < 1000.0 {
        write!(out, "{hz:.1} Hz")
    } else {
        write!(out, "{:.1} kHz", hz / 1000.0)
    };
}

/// The unit a time parameter's plain value is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TimeUnit {
    Milliseconds,
    Seconds,
}

impl TimeUnit {
    fn seconds(self) -> f64 {
        match self {
            TimeUnit::Milliseconds => 1e-3,
            TimeUnit::Seconds => 1.0,
        }
    }

    /// `value` in this unit as (milliseconds, seconds), each computed in `f32` from it.
    fn split(self, value: f32) -> (f64, f64) {
        let (ms, seconds) = match self {
            TimeUnit::Milliseconds => (value, value / 1000.0),
            TimeUnit::Seconds => (value * 1000.0, value),
        };
        (f64::from(ms), f64::from(seconds))
    }
}

/// `param`, a time in `unit`, shown as [`write_time`] writes it and read as [`parse_time`]
/// reads it (a bare number in `unit`); with `zero_is_off`, 0 shows as "Off" and "off" reads
/// as 0.
pub(super) fn with_time_text(param: FloatParam, unit: TimeUnit, zero_is_off: bool) -> FloatParam {
    let scale = unit.seconds();
    param
        .with_value_to_string(Arc::new(move |value| {
            if zero_is_off && value <= 0.0 {
                return "Off".to_owned();
            }
            let mut text = String::new();
            let (ms, seconds) = unit.split(value);
            write_time_as(ms, seconds, &mut text);
            text
        }))
        .with_string_to_value(Arc::new(move |text| {
            if zero_is_off && text.trim().eq_ignore_ascii_case("off") {
                return Some(0.0);
            }
            let seconds = parse_time(text).or_else(|| {
                let bare: f64 = text.trim().parse().ok()?;
                Some(bare * scale)
            })?;
            Some((seconds / scale) as f32)
        }))
}

/// `param`, in Hz, shown as [`write_frequency`] writes it and read as nice-plug reads
/// frequencies ("440", "440 Hz", "1.2 kHz", a note name such as "A4").
pub(super) fn with_frequency_text(param: FloatParam) -> FloatParam {
    param
        .with_value_to_string(Arc::new(|hz| {
            let mut text = String::new();
            write_frequency(hz, &mut text);
            text
        }))
        .with_string_to_value(formatters::s2v_f32_hz_then_khz())
}

/// `param`, a fraction 0…1, shown and read as a percentage with one decimal (the unit "%" is
/// the parameter's own).
pub(super) fn with_percent_text(param: FloatParam) -> FloatParam {
    param
        .with_value_to_string(formatters::v2s_f32_percentage(1))
        .with_string_to_value(formatters::s2v_f32_percentage())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(seconds: f64) -> String {
        let mut text = String::with_capacity(16);
        write_time(seconds, &mut text);
        text
    }

    fn frequency(hz: f32) -> String {
        let mut text = String::with_capacity(16);
        write_frequency(hz, &mut text);
        text
    }

    #[test]
    fn time_text_switches_units_at_10_ms_and_1_s() {
        let cases = [
            (0.0, "0.00 ms"),
            (0.00125, "1.25 ms"),
            (0.00999, "9.99 ms"),
            (0.010, "10 ms"),
            (0.8504, "850 ms"),
            (0.999, "999 ms"),
            (1.0, "1.00 s"),
            (12.345, "12.35 s"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(time(seconds), expected);
            assert!(
                (parse_time(expected).unwrap() - seconds).abs() < 0.006,
                "{expected}"
            );
        }
        for junk in ["", "ms", "abc s", "12", "12 minutes"] {
            assert_eq!(parse_time(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn frequency_text_is_nice_plugs() {
        let theirs = formatters::v2s_f32_hz_then_khz(1);
        let mut hz = 1.0f32;
        while hz < 200_000.0 {
            for value in [hz, hz * 0.9995, 999.96, 999.94] {
                assert_eq!(frequency(value), theirs(value), "{value}");
            }
            hz *= 1.013;
        }
    }

    #[test]
    fn a_time_parameter_reads_bare_numbers_in_its_own_unit() {
        let ms = with_time_text(
            FloatParam::new(
                "t",
                20.0,
                FloatRange::Linear {
                    min: 0.0,
                    max: 10_000.0,
                },
            ),
            TimeUnit::Milliseconds,
            true,
        );
        let s = with_time_text(
            FloatParam::new(
                "t",
                2.0,
                FloatRange::Linear {
                    min: 0.0,
                    max: 30.0,
                },
            ),
            TimeUnit::Seconds,
            true,
        );
        let parse =
            |p: &FloatParam, t: &str| p.string_to_normalized_value(t).map(|n| p.preview_plain(n));
        assert_eq!(parse(&ms, "250"), Some(250.0));
        assert_eq!(parse(&ms, "2.5 s"), Some(2500.0));
        assert_eq!(parse(&s, "2.5"), Some(2.5));
        assert_eq!(parse(&s, "500 ms"), Some(0.5));
        assert_eq!(parse(&s, "OFF"), Some(0.0));
        assert_eq!(s.normalized_value_to_string(0.0, true), "Off");
        assert_eq!(
            s.normalized_value_to_string(s.preview_normalized(0.5), true),
            "500 ms"
        );
    }
}
