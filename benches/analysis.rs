//! One 60 fps display frame of the analysis engine: 800 new stereo frames at 48 kHz fed to each
//! part, then a picture 2000 columns wide. Prints a Markdown table.
//!
//! Run with `cargo bench --bench analysis`.

use ringscope::analysis::{
    Channel, ChannelMode, ColumnMinMax, FftSize, FrequencyAxis, LoudnessCurve, LoudnessHistory,
    MeterSettings, Meters, Orientation, POLAR_SECTORS, Scope, ScopeSettings, Smoothing,
    Spectrogram, SpectrogramColours, SpectrogramSettings, Spectrum, SpectrumCurve,
    SpectrumSettings, TriggerMode, Vectorscope, VectorscopeMode, VectorscopeSettings, WindowKind,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

const RATE: f64 = 48_000.0;
const FRAMES_PER_PICTURE: usize = 800;
const COLUMNS: usize = 2000;
/// The spectrogram's height, rows.
const ROWS: usize = 600;
const BUDGET: Duration = Duration::from_micros(16_667);
const WARM_UP: usize = 200;
const MEASURED: usize = 3000;

/// A test signal: 440 Hz plus a little noise, slightly different in L and R.
struct Signal {
    n: u64,
    seed: u64,
}

impl Signal {
    fn next_block(&mut self, block: &mut [[f32; 2]]) {
        for frame in block {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            let noise = (self.seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
            let x = (self.n as f32 * 440.0 / RATE as f32 * std::f32::consts::TAU).sin() * 0.5;
            *frame = [x + 0.01 * noise, 0.8 * x - 0.01 * noise];
            self.n += 1;
        }
    }
}

struct Parts {
    scope: Scope,
    spectrum: Spectrum,
    meters: Meters,
    scope_columns: Vec<ColumnMinMax>,
    spectrum_columns: Vec<f32>,
    axis: FrequencyAxis,
    traces: ChannelMode,
    spectrogram: Spectrogram,
    pixels: Vec<[u8; 4]>,
    vectorscope: Vectorscope,
    history: LoudnessHistory,
}

impl Parts {
    fn new(traces: ChannelMode, window_seconds: f64) -> Self {
        let mut scope_settings = ScopeSettings {
            window_seconds,
            ..ScopeSettings::default()
        };
        scope_settings.trigger.mode = TriggerMode::Auto;
        scope_settings.trigger.source = Channel::Left;
        let spectrum_settings = SpectrumSettings {
            fft_size: FftSize::N8192,
            window: WindowKind::Hann,
            overlap: 0.75,
            channel_mode: traces,
            averaging_seconds: 0.3,
            peak_hold_seconds: 1.0,
            smoothing: Smoothing::Off,
            ..SpectrumSettings::default()
        };
        Self {
            scope: Scope::new(RATE, scope_settings),
            spectrum: Spectrum::new(RATE, spectrum_settings),
            meters: Meters::new(RATE, MeterSettings::default()),
            scope_columns: vec![ColumnMinMax::default(); COLUMNS],
            spectrum_columns: vec![0.0; COLUMNS],
            axis: FrequencyAxis::default(),
            traces,
            spectrogram: Spectrogram::new(
                RATE,
                SpectrogramSettings {
                    history_seconds: 10.0,
                    columns: COLUMNS,
                    rows: ROWS,
                    axis: FrequencyAxis::default(),
                },
            ),
            pixels: vec![[0; 4]; COLUMNS * ROWS],
            vectorscope: Vectorscope::new(RATE, VectorscopeSettings::default()),
            history: LoudnessHistory::new(),
        }
    }

    fn spectrum_hooked(&mut self, block: &[[f32; 2]]) {
        self.spectrum.feed_with(block, |frame| {
            black_box(frame.power[100]);
        });
        for &channel in self.traces.channels() {
            for curve in [SpectrumCurve::Average, SpectrumCurve::PeakHold] {
                self.spectrum
                    .render(channel, curve, &self.axis, &mut self.spectrum_columns);
                black_box(&self.spectrum_columns);
            }
        }
    }

    /// The spectrum (average and peak hold drawn) with the spectrogram built from its frames,
    /// the new columns painted.
    fn spectrum_and_spectrogram(&mut self, block: &[[f32; 2]]) {
        let spectrogram = &mut self.spectrogram;
        self.spectrum
            .feed_with(block, |frame| spectrogram.push(frame));
        let new = spectrogram.new_columns();
        let colours = SpectrogramColours::default();
        spectrogram.paint(new, colours, Orientation::TimeAlongX, &mut self.pixels);
        black_box(spectrogram.cell(10, 300));
        for &channel in self.traces.channels() {
            for curve in [SpectrumCurve::Average, SpectrumCurve::PeakHold] {
                self.spectrum
                    .render(channel, curve, &self.axis, &mut self.spectrum_columns);
                black_box(&self.spectrum_columns);
            }
        }
    }

    fn vectorscope(&mut self, block: &[[f32; 2]]) {
        self.vectorscope.feed(block);
        black_box((
            self.vectorscope.take_points().len(),
            self.vectorscope.gain(),
        ));
        let mut levels = [0.0; POLAR_SECTORS];
        self.vectorscope.polar_levels_db(&mut levels);
        black_box(levels);
    }

    /// The meters with the loudness history fed, both curves drawn over 30 min.
    fn meters_and_history(&mut self, block: &[[f32; 2]]) {
        let history = &mut self.history;
        self.meters.feed_with(block, |b| history.push(b));
        for channel in Channel::ALL {
            black_box(self.meters.levels(channel));
        }
        black_box((self.meters.correlation(), self.meters.balance()));
        black_box(self.meters.loudness().plr_lu());
        for curve in [LoudnessCurve::Momentary, LoudnessCurve::ShortTerm] {
            history.render(curve, 1800.0, &mut self.scope_columns);
            black_box(&self.scope_columns);
        }
    }

    fn scope(&mut self, block: &[[f32; 2]]) {
        self.scope.feed(block);
        let view = self.scope.view();
        for &channel in self.traces.channels() {
            self.scope.render(&view, channel, &mut self.scope_columns);
            black_box(&self.scope_columns);
        }
    }

    fn spectrum(&mut self, block: &[[f32; 2]]) {
        self.spectrum.feed(block);
        for &channel in self.traces.channels() {
            for curve in [SpectrumCurve::Average, SpectrumCurve::PeakHold] {
                self.spectrum
                    .render(channel, curve, &self.axis, &mut self.spectrum_columns);
                black_box(&self.spectrum_columns);
            }
        }
    }

    fn meters(&mut self, block: &[[f32; 2]]) {
        self.meters.feed(block);
        for channel in Channel::ALL {
            black_box(self.meters.levels(channel));
        }
        black_box((self.meters.correlation(), self.meters.loudness()));
    }
}

struct Stats {
    median: Duration,
    p10: Duration,
    p90: Duration,
    mean: Duration,
    max: Duration,
}

/// Times `work` once per display frame, on a fresh signal block each time.
fn measure(mut work: impl FnMut(&[[f32; 2]])) -> Stats {
    let mut signal = Signal {
        n: 0,
        seed: 0x9e37_79b9_7f4a_7c15,
    };
    let mut block = vec![[0.0f32; 2]; FRAMES_PER_PICTURE];
    for _ in 0..WARM_UP {
        signal.next_block(&mut block);
        work(&block);
    }
    let mut times = Vec::with_capacity(MEASURED);
    for _ in 0..MEASURED {
        signal.next_block(&mut block);
        let start = Instant::now();
        work(&block);
        times.push(start.elapsed());
    }
    let mean = times.iter().sum::<Duration>() / MEASURED as u32;
    times.sort();
    Stats {
        median: times[MEASURED / 2],
        p10: times[MEASURED / 10],
        p90: times[MEASURED * 9 / 10],
        mean,
        max: times[MEASURED - 1],
    }
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// Rows whose name contains the first non-flag argument (all rows without one).
fn selected(name: &str) -> bool {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    filter.is_none_or(|f| name.contains(&f))
}

fn row(name: &str, stats: &Stats) {
    println!(
        "| {name} | {} | {}–{} | {} | {} | {:.2} % |",
        micros(stats.median),
        micros(stats.p10),
        micros(stats.p90),
        micros(stats.mean),
        micros(stats.max),
        100.0 * stats.mean.as_secs_f64() / BUDGET.as_secs_f64(),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; accept and ignore harness arguments.
    println!(
        "One display frame = {FRAMES_PER_PICTURE} new stereo frames at {} kHz, pictures {COLUMNS} columns wide; \
         {MEASURED} frames measured after {WARM_UP} warm-up frames.\n",
        RATE / 1000.0
    );
    println!("| work per display frame | median | p10–p90 | mean | max | mean / 16.7 ms |");
    println!("|---|---|---|---|---|---|");

    let run = |name: String, work: &mut dyn FnMut(&[[f32; 2]])| {
        if selected(&name) {
            row(&name, &measure(work));
        }
    };
    for (traces, label) in [
        (ChannelMode::Mid, "1 trace (mid)"),
        (ChannelMode::Overlay, "2 traces (L+R overlay)"),
    ] {
        for (window, name) in [(0.02, "20 ms"), (1.0, "1 s"), (10.0, "10 s")] {
            let mut parts = Parts::new(traces, window);
            run(
                format!("scope, auto trigger, {name} window, {label}"),
                &mut |b| parts.scope(b),
            );
        }
        let mut parts = Parts::new(traces, 0.02);
        run(
            format!("spectrum, FFT 8192, 75 % overlap, average + peak hold, {label}"),
            &mut |b| parts.spectrum(b),
        );
        if traces == ChannelMode::Mid {
            let mut parts = Parts::new(traces, 0.02);
            run(
                "meters (peak, true peak, RMS for L/R/M/S; correlation; LUFS)".to_string(),
                &mut |b| parts.meters(b),
            );
        }
        let mut parts = Parts::new(traces, 0.02);
        run(
            format!("**total: scope 20 ms + spectrum + meters, {label}**"),
            &mut |b| {
                parts.scope(b);
                parts.spectrum(b);
                parts.meters(b);
            },
        );
    }
    let traces = ChannelMode::Overlay;
    let label = "2 traces (L+R overlay)";
    let mut parts = Parts::new(traces, 0.02);
    run(
        format!("spectrum as above through `feed_with` (a no-op frame hook), {label}"),
        &mut |b| parts.spectrum_hooked(b),
    );
    let mut parts = Parts::new(traces, 0.02);
    run(
        format!(
            "spectrum + spectrogram ({COLUMNS} × {ROWS} px, 10 s, new columns painted), {label}"
        ),
        &mut |b| parts.spectrum_and_spectrogram(b),
    );
    for (mode, name) in [
        (VectorscopeMode::Lissajous, "Lissajous"),
        (VectorscopeMode::PolarSample, "polar sample"),
        (VectorscopeMode::PolarLevel, "polar level"),
    ] {
        let mut parts = Parts::new(traces, 0.02);
        parts.vectorscope.set_settings(VectorscopeSettings {
            mode,
            ..VectorscopeSettings::default()
        });
        run(format!("vectorscope, {name}, auto-gain"), &mut |b| {
            parts.vectorscope(b)
        });
    }
    let mut parts = Parts::new(traces, 0.02);
    run(
        "meters + loudness history (LRA, PLR; M and S drawn over 30 min)".to_string(),
        &mut |b| parts.meters_and_history(b),
    );
    let mut parts = Parts::new(traces, 0.02);
    run(
        format!(
            "**total, every view: scope 20 ms + spectrum + spectrogram + vectorscope + meters + \
             loudness history, FFT 8192, 75 %, {COLUMNS} px, {label}**"
        ),
        &mut |b| {
            parts.scope(b);
            parts.spectrum_and_spectrogram(b);
            parts.vectorscope(b);
            parts.meters_and_history(b);
        },
    );
}
