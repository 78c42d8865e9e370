//! Feeding and rendering allocate nothing: a counting global allocator proves it.

mod analysis_support;

use analysis_support::{Noise, sine_at};
use ringscope::analysis::{
    Channel, ChannelMode, ColumnMinMax, FftSize, FrequencyAxis, LoudnessCurve, LoudnessHistory,
    MeterSettings, Meters, Note, Orientation, POLAR_SECTORS, Palette, Scope, ScopeSettings,
    Smoothing, Spectrogram, SpectrogramColours, SpectrogramSettings, Spectrum, SpectrumCurve,
    SpectrumSettings, TransportInfo, TriggerMode, Vectorscope, VectorscopeMode,
    VectorscopeSettings, WindowKind,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts allocations made by threads that opted in, and passes everything to the system.
struct CountingAllocator;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: thread-local storage may already be gone while a thread shuts down.
    let _ = COUNTING.try_with(|counting| {
        if counting.get() {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        }
    });
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the contract.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: our caller keeps `alloc`'s contract for `layout`, which is `System`'s too.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: our caller keeps `realloc`'s contract: `ptr` came from this allocator, that
        // is from `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Allocations made by this thread while running `f`.
fn allocations_during(f: impl FnOnce()) -> u64 {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(|n| n.get())
}

#[test]
fn the_counter_sees_allocations() {
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8; 10]))) >= 1);
}

#[test]
fn feeding_and_rendering_allocate_nothing() {
    let rate = 48_000.0;
    let mut scope_settings = ScopeSettings::default();
    scope_settings.trigger.mode = TriggerMode::Auto;
    let mut scope = Scope::new(rate, scope_settings);
    let spectrum_settings = SpectrumSettings {
        fft_size: FftSize::N8192,
        window: WindowKind::BlackmanHarris,
        overlap: 0.75,
        channel_mode: ChannelMode::Overlay,
        smoothing: Smoothing::OctaveFraction(6),
        slope_db_per_octave: 3.0,
        ..SpectrumSettings::default()
    };
    let mut spectrum = Spectrum::new(rate, spectrum_settings);
    let mut meters = Meters::new(rate, MeterSettings::default());
    let mut scope_columns = vec![ColumnMinMax::default(); 2000];
    let mut spectrum_columns = vec![0.0f32; 2000];
    let axis = FrequencyAxis::default();

    let mut noise = Noise::new(11);
    let mut n = 0u64;
    let mut block = vec![[0.0f32; 2]; 4096];
    let mut frame = |block: &mut [[f32; 2]],
                     scope: &mut Scope,
                     spectrum: &mut Spectrum,
                     meters: &mut Meters,
                     len: usize| {
        for f in block[..len].iter_mut() {
            let x = sine_at(n, 440.0, rate, 0.5, 0.0) + 0.01 * noise.gaussian();
            *f = [x as f32, (0.7 * x) as f32];
            n += 1;
        }
        // A NaN now and then must not allocate either (e.g. for logging).
        if n.is_multiple_of(7) && len > 0 {
            block[0] = [f32::NAN, f32::INFINITY];
        }
        scope.feed_transport(TransportInfo {
            frame_position: scope.clock(),
            tempo_bpm: Some(128.0),
            beat_position: Some(n as f64 / rate * 128.0 / 60.0),
            bar_start_beats: Some(0.0),
            time_signature: Some((4, 4)),
            playing: true,
        });
        scope.feed(&block[..len]);
        spectrum.feed(&block[..len]);
        meters.feed(&block[..len]);
        let view = scope.view();
        for channel in ChannelMode::Overlay.channels() {
            scope.render(&view, *channel, &mut scope_columns);
            spectrum.render(
                *channel,
                SpectrumCurve::Average,
                &axis,
                &mut spectrum_columns,
            );
            spectrum.render(
                *channel,
                SpectrumCurve::PeakHold,
                &axis,
                &mut spectrum_columns,
            );
        }
        let peak = spectrum.peak(Channel::Left, 20.0, 20_000.0);
        let _ = peak.and_then(|p| Note::nearest(p.frequency_hz, 440.0));
        let _ = spectrum.level_at(Channel::Right, SpectrumCurve::Average, 1000.0);
        for channel in Channel::ALL {
            std::hint::black_box(meters.levels(channel));
        }
        std::hint::black_box((meters.correlation(), meters.loudness(), view));
    };

    // Warm-up: the first calls may touch lazily initialised state in dependencies.
    for _ in 0..20 {
        frame(&mut block, &mut scope, &mut spectrum, &mut meters, 800);
    }
    let count = allocations_during(|| {
        // Any block size, including empty and larger than the FFT, and every trigger mode.
        for (i, len) in [800usize, 0, 1, 4096, 333, 800, 800]
            .into_iter()
            .cycle()
            .take(300)
            .enumerate()
        {
            if i % 50 == 0 {
                let mut settings = *scope.settings();
                settings.trigger.mode = [
                    TriggerMode::Auto,
                    TriggerMode::Normal,
                    TriggerMode::FreeRun,
                    TriggerMode::BeatSync,
                    TriggerMode::Single,
                ][i / 50 % 5];
                scope.set_settings(settings);
                // Settings that keep the FFT size reallocate nothing.
                spectrum.set_settings(SpectrumSettings {
                    window: WindowKind::Hann,
                    ..*spectrum.settings()
                });
            }
            frame(&mut block, &mut scope, &mut spectrum, &mut meters, len);
        }
    });
    assert_eq!(count, 0, "allocations while feeding and rendering");
}

/// Every new view, fed and read as the editor does once per display frame.
struct Views {
    spectrum: Spectrum,
    spectrogram: Spectrogram,
    pixels: Vec<[u8; 4]>,
    vectorscopes: Vec<Vectorscope>,
    meters: Meters,
    history: LoudnessHistory,
    graph: Vec<ColumnMinMax>,
}

impl Views {
    fn new(rate: f64) -> Self {
        let spectrum_settings = SpectrumSettings {
            channel_mode: ChannelMode::Overlay,
            ..SpectrumSettings::default()
        };
        let spectrogram_settings = SpectrogramSettings {
            history_seconds: 2.0,
            columns: 2000,
            rows: 300,
            ..SpectrogramSettings::default()
        };
        let vectorscope = |mode| {
            let settings = VectorscopeSettings {
                mode,
                max_points: 1024,
                ..VectorscopeSettings::default()
            };
            Vectorscope::new(rate, settings)
        };
        Self {
            spectrum: Spectrum::new(rate, spectrum_settings),
            spectrogram: Spectrogram::new(rate, spectrogram_settings),
            pixels: vec![[0u8; 4]; 2000 * 300],
            vectorscopes: [
                VectorscopeMode::Lissajous,
                VectorscopeMode::PolarSample,
                VectorscopeMode::PolarLevel,
            ]
            .map(vectorscope)
            .into(),
            meters: Meters::new(rate, MeterSettings::default()),
            history: LoudnessHistory::new(),
            graph: vec![ColumnMinMax::default(); 2000],
        }
    }

    fn display_frame(&mut self, block: &[[f32; 2]]) {
        let spectrogram = &mut self.spectrogram;
        self.spectrum
            .feed_with(block, |frame| spectrogram.push(frame));
        let new = spectrogram.new_columns();
        for palette in Palette::ALL {
            let colours = SpectrogramColours::default().with_palette(palette);
            for orientation in [Orientation::TimeAlongX, Orientation::TimeAlongY] {
                spectrogram.paint(new.clone(), colours, orientation, &mut self.pixels);
            }
        }
        std::hint::black_box(spectrogram.cell(17, 100));
        let mut levels = [0.0; POLAR_SECTORS];
        for vectorscope in &mut self.vectorscopes {
            vectorscope.feed(block);
            std::hint::black_box((vectorscope.take_points().len(), vectorscope.gain_db()));
            vectorscope.polar_levels_db(&mut levels);
        }
        let history = &mut self.history;
        self.meters.feed_with(block, |b| history.push(b));
        std::hint::black_box((self.meters.correlation(), self.meters.balance()));
        for curve in [LoudnessCurve::Momentary, LoudnessCurve::ShortTerm] {
            for span in [60.0, 1800.0] {
                history.render(curve, span, &mut self.graph);
            }
            std::hint::black_box(history.value_at(curve, 12.3));
        }
        let loudness = self.meters.loudness();
        std::hint::black_box((loudness.plr_lu(), loudness.range_lu));
    }
}

#[test]
fn the_views_allocate_nothing_while_running() {
    let rate = 48_000.0;
    let mut views = Views::new(rate);
    let mut noise = Noise::new(5);
    let mut n = 0u64;
    let mut block = vec![[0.0f32; 2]; 4096];
    let mut frame = |block: &mut [[f32; 2]], views: &mut Views, len: usize| {
        for f in block[..len].iter_mut() {
            let x = sine_at(n, 440.0, rate, 0.5, 0.0) + 0.01 * noise.gaussian();
            *f = [x as f32, (-0.7 * x) as f32];
            n += 1;
        }
        if n.is_multiple_of(5) && len > 1 {
            block[1] = [f32::NAN, 1e30];
        }
        views.display_frame(&block[..len]);
    };
    for _ in 0..20 {
        frame(&mut block, &mut views, 800);
    }
    let count = allocations_during(|| {
        for (i, len) in [800usize, 0, 1, 4096, 333, 800]
            .into_iter()
            .cycle()
            .take(300)
            .enumerate()
        {
            if i % 100 == 50 {
                views.spectrogram.set_frozen(true);
            } else if i % 100 == 60 {
                views.spectrogram.set_frozen(false);
            } else if i == 150 {
                // Same size, other history: cleared, not reallocated.
                let settings = *views.spectrogram.settings();
                views.spectrogram.set_settings(SpectrogramSettings {
                    history_seconds: 60.0,
                    ..settings
                });
                views.spectrogram.reset();
                views.meters.reset_loudness();
                for vectorscope in &mut views.vectorscopes {
                    let settings = *vectorscope.settings();
                    vectorscope.set_settings(VectorscopeSettings {
                        auto_gain: false,
                        max_points: 512,
                        ..settings
                    });
                    vectorscope.reset();
                }
            }
            frame(&mut block, &mut views, len);
        }
    });
    assert_eq!(count, 0, "allocations while feeding and reading the views");
}
