//! The spectrogram against analytic truth: levels, rows, columns and the frame-combining rule.

mod analysis_support;

use analysis_support::{db, sine_at};
use ringscope::analysis::{
    Channel, ChannelMode, FLOOR_DB, FftSize, FrequencyAxis, FrequencyScale, Orientation, Palette,
    Spectrogram, SpectrogramColours, SpectrogramSettings, Spectrum, SpectrumFrame,
    SpectrumSettings, WindowKind,
};

const RATE: f64 = 48_000.0;

fn spectrum_settings(fft_size: FftSize, overlap: f64, window: WindowKind) -> SpectrumSettings {
    SpectrumSettings {
        fft_size,
        window,
        overlap,
        channel_mode: ChannelMode::Left,
        averaging_seconds: 0.0,
        ..SpectrumSettings::default()
    }
}

/// Feeds `frames` in display-frame-sized blocks through a spectrum into a spectrogram.
fn run(
    spectrum: SpectrumSettings,
    settings: SpectrogramSettings,
    frames: &[[f32; 2]],
) -> (Spectrum, Spectrogram) {
    let mut spectrum = Spectrum::new(RATE, spectrum);
    let mut spectrogram = Spectrogram::new(RATE, settings);
    for block in frames.chunks(800) {
        spectrum.feed_with(block, |frame| spectrogram.push(frame));
    }
    (spectrum, spectrogram)
}

/// A left-only signal: `f(n)` for each sample.
fn left(len: usize, f: impl Fn(u64) -> f64) -> Vec<[f32; 2]> {
    (0..len as u64).map(|n| [f(n) as f32, 0.0]).collect()
}

fn row_of(settings: &SpectrogramSettings, hz: f64) -> usize {
    (settings.axis.fraction_of(hz) * settings.rows as f64) as usize
}

#[test]
fn a_tone_reads_its_level_in_its_frequencys_row() {
    let bin_hz = RATE / 8192.0;
    // Hann with a bin-centred tone; flat-top (no scalloping) anywhere between bins.
    let cases = [
        (WindowKind::Hann, 171.0 * bin_hz, -12.0),
        (WindowKind::Hann, 9.0 * bin_hz, -30.0), // 52.7 Hz: rows far finer than bins
        (WindowKind::FlatTop, 3000.0, -20.0),
        (WindowKind::FlatTop, 12_345.6, -3.0),
    ];
    for scale in [FrequencyScale::Logarithmic, FrequencyScale::Linear] {
        for (window, hz, level) in cases {
            let settings = SpectrogramSettings {
                history_seconds: 2.0,
                columns: 200,
                rows: 600,
                axis: FrequencyAxis {
                    scale,
                    min_hz: 20.0,
                    max_hz: 20_000.0,
                },
            };
            let amplitude = 10f64.powf(level / 20.0);
            let frames = left(RATE as usize, |n| sine_at(n, hz, RATE, amplitude, 0.4));
            let spectrum = spectrum_settings(FftSize::N8192, 0.75, window);
            let (_, spectrogram) = run(spectrum, settings, &frames);
            let newest = spectrogram.held().end - 1;
            let column = spectrogram.column(newest).unwrap();
            let row = row_of(&settings, hz);
            let what = format!("{scale:?} {window:?} {hz:.1} Hz {level} dB");
            assert!(
                (column[row] as f64 - level).abs() <= 0.5,
                "{what}: row {row} reads {}",
                column[row]
            );
            let loudest = (0..column.len())
                .max_by(|&a, &b| column[a].total_cmp(&column[b]))
                .unwrap();
            assert!(loudest.abs_diff(row) <= 1, "{what}: loudest row {loudest}");
            let hover = spectrogram.cell(0, row).unwrap();
            let axis = settings.axis;
            let rows = settings.rows as f64;
            let (lo, hi) = (
                axis.frequency_at(row as f64 / rows),
                axis.frequency_at((row + 1) as f64 / rows),
            );
            assert!(lo <= hz && hz < hi, "{what}: row {row} spans {lo}..{hi}");
            assert!(
                lo < hover.frequency_hz && hover.frequency_hz < hi,
                "{what}: {hover:?}"
            );
            assert_eq!(hover.level_db, column[row]);
        }
    }
}

#[test]
fn rows_finer_than_bins_are_interpolated_not_steps() {
    // A bin-centred 52.7 Hz Hann tone (bin 9; bins 8 and 10 at −6 dB, the rest ≈ 0) on a
    // 600-row log axis: about ten rows per 5.9 Hz bin.
    let settings = SpectrogramSettings {
        rows: 600,
        ..SpectrogramSettings::default()
    };
    let bin_hz = RATE / 8192.0;
    let frames = left(RATE as usize, |n| sine_at(n, 9.0 * bin_hz, RATE, 0.5, 0.0));
    let spectrum = spectrum_settings(FftSize::N8192, 0.75, WindowKind::Hann);
    let (_, spectrogram) = run(spectrum, settings, &frames);
    let column = spectrogram.column(spectrogram.held().end - 1).unwrap();
    let (low, peak, high) = (
        row_of(&settings, 8.0 * bin_hz),
        row_of(&settings, 9.0 * bin_hz),
        row_of(&settings, 10.0 * bin_hz),
    );
    assert!(peak - low > 8 && high - peak > 8, "{low} {peak} {high}");
    // Strictly rising to the tone's row and falling after it: no two rows share a step, and no
    // row overshoots the bins around it.
    assert!(
        (low..peak).all(|r| column[r] < column[r + 1]),
        "{:?}",
        &column[low..=high]
    );
    assert!(
        (peak..high).all(|r| column[r] > column[r + 1]),
        "{:?}",
        &column[low..=high]
    );
    assert!(
        (column[peak] as f64 - db(0.5)).abs() < 0.01,
        "{}",
        column[peak]
    );
    assert!(column[low] as f64 >= db(0.5) - 6.03 - 0.5);
}

#[test]
fn a_tone_switched_on_appears_in_the_column_of_its_first_sample() {
    // One frame per column: FFT 1024, hop 512, 512 samples per column, each holding the frame
    // centred in it (the first frame, fed 512 samples, is centred at 0).
    let settings = SpectrogramSettings {
        history_seconds: 400.0 * 512.0 / RATE,
        columns: 400,
        rows: 256,
        axis: FrequencyAxis {
            scale: FrequencyScale::Linear,
            min_hz: 0.0,
            max_hz: 24_000.0,
        },
    };
    let hz = 43.0 * RATE / 1024.0;
    let onset = 512 * 100;
    let frames = left(512 * 200, |n| {
        if n >= onset {
            sine_at(n - onset, hz, RATE, 0.5, 0.0)
        } else {
            0.0
        }
    });
    let spectrum = spectrum_settings(FftSize::N1024, 0.5, WindowKind::Hann);
    let (_, spectrogram) = run(spectrum, settings, &frames);
    let row = row_of(&settings, hz);
    let level = |c: u64| spectrogram.column(c).unwrap()[row] as f64;
    let span = spectrogram.column_span(100).unwrap();
    assert!(span.contains(&(onset as f64)), "{span:?}");
    // The frame centred on the onset holds half its window's weight of tone: −6.02 dB more.
    assert!(
        (level(100) - (db(0.5) - 6.02)).abs() <= 0.5,
        "{}",
        level(100)
    );
    assert!((level(101) - db(0.5)).abs() <= 0.5, "{}", level(101));
    assert!(level(99) < -100.0, "{}", level(99));

    // Many frames per column (FFT 512, 87.5 %: 22.5 hops per column at 60 s over 2000 px): the
    // column holding the onset shows the loudest of its frames, the tone at full level.
    let settings = SpectrogramSettings {
        history_seconds: 60.0,
        columns: 2000,
        ..settings
    };
    // 1440 samples per column; the first frame (FFT 512, hop 64) is centred at 64 − 256 = −192.
    let onset = 1440 * 40 + 100 - 192;
    let frames = left(1440 * 60, |n| {
        if n >= onset {
            sine_at(n - onset, 12.0 * RATE / 512.0, RATE, 0.5, 0.0)
        } else {
            0.0
        }
    });
    let spectrum = spectrum_settings(FftSize::N512, 0.875, WindowKind::Hann);
    let (_, spectrogram) = run(spectrum, settings, &frames);
    let row = row_of(&settings, 12.0 * RATE / 512.0);
    let level = |c: u64| spectrogram.column(c).unwrap()[row] as f64;
    let c = (0..2000)
        .find(|&c| {
            spectrogram
                .column_span(c)
                .unwrap()
                .contains(&(onset as f64))
        })
        .unwrap();
    assert_eq!(c, 40);
    assert!((level(c) - db(0.5)).abs() <= 0.5, "{}", level(c));
    assert!(level(c - 1) < db(0.5) - 10.0, "{}", level(c - 1));
    assert!(level(c - 2) < -100.0, "{}", level(c - 2));
}

#[test]
fn each_column_is_handed_out_once_and_at_most_an_image_wide() {
    let settings = SpectrogramSettings {
        history_seconds: 2.0,
        columns: 100,
        rows: 64,
        ..SpectrogramSettings::default()
    };
    let spectrum = spectrum_settings(FftSize::N1024, 0.5, WindowKind::Hann);
    let mut spectrum = Spectrum::new(RATE, spectrum);
    let mut spectrogram = Spectrogram::new(RATE, settings);
    let frames = left(3 * RATE as usize, |n| sine_at(n, 1000.0, RATE, 0.5, 0.0));
    let mut next = 0;
    for block in frames[..24_000].chunks(800) {
        spectrum.feed_with(block, |frame| spectrogram.push(frame));
        let new = spectrogram.new_columns();
        assert_eq!(new.start, next, "no column skipped or repeated");
        next = new.end;
    }
    assert_eq!(spectrogram.new_columns(), next..next, "nothing new");
    // Three seconds at once (150 columns): only the last image-width is handed out.
    spectrum.feed_with(&frames, |frame| spectrogram.push(frame));
    let new = spectrogram.new_columns();
    assert_eq!(new.end - new.start, 100);
    assert_eq!(new, spectrogram.held());
    // Painting: one pixel per cell, the top row the highest frequency.
    let mut pixels = vec![[1u8; 4]; 3 * 64];
    let colours = SpectrogramColours {
        palette: Palette::Greyscale,
        floor_db: -100.0,
        ceiling_db: 0.0,
    };
    let last = new.end - 3..new.end;
    let count = spectrogram.paint(last.clone(), colours, Orientation::TimeAlongX, &mut pixels);
    assert_eq!(count, 3);
    let column = spectrogram.column(last.start).unwrap();
    for (row, &level) in column.iter().enumerate() {
        let grey = (((level + 100.0) / 100.0).clamp(0.0, 1.0) * 255.0).round() as u8;
        let pixel = pixels[(63 - row) * 3];
        assert!(
            pixel[0].abs_diff(grey) <= 1,
            "row {row}: {pixel:?} for {level} dB"
        );
    }
    // Each part of a wrapping run is a block of consecutive slots.
    for part in spectrogram.split_at_wrap(new.clone()) {
        let slots: Vec<usize> = part.clone().map(|n| spectrogram.slot(n)).collect();
        assert!(
            slots.windows(2).all(|w| w[1] == w[0] + 1),
            "{part:?}: {slots:?}"
        );
    }
    let [a, b] = spectrogram.split_at_wrap(new.clone());
    assert_eq!((a.start, a.end, b.end), (new.start, b.start, new.end));
    // A reset clears the image and hands every column out again, to be repainted.
    spectrogram.reset();
    assert_eq!(spectrogram.new_columns(), spectrogram.held());
    assert!(
        spectrogram
            .column(new.end - 1)
            .unwrap()
            .iter()
            .all(|&x| x == FLOOR_DB)
    );
}

#[test]
fn nan_inf_and_huge_samples_are_counted_by_the_spectrum_and_harmless_here() {
    let settings = SpectrogramSettings::default();
    let hz = 171.0 * RATE / 8192.0;
    let mut frames = left(RATE as usize, |n| sine_at(n, hz, RATE, 0.25, 0.0));
    for (i, bad) in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30, -3e38]
        .into_iter()
        .enumerate()
    {
        frames[10_000 + i] = [bad, bad];
    }
    let spectrum = spectrum_settings(FftSize::N8192, 0.75, WindowKind::Hann);
    let (spectrum, mut spectrogram) = run(spectrum, settings, &frames);
    let health = spectrum.input_health();
    assert_eq!(
        (health.non_finite, health.out_of_range),
        (6, 4),
        "{health:?}"
    );
    let row = row_of(&settings, hz);
    for n in spectrogram.held() {
        let column = spectrogram.column(n).unwrap();
        assert!(
            column.iter().all(|x| x.is_finite() && *x <= 1.0),
            "column {n}"
        );
    }
    let newest = spectrogram.column(spectrogram.held().end - 1).unwrap();
    assert!(
        (newest[row] as f64 - db(0.25)).abs() <= 0.5,
        "{}",
        newest[row]
    );

    // Frames no spectrum makes (they are a public type): harmless, and bounded work.
    let power = [f32::NAN, f32::INFINITY, 1e38, -1.0, 0.0];
    for (bin_hz, centre) in [
        (f64::NAN, 0),
        (0.0, 1),
        (f64::INFINITY, 2),
        (-5.0, 3),
        (1.0, i64::MAX),
        (1.0, i64::MIN),
        (1e300, i64::MAX),
    ] {
        spectrogram.push(SpectrumFrame {
            channel: Channel::Left,
            power: &power,
            bin_hz,
            centre,
        });
    }
    spectrogram.push(SpectrumFrame {
        channel: Channel::Left,
        power: &[],
        bin_hz: 1.0,
        centre: 0,
    });
    for n in spectrogram.held() {
        let column = spectrogram.column(n).unwrap();
        assert!(column.iter().all(|x| !x.is_nan()), "column {n}");
    }
}

#[test]
fn the_picture_settles_when_the_last_loud_column_scrolls_out() {
    let settings = SpectrogramSettings {
        history_seconds: 2.0,
        columns: 200,
        rows: 100,
        ..SpectrogramSettings::default()
    };
    let mut spectrum = Spectrum::new(RATE, SpectrumSettings::default());
    let mut spectrogram = Spectrogram::new(RATE, settings);
    let settle = spectrogram.settle_seconds(&spectrum);
    let tone = left(RATE as usize, |n| sine_at(n, 1000.0, RATE, 0.5, 0.0));
    spectrum.feed_with(&tone, |frame| spectrogram.push(frame));
    let all_silent = |spectrogram: &Spectrogram| {
        spectrogram.held().all(|n| {
            spectrogram
                .column(n)
                .unwrap()
                .iter()
                .all(|&x| x == FLOOR_DB)
        })
    };
    let silence = vec![[0.0f32; 2]; ((settle - 0.05) * RATE) as usize];
    spectrum.feed_with(&silence, |frame| spectrogram.push(frame));
    assert!(
        !all_silent(&spectrogram),
        "still changing 50 ms before its settle time"
    );
    let rest = vec![[0.0f32; 2]; (0.05 * RATE) as usize + 1];
    spectrum.feed_with(&rest, |frame| spectrogram.push(frame));
    assert!(all_silent(&spectrogram), "settled after {settle} s");
}

#[test]
fn the_overlay_mode_shows_the_louder_channel_per_cell() {
    // L and R are two frames of one hop: each cell keeps the larger, so both tones show.
    let bin_hz = RATE / 8192.0;
    let (left_hz, right_hz) = (171.0 * bin_hz, 512.0 * bin_hz);
    let frames: Vec<[f32; 2]> = (0..RATE as u64)
        .map(|n| {
            [
                sine_at(n, left_hz, RATE, 0.5, 0.0) as f32,
                sine_at(n, right_hz, RATE, 0.25, 0.0) as f32,
            ]
        })
        .collect();
    let spectrum = SpectrumSettings {
        channel_mode: ChannelMode::Overlay,
        ..spectrum_settings(FftSize::N8192, 0.75, WindowKind::Hann)
    };
    let settings = SpectrogramSettings::default();
    let (_, spectrogram) = run(spectrum, settings, &frames);
    let column = spectrogram.column(spectrogram.held().end - 1).unwrap();
    let left_level = column[row_of(&settings, left_hz)] as f64;
    let right_level = column[row_of(&settings, right_hz)] as f64;
    assert!(
        (left_level - db(0.5)).abs() <= 0.5,
        "left tone: {left_level}"
    );
    assert!(
        (right_level - db(0.25)).abs() <= 0.5,
        "right tone: {right_level}"
    );
}

#[test]
fn a_burst_shorter_than_a_column_shows_at_its_level() {
    // 60 s over 2000 px at FFT 512, 87.5 %: 22.5 frames per 1440-sample column. A 512-sample
    // burst in column 40 is seen whole by one frame only; the column keeps that frame's level.
    let settings = SpectrogramSettings {
        history_seconds: 60.0,
        columns: 2000,
        rows: 256,
        axis: FrequencyAxis {
            scale: FrequencyScale::Linear,
            min_hz: 0.0,
            max_hz: 24_000.0,
        },
    };
    let hz = 12.0 * RATE / 512.0;
    // Frames are centred at −192 + 64·j; column 40 starts at the centre of frame 900.
    let burst = (-192 + 64 * 911 - 256)..(-192 + 64 * 911 + 256);
    let frames = left(1440 * 45, |n| {
        if burst.contains(&(n as i64)) {
            sine_at(n - burst.start as u64, hz, RATE, 0.5, 0.0)
        } else {
            0.0
        }
    });
    let spectrum = spectrum_settings(FftSize::N512, 0.875, WindowKind::Hann);
    let (_, spectrogram) = run(spectrum, settings, &frames);
    let row = row_of(&settings, hz);
    let level = |c: u64| spectrogram.column(c).unwrap()[row] as f64;
    let span = spectrogram.column_span(40).unwrap();
    assert!(span.contains(&(burst.start as f64)) && span.contains(&(burst.end as f64)));
    assert!((level(40) - db(0.5)).abs() <= 0.5, "{}", level(40));
    assert!(
        level(39) < -100.0 && level(41) < -100.0,
        "{} {}",
        level(39),
        level(41)
    );
}

#[test]
fn a_resize_resamples_the_held_columns_and_keeps_the_clock() {
    // One frame per column (FFT 1024, hop 512, 512 samples per column), a tone from column 100.
    let settings = SpectrogramSettings {
        history_seconds: 400.0 * 512.0 / RATE,
        columns: 400,
        rows: 256,
        axis: FrequencyAxis {
            scale: FrequencyScale::Linear,
            min_hz: 0.0,
            max_hz: 24_000.0,
        },
    };
    let hz = 43.0 * RATE / 1024.0;
    let onset = 512 * 100;
    let frames = left(512 * 300, |n| {
        if n >= onset {
            sine_at(n - onset, hz, RATE, 0.5, 0.0)
        } else {
            0.0
        }
    });
    let spectrum = spectrum_settings(FftSize::N1024, 0.5, WindowKind::Hann);
    let mut spectrum = Spectrum::new(RATE, spectrum);
    let mut spectrogram = Spectrogram::new(RATE, settings);
    for block in frames[..512 * 200].chunks(800) {
        spectrum.feed_with(block, |frame| spectrogram.push(frame));
    }
    let written = spectrogram.columns_written();
    // Half as wide, half as high: two old columns (and rows) per new one, the louder shown.
    let half = SpectrogramSettings {
        columns: 200,
        rows: 128,
        ..settings
    };
    spectrogram.set_settings(half);
    assert_eq!(
        spectrogram.new_columns(),
        spectrogram.held(),
        "all repainted"
    );
    let row = row_of(&half, hz);
    let level = |s: &Spectrogram, c: u64| s.column(c).unwrap()[row] as f64;
    let c = (0..spectrogram.columns_written())
        .find(|&c| {
            spectrogram
                .column_span(c)
                .is_some_and(|span| span.contains(&(onset as f64)))
        })
        .expect("the onset's column is held, on the same clock");
    // The onset's new column holds old column 100 (−6.02 dB: half the window's weight of
    // tone) and 99 (silence) or 101 (full level): the louder shows. The next holds the tone,
    // the one before only silence.
    let onset_level = level(&spectrogram, c);
    assert!(onset_level >= db(0.5) - 6.02 - 0.5, "{onset_level}");
    assert!(onset_level <= db(0.5) + 0.5, "{onset_level}");
    assert!((level(&spectrogram, c + 1) - db(0.5)).abs() <= 0.5);
    assert!(level(&spectrogram, c - 1) < -100.0);
    // The open column carries on: the next frames complete columns at the new width.
    for block in frames[512 * 200..].chunks(800) {
        spectrum.feed_with(block, |frame| spectrogram.push(frame));
    }
    let newer = spectrogram.columns_written();
    assert!(
        newer >= written.max(c) + 49 && newer <= written.max(c) + 51,
        "{newer}"
    );
    assert!((level(&spectrogram, newer - 1) - db(0.5)).abs() <= 0.5);
    let span = spectrogram.column_span(newer - 1).unwrap();
    assert!((span.end - span.start - 1024.0).abs() < 1e-6, "{span:?}");
}
