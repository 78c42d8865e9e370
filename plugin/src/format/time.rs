//! Times: lengths, readings under the pointer and time-axis labels.

use super::number::{Sign, write_tick_number};
use super::units::{Step, Style, Unit, convert, write_styled};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::text;

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
}
