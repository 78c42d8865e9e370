//! Loudness against its definitions: EBU Tech 3342 loudness range, PLR, maximum momentary and
//! short-term loudness, and the history that keeps every 100 ms block.

mod analysis_support;

use analysis_support::{db, sine_at};
use ringscope::analysis::{
    Channel, ColumnMinMax, FLOOR_DB, LoudnessBlock, LoudnessCurve, LoudnessHistory, MeterSettings,
    Meters,
};
use std::f64::consts::FRAC_PI_4;

/// Tech 3342's tones are 1 kHz stereo sines; a low rate keeps the unoptimised test build quick
/// (loudness differences, all that LRA reads, do not depend on the rate).
const LRA_RATE: f64 = 4_000.0;
const RATE: f64 = 48_000.0;

/// A stereo 1 kHz sine whose loudness is `lufs` at 48 kHz (BS.1770: 0 dBFS on both channels
/// reads 0 LUFS at 997 Hz).
fn segment(rate: f64, seconds: f64, lufs: f64) -> Vec<[f32; 2]> {
    let amplitude = 10f64.powf(lufs / 20.0);
    (0..(seconds * rate).round() as u64)
        .map(|n| {
            let x = sine_at(n, 997.0, rate, amplitude, 0.0) as f32;
            [x, x]
        })
        .collect()
}

fn programme(rate: f64, segments: &[(f64, f64)]) -> Vec<[f32; 2]> {
    segments
        .iter()
        .flat_map(|&(seconds, lufs)| segment(rate, seconds, lufs))
        .collect()
}

fn measure(rate: f64, frames: &[[f32; 2]]) -> (Meters, LoudnessHistory) {
    let mut meters = Meters::new(rate, MeterSettings::default());
    let mut history = LoudnessHistory::new();
    for block in frames.chunks(4096) {
        meters.feed_with(block, |b| history.push(b));
    }
    (meters, history)
}

/// The loudness range of a programme of `(seconds, LUFS)` segments.
fn loudness_range(segments: &[(f64, f64)]) -> f64 {
    measure(LRA_RATE, &programme(LRA_RATE, segments))
        .0
        .loudness()
        .range_lu
}

// EBU Tech 3342 (2016), table 1, cases 1 to 4: expected LRA ± 1 LU.

#[test]
fn loudness_range_tech_3342_case_1() {
    let lra = loudness_range(&[(20.0, -20.0), (20.0, -30.0)]);
    assert!((lra - 10.0).abs() <= 1.0, "{lra}");
}

#[test]
fn loudness_range_tech_3342_case_2() {
    let lra = loudness_range(&[(20.0, -20.0), (20.0, -15.0)]);
    assert!((lra - 5.0).abs() <= 1.0, "{lra}");
}

#[test]
fn loudness_range_tech_3342_case_3() {
    let lra = loudness_range(&[(20.0, -40.0), (20.0, -20.0)]);
    assert!((lra - 20.0).abs() <= 1.0, "{lra}");
}

#[test]
fn loudness_range_tech_3342_case_4() {
    let segments = [-50.0, -35.0, -20.0, -35.0, -50.0].map(|lufs| (20.0, lufs));
    let lra = loudness_range(&segments);
    assert!((lra - 15.0).abs() <= 1.0, "{lra}");
}

#[test]
fn loudness_range_ignores_what_is_20_lu_below_the_programme() {
    // Short-term values more than 20 LU under their integrated level are gated out: a quiet
    // tail adds nothing (without the gate the range would be about 35 LU).
    let lra = loudness_range(&[(20.0, -20.0), (20.0, -15.0), (20.0, -50.0)]);
    assert!((lra - 5.0).abs() <= 1.0, "{lra}");
}

#[test]
fn integrated_true_peak_and_plr_match_their_definitions() {
    // Left only, 0.5: −6.02 dBTP; loudness −9.03 LUFS (one channel: 3.01 dB below both).
    let frames: Vec<[f32; 2]> = (0..(10.0 * RATE) as u64)
        .map(|n| [sine_at(n, 997.0, RATE, 0.5, 0.0) as f32, 0.0])
        .collect();
    let (meters, _) = measure(RATE, &frames);
    let loudness = meters.loudness();
    assert!(
        (loudness.integrated_lufs - (db(0.5) - 3.01)).abs() <= 0.1,
        "{loudness:?}"
    );
    assert!(
        (loudness.max_true_peak_dbtp - db(0.5)).abs() <= 0.1,
        "{loudness:?}"
    );
    let plr = loudness.plr_lu().unwrap();
    assert!((plr - 3.01).abs() <= 0.1, "PLR {plr}");
    // A sine at fs/4, 45° off its samples: every sample is at 0.5·cos 45° (−9.03 dBFS) while the
    // waveform between them peaks at 0.5 (−6.02 dBTP), so a sample peak passed for the true
    // peak reads 3 dB low here (a 997 Hz sine cannot tell the two apart).
    let between_samples: Vec<[f32; 2]> = (0..(10.0 * RATE) as u64)
        .map(|n| [sine_at(n, RATE / 4.0, RATE, 0.5, FRAC_PI_4) as f32, 0.0])
        .collect();
    let (meters, _) = measure(RATE, &between_samples);
    let loudness = meters.loudness();
    // ±0.2 dB: BS.1770's 4× interpolation filter gains ~0.1 dB at fs/4 (it read −5.92 here).
    assert!(
        (loudness.max_true_peak_dbtp - db(0.5)).abs() <= 0.2,
        "true peak between samples: {loudness:?}"
    );
    let plr = loudness.plr_lu().unwrap();
    assert!(
        (plr - (db(0.5) - loudness.integrated_lufs)).abs() <= 0.2,
        "PLR from the true peak: {plr} ({loudness:?})"
    );
    assert_eq!(
        Meters::new(RATE, MeterSettings::default())
            .loudness()
            .plr_lu(),
        None
    );
}

#[test]
fn maximum_momentary_and_short_term_loudness() {
    // −30 LUFS with a 1 s burst at −10 LUFS starting on a 100 ms block boundary: a 400 ms
    // window fits inside the burst (max momentary −10), a 3 s window at best holds the burst and
    // 2 s of the rest.
    let (quiet, loud) = (-30.0, -10.0);
    let frames = programme(RATE, &[(6.0, quiet), (1.0, loud), (5.0, quiet)]);
    let (meters, history) = measure(RATE, &frames);
    let loudness = meters.loudness();
    let energy = |lufs: f64| 10f64.powf(lufs / 10.0);
    let short_term = 10.0 * ((energy(loud) + 2.0 * energy(quiet)) / 3.0).log10();
    assert!(
        (loudness.max_momentary_lufs - loud).abs() <= 0.1,
        "{loudness:?}"
    );
    assert!(
        (loudness.max_short_term_lufs - short_term).abs() <= 0.1,
        "{loudness:?}, expected {short_term}"
    );
    // They are the largest of the values every 100 ms, which the history holds.
    let largest = |curve| {
        (0..120)
            .filter_map(|i| history.value_at(curve, i as f64 / 10.0))
            .fold(f32::NEG_INFINITY, f32::max) as f64
    };
    assert_eq!(
        largest(LoudnessCurve::Momentary),
        loudness.max_momentary_lufs as f32 as f64
    );
    assert_eq!(
        largest(LoudnessCurve::ShortTerm),
        loudness.max_short_term_lufs as f32 as f64
    );
    // The quiet end has the current values well below the maxima.
    assert!(
        (loudness.momentary_lufs - quiet).abs() <= 0.1,
        "{loudness:?}"
    );
}

#[test]
fn the_history_keeps_every_block_and_resets_with_the_meters() {
    let rate = LRA_RATE;
    // 70 s: a staircase of 1 s steps, fed in one huge block and in small ones.
    let steps: Vec<(f64, f64)> = (0..70).map(|i| (1.0, -60.0 + (i % 50) as f64)).collect();
    let frames = programme(rate, &steps);
    let mut meters = Meters::new(rate, MeterSettings::default());
    let mut history = LoudnessHistory::new();
    meters.feed_with(&frames, |b| history.push(b));
    assert_eq!(history.available_seconds(), 70.0);
    let mut chunked = LoudnessHistory::new();
    let mut again = Meters::new(rate, MeterSettings::default());
    for block in frames.chunks(333) {
        again.feed_with(block, |b| chunked.push(b));
    }
    for back in 0..700 {
        let seconds = back as f64 / 10.0;
        let curve = LoudnessCurve::Momentary;
        assert_eq!(
            history.value_at(curve, seconds),
            chunked.value_at(curve, seconds)
        );
    }
    // One column per block over the last minute: each column is that block's momentary value.
    let mut columns = vec![ColumnMinMax::default(); 600];
    history.render(LoudnessCurve::Momentary, 60.0, &mut columns);
    for (i, column) in columns.iter().enumerate() {
        let value = history
            .value_at(LoudnessCurve::Momentary, (599 - i) as f64 / 10.0)
            .unwrap();
        assert_eq!((column.min, column.max), (value, value), "column {i}");
    }
    // Step i is at −60 + i LUFS; its middle 0.6 s (past the 400 ms window) reads it.
    let newest_step = -60.0 + (69 % 50) as f32;
    let middle = history.value_at(LoudnessCurve::Momentary, 0.2).unwrap();
    assert!(
        (middle - newest_step).abs() < 0.2,
        "{middle} vs {newest_step}"
    );
    // Ten blocks per column: the lowest and highest of the ten.
    let mut wide = vec![ColumnMinMax::default(); 60];
    history.render(LoudnessCurve::Momentary, 60.0, &mut wide);
    let last = wide[59];
    let ten: Vec<f32> = (0..10)
        .map(|b| {
            history
                .value_at(LoudnessCurve::Momentary, b as f64 / 10.0)
                .unwrap()
        })
        .collect();
    assert_eq!(last.max, ten.iter().cloned().fold(f32::MIN, f32::max));
    assert_eq!(last.min, ten.iter().cloned().fold(f32::MAX, f32::min));
    // Before the history: the floor. A 30 min span over 70 s of history.
    history.render(LoudnessCurve::ShortTerm, 1800.0, &mut wide);
    assert_eq!(wide[0], ColumnMinMax::point(FLOOR_DB));
    assert!(wide[59].max > -20.0);

    // One reset clears the meters' figures and, with its next block, the history.
    meters.reset_loudness();
    assert_eq!(meters.loudness().max_momentary_lufs, f64::NEG_INFINITY);
    meters.feed_with(&frames[..(2.0 * rate) as usize], |b| history.push(b));
    assert_eq!(history.available_seconds(), 2.0);
}

#[test]
fn nan_inf_and_huge_samples_are_counted_and_harmless() {
    let mut frames = segment(RATE, 5.0, -20.0);
    for (i, bad) in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30, -3e38]
        .into_iter()
        .enumerate()
    {
        frames[48_000 + 7 * i] = [bad, bad];
    }
    let (meters, history) = measure(RATE, &frames);
    let health = meters.input_health();
    assert_eq!(
        (health.non_finite, health.out_of_range),
        (6, 4),
        "{health:?}"
    );
    let loudness = meters.loudness();
    assert!(
        (loudness.integrated_lufs + 20.0).abs() < 0.2,
        "{loudness:?}"
    );
    // A zeroed sample in a −20 dBFS sine rings in the oversampled signal: −18.6 dBTP.
    assert!(loudness.max_true_peak_dbtp < -18.0, "{loudness:?}");
    assert!(loudness.max_momentary_lufs < -19.5, "{loudness:?}");
    for curve in [LoudnessCurve::Momentary, LoudnessCurve::ShortTerm] {
        for back in 0..50 {
            let value = history.value_at(curve, back as f64 / 10.0).unwrap();
            assert!(
                !value.is_nan() && value < -19.5,
                "{curve:?} {back}: {value}"
            );
        }
    }
    // Blocks no meter makes: NaN is silence, absurd indices and times are harmless.
    let mut history = LoudnessHistory::new();
    history.push(LoudnessBlock {
        index: 0,
        momentary_lufs: f64::NAN,
        short_term_lufs: f64::NAN,
    });
    let newest = history.value_at(LoudnessCurve::ShortTerm, 0.0);
    assert_eq!(newest, Some(f32::NEG_INFINITY));
    for (index, lufs) in [
        (1, f64::NAN),
        (u64::MAX, f64::INFINITY),
        (3, f64::NEG_INFINITY),
    ] {
        history.push(LoudnessBlock {
            index,
            momentary_lufs: lufs,
            short_term_lufs: lufs,
        });
    }
    assert_eq!(
        history.available_seconds(),
        0.1,
        "the index went back: a reset"
    );
    assert_eq!(history.value_at(LoudnessCurve::Momentary, f64::NAN), None);
    assert_eq!(history.value_at(LoudnessCurve::Momentary, -1.0), None);
    assert_eq!(history.value_at(LoudnessCurve::Momentary, 1e300), None);
    let mut columns = [ColumnMinMax::default(); 7];
    history.render(LoudnessCurve::ShortTerm, f64::NAN, &mut columns);
    history.render(LoudnessCurve::ShortTerm, 1e300, &mut []);
    assert!(columns.iter().all(|c| c.max == FLOOR_DB));
}

#[test]
fn a_loudness_reset_starts_the_maximum_true_peak_over_where_the_channels_show_it() {
    let sine = |amplitude: f64| -> Vec<[f32; 2]> {
        (0..(3.0 * RATE) as u64)
            .map(|n| [sine_at(n, 997.0, RATE, amplitude, 0.0) as f32; 2])
            .collect()
    };
    let (mut meters, _) = measure(RATE, &sine(0.9));
    meters.reset_loudness();
    meters.feed(&sine(0.1));
    let loudness = meters.loudness();
    // One figure in both places: PLR beside the channels' maximum true peak is their difference.
    let shown = meters.levels(Channel::Left).max_true_peak_db;
    assert!(
        (f64::from(shown) - db(0.1)).abs() <= 0.1,
        "channel maximum {shown}"
    );
    assert!(
        (loudness.max_true_peak_dbtp - f64::from(shown)).abs() <= 1e-4,
        "{loudness:?} beside the channels' {shown}"
    );
}
