//! How far apart ticks go: 1-2-5 steps and the guards that keep an axis' range usable (the
//! decimals that show a step exactly are `format::decimals_of_step`, shared with the
//! parameters).

/// The smallest 1-2-5 step that is at least `at_least` (and positive).
pub(super) fn step_125(at_least: f64) -> f64 {
    let at_least = if at_least.is_finite() && at_least > 0.0 {
        at_least
    } else {
        1.0
    };
    let decade = 10f64.powf(at_least.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * decade >= at_least * (1.0 - 1e-9) {
            return m * decade;
        }
    }
    10.0 * decade
}

/// Whether `value` is a whole multiple of `unit` (up to rounding).
pub(super) fn is_multiple(value: f64, unit: f64) -> bool {
    let r = value / unit;
    (r - r.round()).abs() < 1e-6
}

/// `(lo, hi)` ordered, finite and at least `min_span` apart.
pub(super) fn ordered(a: f64, b: f64, min_span: f64) -> (f64, f64) {
    let a = if a.is_finite() { a } else { 0.0 };
    let b = if b.is_finite() { b } else { a + min_span };
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    (lo, hi.max(lo + min_span * 1e-3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_1_2_5() {
        assert_eq!(step_125(0.0013), 0.002);
        assert_eq!(step_125(3.0), 5.0);
        assert_eq!(step_125(6.0), 10.0);
        assert_eq!(step_125(10.0), 10.0);
        assert_eq!(step_125(f64::NAN), 1.0);
    }

    #[test]
    fn ranges_are_ordered_and_never_empty() {
        assert_eq!(ordered(2.0, 1.0, 1.0), (1.0, 2.0));
        assert_eq!(ordered(f64::NAN, 3.0, 1.0), (0.0, 3.0));
        assert_eq!(ordered(1.0, f64::INFINITY, 1.0), (1.0, 2.0));
        let (lo, hi) = ordered(5.0, 5.0, 1.0);
        assert!(hi > lo);
        assert!(is_multiple(0.30000000000000004, 0.1));
        assert!(!is_multiple(0.35, 0.1));
    }
}
