//! Every conversion between a parameter's value and its text, in both directions.
//!
//! Times and frequencies are written by the crate's one set of text writers
//! ([`crate::format`]) in the styles chosen here, [`TIME`] and [`FREQUENCY`], and read back here
//! ([`parse_time`]; nice-plug's parser for frequencies). Parameters whose text is a number and a
//! fixed unit (dB, dBFS, dB/oct) are written by [`format::write_number`] with the decimals of
//! their step, and carry the unit as nice-plug's unit, which hosts show apart from the value
//! (VST3 asks for the value without its unit).
//!
//! Every text reads back as a value that is written as the same text again, and no text is
//! "-0": a stepped value can snap to -0.0 (nice-plug rounds -0.1 / 0.5 to -0.0), which
//! `format!` writes "-0.0" and which reads back as +0.0, written "0.0". A text that names no
//! finite number ("nan", "inf") reads as nothing: the host keeps the value it had.

use std::sync::Arc;

use nice_plug::prelude::*;

use crate::format::{
    self, FrequencyStyle, FrequencyUnit, Sign, Step, Style, TimeStyle, TimeUnit, Unit,
};

/// How a time parameter is written: "5.00 ms" below 10 ms, "850 ms" below a second, "2.50 s"
/// from a second up.
const TIME: TimeStyle = Style(&[
    Step {
        from: 1.0,
        unit: TimeUnit::Seconds,
        decimals: 2,
    },
    Step {
        from: 10.0,
        unit: TimeUnit::Milliseconds,
        decimals: 0,
    },
    Step {
        from: 0.0,
        unit: TimeUnit::Milliseconds,
        decimals: 2,
    },
]);

/// How a frequency parameter is written, as nice-plug's `v2s_f32_hz_then_khz(1)` writes it:
/// "440.0 Hz", "12.5 kHz", in kHz from what rounds to 1000 Hz.
const FREQUENCY: FrequencyStyle = Style(&[
    Step {
        from: 0.9995,
        unit: FrequencyUnit::Kilohertz,
        decimals: 1,
    },
    Step {
        from: 0.0,
        unit: FrequencyUnit::Hertz,
        decimals: 1,
    },
]);

/// `value`, a plain value in `unit`, in `to`: scaled in `f32`, as the parameters always have
/// been, so that their texts keep the digits they have always shown.
fn in_unit<U: Unit>(value: f32, unit: U, to: U) -> f64 {
    let exponent = to.per_base_log10() - unit.per_base_log10();
    f64::from(if exponent >= 0 {
        value * 10f32.powi(exponent)
    } else {
        value / 10f32.powi(-exponent)
    })
}

/// The text of a time parameter whose plain value `value` is in `unit`; with `zero_is_off`, 0
/// is "Off".
fn time_text(value: f32, unit: TimeUnit, zero_is_off: bool) -> String {
    if zero_is_off && value <= 0.0 {
        return "Off".to_owned();
    }
    let mut text = String::with_capacity(16);
    format::write_styled(TIME, |to| in_unit(value, unit, to), &mut text);
    text
}

/// The text of a frequency parameter, `hz` in Hz.
fn frequency_text(hz: f32) -> String {
    let mut text = String::with_capacity(16);
    format::write_styled(
        FREQUENCY,
        |to| in_unit(hz, FrequencyUnit::Hertz, to),
        &mut text,
    );
    text
}

/// Reads a duration with its unit ("850 ms", "2.5 s", "2.5s"; any case), in seconds. A bare
/// number gives `None`: its unit is the caller's to decide.
fn parse_time(text: &str) -> Option<f64> {
    let text = text.trim().to_ascii_lowercase();
    if let Some(ms) = text.strip_suffix("ms") {
        ms.trim().parse::<f64>().ok().map(|ms| ms / 1000.0)
    } else {
        text.strip_suffix('s')?.trim().parse().ok()
    }
}

/// A parameter whose text is a number with the decimals of its `step` and a fixed `unit`
/// (written with a leading space, " dB"; hosts that show the unit apart get it trimmed). Reads
/// the number with or without the unit.
pub(super) fn stepped_number(
    name: &str,
    default: f32,
    range: FloatRange,
    step: f32,
    unit: &'static str,
) -> FloatParam {
    let decimals = format::decimals_of_step(f64::from(step));
    FloatParam::new(name, default, range)
        .with_step_size(step)
        .with_unit(unit)
        .with_value_to_string(Arc::new(move |value| {
            let mut text = String::with_capacity(16);
            format::write_number(f64::from(value), decimals, Sign::Negative, &mut text);
            text
        }))
        .with_string_to_value(Arc::new(move |text| {
            let text = text.trim();
            let number = text.strip_suffix(unit.trim()).unwrap_or(text);
            finite(number.trim().parse().ok())
        }))
}

/// `value` if it is a finite number: "nan" and "inf" parse as `f32`, but name no value.
fn finite(value: Option<f32>) -> Option<f32> {
    value.filter(|v| v.is_finite())
}

/// `param`, a time in `unit`, shown in the style [`TIME`] and read as [`parse_time`] reads it
/// (a bare number in `unit`); with `zero_is_off`, 0 shows as "Off" and "off" reads as 0.
pub(super) fn with_time_text(param: FloatParam, unit: TimeUnit, zero_is_off: bool) -> FloatParam {
    param
        .with_value_to_string(Arc::new(move |value| time_text(value, unit, zero_is_off)))
        .with_string_to_value(Arc::new(move |text| {
            if zero_is_off && text.trim().eq_ignore_ascii_case("off") {
                return Some(0.0);
            }
            finite(match parse_time(text) {
                Some(seconds) => Some(format::convert(seconds, TimeUnit::Seconds, unit) as f32),
                None => text.trim().parse().ok(),
            })
        }))
}

/// `param`, in Hz, shown in the style [`FREQUENCY`] and read as nice-plug reads frequencies
/// ("440", "440 Hz", "1.2 kHz", a note name such as "A4").
pub(super) fn with_frequency_text(param: FloatParam) -> FloatParam {
    let parse = formatters::s2v_f32_hz_then_khz();
    param
        .with_value_to_string(Arc::new(frequency_text))
        .with_string_to_value(Arc::new(move |text| finite(parse(text))))
}

/// `param`, a fraction 0…1, shown and read as a percentage with one decimal (the unit "%" is
/// the parameter's own).
pub(super) fn with_percent_text(param: FloatParam) -> FloatParam {
    let parse = formatters::s2v_f32_percentage();
    param
        .with_value_to_string(formatters::v2s_f32_percentage(1))
        .with_string_to_value(Arc::new(move |text| finite(parse(text))))
}

/// `param`, a switch, read as "On"/"Off" (as nice-plug writes it), "true"/"false" or "1"/"0" in
/// any case; any other text reads as nothing (nice-plug's own parser reads it as off).
pub(super) fn with_switch_text(param: BoolParam) -> BoolParam {
    param.with_string_to_value(Arc::new(|text| {
        let text = text.trim();
        let is = |words: [&str; 3]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
        if is(["on", "true", "1"]) {
            Some(true)
        } else if is(["off", "false", "0"]) {
            Some(false)
        } else {
            None
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::RingscopeParams;

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
            for unit in [TimeUnit::Seconds, TimeUnit::Milliseconds] {
                let value = format::convert(seconds, TimeUnit::Seconds, unit) as f32;
                assert_eq!(time_text(value, unit, false), expected, "{unit:?}");
            }
            assert!(
                (parse_time(expected).unwrap() - seconds).abs() < 0.006,
                "{expected}"
            );
        }
        // Where the finer unit's text would round up to the next unit, the next unit writes it.
        assert_eq!(time_text(999.6, TimeUnit::Milliseconds, false), "1.00 s");
        assert_eq!(time_text(9.996, TimeUnit::Milliseconds, false), "10 ms");
        assert_eq!(time_text(0.0, TimeUnit::Seconds, true), "Off");
        for junk in ["", "ms", "abc s", "12", "12 minutes"] {
            assert_eq!(parse_time(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn frequency_text_is_nice_plugs_where_that_reads_back_as_itself() {
        let theirs = formatters::v2s_f32_hz_then_khz(1);
        let read = formatters::s2v_f32_hz_then_khz();
        let mut hz = 1.0f32;
        while hz < 200_000.0 {
            for value in [hz, hz * 0.9995, 999.96, 999.94, 999.47] {
                let text = theirs(value);
                if theirs(read(&text).unwrap()) == text {
                    assert_eq!(frequency_text(value), text, "{value}");
                } else {
                    // "999.5 Hz", which nice-plug writes back as "1.0 kHz".
                    assert_eq!(frequency_text(value), "1.0 kHz", "{value}");
                }
            }
            hz *= 1.013;
        }
        assert_eq!(frequency_text(440.0), "440.0 Hz");
        assert_eq!(frequency_text(999.47), "1.0 kHz");
        assert_eq!(frequency_text(999.44), "999.4 Hz");
        assert_eq!(frequency_text(12_500.0), "12.5 kHz");
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

    /// The time and frequency parameters, by name.
    fn time_and_frequency_params(params: &RingscopeParams) -> [(&'static str, &FloatParam); 8] {
        [
            ("scope window", &params.scope_window_ms),
            ("trigger holdoff", &params.trigger_holdoff_ms),
            ("averaging", &params.averaging_ms),
            ("peak hold", &params.peak_hold_s),
            ("min frequency", &params.freq_min_hz),
            ("max frequency", &params.freq_max_hz),
            ("test frequency", &params.test_freq_hz),
            ("test frequency 2", &params.test_freq2_hz),
        ]
    }

    #[test]
    fn every_time_and_frequency_text_reads_back_as_itself() {
        let params = RingscopeParams::default();
        for (name, param) in time_and_frequency_params(&params) {
            for i in 0..=20_000 {
                let normalized = i as f32 / 20_000.0;
                let text = param.normalized_value_to_string(normalized, true);
                let read = param
                    .string_to_normalized_value(&text)
                    .unwrap_or_else(|| panic!("{name}: {text:?} does not read"));
                assert_eq!(
                    param.normalized_value_to_string(read, true),
                    text,
                    "{name} at {normalized}"
                );
                assert!(!text.starts_with('-'), "{name}: {text:?}");
            }
        }
    }
}
