//! The meters against analytic truth.

mod analysis_support;

use analysis_support::{Noise, db, sine_at, stereo};
use ringscope::analysis::{Channel, FLOOR_DB, MeterSettings, Meters};

const RATE: f64 = 48_000.0;

#[test]
fn correlation_is_plus_one_minus_one_and_near_zero() {
    let mut noise = Noise::new(3);
    let same = stereo(RATE as usize, |_| {
        let x = 0.3 * noise.gaussian();
        [x, x]
    });
    let inverted = stereo(RATE as usize, |_| {
        let x = 0.3 * noise.gaussian();
        [x, -x]
    });
    let independent = stereo(RATE as usize * 2, |_| {
        [0.3 * noise.gaussian(), 0.3 * noise.gaussian()]
    });
    let read = |frames: &[[f32; 2]]| {
        let mut meters = Meters::new(RATE, MeterSettings::default());
        meters.feed(frames);
        meters.correlation()
    };
    assert!((read(&same) - 1.0).abs() < 1e-6, "{}", read(&same));
    assert!((read(&inverted) + 1.0).abs() < 1e-6, "{}", read(&inverted));
    assert!(read(&independent).abs() < 0.05, "{}", read(&independent));
    assert_eq!(read(&vec![[0.0; 2]; 1000]), 0.0, "silence reads 0");
}

#[test]
fn peak_rms_and_true_peak_of_sines() {
    let mut meters = Meters::new(RATE, MeterSettings::default());
    // Left: 1 kHz at −6.02 dBFS. Right: fs/4 at 45° phase, whose samples all sit at ±A/√2 so the
    // sample peak under-reads by 3.01 dB while the true peak is A.
    let frames = stereo(RATE as usize * 2, |n| {
        [
            sine_at(n, 1000.0, RATE, 0.5, 0.0),
            sine_at(n, RATE / 4.0, RATE, 0.5, std::f64::consts::FRAC_PI_4),
        ]
    });
    meters.feed(&frames);
    let left = meters.levels(Channel::Left);
    assert!((left.peak_db as f64 - db(0.5)).abs() < 0.01, "{left:?}");
    assert!(
        (left.rms_db as f64 - (db(0.5) - 3.0103)).abs() < 0.02,
        "{left:?}"
    );
    assert!((left.true_peak_db as f64 - db(0.5)).abs() < 0.1, "{left:?}");
    let right = meters.levels(Channel::Right);
    assert!(
        (right.peak_db as f64 - (db(0.5) - 3.0103)).abs() < 0.01,
        "{right:?}"
    );
    assert!(
        (right.true_peak_db as f64 - db(0.5)).abs() < 0.3,
        "{right:?}"
    );
    assert!(right.max_true_peak_db >= right.true_peak_db);
    // Mid = (L + R)/2 and side = (L − R)/2 are metered too.
    let mid = meters.levels(Channel::Mid);
    assert!(mid.peak_db < left.peak_db && mid.rms_db > FLOOR_DB);
}

#[test]
fn peak_holds_then_falls_at_its_rate() {
    let settings = MeterSettings {
        peak_hold_seconds: 0.5,
        peak_fall_db_per_second: 20.0,
        ..MeterSettings::default()
    };
    let mut meters = Meters::new(RATE, settings);
    let mut frames = vec![[0.0f32; 2]; 1000];
    frames[500] = [1.0, 0.5];
    meters.feed(&frames);
    // 0.4 s later (plus the 500 frames): still held.
    meters.feed(&vec![[0.0; 2]; (0.4 * RATE) as usize]);
    assert!(meters.levels(Channel::Left).peak_db.abs() < 1e-4);
    // 1.5 s after the peak, i.e. 1 s after the hold ran out: 20 dB down.
    meters.feed(&vec![[0.0; 2]; (1.1 * RATE) as usize - 500]);
    let left = meters.levels(Channel::Left).peak_db;
    assert!((left + 20.0).abs() < 0.1, "{left}");
    let right = meters.levels(Channel::Right).peak_db as f64;
    assert!((right - (db(0.5) - 20.0)).abs() < 0.1, "{right}");
}

#[test]
fn rms_follows_its_time_constant() {
    let tau = 0.3;
    let mut meters = Meters::new(
        RATE,
        MeterSettings {
            rms_seconds: tau,
            ..MeterSettings::default()
        },
    );
    meters.feed(&vec![[0.5; 2]; (tau * RATE) as usize]);
    // After one time constant of DC 0.5 (power 0.25): 0.25·(1 − 1/e).
    let expected = 10.0 * (0.25 * (1.0 - (-1.0f64).exp())).log10();
    let rms = meters.levels(Channel::Left).rms_db as f64;
    assert!((rms - expected).abs() < 0.01, "{rms} vs {expected}");
}

#[test]
fn loudness_of_the_ebu_reference_sine() {
    // EBU Tech 3341 test 1: a stereo 1 kHz sine at −23 dBFS reads −23 LUFS (M, S and I).
    let amplitude = 10f64.powf(-23.0 / 20.0);
    let mut meters = Meters::new(RATE, MeterSettings::default());
    let frames = stereo(RATE as usize * 6, |n| {
        let x = sine_at(n, 1000.0, RATE, amplitude, 0.0);
        [x, x]
    });
    for block in frames.chunks(800) {
        meters.feed(block);
    }
    let loudness = meters.loudness();
    assert!((loudness.momentary_lufs + 23.0).abs() < 0.1, "{loudness:?}");
    assert!(
        (loudness.short_term_lufs + 23.0).abs() < 0.1,
        "{loudness:?}"
    );
    assert!(
        (loudness.integrated_lufs + 23.0).abs() < 0.1,
        "{loudness:?}"
    );
    meters.reset_loudness();
    assert_eq!(meters.loudness().integrated_lufs, f64::NEG_INFINITY);
}

#[test]
fn nan_burst_is_counted_and_leaves_no_trace() {
    let amplitude = 10f64.powf(-23.0 / 20.0);
    let mut meters = Meters::new(RATE, MeterSettings::default());
    let mut frames = stereo(RATE as usize * 5, |n| {
        let x = sine_at(n, 1000.0, RATE, amplitude, 0.0);
        [x, x]
    });
    for frame in &mut frames[100_000..100_050] {
        *frame = [f32::NAN, f32::INFINITY];
    }
    frames[100_050] = [f32::NEG_INFINITY, 1e-39];
    meters.feed(&frames);
    let health = meters.input_health();
    assert_eq!((health.non_finite, health.subnormal), (101, 1));
    let loudness = meters.loudness();
    assert!((loudness.momentary_lufs + 23.0).abs() < 0.1, "{loudness:?}");
    // 1 ms of silence in 5 s barely moves the integrated value, and nothing is NaN.
    assert!(
        (loudness.integrated_lufs + 23.0).abs() < 0.1,
        "{loudness:?}"
    );
    let left = meters.levels(Channel::Left);
    assert!((left.peak_db as f64 - db(amplitude)).abs() < 0.01);
    assert!(meters.correlation() > 0.999);
}

#[test]
fn silence_and_empty_blocks_read_the_floor() {
    let mut meters = Meters::new(RATE, MeterSettings::default());
    meters.feed(&[]);
    meters.feed(&vec![[0.0; 2]; 48_000]);
    let levels = meters.levels(Channel::Side);
    assert_eq!(
        (levels.peak_db, levels.rms_db, levels.true_peak_db),
        (FLOOR_DB, FLOOR_DB, FLOOR_DB)
    );
    assert_eq!(meters.loudness().momentary_lufs, f64::NEG_INFINITY);
}

#[test]
fn every_sample_rate_works() {
    for rate in [8_000.0, 22_050.0, 44_100.0, 96_000.0, 192_000.0, 384_000.0] {
        let mut meters = Meters::new(rate, MeterSettings::default());
        let frames = stereo(rate as usize, |n| {
            let x = sine_at(n, 1000.0, rate, 0.5, 0.0);
            [x, x]
        });
        meters.feed(&frames);
        let left = meters.levels(Channel::Left);
        assert!(
            (left.peak_db as f64 - db(0.5)).abs() < 0.01,
            "{rate}: {left:?}"
        );
        assert!(
            (left.true_peak_db as f64 - db(0.5)).abs() < 0.1,
            "{rate}: {left:?}"
        );
        assert!(meters.loudness().momentary_lufs.is_finite(), "{rate}");
    }
}

#[test]
fn momentary_and_short_term_match_the_reference_meter() {
    // The meters tile 100 ms blocks; the crate measures the windows directly. Same numbers.
    let mut reference =
        ebur128::EbuR128::new(2, 48_000, ebur128::Mode::M | ebur128::Mode::S).unwrap();
    let mut meters = Meters::new(RATE, MeterSettings::default());
    let mut noise = Noise::new(21);
    for block in 0..60 {
        // Level changes every 100 ms so the windows really differ.
        let gain = 0.05 + 0.3 * ((block * 7) % 11) as f64 / 11.0;
        let frames = stereo(4800, |_| {
            [gain * noise.gaussian(), 0.5 * gain * noise.gaussian()]
        });
        meters.feed(&frames[..1234]);
        meters.feed(&frames[1234..]);
        let interleaved: Vec<f32> = frames.iter().flatten().copied().collect();
        reference.add_frames_f32(&interleaved).unwrap();
        let ours = meters.loudness();
        let momentary = reference.loudness_momentary().unwrap();
        let short_term = reference.loudness_shortterm().unwrap();
        assert!(
            (ours.momentary_lufs - momentary).abs() < 0.01,
            "block {block}: {ours:?} vs {momentary}"
        );
        assert!(
            (ours.short_term_lufs - short_term).abs() < 0.01,
            "block {block}: {ours:?} vs {short_term}"
        );
    }
}
