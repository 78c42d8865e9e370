//! The oscilloscope and its trigger against analytic truth.

mod analysis_support;

use analysis_support::{Noise, sine_at, sine_frames};
use proptest::prelude::*;
use ringscope::analysis::{
    BeatSyncLength, Channel, ColumnMinMax, Edge, Scope, ScopeSettings, ScopeStatus, ScopeView,
    TransportInfo, TriggerFinder, TriggerMode, TriggerSettings, decimate_min_max,
};

const RATE: f64 = 48_000.0;

fn scope_settings(mode: TriggerMode, window_seconds: f64) -> ScopeSettings {
    ScopeSettings {
        window_seconds,
        trigger_position: 0.0,
        trigger: TriggerSettings {
            mode,
            source: Channel::Left,
            edge: Edge::Rising,
            level: 0.0,
            hysteresis: 0.1,
            holdoff_seconds: 0.0,
            auto_timeout_seconds: 0.1,
            beat_sync: BeatSyncLength::Bars(1),
        },
    }
}

/// Distance (in samples, wrapped to ±period/2) from `position` to the nearest rising zero
/// crossing of `sin(2π·hz·n/rate + phase)`.
fn phase_error(position: f64, hz: f64, phase: f64) -> f64 {
    let period = RATE / hz;
    let first = -phase / std::f64::consts::TAU * period;
    let offset = (position - first).rem_euclid(period);
    if offset > period / 2.0 {
        offset - period
    } else {
        offset
    }
}

#[test]
fn noisy_sine_triggers_with_at_most_one_sample_of_jitter() {
    let (hz, amplitude, phase) = (440.0, 0.5, 0.7);
    // Noise 30 dB below the sine's peak.
    let noise_rms = amplitude * 10f64.powf(-30.0 / 20.0);
    let mut noise = Noise::new(1234);
    let mut scope = Scope::new(RATE, scope_settings(TriggerMode::Normal, 0.01));
    let mut positions = Vec::new();
    let mut n = 0u64;
    for _ in 0..300 {
        // 800 frames: one 60 fps display frame.
        let block: Vec<[f32; 2]> = (0..800)
            .map(|_| {
                let x = sine_at(n, hz, RATE, amplitude, phase) + noise_rms * noise.gaussian();
                n += 1;
                [x as f32, -x as f32]
            })
            .collect();
        scope.feed(&block);
        let view = scope.view();
        if view.status == ScopeStatus::Triggered {
            positions.push(view.start + view.trigger.unwrap() * view.length);
        }
    }
    positions.dedup();
    assert!(
        positions.len() > 250,
        "only {} distinct triggers",
        positions.len()
    );
    let worst = positions
        .iter()
        .map(|&p| phase_error(p, hz, phase).abs())
        .fold(0.0, f64::max);
    assert!(worst <= 1.0, "worst trigger jitter {worst} samples");
}

#[test]
fn clean_sine_triggers_at_the_exact_sub_sample_crossing() {
    for (edge, level) in [
        (Edge::Rising, 0.0f32),
        (Edge::Rising, 0.3),
        (Edge::Falling, -0.25),
    ] {
        for hz in [50.0, 440.0, 3000.0, 9000.0] {
            let mut finder = TriggerFinder::new(edge, level, 0.05);
            let crossings: Vec<f64> = (0..48_000u64)
                .filter_map(|n| finder.push(sine_at(n, hz, RATE, 1.0, 0.1) as f32))
                .collect();
            let periods = 48_000.0 * hz / RATE;
            // Lost: the first (not armed yet) and those within the latency of the end.
            assert!(
                crossings.len() as f64
                    >= periods - 1.0 - (TriggerFinder::LATENCY as f64 * hz / RATE).ceil() - 1.0,
                "{edge:?} {level} {hz}: {} crossings",
                crossings.len()
            );
            // Analytic crossings: sin(θ) = level, on the rising or falling side.
            let asin = (level as f64).asin();
            let theta = match edge {
                Edge::Rising => asin,
                Edge::Falling => std::f64::consts::PI - asin,
            };
            // The signal starts abruptly at n = 0; crossings next to that step are not a sine's.
            let worst = crossings
                .iter()
                .filter(|&&t| t > 16.0)
                .map(|&t| phase_error(t, hz, 0.1 - theta).abs())
                .fold(0.0, f64::max);
            assert!(
                worst < 0.005,
                "{edge:?} level {level} at {hz} Hz: off by {worst} samples"
            );
        }
    }
}

#[test]
fn hysteresis_stops_noise_from_retriggering() {
    // A slow 20 Hz sine with noise: around each crossing the noise crosses the level many times.
    // It starts at its trough, so all 20 rising crossings lie inside the second.
    let mut noise = Noise::new(5);
    let trough = -std::f64::consts::FRAC_PI_2;
    let signal: Vec<f32> = (0..48_000u64)
        .map(|n| (sine_at(n, 20.0, RATE, 0.5, trough) + 0.02 * noise.gaussian()) as f32)
        .collect();
    let count = |hysteresis| {
        let mut finder = TriggerFinder::new(Edge::Rising, 0.0, hysteresis);
        signal.iter().filter_map(|&x| finder.push(x)).count()
    };
    assert!(
        count(0.0) > 40,
        "without hysteresis noise re-triggers: {}",
        count(0.0)
    );
    assert_eq!(count(0.1), 20, "with hysteresis one trigger per period");
}

#[test]
fn trigger_finder_takes_non_finite_samples_as_zero() {
    let mut finder = TriggerFinder::new(Edge::Rising, 0.5, 0.1);
    let mut signal: Vec<f32> = (0..200u64)
        .map(|n| sine_at(n, 1000.0, RATE, 1.0, 0.0) as f32)
        .collect();
    signal[60] = f32::NAN;
    signal[61] = f32::INFINITY;
    let crossings: Vec<f64> = signal.iter().filter_map(|&x| finder.push(x)).collect();
    assert!(crossings.iter().all(|t| t.is_finite()), "{crossings:?}");
    assert!(!crossings.is_empty());
}

#[test]
fn holdoff_and_sweep_lock_out_triggers() {
    // 1 kHz: a rising crossing every 48 samples. Window 1 ms (= one period) + holdoff 1.5 ms: the
    // next accepted trigger is at least 2.5 ms later, i.e. every third crossing.
    let mut settings = scope_settings(TriggerMode::Normal, 0.001);
    settings.trigger.holdoff_seconds = 0.0015;
    let mut scope = Scope::new(RATE, settings);
    let signal = sine_frames(48_000, 1000.0, RATE, 0.8);
    let mut triggers = Vec::new();
    for block in signal.chunks(16) {
        scope.feed(block);
        let view = scope.view();
        if view.status == ScopeStatus::Triggered {
            triggers.push(view.start);
        }
    }
    triggers.dedup();
    assert!(triggers.len() > 300);
    for pair in triggers.windows(2) {
        let gap = pair[1] - pair[0];
        assert!((gap - 144.0).abs() < 0.01, "gap {gap} samples");
    }
}

#[test]
fn auto_mode_free_runs_after_its_timeout() {
    let mut scope = Scope::new(RATE, scope_settings(TriggerMode::Auto, 0.01));
    scope.feed(&sine_frames(4800, 440.0, RATE, 0.5));
    assert_eq!(scope.view().status, ScopeStatus::Triggered);
    // DC: no crossings. Within sweep + timeout (10 ms + 100 ms) the last sweep stays.
    scope.feed(&vec![[0.2, 0.2]; 2400]);
    assert_eq!(scope.view().status, ScopeStatus::Triggered);
    scope.feed(&vec![[0.2, 0.2]; 4800]);
    let view = scope.view();
    assert_eq!(view.status, ScopeStatus::AutoFreeRun);
    // The newest samples, less the 8 the interpolation kernel looks ahead.
    assert_eq!(view.start, view.newest - 8.0 - view.length);
    let mut columns = vec![ColumnMinMax::default(); 100];
    scope.render(&view, Channel::Left, &mut columns);
    assert!(
        columns.iter().all(|c| *c == ColumnMinMax::point(0.2)),
        "free run shows the newest samples"
    );
    // The signal returns: triggered again.
    scope.feed(&sine_frames(4800, 440.0, RATE, 0.5));
    assert_eq!(scope.view().status, ScopeStatus::Triggered);
}

#[test]
fn normal_mode_waits_and_single_shot_stops_after_one_sweep() {
    let mut scope = Scope::new(RATE, scope_settings(TriggerMode::Normal, 0.01));
    scope.feed(&vec![[0.0, 0.0]; 4800]);
    assert_eq!(scope.view().status, ScopeStatus::Waiting);

    let mut settings = scope_settings(TriggerMode::Single, 0.01);
    settings.trigger.level = 0.5;
    scope.set_settings(settings);
    scope.feed(&vec![[0.0, 0.0]; 4800]);
    assert_eq!(scope.view().status, ScopeStatus::Waiting);
    // One step up through the level, then a ramp: the capture must show the step.
    let mut signal = vec![[0.0f32, 0.0]; 100];
    signal.extend((0..100_000).map(|n| [1.0 + n as f32 * 1e-5, 0.0]));
    scope.feed(&signal);
    let captured = scope.view();
    assert_eq!(captured.status, ScopeStatus::Stopped);
    // More input does not change the picture.
    scope.feed(&sine_frames(48_000, 440.0, RATE, 0.9));
    assert_eq!(scope.view(), captured);
    // The step from sample 9 699 (0) to 9 700 (1) crosses 0.5 halfway: the window starts there.
    assert!((captured.start - 9_699.5).abs() < 0.01, "{captured:?}");
    let mut columns = vec![ColumnMinMax::default(); 480];
    scope.render(&captured, Channel::Left, &mut columns);
    assert_eq!(columns[0], ColumnMinMax::point(1.0));
    assert!(columns[479].max < 1.01);
    // Re-arm: recording resumes and the next trigger is captured.
    scope.arm_single();
    assert_eq!(scope.view().status, ScopeStatus::Waiting);
    scope.feed(&sine_frames(4800, 440.0, RATE, 0.9));
    assert_eq!(scope.view().status, ScopeStatus::Stopped);
    assert_ne!(scope.view(), captured);
}

#[test]
fn beat_sync_sweeps_start_on_bars() {
    let mut settings = scope_settings(TriggerMode::BeatSync, 0.01);
    settings.trigger.beat_sync = BeatSyncLength::Bars(1);
    let mut scope = Scope::new(RATE, settings);
    // 120 bpm in 4/4: one bar is 2 s = 96 000 frames. The song starts half a beat before bar 1.
    let transport = TransportInfo {
        frame_position: 0,
        tempo_bpm: Some(120.0),
        beat_position: Some(-0.5),
        bar_start_beats: Some(-4.0),
        time_signature: Some((4, 4)),
        playing: true,
    };
    let bar = 96_000usize;
    let quarter_beat_frames = 12_000usize;
    scope.feed_transport(transport);
    // Bar 0 reads 0.25, bar 1 reads 0.75 (bars counted from beat 0).
    let mut frames = vec![[0.1f32, 0.1]; quarter_beat_frames];
    frames.extend(std::iter::repeat_n([0.25f32, 0.25], bar));
    frames.extend(std::iter::repeat_n([0.75f32, 0.75], bar / 2));
    scope.feed(&frames);
    let view = scope.view();
    assert_eq!(view.status, ScopeStatus::BeatSync);
    assert_eq!(view.length, bar as f64);
    assert!(
        (view.start - (quarter_beat_frames + bar) as f64).abs() < 1e-6,
        "{view:?}"
    );
    assert!((view.cursor.unwrap() - 0.5).abs() < 1e-9);
    let mut columns = vec![ColumnMinMax::default(); 200];
    scope.render(&view, Channel::Left, &mut columns);
    assert!(
        columns[..100]
            .iter()
            .all(|c| *c == ColumnMinMax::point(0.75))
    );
    // Right of the cursor: the previous sweep's second half.
    assert!(
        columns[100..]
            .iter()
            .all(|c| *c == ColumnMinMax::point(0.25)),
        "{:?}",
        &columns[98..102]
    );

    // The ring dropped 12 000 frames (a quarter beat): the editor moves the scope's feed clock
    // on, and the beat grid stays true to the producer's clock. Fed so far: 156 000 frames.
    scope.set_clock(scope.clock() + 12_000);
    scope.feed(&vec![[0.5f32, 0.5]; 24_000]);
    assert_eq!(scope.clock(), 192_000);
    let view = scope.view();
    // Producer clock 192 000 = beat −0.5 + 8 = 7.5: 3.5 beats into the bar that began at beat 4.
    assert!((view.cursor.unwrap() - 0.875).abs() < 1e-9, "{view:?}");
    assert!(
        (view.start - (180_000.0 - 3.5 * 24_000.0)).abs() < 1e-6,
        "{view:?}"
    );

    // Stopped transport: free run, flagged.
    scope.feed_transport(TransportInfo {
        playing: false,
        frame_position: scope.clock(),
        ..transport
    });
    assert_eq!(scope.view().status, ScopeStatus::BeatSyncIdle);
}

#[test]
fn nan_burst_is_survived_counted_and_forgotten() {
    let mut scope = Scope::new(RATE, scope_settings(TriggerMode::Normal, 0.005));
    let mut frames = sine_frames(48_000, 440.0, RATE, 0.5);
    for frame in &mut frames[10_000..10_480] {
        *frame = [f32::NAN, f32::NEG_INFINITY];
    }
    for block in frames.chunks(800) {
        scope.feed(block);
        let view = scope.view();
        let mut columns = vec![ColumnMinMax::default(); 300];
        scope.render(&view, Channel::Mid, &mut columns);
        assert!(
            columns
                .iter()
                .all(|c| c.min.is_finite() && c.max.is_finite())
        );
    }
    assert_eq!(scope.input_health().non_finite, 960);
    // Long after the burst, triggering is exact again.
    let view = scope.view();
    assert_eq!(view.status, ScopeStatus::Triggered);
    assert!(view.start > 20_000.0);
    assert!(phase_error(view.start, 440.0, 0.0).abs() < 0.05);
}

#[test]
fn zoomed_in_columns_show_the_band_limited_wave() {
    // 1 ms window into 480 columns: ten columns per sample.
    let mut scope = Scope::new(RATE, scope_settings(TriggerMode::FreeRun, 0.001));
    scope.feed(&sine_frames(4800, 1000.0, RATE, 0.9));
    let view = scope.view();
    let mut columns = vec![ColumnMinMax::default(); 480];
    scope.render(&view, Channel::Mid, &mut columns);
    for (i, c) in columns.iter().enumerate() {
        assert_eq!(c.min, c.max);
        let position = view.start + (i as f64 + 0.5) * view.length / 480.0;
        let truth = 0.9 * (std::f64::consts::TAU * 1000.0 * position / RATE).sin();
        assert!(
            (c.min as f64 - truth).abs() < 2e-3,
            "column {i}: {} vs {truth}",
            c.min
        );
    }
}

#[test]
fn long_windows_show_the_envelope_across_the_history_wrap() {
    // A low rate keeps the 10 s history small; feed several times its length so it wraps.
    let rate = 1000.0;
    let mut scope = Scope::with_history(rate, 10.0, scope_settings(TriggerMode::FreeRun, 10.0));
    let mut noise = Noise::new(77);
    let signal: Vec<[f32; 2]> = (0..100_003)
        .map(|_| [noise.gaussian() as f32, noise.gaussian() as f32])
        .collect();
    for block in signal.chunks(333) {
        scope.feed(block);
    }
    let view = scope.view();
    assert_eq!(view.length, 10_000.0);
    // The newest samples less the 8 the interpolation kernel looks ahead; column widths from
    // 14 samples (raw scan) to the whole window (block summaries).
    let end = signal.len() - 8;
    for channel in Channel::ALL {
        let derived: Vec<f32> = signal[end - 10_000..end]
            .iter()
            .map(|&f| channel.sample(f))
            .collect();
        for count in [700, 333, 37, 5, 1] {
            let mut columns = vec![ColumnMinMax::default(); count];
            scope.render(&view, channel, &mut columns);
            let mut expected = vec![ColumnMinMax::default(); count];
            decimate_min_max(&derived, 0.0, 10_000.0 / count as f64, &mut expected);
            let mismatches = columns
                .iter()
                .zip(&expected)
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(mismatches, 0, "{channel:?}, {count} columns");
        }
    }
}

/// Brute force: min and max of the samples with index in [lo, hi).
fn brute_force(samples: &[f32], start: f64, per_column: f64, count: usize) -> Vec<ColumnMinMax> {
    (0..count)
        .map(|i| {
            let lo = start + i as f64 * per_column;
            let hi = start + (i + 1) as f64 * per_column;
            let inside: Vec<f32> = samples
                .iter()
                .enumerate()
                .filter(|&(k, _)| (k as f64) >= lo && (k as f64) < hi)
                .map(|(_, &x)| x)
                .collect();
            if inside.is_empty() {
                ColumnMinMax::default()
            } else {
                ColumnMinMax {
                    min: inside.iter().cloned().fold(f32::INFINITY, f32::min),
                    max: inside.iter().cloned().fold(f32::NEG_INFINITY, f32::max),
                }
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn min_max_decimation_equals_brute_force(
        samples in prop::collection::vec(-1.0f32..1.0, 1..2000),
        start in -50.0f64..500.0,
        per_column in 1.0f64..40.0,
        count in 1usize..200,
    ) {
        let mut columns = vec![ColumnMinMax::default(); count];
        decimate_min_max(&samples, start, per_column, &mut columns);
        prop_assert_eq!(columns, brute_force(&samples, start, per_column, count));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The scope's summarised history ring gives the same columns as brute force over the
    /// recorded samples, for any recording length (ring wrapped or not), window position and
    /// column width.
    #[test]
    fn scope_columns_equal_brute_force_over_the_history(
        recorded in 1usize..70_000,
        seed in 1u64..u64::MAX,
        back in 0.0f64..1.0,
        length in 1.0f64..30_000.0,
        count in 1usize..120,
        channel in prop::sample::select(Channel::ALL.to_vec()),
    ) {
        // 1 kHz and 10 s: a 32 768-frame ring, so long recordings wrap it.
        let mut scope = Scope::with_history(1000.0, 10.0, scope_settings(TriggerMode::FreeRun, 1.0));
        let mut noise = Noise::new(seed);
        let frames: Vec<[f32; 2]> =
            (0..recorded).map(|_| [noise.gaussian() as f32, noise.gaussian() as f32]).collect();
        scope.feed(&frames);
        let newest = recorded as f64;
        let oldest = recorded.saturating_sub(32_768) as f64;
        let start = oldest + back * (newest - oldest);
        let view = ScopeView {
            start,
            length,
            newest,
            trigger: None,
            cursor: None,
            status: ScopeStatus::FreeRun,
            sample_rate: 1000.0,
        };
        let mut columns = vec![ColumnMinMax::default(); count];
        scope.render(&view, channel, &mut columns);
        let per_column = length / count as f64;
        // Brute force over what the ring still holds (older samples read as absent).
        let held: Vec<f32> = frames[oldest as usize..].iter().map(|&f| channel.sample(f)).collect();
        if per_column >= 1.0 {
            prop_assert_eq!(columns, brute_force(&held, start - oldest, per_column, count));
        }
    }
}

#[test]
fn history_length_can_be_changed_and_is_at_least_the_longest_window() {
    use ringscope::analysis::{MAX_WINDOW_SECONDS, Scope, ScopeSettings};
    let mut scope = Scope::new(48_000.0, ScopeSettings::default());
    scope.feed(&[[0.5, 0.5]; 4800]);
    scope.set_history_seconds(30.0);
    assert_eq!(scope.history_seconds(), 30.0);
    // A reconfiguration forgets the recording but keeps the feed clock running.
    assert_eq!(scope.clock(), 4800);
    scope.set_history_seconds(1.0);
    assert_eq!(scope.history_seconds(), MAX_WINDOW_SECONDS);
    scope.set_history_seconds(f64::NAN);
    assert_eq!(scope.history_seconds(), Scope::DEFAULT_HISTORY_SECONDS);
    scope.feed(&[[0.25, 0.25]; 480]);
    assert_eq!(scope.clock(), 5280);
}

/// A log sweep up to 20 kHz puts several crossings in the trigger's refinement queue at once;
/// none of them may restart a running sweep, so a triggered view always ends at or before the
/// newest sample (regression: from ~4 kHz on, views reached ~900 samples into the future).
#[test]
fn triggered_views_never_reach_past_the_newest_sample_during_a_fast_sweep() {
    for mode in [TriggerMode::Auto, TriggerMode::Normal] {
        let mut scope = Scope::new(RATE, scope_settings(mode, 0.02));
        let seconds = 5.0;
        let (f0, f1) = (20.0_f64, 20_000.0_f64);
        let k = (f1 / f0).ln() / seconds;
        let frames: Vec<[f32; 2]> = (0..(seconds * RATE) as u64)
            .map(|n| {
                let t = n as f64 / RATE;
                let phase = std::f64::consts::TAU * f0 * ((k * t).exp() - 1.0) / k;
                let x = (0.5 * phase.sin()) as f32;
                [x, x]
            })
            .collect();
        let mut triggered = 0;
        for block in frames.chunks(512) {
            scope.feed(block);
            let view = scope.view();
            if view.trigger.is_some() {
                triggered += 1;
                assert!(
                    view.start + view.length <= view.newest,
                    "{mode:?}: view {:.1}+{} past the newest sample {}",
                    view.start,
                    view.length,
                    view.newest
                );
            }
        }
        assert!(
            triggered > 400,
            "{mode:?}: only {triggered} triggered views"
        );
    }
}
