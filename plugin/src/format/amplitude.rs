//! Linear amplitudes: samples, scope columns, amplitude-axis labels, correlation.

use ringscope::analysis::ColumnMinMax;

use super::level::write_db;
use super::number::{Sign, write_number, write_tick_number};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::text;

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
}
