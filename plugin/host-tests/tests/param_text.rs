//! Every parameter's text round-trips through the hosts' APIs, for every value a host can send:
//! CLAP's `params.value_to_text` / `text_to_value` and VST3's `getParamStringByValue` /
//! `getParamValueByString`, swept over each parameter's whole range on a grid of 10 001 points
//! (both ends, the smallest steps in from them, and either side of the middle, where the
//! symmetric ranges have their zero). For every value: the text reads back, the value read is in
//! range and is written as the same text again; a stepped parameter's value read is exactly a
//! step (an integer in CLAP, `step / stepCount` in VST3), the step the value was on.
//!
//! No text is a negative zero. Through VST3, whose `normalizedParamToPlain` gives the plain
//! values, a continuous parameter's text (with its units) also shows the value at the precision
//! it is written with and reads back as the value it shows
//! (`ringscope_host_tests::param_text`, the check the plugin's own sweep makes); nice-plug's
//! CLAP parameters are normalized, so CLAP offers no plain value to check against.

use std::time::Instant;

use ringscope_host_tests::clap::new_ringscope;
use ringscope_host_tests::clap::{Param, load_entry};
use ringscope_host_tests::host_test;
use ringscope_host_tests::param_text::{is_negative_zero, precision_problems};
use ringscope_host_tests::vst3::Module;

/// The grid: `GRID + 1` points over a parameter's range, both ends included.
const GRID: u32 = 10_000;

/// The points of a range `0..=max` to probe: the grid and the `f64` neighbours of its ends and
/// of its middle.
fn sweep_points(max: f64) -> Vec<f64> {
    let mut points: Vec<f64> = (0..=GRID)
        .map(|i| max * f64::from(i) / f64::from(GRID))
        .collect();
    let half = max / 2.0;
    let mut around = |v: f64| {
        let (mut below, mut above) = (v, v);
        for _ in 0..16 {
            below = below.next_down();
            above = above.next_up();
            points.extend([below, above]);
        }
        for delta in [1e-7, 1e-6, 1e-5, 1e-4] {
            points.extend([v - delta * max, v + delta * max]);
        }
    };
    around(0.0);
    around(half);
    around(max);
    points.retain(|p| (0.0..=max).contains(p));
    points
}

/// What one value → text → value → text round trip gave: the text, the value read from it and
/// the text of that value.
struct RoundTrip {
    text: Option<String>,
    read: Option<f64>,
    again: Option<String>,
}

impl RoundTrip {
    /// The round trip from `value` through `write` and `read`.
    fn of(
        value: f64,
        mut write: impl FnMut(f64) -> Option<String>,
        read: impl FnOnce(&str) -> Option<f64>,
    ) -> Self {
        let text = write(value);
        let read = text.as_deref().and_then(read);
        let again = read.and_then(write);
        Self { text, read, again }
    }

    /// Its problem, for a parameter whose values span `0..=max`, `steps` steps if it is stepped.
    fn problem(self, name: &str, value: f64, max: f64, steps: Option<f64>) -> Option<String> {
        let at = format!("{name} at {value:?}");
        let Some(text) = self.text else {
            return Some(format!("{at}: no text"));
        };
        let Some(read) = self.read else {
            return Some(format!("{at}: its text {text:?} does not read back"));
        };
        if !(0.0..=max).contains(&read) {
            return Some(format!("{at}: {text:?} reads as {read}, outside 0…{max}"));
        }
        if let Some(steps) = steps {
            // The step read, in 0..=steps, and the step the value was on (either at a tie).
            let scale = steps / max;
            let step = read * scale;
            if step != step.round() || step.round() / scale != read {
                return Some(format!("{at}: {text:?} reads as {read}, off the steps"));
            }
            if (step - value * scale).abs() > 0.5 + 1e-6 {
                return Some(format!("{at}: {text:?} reads as step {step}, another step"));
            }
        }
        if is_negative_zero(&text) {
            return Some(format!("{at}: {text:?} is a negative zero"));
        }
        (self.again.as_deref() != Some(text.as_str()))
            .then(|| format!("{at}: {text:?} reads as {read}, written {:?}", self.again))
    }
}

/// Fails with the first problems found, if any.
fn assert_no_problems(problems: Vec<String>) {
    let count = problems.len();
    let first: Vec<&String> = problems.iter().take(40).collect();
    assert!(
        problems.is_empty(),
        "{count} text round-trip problems, the first:\n  {}",
        first
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

host_test!(
    timeout_s = 120;
    fn clap_every_parameters_text_round_trips_over_its_whole_range() {
        let entry = load_entry();
        let mut plugin = new_ringscope(&entry);
        let params: Vec<Param> = plugin.params();
        let started = Instant::now();
        let mut problems = Vec::new();
        let mut points = 0;
        for p in &params {
            let steps = p.is_stepped().then_some(p.max);
            if steps.is_some() {
                // Stepped values are integers: the default, the value, and every value read.
                for (what, v) in [("default", p.default), ("value", plugin.value(p.id))] {
                    if v != v.round() {
                        problems.push(format!("{}: {what} {v} is off the steps", p.name));
                    }
                }
            }
            for value in sweep_points(p.max) {
                points += 1;
                let round_trip = {
                    let plugin = std::cell::RefCell::new(&mut plugin);
                    RoundTrip::of(
                        value,
                        |v| plugin.borrow_mut().value_to_text(p.id, v),
                        |text| plugin.borrow_mut().text_to_value(p.id, text),
                    )
                };
                problems.extend(round_trip.problem(&p.name, value, p.max, steps));
            }
        }
        println!(
            "CLAP: {} parameters, {points} points, in {:?}",
            params.len(),
            started.elapsed()
        );
        assert_no_problems(problems);
    }
);

host_test!(
    timeout_s = 120;
    fn vst3_every_parameters_text_round_trips_over_its_whole_range() {
        let module = Module::load();
        let instance = module.create(&module.audio_class().cid);
        let params = instance.params();
        let started = Instant::now();
        let mut problems = Vec::new();
        let mut points = 0;
        for p in &params {
            if p.units.trim() != p.units {
                problems.push(format!("{}: units {:?} carry spaces", p.title, p.units));
            }
            let steps = (p.step_count > 0).then_some(f64::from(p.step_count));
            if let Some(steps) = steps {
                for (what, v) in [("default", p.default), ("value", instance.param(p.id))] {
                    if (v * steps).round() / steps != v {
                        problems.push(format!("{}: {what} {v} is off the steps", p.title));
                    }
                }
            }
            for value in sweep_points(1.0) {
                points += 1;
                let round_trip = RoundTrip::of(
                    value,
                    |v| instance.param_text(p.id, v),
                    |text| instance.param_value_by_string(p.id, text),
                );
                // A continuous parameter's plain values (`normalizedParamToPlain`): the text,
                // with its units, shows the value at its precision and reads as what it shows.
                if let (None, Some(text), Some(read)) = (steps, &round_trip.text, round_trip.read)
                {
                    let text = format!("{text} {}", p.units);
                    let plain = |v| instance.normalized_to_plain(p.id, v);
                    problems.extend(
                        precision_problems(&p.title, &text, plain(value), plain(read))
                            .into_iter()
                            .map(|problem| format!("{problem} (at {value:?})")),
                    );
                }
                problems.extend(round_trip.problem(&p.title, value, 1.0, steps));
            }
            // Hosts that let the user type a value may pass it with its units.
            if !p.units.is_empty() {
                let text = instance.param_text(p.id, p.default).unwrap_or_default();
                let with_units = format!("{text} {}", p.units);
                let read = instance.param_value_by_string(p.id, &with_units);
                let again = read.and_then(|read| instance.param_text(p.id, read));
                if again.as_deref() != Some(text.as_str()) {
                    problems.push(format!("{}: {with_units:?} reads as {read:?}", p.title));
                }
            }
        }
        println!(
            "VST3: {} parameters, {points} points, in {:?}",
            params.len(),
            started.elapsed()
        );
        assert_no_problems(problems);
    }
);
