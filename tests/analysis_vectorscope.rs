//! The vectorscope (goniometer) against analytic truth: angles, spread, levels, gain and the
//! decimation of huge blocks; the meters' balance beside it.

mod analysis_support;

use analysis_support::{Noise, sine_at, stereo};
use ringscope::analysis::{
    FLOOR_DB, MAX_AUTO_GAIN_DB, MeterSettings, Meters, POLAR_SECTORS, Vectorscope, VectorscopeMode,
    VectorscopePoint, VectorscopeSettings,
};

const RATE: f64 = 48_000.0;

fn vectorscope(mode: VectorscopeMode) -> Vectorscope {
    Vectorscope::new(
        RATE,
        VectorscopeSettings {
            mode,
            ..VectorscopeSettings::default()
        },
    )
}

/// The points of `frames` fed in display-frame blocks, all of them (one read per block).
fn points(mode: VectorscopeMode, frames: &[[f32; 2]]) -> Vec<VectorscopePoint> {
    let mut scope = vectorscope(mode);
    let mut all = Vec::new();
    for block in frames.chunks(800) {
        scope.feed(block);
        all.extend_from_slice(scope.take_points());
    }
    assert_eq!(
        all.len(),
        frames.len(),
        "every frame is a point at 800 per read"
    );
    all
}

/// Angles (degrees from vertical) of the points away from the centre.
fn angles(points: &[VectorscopePoint]) -> Vec<f32> {
    points
        .iter()
        .filter(|p| p.radius() > 1e-3)
        .map(|p| p.angle_degrees())
        .collect()
}

#[test]
fn goniometer_angles_of_mono_left_right_and_inverted() {
    let sine = |n| sine_at(n, 997.0, RATE, 0.5, 0.0);
    // (what, left and right gains of one sine, expected angle)
    let cases = [
        ("mono", [1.0, 1.0], 0.0),
        ("left only", [1.0, 0.0], -45.0),
        ("right only", [0.0, 1.0], 45.0),
        ("inverted", [1.0, -1.0], 90.0),
    ];
    for (what, [left, right], expected) in cases {
        let frames = stereo(4800, |n| [left * sine(n), right * sine(n)]);
        let lissajous = angles(&points(VectorscopeMode::Lissajous, &frames));
        assert!(lissajous.len() > 4000, "{what}");
        for angle in &lissajous {
            // A line through the centre: the angle or its opposite.
            let off = (angle - expected).rem_euclid(180.0);
            assert!(
                off.min(180.0 - off) < 0.01,
                "{what}: Lissajous point at {angle}°"
            );
        }
        // Polar sample: folded into the upper half, so exactly the expected direction.
        for angle in angles(&points(VectorscopeMode::PolarSample, &frames)) {
            assert!(
                (angle - expected).abs() < 0.01,
                "{what}: polar point at {angle}°"
            );
        }
        // Polar level: all the power in the expected direction's sector, none elsewhere.
        // 3 s: ten of the levels' 0.3 s time constants.
        let mut scope = vectorscope(VectorscopeMode::PolarLevel);
        for block in frames.chunks(800).cycle().take(180) {
            scope.feed(block);
        }
        assert!(scope.take_points().is_empty());
        let mut levels = [0.0f32; POLAR_SECTORS];
        scope.polar_levels_db(&mut levels);
        let sector =
            (((expected + 90.0) / 180.0 * POLAR_SECTORS as f32) as usize).min(POLAR_SECTORS - 1);
        for (i, &level) in levels.iter().enumerate() {
            if i == sector {
                // The mean square of the radius: mono (L + R)/2 = sine at 0.5 → −9.03 dB;
                // one channel alone has radius |x|/√2 → −12.04; inverted, radius |x| → −9.03.
                let expected_db = match what {
                    "mono" | "inverted" => -9.03,
                    _ => -12.04,
                };
                assert!((level - expected_db).abs() < 0.2, "{what}: {level} dB");
            } else {
                assert_eq!(level, FLOOR_DB, "{what}: sector {i}");
            }
        }
    }
}

#[test]
fn decorrelated_noise_spreads_over_every_direction() {
    let mut noise = Noise::new(7);
    let frames = stereo(48_000, |_| [0.2 * noise.gaussian(), 0.2 * noise.gaussian()]);
    let polar = angles(&points(VectorscopeMode::PolarSample, &frames));
    // Independent L and R of equal power: x and y are independent with equal variance, so the
    // direction is uniform over the half-plane. Six 30° bins each hold a sixth (±15 %).
    let mut bins = [0usize; 6];
    for angle in &polar {
        bins[(((angle + 90.0) / 30.0) as usize).min(5)] += 1;
    }
    let sixth = polar.len() as f64 / 6.0;
    for (i, &count) in bins.iter().enumerate() {
        assert!(
            (count as f64 / sixth - 1.0).abs() < 0.15,
            "bin {i}: {bins:?}"
        );
    }
    // The same noise in both channels is a line: no spread.
    let mut noise = Noise::new(7);
    let mono = stereo(48_000, |_| {
        let x = 0.2 * noise.gaussian();
        [x, x]
    });
    let polar = angles(&points(VectorscopeMode::PolarSample, &mono));
    assert!(polar.iter().all(|a| a.abs() < 0.01));
    // And the readouts beside the scope: correlation ≈ 0 and centred balance.
    let mut meters = Meters::new(RATE, MeterSettings::default());
    meters.feed(&frames);
    assert!(
        meters.correlation().abs() < 0.05,
        "{}",
        meters.correlation()
    );
    assert!(meters.balance().abs() < 0.05, "{}", meters.balance());
}

#[test]
fn balance_reads_minus_one_to_plus_one() {
    let sine = |n| sine_at(n, 440.0, RATE, 0.5, 0.0);
    let read = |frames: &[[f32; 2]]| {
        let mut meters = Meters::new(RATE, MeterSettings::default());
        meters.feed(frames);
        meters.balance()
    };
    assert_eq!(read(&stereo(48_000, |n| [sine(n), 0.0])), -1.0);
    assert_eq!(read(&stereo(48_000, |n| [0.0, sine(n)])), 1.0);
    assert!(read(&stereo(48_000, |n| [sine(n), -sine(n)])).abs() < 1e-6);
    // Right 6.02 dB below left: (1/4 − 1)/(1/4 + 1) = −0.6.
    let b = read(&stereo(48_000, |n| [sine(n), 0.5 * sine(n)]));
    assert!((b + 0.6).abs() < 1e-3, "{b}");
    assert_eq!(read(&vec![[0.0; 2]; 4800]), 0.0, "silence is centred");
}

#[test]
fn auto_gain_brings_the_peak_to_nine_tenths_and_shows_its_gain() {
    let mut scope = vectorscope(VectorscopeMode::Lissajous);
    // A −20 dBFS mono sine peaks at radius 0.1: +19.08 dB brings it to 0.9.
    let quiet = stereo(4800, |n| {
        let x = sine_at(n, 997.0, RATE, 0.1, 0.3);
        [x, x]
    });
    scope.feed(&quiet);
    assert!(
        (scope.gain_db() - 19.085).abs() < 0.05,
        "{}",
        scope.gain_db()
    );
    let gain = scope.gain();
    let top = scope
        .take_points()
        .iter()
        .map(|p| p.radius() * gain)
        .fold(0.0, f32::max);
    assert!((top - 0.9).abs() < 0.01, "{top}");
    // A loud block turns the gain down at once; afterwards it recovers with the release.
    scope.feed(&stereo(800, |n| {
        let x = sine_at(n, 997.0, RATE, 0.9, 0.0);
        [x, x]
    }));
    assert!(scope.gain_db().abs() < 0.05, "{}", scope.gain_db());
    for block in quiet.chunks(800).cycle().take(60 * 10) {
        scope.feed(block);
    }
    assert!(
        (scope.gain_db() - 19.085).abs() < 0.05,
        "{}",
        scope.gain_db()
    );
    // Silence: the largest gain, no NaN.
    let mut silent = vectorscope(VectorscopeMode::Lissajous);
    silent.feed(&[[0.0; 2]; 800]);
    assert_eq!(silent.gain_db(), MAX_AUTO_GAIN_DB);
    // Manual gain.
    let manual = Vectorscope::new(
        RATE,
        VectorscopeSettings {
            auto_gain: false,
            manual_gain_db: 6.0,
            ..VectorscopeSettings::default()
        },
    );
    assert_eq!(manual.gain_db(), 6.0);
}

#[test]
fn a_huge_block_is_decimated_evenly_over_its_whole_length() {
    let max_points = 4096;
    let mut scope = Vectorscope::new(
        RATE,
        VectorscopeSettings {
            max_points,
            ..VectorscopeSettings::default()
        },
    );
    // A slow ramp: y is the frame's index, so the kept points tell which frames they were.
    let len = 1_000_003usize;
    let frames = stereo(len, |n| {
        let x = n as f64 / len as f64;
        [x, x]
    });
    scope.feed(&frames[..400_000]);
    scope.feed(&frames[400_000..]);
    let stride = scope.frames_per_point();
    let points = scope.take_points();
    assert!(
        points.len() <= max_points && points.len() > max_points / 2,
        "{}",
        points.len()
    );
    assert!(stride.is_power_of_two() && stride * points.len() >= len - stride);
    let index = |p: &VectorscopePoint| (p.y as f64 * len as f64).round() as i64;
    assert_eq!(index(&points[0]), 0, "the oldest frame is kept");
    for pair in points.windows(2) {
        let step = index(&pair[1]) - index(&pair[0]);
        // f32 holds the index to about ±0.06 frames at 10⁶.
        assert!(
            (step - stride as i64).abs() <= 1,
            "step {step}, stride {stride}"
        );
    }
    assert!(
        index(points.last().unwrap()) as usize >= len - 2 * stride,
        "reaches the end"
    );
    // A read starts afresh.
    scope.feed(&frames[..10]);
    assert_eq!(
        (scope.take_points().len(), scope.frames_per_point()),
        (10, 1)
    );
}

#[test]
fn nan_inf_and_huge_samples_are_counted_and_harmless() {
    for mode in [
        VectorscopeMode::Lissajous,
        VectorscopeMode::PolarSample,
        VectorscopeMode::PolarLevel,
    ] {
        let mut scope = vectorscope(mode);
        let mut frames = stereo(800, |n| [sine_at(n, 440.0, RATE, 0.5, 0.0), 0.0]);
        frames[3] = [f32::NAN, f32::INFINITY];
        frames[4] = [f32::NEG_INFINITY, 1e30];
        frames[5] = [-3e38, 2e3];
        scope.feed(&frames);
        let health = scope.input_health();
        assert_eq!((health.non_finite, health.out_of_range), (3, 3), "{mode:?}");
        assert!(
            scope.gain_db().is_finite() && scope.gain_db() > 5.0,
            "{mode:?}"
        );
        assert!(
            scope.take_points().iter().all(|p| p.radius() <= 0.5),
            "{mode:?}"
        );
        let mut levels = [0.0; POLAR_SECTORS];
        scope.polar_levels_db(&mut levels);
        assert!(levels.iter().all(|l| l.is_finite() && *l < 0.0), "{mode:?}");
    }
}

#[test]
fn the_picture_settles_when_gain_and_levels_have_come_to_rest() {
    let full = stereo(48_000, |n| {
        let x = sine_at(n, 997.0, RATE, 1.0, 0.0);
        [x, x]
    });
    let silent_for = |scope: &mut Vectorscope, seconds: f64| {
        let silence = vec![[0.0f32; 2]; 800];
        for _ in 0..(seconds * RATE / 800.0).ceil() as usize {
            scope.feed(&silence);
        }
    };
    // Auto-gain: rises to its largest gain.
    let mut scope = vectorscope(VectorscopeMode::Lissajous);
    let settle = scope.settle_seconds(60.0);
    scope.feed(&full);
    silent_for(&mut scope, settle - 0.1);
    assert!(scope.gain_db() < MAX_AUTO_GAIN_DB, "{}", scope.gain_db());
    silent_for(&mut scope, 0.1);
    assert_eq!(scope.gain_db(), MAX_AUTO_GAIN_DB);
    // Polar level, manual gain: the levels fall 60 dB below full scale.
    let mut scope = Vectorscope::new(
        RATE,
        VectorscopeSettings {
            mode: VectorscopeMode::PolarLevel,
            auto_gain: false,
            ..VectorscopeSettings::default()
        },
    );
    let settle = scope.settle_seconds(60.0);
    // A full-scale mono square wave: every sample at radius 1, the top of the scale (0 dB).
    let square = stereo(800, |n| if n % 2 == 0 { [1.0; 2] } else { [-1.0; 2] });
    for _ in 0..180 {
        scope.feed(&square);
    }
    let top = |scope: &Vectorscope| {
        let mut levels = [0.0; POLAR_SECTORS];
        scope.polar_levels_db(&mut levels);
        levels.into_iter().fold(FLOOR_DB, f32::max)
    };
    let start = top(&scope);
    assert!(start.abs() < 0.01, "{start}");
    silent_for(&mut scope, settle - 0.1);
    assert!(top(&scope) > -60.0, "{}", top(&scope));
    silent_for(&mut scope, 0.1);
    assert!(top(&scope) <= -60.0, "{}", top(&scope));
}

#[test]
fn polar_levels_measured_before_leaving_their_mode_are_not_shown_on_return() {
    let frames = stereo(48_000, |n| {
        let x = sine_at(n, 1000.0, RATE, 1.0, 0.0);
        [x, x]
    });
    let mut scope = vectorscope(VectorscopeMode::PolarLevel);
    scope.feed(&frames);
    let mut levels = [0.0f32; POLAR_SECTORS];
    scope.polar_levels_db(&mut levels);
    assert!(
        levels.iter().any(|&db| db > FLOOR_DB),
        "measured: {levels:?}"
    );
    for mode in [VectorscopeMode::Lissajous, VectorscopeMode::PolarLevel] {
        scope.set_settings(VectorscopeSettings {
            mode,
            ..VectorscopeSettings::default()
        });
    }
    scope.polar_levels_db(&mut levels);
    assert!(
        levels.iter().all(|&db| db == FLOOR_DB),
        "back in polar level with nothing fed since: {levels:?}"
    );
}
