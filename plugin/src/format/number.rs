//! Numbers: the sign rule and the "no -0" rule every writer builds on.

use std::fmt::Write;

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
pub(super) fn is_zero(number: &str) -> bool {
    number
        .trim_start_matches(['+', '-'])
        .bytes()
        .all(|b| b == b'0' || b == b'.')
}

/// Appends `value` as [`write_number`] does, but a zero as a bare "0" (an axis' origin);
/// whether it was zero.
pub(super) fn write_tick_number(value: f64, decimals: usize, sign: Sign, out: &mut String) -> bool {
    let start = out.len();
    write_number(value, decimals, sign, out);
    let zero = is_zero(&out[start..]);
    if zero {
        out.truncate(start);
        out.push('0');
    }
    zero
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testing::text;

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
    }
}
