//! Quantities in units (times, frequencies): a [`Unit`], a [`Style`] of steps from the
//! coarsest unit down, and [`write_styled`], which picks the step on the value as written.

use super::number::{Sign, write_number};

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
