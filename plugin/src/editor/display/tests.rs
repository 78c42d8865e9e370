//! The display state's tests.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use nice_plug::params::InternalParamMut;
use ringscope::analysis::{Channel, ColumnMinMax, FftSize, SpectrumCurve, TriggerMode};

use super::*;
use crate::params::RingscopeParams;
use crate::tap::{AudioTap, Listener, TapSwitch, counting_switch, open_channel, tap_channel};

/// The tests' window draws at 60 Hz.
const FRAME_INTERVAL: Duration = Duration::from_micros(16_667);

fn info(rate: f32) -> BlockInfo {
    BlockInfo {
        sample_rate: rate,
        ..Default::default()
    }
}

fn setup(capacity: usize) -> (AudioTap, TapReader, DisplayState) {
    let (tap, reader) = open_channel(capacity);
    let settings = AnalysisSettings::from_params(&RingscopeParams::default());
    (tap, reader, DisplayState::new(48_000.0, settings))
}

#[test]
fn default_params_map_onto_the_analysis_engine() {
    let s = AnalysisSettings::from_params(&RingscopeParams::default());
    assert_eq!(s.scope.window_seconds, 0.02);
    assert_eq!(s.scope.trigger.mode, TriggerMode::Auto);
    assert_eq!(s.scope.trigger.source, Channel::Left);
    assert_eq!(s.spectrum.fft_size, FftSize::N8192);
    assert_eq!(s.spectrum.overlap, 0.75);
    assert_eq!(s.spectrum.averaging_seconds, 0.25);
    assert_eq!(s.spectrum_range_db, 102.0);
    assert_eq!(s.channels(), &[Channel::Left, Channel::Right]);
    assert!(!s.frozen);
    assert_eq!(s.frame_period, Duration::from_secs(1) / 30);
    // The level span the view draws, never the parameters' difference.
    let params = RingscopeParams::default();
    // SAFETY: no other thread sees these parameters.
    unsafe {
        params.db_min._internal_set_plain_value(-12.0);
        params.db_max._internal_set_plain_value(-60.0);
    }
    assert_eq!(
        AnalysisSettings::from_params(&params).spectrum_range_db,
        6.0
    );
}

/// One window's frames at 60 Hz from `start` for `seconds`, each after the audio side
/// offered a block made by `block(frame)`; the window sets the switch as the editor does.
/// Returns the time of the first frame that decided to rest, if one did.
fn run_window(
    tap: &mut AudioTap,
    reader: &mut TapReader,
    display: &mut DisplayState,
    switch: &TapSwitch,
    start: Instant,
    seconds: f64,
    mut block: impl FnMut(usize) -> Vec<f32>,
) -> Option<Instant> {
    let frames = (seconds * 60.0) as usize;
    for k in 0..frames {
        let now = start + FRAME_INTERVAL * k as u32;
        let samples = block(k);
        tap.write_block(&[&samples[..], &samples[..]], info(48_000.0));
        display.drain(reader, now);
        let pace = display.pace(now);
        switch.set(Listener::Editor, pace.demand());
        if pace == Pace::Rest {
            return Some(now);
        }
    }
    None
}

#[test]
fn a_window_opened_on_exact_zeros_rests_within_the_settle_time_and_wakes_at_once() {
    let (switch, wakes) = counting_switch();
    switch.set(Listener::Editor, Demand::Stream);
    let (mut tap, mut reader) = tap_channel(1 << 16, switch.clone());
    let settings = AnalysisSettings::from_params(&RingscopeParams::default());
    let mut display = DisplayState::new(48_000.0, settings);
    let settle = display.settle_time();
    assert!(
        settle <= Duration::from_secs(10),
        "{settle:?} with defaults"
    );

    // JACK's dummy capture ports: exact zeros from the first block on. (The quiet time
    // used to be counted from the newest block when no signal had ever come, so it never
    // grew and the window drew at full rate for ever.)
    let t0 = Instant::now();
    let rested = run_window(
        &mut tap,
        &mut reader,
        &mut display,
        &switch,
        t0,
        15.0,
        |_| vec![0.0; 800],
    )
    .expect("never rested on silence");
    assert!(rested >= t0 + settle, "rested before the picture settled");
    assert!(
        rested <= t0 + settle + 2 * FRAME_INTERVAL,
        "{:?}",
        rested - t0
    );
    assert_eq!(switch.demand(Listener::Editor), Demand::Rest);

    // Resting: silent blocks are not even written, nothing repaints.
    tap.write_block(&[[0.0f32; 800]], info(48_000.0));
    assert_eq!(reader.discard_all(), 0);
    let later = rested + Duration::from_secs(5);
    display.drain(&mut reader, later);
    assert_eq!(display.pace(later), Pace::Rest);
    assert_eq!(wakes.load(Ordering::Relaxed), 0);

    // Signal returns: the audio side wakes the window, whose next frame shows it.
    let mut block = [0.0f32; 800];
    block[400] = 0.01;
    tap.write_block(&[block], info(48_000.0));
    assert_eq!(wakes.load(Ordering::Relaxed), 1);
    assert_eq!(switch.demand(Listener::Editor), Demand::Stream);
    let woken = later + FRAME_INTERVAL;
    display.drain(&mut reader, woken);
    assert_eq!(display.input_state(woken), InputState::Live);
    assert_eq!(
        display.pace(woken),
        Pace::Repaint(display.settings.frame_period)
    );
}

#[test]
fn a_window_rests_a_settle_time_after_the_signal_stops() {
    let switch = Arc::new(TapSwitch::default());
    switch.set(Listener::Editor, Demand::Stream);
    let (mut tap, mut reader) = tap_channel(1 << 16, switch.clone());
    let settings = AnalysisSettings::from_params(&RingscopeParams::default());
    let mut display = DisplayState::new(48_000.0, settings);
    let settle = display.settle_time();
    let t0 = Instant::now();
    let tone = |k: usize| -> Vec<f32> {
        (0..800)
            .map(|n| (((k * 800 + n) as f32) * 0.05).sin() * 0.5)
            .collect()
    };
    let rested = run_window(&mut tap, &mut reader, &mut display, &switch, t0, 3.0, tone);
    assert_eq!(rested, None, "rested while the signal played");
    let silence_from = t0 + FRAME_INTERVAL * 180;
    let rested = run_window(
        &mut tap,
        &mut reader,
        &mut display,
        &switch,
        silence_from,
        15.0,
        |_| vec![0.0; 800],
    )
    .expect("never rested");
    // Quiet since the last frame that heard the tone, one frame before `silence_from`.
    let quiet = rested - silence_from + FRAME_INTERVAL;
    assert!(
        quiet >= settle && quiet <= settle + 2 * FRAME_INTERVAL,
        "{quiet:?}"
    );
}

#[test]
fn nan_and_inf_are_never_silence() {
    // The display used to skip NaN and ±Inf when it looked for signal while the audio side
    // counted them: a resting tap woke for them and the status line then said "silence".
    let (mut tap, mut reader, mut display) = setup(4096);
    let now = Instant::now();
    for (n, invalid) in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY]
        .into_iter()
        .enumerate()
    {
        let at = now + Duration::from_secs(10 * n as u64);
        tap.write_block(&[[invalid; 64]], info(48_000.0));
        display.drain(&mut reader, at);
        assert_eq!(display.input_state(at), InputState::Live, "{invalid}");
        assert_eq!(display.quiet_for(at), Duration::ZERO, "{invalid}");
    }
}

#[test]
fn the_display_hears_exactly_the_blocks_that_wake_a_resting_tap() {
    let threshold = ringscope::analysis::SILENCE_THRESHOLD;
    let blocks: [&[f32]; 8] = [
        &[0.0; 16],
        &[-0.0, 1e-39, 1e-12],
        &[threshold, -threshold],
        &[0.0, f32::from_bits(threshold.to_bits() + 1)],
        &[0.0, 0.5],
        &[0.0, f32::NAN],
        &[f32::INFINITY],
        &[f32::NEG_INFINITY, 0.0],
    ];
    for block in blocks {
        let switch = Arc::new(TapSwitch::default());
        switch.set(Listener::Editor, Demand::Rest);
        let (mut tap, mut reader) = tap_channel(64, switch.clone());
        tap.write_block(&[block], info(48_000.0));
        let woke = switch.demand(Listener::Editor) == Demand::Stream;
        // The display, fed the same block while streaming, hears it or not alike.
        let (mut tap, mut reader2, mut display) = setup(64);
        tap.write_block(&[block], info(48_000.0));
        let now = Instant::now();
        display.drain(&mut reader2, now);
        let heard = display.input_state(now) == InputState::Live;
        assert_eq!(woke, heard, "{block:?}");
        assert_eq!(reader.discard_all(), if woke { block.len() } else { 0 });
    }
}

#[test]
fn sample_rates_follow_the_analysis_rule() {
    // The display used to clamp 2 MHz to 1.536 MHz while the test signal kept 2 MHz, and
    // to replace 500 Hz by 48 kHz while the test signal kept 500 Hz: the one rule makes
    // every rate that is not real 48 kHz everywhere.
    for (rate, shown) in [
        (2_000_000.0, 48_000.0),
        (500.0, 48_000.0),
        (192_000.0, 192_000.0),
    ] {
        let (mut tap, mut reader, mut display) = setup(4096);
        tap.write_block(&[[0.1f32; 32]], info(rate));
        display.drain(&mut reader, Instant::now());
        assert_eq!(display.sample_rate, shown, "{rate}");
        assert_eq!(display.scope.sample_rate(), f64::from(shown), "{rate}");
    }
}

#[test]
fn drain_feeds_every_part_and_tracks_input_state() {
    let (mut tap, mut reader, mut display) = setup(1 << 16);
    let t0 = Instant::now();
    assert_eq!(display.input_state(t0), InputState::WaitingForAudio);

    tap.write_block(&[[0.0f32; 64]], info(48_000.0));
    display.drain(&mut reader, t0);
    assert_eq!(display.input_state(t0), InputState::Silent);

    // Half a second of a full-scale 1 kHz sine in both channels.
    let sine: Vec<f32> = (0..24_000)
        .map(|n| (n as f32 * 1000.0 / 48_000.0 * std::f32::consts::TAU).sin())
        .collect();
    tap.write_block(&[&sine[..], &sine[..]], info(48_000.0));
    display.drain(&mut reader, t0);
    assert_eq!(display.input_state(t0), InputState::Live);
    assert_eq!(display.frames_received, 24_064);

    let peak = display
        .spectrum
        .peak(Channel::Left, 20.0, 20_000.0)
        .unwrap();
    assert!((peak.frequency_hz - 1000.0).abs() < 1.0, "{peak:?}");
    assert!(peak.level_db.abs() < 0.2, "{peak:?}");
    assert!(display.loudness().meters.levels(Channel::Left).peak_db > -0.1);
    assert!(display.loudness().meters.correlation() > 0.99);
    let view = display.scope.view();
    let mut columns = [ColumnMinMax::default(); 50];
    display.scope.render(&view, Channel::Left, &mut columns);
    assert!(columns.iter().any(|c| c.max > 0.9) && columns.iter().any(|c| c.min < -0.9));

    let later = t0 + Duration::from_secs(1);
    assert_eq!(display.input_state(later), InputState::NoAudio);
}

#[test]
fn invalid_samples_are_counted_and_reported_for_a_while() {
    let (mut tap, mut reader, mut display) = setup(4096);
    let now = Instant::now();
    let block = [0.5f32, f32::NAN, f32::INFINITY, -0.25];
    tap.write_block(&[&block[..], &block[..]], info(48_000.0));
    display.drain(&mut reader, now);
    assert_eq!(display.invalid_samples, 4);
    assert!(display.recently_invalid(now));
    assert!(!display.recently_invalid(now + WARNING_HOLD + Duration::from_millis(1)));
    assert_eq!(display.input_state(now), InputState::Live, "0.5 is signal");
}

#[test]
fn drops_are_reported() {
    let (mut tap, mut reader, mut display) = setup(100);
    let now = Instant::now();
    tap.write_block(&[[1.0f32; 80]], info(48_000.0));
    display.drain(&mut reader, now);
    tap.write_block(&[[2.0f32; 80]], info(48_000.0)); // fits
    tap.write_block(&[[3.0f32; 80]], info(48_000.0)); // 20 fit, 60 dropped
    display.drain(&mut reader, now);
    assert_eq!(display.dropped_frames, 60);
    assert!(display.recently_dropped(now));
    assert_eq!(display.stream_end, Some(180));
    tap.write_block(&[[4.0f32; 10]], info(48_000.0)); // after the gap
    display.drain(&mut reader, now);
    assert_eq!(display.stream_end, Some(250));
    assert_eq!(display.scope.clock(), 250, "feed clock follows the stream");
}

#[test]
fn a_new_sample_rate_reaches_every_part() {
    let (mut tap, mut reader, mut display) = setup(4096);
    tap.write_block(&[[0.1f32; 32]], info(96_000.0));
    display.drain(&mut reader, Instant::now());
    assert_eq!(display.sample_rate, 96_000.0);
    assert_eq!(display.scope.sample_rate(), 96_000.0);
    assert_eq!(display.spectrum.sample_rate(), 96_000.0);
    assert_eq!(display.loudness().meters.sample_rate(), 96_000.0);
}

#[test]
fn freezing_holds_the_spectrum() {
    let (mut tap, mut reader, mut display) = setup(1 << 16);
    let noise: Vec<f32> = (0..20_000u32)
        .map(|n| ((n.wrapping_mul(2_654_435_761) >> 8) as f32 / 8_388_608.0) - 1.0)
        .collect();
    tap.write_block(&[&noise[..]], info(48_000.0));
    display.drain(&mut reader, Instant::now());
    let before = display
        .spectrum
        .power(Channel::Left, SpectrumCurve::Average)
        .unwrap()
        .to_vec();
    let mut frozen = display.settings;
    frozen.frozen = true;
    display.configure(frozen);
    tap.write_block(&[[0.0f32; 20_000]], info(48_000.0));
    display.drain(&mut reader, Instant::now());
    let after = display
        .spectrum
        .power(Channel::Left, SpectrumCurve::Average)
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn loudness_keeps_time_through_a_rest_on_silence() {
    use ringscope::analysis::LoudnessCurve;

    use crate::loudness_monitor::LoudnessMonitor;

    let switch = Arc::new(TapSwitch::default());
    switch.set(Listener::Editor, Demand::Stream);
    let (mut tap, mut reader) = tap_channel(1 << 16, switch.clone());
    let settings = AnalysisSettings::from_params(&RingscopeParams::default());
    let mut display = DisplayState::new(48_000.0, settings);
    // What a monitor fed every sample measures: the truth the rested one must match.
    let reference = std::cell::RefCell::new(LoudnessMonitor::new(48_000.0));
    let offered = std::cell::Cell::new(0usize);
    let block = |k: usize, amplitude: f32| -> Vec<f32> {
        let samples: Vec<f32> = (0..800)
            .map(|n| amplitude * (((k * 800 + n) as f32) * 0.13).sin())
            .collect();
        let frames: Vec<Frame> = samples.iter().map(|&x| [x, x]).collect();
        reference.borrow_mut().feed(&frames);
        offered.set(offered.get() + 800);
        samples
    };
    let t0 = Instant::now();
    // A tone, then silence until the window rests.
    let rested = run_window(&mut tap, &mut reader, &mut display, &switch, t0, 3.0, |k| {
        block(k, 0.3)
    });
    assert_eq!(rested, None);
    let silence_from = t0 + FRAME_INTERVAL * 180;
    let rested = run_window(
        &mut tap,
        &mut reader,
        &mut display,
        &switch,
        silence_from,
        15.0,
        |k| block(k, 0.0),
    )
    .expect("never rested");
    assert_eq!(switch.demand(Listener::Editor), Demand::Rest);
    let before_rest = offered.get();
    // 20 s of silence while the window rests: nothing is written, nothing is drawn.
    for k in 0..1200 {
        let samples = block(k, 0.0);
        tap.write_block(&[&samples[..], &samples[..]], info(48_000.0));
    }
    assert_eq!(switch.demand(Listener::Editor), Demand::Rest);
    // The tone returns and wakes the window.
    let woken = rested + Duration::from_secs(20);
    run_window(
        &mut tap,
        &mut reader,
        &mut display,
        &switch,
        woken,
        2.0,
        |k| block(k, 0.3),
    );
    let elapsed = offered.get() as f64 / 48_000.0;
    let monitor = display.loudness();
    let truth = reference.borrow();
    // The history spans the audio's real time (to the last whole 100 ms block) …
    let span = monitor.history.available_seconds();
    assert!(
        (span - elapsed).abs() <= 0.1,
        "history {span} s for {elapsed} s of audio"
    );
    assert_eq!(span, truth.history.available_seconds());
    // … with the rest as silence where it was, and the tone on either side.
    let rest_seconds = (offered.get() - before_rest) as f64 / 48_000.0;
    for seconds_ago in [1.0, rest_seconds - 5.0, rest_seconds - 15.0, elapsed - 1.0] {
        for curve in [LoudnessCurve::Momentary, LoudnessCurve::ShortTerm] {
            let (got, want) = (
                monitor.history.value_at(curve, seconds_ago),
                truth.history.value_at(curve, seconds_ago),
            );
            assert_eq!(got, want, "{curve:?} {seconds_ago} s ago");
        }
    }
    assert_eq!(
        monitor
            .history
            .value_at(LoudnessCurve::ShortTerm, rest_seconds - 10.0),
        Some(f32::NEG_INFINITY)
    );
    // Integrated loudness and LRA gate the silence out, as EBU R128 says.
    let (got, want) = (monitor.meters.loudness(), truth.meters.loudness());
    assert!(
        (got.integrated_lufs - want.integrated_lufs).abs() < 1e-9,
        "{got:?} {want:?}"
    );
    assert!(
        (got.range_lu - want.range_lu).abs() < 1e-9,
        "{got:?} {want:?}"
    );
}
