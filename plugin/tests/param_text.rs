//! Every parameter's text conversion is stable for every value a host can send: swept over
//! each parameter's whole normalized range, text(value(text(v))) == text(v), and the value read
//! back is `v` at the precision the text shows (stepped and enum parameters: the same step,
//! exactly on it). Both the text hosts show with the unit (CLAP) and without it (VST3).
//!
//! The host-level sweeps (`plugin/host-tests/tests/param_text.rs`) run the same through the
//! CLAP and VST3 APIs of the built bundles.

use nice_plug::prelude::*;
use ringscope_plugin::params::RingscopeParams;

/// The grid: `GRID + 1` points from 0 to 1, both ends included.
const GRID: u32 = 10_000;

/// The normalized values to probe `param` at: the grid, the smallest steps away from both
/// ends, and values on either side of the one whose plain value is zero, from one `f32` step
/// away to a few percent (those round to zero from below and from above at any precision
/// shown, the source of "-0.0").
fn sweep_points(param: &ParamPtr) -> Vec<f32> {
    let mut points: Vec<f32> = (0..=GRID).map(|i| i as f32 / GRID as f32).collect();
    points.extend([f32::MIN_POSITIVE, 1e-7, 1.0 - f32::EPSILON, 1.0 - 1e-7]);
    // SAFETY: the pointer comes from a live parameter set (see `every_parameter`).
    let (low, high) = unsafe { (param.preview_plain(0.0), param.preview_plain(1.0)) };
    if low < 0.0 && high > 0.0 {
        // SAFETY: as above.
        let zero = unsafe { param.preview_normalized(0.0) };
        let (mut below, mut above) = (zero, zero);
        for _ in 0..64 {
            below = below.next_down();
            above = above.next_up();
            points.extend([below, above]);
        }
        for decade in [1e-7f32, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2] {
            for m in [1.0, 2.0, 2.5, 4.9, 5.0, 5.1, 7.5] {
                points.extend([zero - m * decade, zero + m * decade]);
            }
        }
        // The value from the issue: Slope at 0.4949… wrote "-0.0 dB/oct".
        points.push(0.4949);
    }
    points.retain(|p| (0.0..=1.0).contains(p));
    points
}

/// The precision check, shared with the host-level sweep.
#[path = "../host-tests/src/param_text.rs"]
mod shown;

/// The plain value of `param` at `normalized`: for a switch, whether it is on (nice-plug's
/// `ParamPtr::preview_plain` gives a switch's normalized value itself).
fn plain_at(param: &ParamPtr, normalized: f32) -> f32 {
    match param {
        ParamPtr::BoolParam(_) => f32::from(u8::from(normalized > 0.5)),
        // SAFETY: as in `sweep_points`.
        _ => unsafe { param.preview_plain(normalized) },
    }
}

/// Every problem of `param` at `normalized`, for the text with (`with_unit`) or without it.
fn check(id: &str, param: &ParamPtr, normalized: f32, with_unit: bool) -> Vec<String> {
    let mut problems = Vec::new();
    // SAFETY: as in `sweep_points`.
    let text = unsafe { param.normalized_value_to_string(normalized, with_unit) };
    let at = format!(
        "{id} at {normalized:?} ({})",
        if with_unit { "CLAP" } else { "VST3" }
    );
    // SAFETY: as above.
    let Some(read) = (unsafe { param.string_to_normalized_value(&text) }) else {
        return vec![format!("{at}: its text {text:?} does not read back")];
    };
    if !(0.0..=1.0).contains(&read) {
        problems.push(format!("{at}: {text:?} reads as {read}, outside 0…1"));
    }
    // SAFETY: as above.
    let again = unsafe { param.normalized_value_to_string(read, with_unit) };
    if again != text {
        problems.push(format!("{at}: {text:?} reads as {read}, written {again:?}"));
    }
    let (plain, plain_read) = (plain_at(param, normalized), plain_at(param, read));
    // SAFETY: as above.
    if let Some(steps) = unsafe { param.step_count() } {
        // SAFETY: as above.
        let on_step = unsafe { param.preview_normalized(plain) };
        if plain_read != plain || read != on_step {
            problems.push(format!(
                "{at}: step {plain} of {steps} is {text:?}, which reads as {read} (step \
                 {plain_read}), not the step's own {on_step}"
            ));
        }
        return problems;
    }
    if shown::is_negative_zero(&text) {
        problems.push(format!("{at}: {text:?} is a negative zero"));
    }
    let with_unit_text = if with_unit {
        text.clone()
    } else {
        // SAFETY: as above.
        unsafe { param.normalized_value_to_string(normalized, true) }
    };
    // SAFETY: as above.
    let name = unsafe { param.name() };
    problems.extend(
        shown::precision_problems(
            name,
            &with_unit_text,
            f64::from(plain),
            f64::from(plain_read),
        )
        .into_iter()
        .map(|problem| format!("{at}: {problem}")),
    );
    problems
}

#[test]
fn every_parameters_text_round_trips_over_its_whole_range() {
    let params = RingscopeParams::default();
    let started = std::time::Instant::now();
    let mut problems = Vec::new();
    let mut points = 0;
    let map = params.param_map();
    for (id, param, _) in &map {
        for normalized in sweep_points(param) {
            points += 1;
            for with_unit in [true, false] {
                problems.extend(check(id, param, normalized, with_unit));
            }
        }
    }
    println!(
        "{} parameters, {points} points, in {:?}",
        map.len(),
        started.elapsed()
    );
    assert!(map.len() >= 25, "{} parameters", map.len());
    let count = problems.len();
    let mut by_parameter = std::collections::BTreeMap::<&str, usize>::new();
    for problem in &problems {
        *by_parameter
            .entry(problem.split(' ').next().unwrap_or(""))
            .or_default() += 1;
    }
    let by_parameter = format!("{by_parameter:?}");
    problems.truncate(40);
    assert!(
        problems.is_empty(),
        "{count} text round-trip problems ({by_parameter}), the first:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn texts_that_name_no_value_read_as_nothing() {
    let params = RingscopeParams::default();
    for (id, param, _) in &params.param_map() {
        for junk in ["", "nan", "NaN dB", "inf", "-inf ms", "abc", "Onn"] {
            // SAFETY: the pointer comes from `params`, alive for the whole test.
            let read = unsafe { param.string_to_normalized_value(junk) };
            assert_eq!(read, None, "{id}: {junk:?}");
        }
    }
}
