//! Levels in dB: readings with their unit, "-inf" for silence, level-axis labels, the stereo
//! balance as the louder side.

use std::fmt::Write;

use super::number::{Sign, write_number};

/// Levels at or below this are written "-inf": nothing audible is this quiet, and the
/// analysis reports silence far lower still (`analysis::FLOOR_DB`).
pub const MINUS_INF_DB: f32 = -200.0;

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

/// Appends a balance, −1 (left only) … +1 (right only), as the louder side and by how much:
/// "bal L 3.0 dB", "bal R 0.5 dB", "bal 0.0 dB" when even at the precision shown, "bal L only".
pub fn write_balance(balance: f32, out: &mut String) {
    out.push_str("bal ");
    let b = if balance.is_nan() { 0.0 } else { balance };
    if b <= -1.0 || b >= 1.0 {
        out.push_str(if b < 0.0 { "L only" } else { "R only" });
        return;
    }
    let db = 10.0 * ((1.0 + f64::from(b)) / (1.0 - f64::from(b))).log10();
    let start = out.len();
    write_number(db.abs(), 1, Sign::Negative, out);
    if &out[start..] != "0.0" {
        out.insert_str(start, if db < 0.0 { "L " } else { "R " });
    }
    out.push_str(" dB");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::text;

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
    fn balance_reads_the_louder_side_in_db() {
        // b = (R² − L²)/(R² + L²); R at twice L's power: b = 1/3, +3.01 dB.
        assert_eq!(text(|s| write_balance(1.0 / 3.0, s)), "bal R 3.0 dB");
        assert_eq!(text(|s| write_balance(-1.0 / 3.0, s)), "bal L 3.0 dB");
        assert_eq!(text(|s| write_balance(0.0001, s)), "bal 0.0 dB");
        assert_eq!(text(|s| write_balance(-0.0001, s)), "bal 0.0 dB");
        assert_eq!(text(|s| write_balance(f32::NAN, s)), "bal 0.0 dB");
        assert_eq!(text(|s| write_balance(-1.0, s)), "bal L only");
        assert_eq!(text(|s| write_balance(1.0, s)), "bal R only");
    }
}
