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

/// Most decimals a step is given: a step that no number of decimals writes exactly (1/3) is
/// written to this many.
const MAX_STEP_DECIMALS: usize = 7;

/// The fewest decimals that write every multiple of `step` exactly: 5 and 1: 0, 0.5 and 2.5: 1,
/// 0.25 and 0.05: 2, 0.001: 3. A step that is zero or not finite has nothing to show: 0. Shared
/// by stepped parameters (their texts) and axes (their tick labels), so both write a step alike.
pub fn decimals_of_step(step: f64) -> usize {
    let step = step.abs();
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..MAX_STEP_DECIMALS)
        .find(|&decimals| {
            let scaled = step * 10f64.powi(decimals as i32);
            // Relative, and above an `f32`'s rounding (at most 6e-8 of it), so a step that came
            // from an `f32` (0.1 is 0.100000001…) counts; small enough that 1/3 never does.
            (scaled - scaled.round()).abs() < 1e-7 * scaled
        })
        .unwrap_or(MAX_STEP_DECIMALS)
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

    #[test]
    fn a_step_gets_the_fewest_decimals_that_write_it_exactly() {
        for (step, decimals) in [
            (5.0, 0),
            (1.0, 0),
            (10.0, 0),
            (2.5, 1),
            (0.5, 1),
            (0.2, 1),
            (0.25, 2),
            (0.75, 2),
            (0.05, 2),
            (0.001, 3),
            (0.000_5, 4),
            (-0.25, 2),
        ] {
            assert_eq!(decimals_of_step(step), decimals, "step {step}");
        }
        // A step from an `f32` parameter, not exact in binary.
        assert_eq!(decimals_of_step(f64::from(0.1f32)), 1);
        assert_eq!(decimals_of_step(f64::from(0.01f32)), 2);
        // Every multiple is then written exactly: 0.25 × 3 as "0.75", not "0.8".
        let mut text = String::new();
        write_number(0.75, decimals_of_step(0.25), Sign::Negative, &mut text);
        assert_eq!(text, "0.75");
        assert_eq!(decimals_of_step(1.0 / 3.0), MAX_STEP_DECIMALS);
        assert_eq!(decimals_of_step(0.0), 0);
        assert_eq!(decimals_of_step(f64::NAN), 0);
    }
}
