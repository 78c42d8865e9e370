//! The rules defined once in the analysis and used by every part and by the plugin: which
//! sample rates are real, what silence is, and how long each part's picture keeps changing once
//! the input turns silent.

mod analysis_support;

use analysis_support::sine_frames;
use ringscope::analysis::{
    Channel, ColumnMinMax, FALLBACK_SAMPLE_RATE, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, MeterSettings,
    Meters, SILENCE_DBFS, SILENCE_THRESHOLD, Scope, ScopeSettings, Spectrum, SpectrumCurve,
    SpectrumSettings, TriggerMode, frames_are_silent, is_silent, valid_sample_rate,
};

#[test]
fn every_part_takes_the_same_sample_rates_and_falls_back_alike() {
    // Before one rule, the parts took any finite rate ≥ 1 Hz (500 Hz and 2 MHz stayed as they
    // were, and 10¹² Hz sized a terabyte history) while the display replaced 500 Hz by 48 kHz
    // and clamped 2 MHz to 1.536 MHz: the parts and the display then disagreed on the rate.
    for (rate, expected) in [
        (44_100.0, 44_100.0),
        (MIN_SAMPLE_RATE, MIN_SAMPLE_RATE),
        (MAX_SAMPLE_RATE, MAX_SAMPLE_RATE),
        (500.0, FALLBACK_SAMPLE_RATE),
        (2_000_000.0, FALLBACK_SAMPLE_RATE),
        (1e12, FALLBACK_SAMPLE_RATE),
        (0.0, FALLBACK_SAMPLE_RATE),
        (-48_000.0, FALLBACK_SAMPLE_RATE),
        (f64::NAN, FALLBACK_SAMPLE_RATE),
        (f64::INFINITY, FALLBACK_SAMPLE_RATE),
    ] {
        assert_eq!(valid_sample_rate(rate), expected, "{rate}");
        let scope = Scope::new(rate, ScopeSettings::default());
        let spectrum = Spectrum::new(rate, SpectrumSettings::default());
        let meters = Meters::new(rate, MeterSettings::default());
        assert_eq!(
            [
                scope.sample_rate(),
                spectrum.sample_rate(),
                meters.sample_rate()
            ],
            [expected; 3],
            "{rate}"
        );
    }
}

#[test]
fn silence_is_at_most_minus_150_dbfs_and_never_nan_or_inf() {
    let level = |x: f32| 20.0 * f64::from(x).log10();
    assert!(level(SILENCE_THRESHOLD) <= SILENCE_DBFS);
    // The next float up is above −150 dBFS: the threshold is the largest silent magnitude.
    let next = f32::from_bits(SILENCE_THRESHOLD.to_bits() + 1);
    assert!(level(next) > SILENCE_DBFS, "{}", level(next));

    assert!(is_silent(&[]));
    assert!(is_silent(&[0.0, -0.0, f32::from_bits(1), 1e-39, 1e-9]));
    assert!(is_silent(&[SILENCE_THRESHOLD, -SILENCE_THRESHOLD]));
    assert!(!is_silent(&[0.0, next]));
    assert!(!is_silent(&[0.0, -next]));
    for invalid in [
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7f80_0001), // signalling NaN
        f32::INFINITY,
        f32::NEG_INFINITY,
    ] {
        assert!(!is_silent(&[0.0, invalid, 0.0]), "{invalid}");
    }
    assert!(frames_are_silent(&[[0.0, 1e-9]; 100]));
    let mut frames = [[0.0f32; 2]; 100];
    frames[99][1] = f32::NAN;
    assert!(!frames_are_silent(&frames));
}

/// Frames of silence lasting `seconds` at `rate`.
fn silence(seconds: f64, rate: f64) -> Vec<[f32; 2]> {
    vec![[0.0; 2]; (seconds * rate).round() as usize]
}

#[test]
fn the_meters_settle_within_their_settle_time_and_not_much_sooner() {
    const RATE: f64 = 48_000.0;
    const FLOOR: f32 = -60.0;
    let mut meters = Meters::new(RATE, MeterSettings::default());
    let settle = meters.settle_seconds(66.0);
    meters.feed(&sine_frames(RATE as usize, 1000.0, RATE, 1.0));
    let moving = |meters: &Meters| {
        let left = meters.levels(Channel::Left);
        let loudness = meters.loudness();
        left.peak_db > FLOOR
            || left.true_peak_db > FLOOR
            || left.rms_db > FLOOR
            || meters.correlation() != 0.0
            || loudness.short_term_lufs.is_finite()
            || loudness.momentary_lufs.is_finite()
    };
    meters.feed(&silence(settle - 1.0, RATE));
    assert!(moving(&meters), "settled a second early: the rule is loose");
    meters.feed(&silence(1.0, RATE));
    assert!(!moving(&meters), "{:?}", meters.levels(Channel::Left));
}

#[test]
fn the_spectrum_settles_within_its_settle_time_and_not_much_sooner() {
    const RATE: f64 = 48_000.0;
    let range_db = 102.0; // +6 … −96 dBFS, the plugin's default axis
    let floor_power = 10f32.powf(-96.0 / 10.0);
    let mut spectrum = Spectrum::new(
        RATE,
        SpectrumSettings {
            averaging_seconds: 0.25,
            peak_hold_seconds: 2.0,
            ..SpectrumSettings::default()
        },
    );
    let settle = spectrum.settle_seconds(range_db);
    let loud = sine_frames(RATE as usize, 1000.0, RATE, 1.0);
    spectrum.feed(&loud);
    let visible = |spectrum: &Spectrum, curve| {
        let power = spectrum.power(Channel::Mid, curve).unwrap();
        power.iter().any(|&p| p > floor_power)
    };
    spectrum.feed(&silence(settle - 1.0, RATE));
    assert!(
        visible(&spectrum, SpectrumCurve::PeakHold),
        "the rule is loose"
    );
    spectrum.feed(&silence(1.0, RATE));
    for curve in [SpectrumCurve::Average, SpectrumCurve::PeakHold] {
        assert!(!visible(&spectrum, curve), "{curve:?}");
    }
}

#[test]
fn the_scope_settles_once_its_window_holds_only_silence() {
    const RATE: f64 = 48_000.0;
    for mode in [TriggerMode::FreeRun, TriggerMode::Auto] {
        let mut settings = ScopeSettings {
            window_seconds: 0.5,
            ..ScopeSettings::default()
        };
        settings.trigger.mode = mode;
        let mut scope = Scope::new(RATE, settings);
        // One cycle of a square wave after a second of silence: auto mode triggers on its
        // rising edge and shows that sweep for as long as its patience lasts, the worst case.
        scope.feed(&silence(1.0, RATE));
        scope.feed(&[[-0.8; 2]; 50]);
        scope.feed(&[[0.8; 2]; 50]);
        let settle = scope.settle_seconds();
        let flat = |scope: &Scope| {
            let mut columns = [ColumnMinMax::default(); 200];
            scope.render(&scope.view(), Channel::Left, &mut columns);
            columns.iter().all(|c| c.min == 0.0 && c.max == 0.0)
        };
        scope.feed(&silence(settle - 0.2, RATE));
        assert!(!flat(&scope), "{mode:?}: the rule is loose");
        scope.feed(&silence(0.2, RATE));
        assert!(flat(&scope), "{mode:?}");
    }
}
