//! The spectrum analyzer against analytic truth.

mod analysis_support;

use analysis_support::{Noise, db, sine_at, sine_frames};
use ringscope::analysis::{
    Channel, ChannelMode, FLOOR_DB, FftSize, FrequencyAxis, FrequencyScale, Smoothing, Spectrum,
    SpectrumCurve, SpectrumSettings, WindowKind, map_power_to_columns,
};

const RATE: f64 = 48_000.0;

fn settings(window: WindowKind) -> SpectrumSettings {
    SpectrumSettings {
        fft_size: FftSize::N8192,
        window,
        overlap: 0.75,
        channel_mode: ChannelMode::Left,
        averaging_seconds: 0.0,
        ..SpectrumSettings::default()
    }
}

fn left_sine(len: usize, hz: f64, amplitude: f64) -> Vec<[f32; 2]> {
    (0..len as u64)
        .map(|n| [sine_at(n, hz, RATE, amplitude, 0.3) as f32, 0.0])
        .collect()
}

/// Highest bin of the averaged spectrum, in dB.
fn highest_bin_db(spectrum: &Spectrum) -> (usize, f64) {
    let power = spectrum
        .power(Channel::Left, SpectrumCurve::Average)
        .unwrap();
    let (bin, p) =
        power.iter().enumerate().fold(
            (0, 0.0f32),
            |best, (k, &p)| if p > best.1 { (k, p) } else { best },
        );
    (bin, 10.0 * (p as f64).log10())
}

#[test]
fn sine_level_and_frequency_read_true_with_every_window() {
    let bin_hz = RATE / 8192.0;
    // On a bin, a quarter off, and halfway between bins (worst scalloping).
    let frequencies = [
        200.0 * bin_hz,
        (500.0 + 0.25) * bin_hz,
        (1234.0 + 0.5) * bin_hz,
        (3000.0 + 0.37) * bin_hz,
    ];
    let levels_db = [0.0, -20.0, -60.0];
    for window in WindowKind::ALL {
        let scallop = window.scalloping_loss_db();
        for &hz in &frequencies {
            for &level in &levels_db {
                let amplitude = 10f64.powf(level / 20.0);
                let mut spectrum = Spectrum::new(RATE, settings(window));
                spectrum.feed(&left_sine(8192 * 2, hz, amplitude));
                let (_, top) = highest_bin_db(&spectrum);
                let what = format!("{window:?} {hz:.2} Hz {level} dB");
                if window == WindowKind::FlatTop {
                    assert!((top - level).abs() <= 0.1, "{what}: highest bin {top}");
                } else {
                    assert!(
                        top <= level + 0.05 && top >= level - scallop - 0.05,
                        "{what}: highest bin {top}, scalloping {scallop}"
                    );
                }
                let peak = spectrum.peak(Channel::Left, 20.0, 20_000.0).unwrap();
                let error_bins = (peak.frequency_hz - hz).abs() / bin_hz;
                assert!(
                    error_bins <= 0.05,
                    "{what}: frequency off by {error_bins} bins"
                );
                assert!(
                    (peak.level_db - level).abs() <= 0.1,
                    "{what}: interpolated level {}",
                    peak.level_db
                );
            }
        }
    }
}

#[test]
fn documented_scalloping_losses() {
    let expected = [
        (WindowKind::Rectangular, 3.92),
        (WindowKind::Hann, 1.42),
        (WindowKind::BlackmanHarris, 0.83),
    ];
    for (window, loss) in expected {
        assert!(
            (window.scalloping_loss_db() - loss).abs() < 0.01,
            "{window:?}: {}",
            window.scalloping_loss_db()
        );
    }
    assert!(WindowKind::FlatTop.scalloping_loss_db() < 0.02);
}

#[test]
fn white_noise_reads_the_documented_per_bin_level() {
    for (window, fft_size) in [
        (WindowKind::Hann, FftSize::N8192),
        (WindowKind::BlackmanHarris, FftSize::N2048),
        (WindowKind::Rectangular, FftSize::N32768),
    ] {
        let sigma = 0.1;
        let mut spectrum = Spectrum::new(
            RATE,
            SpectrumSettings {
                fft_size,
                averaging_seconds: 2.0,
                ..settings(window)
            },
        );
        let mut noise = Noise::new(7);
        let frames: Vec<[f32; 2]> = (0..RATE as usize * 10)
            .map(|_| [(sigma * noise.gaussian()) as f32, 0.0])
            .collect();
        spectrum.feed(&frames);
        let power = spectrum
            .power(Channel::Left, SpectrumCurve::Average)
            .unwrap();
        let inner = &power[10..power.len() - 10];
        let mean = inner.iter().map(|&p| p as f64).sum::<f64>() / inner.len() as f64;
        let measured = 10.0 * mean.log10();
        let expected = db(sigma) + spectrum.noise_bin_offset_db();
        let formula = db(sigma) + 10.0 * 4f64.log10() + 10.0 * window.enbw_bins().log10()
            - 10.0 * (fft_size.len() as f64).log10();
        assert!((expected - formula).abs() < 1e-9);
        assert!(
            (measured - expected).abs() < 0.25,
            "{window:?} {fft_size:?}: measured {measured:.2} dB, documented {expected:.2} dB"
        );
    }
}

#[test]
fn rectangular_leaks_and_blackman_harris_is_90_db_down_8_bins_away() {
    let bin_hz = RATE / 8192.0;
    let hz = 1000.5 * bin_hz;
    let relative_8_bins_away = |window| {
        let mut spectrum = Spectrum::new(RATE, settings(window));
        spectrum.feed(&left_sine(8192 * 2, hz, 1.0));
        let power = spectrum
            .power(Channel::Left, SpectrumCurve::Average)
            .unwrap();
        let top = power[1000].max(power[1001]) as f64;
        // Every bin at least 8 bins from the sine, on both sides.
        let far = power[..=992]
            .iter()
            .chain(&power[1009..])
            .map(|&p| p as f64)
            .fold(0.0, f64::max);
        10.0 * (far / top).log10()
    };
    let rectangular = relative_8_bins_away(WindowKind::Rectangular);
    let blackman_harris = relative_8_bins_away(WindowKind::BlackmanHarris);
    // Rectangular side lobes 8.5 bins out are 1/(π·8.5) ≈ −28.5 dB.
    assert!(rectangular > -30.0, "rectangular: {rectangular} dB");
    assert!(
        blackman_harris <= -90.0,
        "Blackman-Harris: {blackman_harris} dB"
    );
}

#[test]
fn every_hop_is_analysed_however_the_stream_is_chunked() {
    let frames = left_sine(40_000, 1234.5, 0.5);
    let reference = {
        let mut s = Spectrum::new(
            RATE,
            SpectrumSettings {
                averaging_seconds: 0.2,
                ..settings(WindowKind::Hann)
            },
        );
        s.feed(&frames);
        s
    };
    assert_eq!(reference.fft_count(), (40_000 / reference.hop()) as u64);
    for chunk in [1usize, 7, 800, 2048, 39_999] {
        let mut s = Spectrum::new(RATE, *reference.settings());
        for part in frames.chunks(chunk) {
            s.feed(part);
        }
        s.feed(&[]);
        assert_eq!(s.fft_count(), reference.fft_count(), "chunk {chunk}");
        assert_eq!(
            s.power(Channel::Left, SpectrumCurve::Average),
            reference.power(Channel::Left, SpectrumCurve::Average),
            "chunk {chunk}"
        );
    }
}

#[test]
fn averaging_follows_its_time_constant() {
    let tau = 0.5;
    let mut spectrum = Spectrum::new(
        RATE,
        SpectrumSettings {
            averaging_seconds: tau,
            overlap: 0.875,
            ..settings(WindowKind::Hann)
        },
    );
    let bin_hz = RATE / 8192.0;
    let hz = 300.0 * bin_hz;
    // Warm up on silence so the average has settled at zero.
    spectrum.feed(&vec![[0.0; 2]; 8192 * 4]);
    let hop = spectrum.hop();
    let start_count = spectrum.fft_count();
    // The sine starts on a hop boundary; run it for about one time constant past the point where
    // it fills the FFT window.
    let total_hops = 8192 / hop + (tau * RATE / hop as f64).round() as usize;
    spectrum.feed(&left_sine(total_hops * hop, hz, 1.0));
    assert_eq!(spectrum.fft_count() - start_count, total_hops as u64);
    let power = spectrum
        .power(Channel::Left, SpectrumCurve::Average)
        .unwrap()[300] as f64;
    // A_m = Σ α(1−α)^(m−j)·P_j with P_j = 1 once the window is full of sine, 0 ≤ P_j ≤ 1 before.
    let alpha = 1.0 - (-(hop as f64) / (tau * RATE)).exp();
    let full_hops = (total_hops - 8192 / hop + 1) as i32;
    let lower = 1.0 - (1.0 - alpha).powi(full_hops);
    let upper = 1.0 - (1.0 - alpha).powi(total_hops as i32);
    assert!(
        power >= lower - 1e-4 && power <= upper + 1e-4,
        "power {power}, expected within [{lower}, {upper}]"
    );
    // And about 1 − 1/e after one time constant.
    assert!((power - (1.0 - (-1.0f64).exp())).abs() < 0.08, "{power}");
}

#[test]
fn peak_hold_holds_then_falls_at_its_rate() {
    let mut spectrum = Spectrum::new(
        RATE,
        SpectrumSettings {
            peak_hold_seconds: 0.5,
            peak_fall_db_per_second: 10.0,
            overlap: 0.875,
            ..settings(WindowKind::Hann)
        },
    );
    let hz = 400.0 * RATE / 8192.0;
    spectrum.feed(&left_sine(8192 * 2, hz, 1.0));
    // Silence reaches the FFT window at once; 0.4 s later the average is silent, the hold is not.
    spectrum.feed(&vec![[0.0; 2]; (0.4 * RATE) as usize]);
    let held = |s: &Spectrum| {
        10.0 * (s.power(Channel::Left, SpectrumCurve::PeakHold).unwrap()[400] as f64).log10()
    };
    assert!(held(&spectrum).abs() < 0.05, "held {}", held(&spectrum));
    assert!(
        spectrum
            .power(Channel::Left, SpectrumCurve::Average)
            .unwrap()[400]
            < 1e-10
    );
    // 1 s after the 0.5 s hold ran out, it has fallen 10 dB (to within a hop of 21 ms).
    spectrum.feed(&vec![[0.0; 2]; (1.1 * RATE) as usize]);
    let after = held(&spectrum);
    assert!((after + 10.0).abs() < 0.25, "after falling: {after} dB");
}

#[test]
fn slope_tilts_the_display_around_1_khz() {
    let mut spectrum = Spectrum::new(
        RATE,
        SpectrumSettings {
            slope_db_per_octave: 3.0,
            window: WindowKind::FlatTop,
            ..settings(WindowKind::FlatTop)
        },
    );
    // Two tones centred on bins, so the readout between bins does not blur them.
    let bin_hz = RATE / 8192.0;
    let (low, high) = (171.0 * bin_hz, 684.0 * bin_hz);
    let tones: Vec<[f32; 2]> = (0..32_768u64)
        .map(|n| {
            let x = sine_at(n, low, RATE, 0.1, 0.0) + sine_at(n, high, RATE, 0.1, 0.0);
            [x as f32, 0.0]
        })
        .collect();
    spectrum.feed(&tones);
    for hz in [low, high] {
        let shown = spectrum
            .level_at(Channel::Left, SpectrumCurve::Average, hz)
            .unwrap() as f64;
        let expected = -20.0 + 3.0 * (hz / 1000.0).log2();
        assert!(
            (shown - expected).abs() < 0.05,
            "{hz} Hz: {shown} dB, expected {expected}"
        );
    }
    // The readout stays untilted.
    let peak = spectrum.peak(Channel::Left, 3000.0, 5000.0).unwrap();
    assert!((peak.level_db - -20.0).abs() < 0.1);
}

#[test]
fn octave_smoothing_keeps_noise_level_and_spreads_a_sine() {
    let mut noise = Noise::new(99);
    let frames: Vec<[f32; 2]> = (0..RATE as usize * 4)
        .map(|n| {
            let x = 0.1 * noise.gaussian() + sine_at(n as u64, 2000.0, RATE, 0.5, 0.0);
            [x as f32, 0.0]
        })
        .collect();
    let axis = FrequencyAxis {
        scale: FrequencyScale::Logarithmic,
        min_hz: 20.0,
        max_hz: 20_000.0,
    };
    let read = |smoothing| {
        let mut s = Spectrum::new(
            RATE,
            SpectrumSettings {
                smoothing,
                averaging_seconds: 1.0,
                ..settings(WindowKind::Hann)
            },
        );
        s.feed(&frames);
        let mut columns = vec![0.0f32; 500];
        s.render(Channel::Left, SpectrumCurve::Average, &axis, &mut columns);
        let noise_band = s
            .level_at(Channel::Left, SpectrumCurve::Average, 8000.0)
            .unwrap();
        let beside_sine = s
            .level_at(Channel::Left, SpectrumCurve::Average, 2200.0)
            .unwrap();
        (noise_band, beside_sine, columns)
    };
    let (raw_noise, raw_beside, raw_columns) = read(Smoothing::Off);
    let (smooth_noise, smooth_beside, smooth_columns) = read(Smoothing::OctaveFraction(3));
    let expected_noise = (db(0.1) + 10.0 * (4.0 * 1.5f64 / 8192.0).log10()) as f32;
    // Smoothed noise is the expected level (the raw bin scatters by several dB).
    assert!(
        (smooth_noise - expected_noise).abs() < 0.5,
        "{smooth_noise} vs {expected_noise} (raw {raw_noise})"
    );
    // 2.2 kHz is inside the sine's third-octave band: smoothing lifts it far above the noise.
    assert!(
        raw_beside < expected_noise + 6.0,
        "raw beside the sine: {raw_beside}"
    );
    assert!(
        smooth_beside > expected_noise + 20.0,
        "smoothed beside the sine: {smooth_beside}"
    );
    // And smoothing lowers the sine's own peak (its power is spread over the band).
    let top = |c: &[f32]| c.iter().cloned().fold(f32::MIN, f32::max);
    assert!(top(&smooth_columns) < top(&raw_columns) - 10.0);
}

#[test]
fn columns_take_the_max_of_dense_bins_and_interpolate_sparse_ones() {
    // A spectrum whose dB is a straight line in bin index, plus one narrow spike.
    let bins = 4097;
    let bin_hz = RATE / 8192.0;
    let line_db = |k: f64| -100.0 + 0.01 * k;
    let mut power: Vec<f32> = (0..bins)
        .map(|k| 10f64.powf(line_db(k as f64) / 10.0) as f32)
        .collect();
    power[3000] = 1.0;
    let axis = FrequencyAxis {
        scale: FrequencyScale::Logarithmic,
        min_hz: 20.0,
        max_hz: 20_000.0,
    };
    let mut columns = vec![0.0f32; 1000];
    map_power_to_columns(&axis, bin_hz, &power, &mut columns);
    for (i, &value) in columns.iter().enumerate() {
        let lo = axis.frequency_at(i as f64 / 1000.0) / bin_hz;
        let hi = axis.frequency_at((i + 1) as f64 / 1000.0) / bin_hz;
        if lo <= 3000.0 && 3000.0 < hi {
            assert_eq!(value, 0.0, "the spike's column shows the spike");
        } else if hi - lo < 1.0 {
            // Sparse: Catmull-Rom reproduces a straight line exactly at the column centre.
            let centre = axis.frequency_at((i as f64 + 0.5) / 1000.0) / bin_hz;
            assert!(
                (value as f64 - line_db(centre)).abs() < 5e-3,
                "column {i}: {value} vs {}",
                line_db(centre)
            );
        } else if hi - lo > 3.0 {
            // Dense: the largest bin inside.
            let last = (hi.ceil() as usize - 1).min(bins - 1);
            assert!(
                (value as f64 - line_db(last as f64)).abs() < 5e-3,
                "column {i}"
            );
        }
    }
    // Above Nyquist there is nothing.
    let axis = FrequencyAxis {
        scale: FrequencyScale::Linear,
        min_hz: 0.0,
        max_hz: 48_000.0,
    };
    map_power_to_columns(&axis, bin_hz, &power, &mut columns);
    assert_eq!(columns[999], FLOOR_DB);
}

#[test]
fn overlay_analyses_left_and_right_separately() {
    let frames: Vec<[f32; 2]> = (0..16_384u64)
        .map(|n| {
            [
                sine_at(n, 1000.0, RATE, 1.0, 0.0) as f32,
                sine_at(n, 3000.0, RATE, 0.1, 0.0) as f32,
            ]
        })
        .collect();
    let mut spectrum = Spectrum::new(
        RATE,
        SpectrumSettings {
            channel_mode: ChannelMode::Overlay,
            ..settings(WindowKind::FlatTop)
        },
    );
    spectrum.feed(&frames);
    let left = spectrum.peak(Channel::Left, 20.0, 20_000.0).unwrap();
    let right = spectrum.peak(Channel::Right, 20.0, 20_000.0).unwrap();
    assert!((left.frequency_hz - 1000.0).abs() < 0.5 && left.level_db.abs() < 0.1);
    assert!((right.frequency_hz - 3000.0).abs() < 0.5 && (right.level_db + 20.0).abs() < 0.1);
    let mut columns = [0.0f32; 10];
    assert!(!spectrum.render(
        Channel::Mid,
        SpectrumCurve::Average,
        &FrequencyAxis::default(),
        &mut columns
    ));
    assert_eq!(columns, [FLOOR_DB; 10]);
}

#[test]
fn nan_burst_costs_only_its_own_samples() {
    let clean = sine_frames(8192 * 6, 1000.0, RATE, 0.5);
    let mut dirty = clean.clone();
    for frame in &mut dirty[10_000..10_100] {
        *frame = [f32::NAN, f32::INFINITY];
    }
    dirty[10_100] = [f32::NEG_INFINITY, 1e-42];
    let run = |frames: &[[f32; 2]]| {
        let mut s = Spectrum::new(
            RATE,
            SpectrumSettings {
                averaging_seconds: 0.0,
                ..settings(WindowKind::Hann)
            },
        );
        s.feed(frames);
        s
    };
    let (a, b) = (run(&clean), run(&dirty));
    assert_eq!(b.input_health().non_finite, 201);
    assert_eq!(b.input_health().subnormal, 1);
    assert_eq!(a.input_health().non_finite, 0);
    // Once the burst has left the FFT window, the result is exactly the clean one.
    assert_eq!(
        a.power(Channel::Left, SpectrumCurve::Average),
        b.power(Channel::Left, SpectrumCurve::Average)
    );
    assert!(
        b.power(Channel::Left, SpectrumCurve::PeakHold)
            .unwrap()
            .iter()
            .all(|p| p.is_finite())
    );
}

#[test]
fn absurd_levels_are_rejected_but_hot_signals_are_measured() {
    let mut spectrum = Spectrum::new(
        RATE,
        SpectrumSettings {
            averaging_seconds: 0.3,
            ..settings(WindowKind::Hann)
        },
    );
    // Finite but absurd (+750 dBFS): garbage, counted and dropped like NaN.
    spectrum.feed(&vec![[3e38, -3e38]; 100]);
    assert_eq!(spectrum.input_health().out_of_range, 200);
    spectrum.feed(&left_sine(RATE as usize, 1000.0, 0.5));
    let peak = spectrum.peak(Channel::Left, 20.0, 20_000.0).unwrap();
    assert!((peak.level_db - db(0.5)).abs() < 0.1, "{peak:?}");
    // +40 dBFS is hot, not garbage: it reads +40 dB.
    spectrum.feed(&left_sine(RATE as usize * 4, 1000.0, 100.0));
    let peak = spectrum.peak(Channel::Left, 20.0, 20_000.0).unwrap();
    assert!((peak.level_db - 40.0).abs() < 0.1, "{peak:?}");
    assert_eq!(spectrum.input_health().out_of_range, 200);
}

#[test]
fn freeze_holds_the_curves() {
    let mut spectrum = Spectrum::new(RATE, settings(WindowKind::Hann));
    spectrum.feed(&left_sine(16_384, 1000.0, 0.5));
    let before = spectrum
        .power(Channel::Left, SpectrumCurve::Average)
        .unwrap()
        .to_vec();
    spectrum.set_frozen(true);
    spectrum.feed(&left_sine(16_384, 5000.0, 0.9));
    assert_eq!(
        spectrum
            .power(Channel::Left, SpectrumCurve::Average)
            .unwrap(),
        &before[..]
    );
    spectrum.set_frozen(false);
    spectrum.feed(&left_sine(16_384, 5000.0, 0.9));
    assert_ne!(
        spectrum
            .power(Channel::Left, SpectrumCurve::Average)
            .unwrap(),
        &before[..]
    );
}

#[test]
fn reconfiguring_fft_size_and_sample_rate_keeps_calibration() {
    let mut spectrum = Spectrum::new(RATE, settings(WindowKind::FlatTop));
    for size in FftSize::ALL {
        for rate in [44_100.0, 96_000.0] {
            spectrum.set_sample_rate(rate);
            spectrum.set_settings(SpectrumSettings {
                fft_size: size,
                ..settings(WindowKind::FlatTop)
            });
            assert_eq!(spectrum.bin_count(), size.len() / 2 + 1);
            let frames: Vec<[f32; 2]> = (0..size.len() as u64 * 2)
                .map(|n| [sine_at(n, 5000.0, rate, 0.25, 0.0) as f32, 0.0])
                .collect();
            spectrum.feed(&frames);
            let peak = spectrum.peak(Channel::Left, 1000.0, 10_000.0).unwrap();
            assert!(
                (peak.level_db - db(0.25)).abs() < 0.1,
                "{size:?} {rate}: {peak:?}"
            );
            assert!((peak.frequency_hz - 5000.0).abs() < 0.05 * spectrum.bin_hz());
        }
    }
}
