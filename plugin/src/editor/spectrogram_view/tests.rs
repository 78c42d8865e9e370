//! The spectrogram view's tests: frames drawn in a headless egui context (everything but the
//! GPU), the texture's uploads read from egui's output.

use egui::epaint::ImageDelta;
use egui::{Event, RawInput, pos2, vec2};
use nice_plug::params::InternalParamMut;
use ringscope::analysis::{Channel, SpectrumFrame};

use super::texture::parts;
use super::*;
use crate::editor::display::AnalysisSettings;
use crate::params::{SpectrogramDirection, SpectrogramPalette};

const RATE: f32 = 48_000.0;
/// Frames the audio side delivers per display frame (60 Hz at 48 kHz).
const BLOCK: usize = 800;
const TONE_HZ: f32 = 1000.0;

/// A view drawing into a headless 600 × 300 egui context, fed a tone.
struct Bench {
    ctx: egui::Context,
    view: SpectrogramView,
    display: DisplayState,
    params: RingscopeParams,
    /// Samples of tone fed so far.
    fed: usize,
    /// Where the view was laid out in the last frame.
    rect: Rect,
    /// The headless window's size, points.
    screen: egui::Vec2,
    /// The tone's amplitude (0: silence).
    amplitude: f32,
    /// What the last frame drew (its texture uploads in `uploads`).
    output: egui::FullOutput,
    /// The last frame's texture uploads, by texture.
    uploads: std::collections::HashMap<egui::TextureId, Vec<ImageDelta>>,
}

impl Bench {
    fn new() -> Self {
        let params = RingscopeParams::default();
        let display = DisplayState::new(RATE, AnalysisSettings::from_params(&params));
        Self {
            ctx: egui::Context::default(),
            view: SpectrogramView::default(),
            display,
            params,
            fed: 0,
            rect: Rect::NOTHING,
            screen: vec2(600.0, 300.0),
            amplitude: 0.5,
            output: egui::FullOutput::default(),
            uploads: Default::default(),
        }
    }

    /// Feeds a display frame's worth of a 1 kHz tone at `amplitude` (half scale, −6 dBFS,
    /// unless a test changed it) through the spectrum into the spectrogram, as the display does
    /// while the pane shows.
    fn feed(&mut self) {
        let block: Vec<[f32; 2]> = tone(self.fed, self.amplitude).map(|x| [x, x]).collect();
        self.fed += BLOCK;
        let spectrogram = &mut self.display.spectrogram;
        self.display
            .spectrum
            .feed_with(&block, |frame| spectrogram.push(frame));
    }

    /// Draws one frame, the pointer at `pointer` if any, with the parameters as they are now;
    /// returns the spectrogram texture's uploads (a renderer would apply them; there is none).
    fn frame(&mut self, pointer: Option<Pos2>) -> Vec<ImageDelta> {
        self.display
            .configure(AnalysisSettings::from_params(&self.params));
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, self.screen)),
            events: pointer.map(Event::PointerMoved).into_iter().collect(),
            ..Default::default()
        };
        let Self {
            ctx,
            view,
            display,
            params,
            rect,
            ..
        } = self;
        let mut output = ctx.run_ui(input, |ui| *rect = view.show(ui, display, params).rect);
        let id = self.view.texture.id().expect("the texture is made");
        let uploads = output
            .textures_delta
            .set
            .get(&id)
            .map_or_else(Vec::new, |deltas| deltas.to_vec());
        self.uploads = (output.textures_delta.set.iter())
            .map(|(id, deltas)| (*id, deltas.to_vec()))
            .collect();
        output.textures_delta.clear();
        self.output = output;
        uploads
    }

    /// Feeds and draws a frame; returns the columns completed meanwhile and the uploads.
    fn step(&mut self) -> (u64, Vec<ImageDelta>) {
        let before = self.display.spectrogram.columns_written();
        self.feed();
        let completed = self.display.spectrogram.columns_written() - before;
        (completed, self.frame(None))
    }

    fn plot(&self) -> Rect {
        PlotFrame::new(self.rect).plot
    }
}

/// A display frame's worth (from sample `from` on) of the 1 kHz tone at `amplitude`.
fn tone(from: usize, amplitude: f32) -> impl Iterator<Item = f32> {
    (from..from + BLOCK)
        .map(move |n| amplitude * (n as f32 * TONE_HZ / RATE * std::f32::consts::TAU).sin())
}

/// The total extent along time of `uploads` (x for time along x, y for a waterfall), checking
/// each is a partial upload across the whole frequency extent.
fn uploaded_columns(uploads: &[ImageDelta], orientation: Orientation, rows: usize) -> usize {
    uploads
        .iter()
        .map(|delta| {
            assert!(delta.pos.is_some(), "a whole-texture upload");
            let [width, height] = delta.image.size();
            match orientation {
                Orientation::TimeAlongX => {
                    assert_eq!(height, rows);
                    width
                }
                Orientation::TimeAlongY => {
                    assert_eq!(width, rows);
                    height
                }
            }
        })
        .sum()
}

#[test]
fn each_frame_uploads_only_the_columns_completed_and_a_colour_change_repaints_once() {
    let mut bench = Bench::new();
    // The first frame makes the texture at the plot's size in physical pixels.
    let made = bench.frame(None);
    let plot = bench.plot();
    let settings = *bench.display.spectrogram.settings();
    assert_eq!(settings.columns, plot.width().round() as usize);
    assert_eq!(settings.rows, plot.height().round() as usize);
    assert_eq!(settings.history_seconds, 10.0);
    assert!(made[0].pos.is_none());
    assert_eq!(made[0].image.size(), [settings.columns, settings.rows]);

    // Two seconds of a tone: each frame uploads the columns completed in it, at their slots.
    let mut total = 0;
    for i in 0..120 {
        let slot = bench
            .display
            .spectrogram
            .slot(bench.display.spectrogram.columns_written());
        let (completed, uploads) = bench.step();
        let uploaded = uploaded_columns(&uploads, Orientation::TimeAlongX, settings.rows);
        assert_eq!(uploaded as u64, completed, "frame {i}");
        if let Some(first) = uploads.first() {
            assert_eq!(first.pos, Some([slot, 0]), "frame {i}");
        }
        total += completed;
    }
    // 2 s at 10 s over the plot's width, less the FFT's latency.
    assert!(total > settings.columns as u64 / 6, "{total}");
    assert!(total < settings.columns as u64 / 5 + 1, "{total}");

    // A new floor: the held columns are repainted once, then only new columns again.
    // SAFETY: no other thread sees these parameters.
    unsafe {
        bench
            .params
            .spectrogram
            .floor_db
            ._internal_set_plain_value(-90.0)
    };
    let (_, uploads) = bench.step();
    let held = bench.display.spectrogram.held();
    let uploaded = uploaded_columns(&uploads, Orientation::TimeAlongX, settings.rows);
    assert_eq!(uploaded as u64, held.end - held.start);
    let (completed, uploads) = bench.step();
    let uploaded = uploaded_columns(&uploads, Orientation::TimeAlongX, settings.rows);
    assert_eq!(uploaded as u64, completed);
    assert!(completed < 3);
}

#[test]
fn a_waterfall_uploads_rows_of_time_and_a_palette_change_repaints_once() {
    let mut bench = Bench::new();
    // SAFETY: no other thread sees these parameters.
    unsafe {
        (bench.params.spectrogram.direction)
            ._internal_set_plain_value(SpectrogramDirection::Waterfall)
    };
    let made = bench.frame(None);
    let plot = bench.plot();
    let settings = *bench.display.spectrogram.settings();
    // Time runs down the plot's height, frequency across its width.
    assert_eq!(settings.columns, plot.height().round() as usize);
    assert_eq!(settings.rows, plot.width().round() as usize);
    assert!(made[0].pos.is_none());
    assert_eq!(made[0].image.size(), [settings.rows, settings.columns]);
    for i in 0..60 {
        let slot = bench
            .display
            .spectrogram
            .slot(bench.display.spectrogram.columns_written());
        let (completed, uploads) = bench.step();
        let uploaded = uploaded_columns(&uploads, Orientation::TimeAlongY, settings.rows);
        assert_eq!(uploaded as u64, completed, "frame {i}");
        if let Some(first) = uploads.first() {
            assert_eq!(first.pos, Some([0, slot]), "frame {i}");
        }
    }
    // SAFETY: as above.
    unsafe {
        (bench.params.spectrogram.palette)._internal_set_plain_value(SpectrogramPalette::Greyscale)
    };
    let (_, uploads) = bench.step();
    let held = bench.display.spectrogram.held();
    assert!(held.end > held.start);
    let uploaded = uploaded_columns(&uploads, Orientation::TimeAlongY, settings.rows);
    assert_eq!(uploaded as u64, held.end - held.start);
    // Grey: the tone's cells are bright and equal in r, g and b.
    let newest = uploads.last().unwrap();
    let egui::ImageData::Color(image) = &newest.image;
    let brightest = image.pixels.iter().max_by_key(|c| c.r()).unwrap();
    assert!(brightest.r() > 200 && brightest.r() == brightest.g());
}

#[test]
fn the_ring_is_drawn_in_two_parts_newest_at_the_edge() {
    let settings = SpectrogramSettings {
        history_seconds: 2.0,
        columns: 100,
        rows: 10,
        ..SpectrogramSettings::default()
    };
    let mut spectrogram = Spectrogram::new(f64::from(RATE), settings);
    // A frame every column (2 s over 100 columns: 960 samples): 131 frames complete 130.
    let power = vec![1.0f32; 513];
    for n in 0..131 {
        spectrogram.push(SpectrumFrame {
            channel: Channel::Mid,
            power: &power,
            bin_hz: 46.875,
            centre: n * 960,
        });
    }
    assert_eq!(spectrogram.held(), 30..130);
    let plot = Rect::from_min_size(pos2(10.0, 20.0), vec2(200.0, 100.0));
    let close = |a: Rect, b: Rect| (a.min - b.min).length() + (a.max - b.max).length() < 1e-4;
    let rect = |x0: f32, y0: f32, x1: f32, y1: f32| Rect::from_min_max(pos2(x0, y0), pos2(x1, y1));
    // Slots 30..100 (columns 30..99, the oldest) from the left edge, slots 0..30 (columns
    // 100..129) up to the right edge.
    let [old, new] = parts(&spectrogram, Orientation::TimeAlongX, plot);
    assert!(close(old.0, rect(10.0, 20.0, 150.0, 120.0)), "{old:?}");
    assert!(close(old.1, rect(0.3, 0.0, 1.0, 1.0)), "{old:?}");
    assert!(close(new.0, rect(150.0, 20.0, 210.0, 120.0)), "{new:?}");
    assert!(close(new.1, rect(0.0, 0.0, 0.3, 1.0)), "{new:?}");
    // A waterfall: the newest at the top, the texture flipped.
    let [old, new] = parts(&spectrogram, Orientation::TimeAlongY, plot);
    assert!(close(old.0, rect(10.0, 50.0, 210.0, 120.0)), "{old:?}");
    assert!(close(old.1, rect(0.0, 1.0, 1.0, 0.3)), "{old:?}");
    assert!(close(new.0, rect(10.0, 20.0, 210.0, 50.0)), "{new:?}");
    assert!(close(new.1, rect(0.0, 0.3, 1.0, 0.0)), "{new:?}");
}

#[test]
fn hover_reads_time_ago_frequency_note_and_level_also_while_frozen() {
    let mut bench = Bench::new();
    let _ = bench.frame(None);
    for _ in 0..60 {
        bench.step();
    }
    let plot = bench.plot();
    let settings = *bench.display.spectrogram.settings();
    // The pointer over the tone's row, 10 columns before the newest.
    let row = (settings.axis.fraction_of(f64::from(TONE_HZ)) * settings.rows as f64) as usize;
    let ppp = plot.height() / settings.rows as f32;
    let pointer = pos2(
        plot.right() - 10.5 * ppp,
        plot.bottom() - (row as f32 + 0.5) * ppp,
    );
    let read = |bench: &mut Bench| {
        // Twice: egui finds what is under the pointer from the previous frame's layout.
        for _ in 0..2 {
            let _ = bench.frame(Some(pointer));
        }
        let lines: Vec<String> = bench.view.readout.iter().map(|(s, _)| s.into()).collect();
        lines
    };
    let cell = bench.display.spectrogram.cell(10, row).unwrap();
    assert!(
        (cell.frequency_hz - f64::from(TONE_HZ)).abs() < 10.0,
        "{cell:?}"
    );
    // −6.02 dBFS, less up to 1.42 dB of Hann scalloping.
    assert!(cell.level_db > -7.6 && cell.level_db < -5.5, "{cell:?}");
    let mut expected = vec![String::new(); 3];
    format::write_time(cell.seconds_ago, TimeStyle::READING, &mut expected[0]);
    expected[0].push_str(" ago");
    format::write_hz(cell.frequency_hz, &mut expected[1]);
    expected[1].push_str("  ");
    format::write_note(cell.frequency_hz, &mut expected[1]);
    format::write_db(cell.level_db, "dBFS", &mut expected[2]);
    assert!(expected[1].contains("kHz  B5"), "{expected:?}");
    assert_eq!(read(&mut bench), expected);

    // Frozen, fed on: the image and the reading under the pointer stay.
    // SAFETY: no other thread sees these parameters.
    unsafe { bench.params.freeze._internal_set_plain_value(true) };
    let _ = bench.frame(None);
    for _ in 0..30 {
        bench.step();
    }
    assert_eq!(read(&mut bench), expected);
    assert_eq!(bench.view.caption, "frozen");

    // Left of the columns written so far there is no data.
    let _ = bench.frame(Some(pos2(plot.left() + 2.0, plot.center().y)));
    let lines: Vec<&str> = bench.view.readout.iter().map(|(s, _)| s).collect();
    assert_eq!(lines, ["no data yet"]);
}

#[test]
fn a_texel_per_physical_pixel_the_spectrum_frequency_labels_and_time_from_the_newest_edge() {
    let mut bench = Bench::new();
    bench.ctx.set_pixels_per_point(2.0);
    for _ in 0..2 {
        bench.frame(None);
    }
    assert_eq!(bench.ctx.pixels_per_point(), 2.0);
    let plot = bench.plot();
    let settings = *bench.display.spectrogram.settings();
    assert_eq!(settings.columns, (plot.width() * 2.0).round() as usize);
    assert_eq!(settings.rows, (plot.height() * 2.0).round() as usize);
    // The rows follow the spectrum's frequency axis.
    assert_eq!(
        settings.axis,
        plot::frequency_axis(&bench.params, bench.display.sample_rate)
    );
    let fraction = |ticks: &[crate::editor::ticks::Tick], value: f64| {
        ticks
            .iter()
            .find(|t| (t.value - value).abs() < 1e-9)
            .map(|t| t.fraction)
    };
    // Frequency up the plot where the axis puts it; seconds ago from 0 at the right edge to
    // the history at the left.
    let up = &bench.view.y_axis.ticks.ticks;
    assert_eq!(
        fraction(up, 1000.0),
        Some(settings.axis.fraction_of(1000.0) as f32)
    );
    let across = &bench.view.x_axis.ticks.ticks;
    assert_eq!(fraction(across, 0.0), Some(1.0));
    assert_eq!(fraction(across, 10.0), Some(0.0));
    assert_eq!(bench.view.x_axis.ticks.label(10.0), "10 s");
}

/// Where a tone burst lies in the held image: the columns ago (from the newest) of its newest
/// and oldest columns in the tone's row, and the row of the tone's peak in the burst's middle.
fn burst(spectrogram: &Spectrogram) -> (u64, u64, usize) {
    let settings = *spectrogram.settings();
    let row = (settings.axis.fraction_of(f64::from(TONE_HZ)) * settings.rows as f64) as usize;
    let loud = |ago: u64| {
        spectrogram
            .cell(ago, row)
            .is_some_and(|c| c.level_db > -30.0)
    };
    let columns = settings.columns as u64;
    let newest = (0..columns)
        .find(|&ago| loud(ago))
        .expect("the burst is held");
    let oldest = (newest..columns)
        .take_while(|&ago| loud(ago))
        .last()
        .unwrap();
    let middle = (newest + oldest) / 2;
    let peak = (0..settings.rows)
        .max_by(|&a, &b| {
            let level = |r| spectrogram.cell(middle, r).unwrap().level_db;
            level(a).total_cmp(&level(b))
        })
        .unwrap();
    (newest, oldest, peak)
}

#[test]
fn a_resize_keeps_the_history_resampled_and_uploads_the_whole_image_once() {
    let mut bench = Bench::new();
    let _ = bench.frame(None);
    // Silence, a 2 s tone burst, then 1 s of silence: the burst has edges in time.
    for (amplitude, frames) in [(0.0, 60), (0.5, 120), (0.0, 60)] {
        bench.amplitude = amplitude;
        for _ in 0..frames {
            bench.step();
        }
    }
    let mut before = *bench.display.spectrogram.settings();
    let (mut newest, mut oldest, mut peak) = burst(&bench.display.spectrogram);
    // The window grows, then shrinks below its first size.
    for screen in [vec2(900.0, 450.0), vec2(500.0, 250.0)] {
        bench.screen = screen;
        let uploads = bench.frame(None);
        let after = *bench.display.spectrogram.settings();
        assert_ne!(after.columns, before.columns);
        assert_ne!(after.rows, before.rows);
        // The new texture once, then every held column into it.
        assert_eq!(uploads.iter().filter(|d| d.pos.is_none()).count(), 1);
        let held = bench.display.spectrogram.held();
        let partial: Vec<_> = uploads.into_iter().filter(|d| d.pos.is_some()).collect();
        let uploaded = uploaded_columns(&partial, Orientation::TimeAlongX, after.rows);
        assert_eq!(uploaded as u64, held.end - held.start);

        // The burst where it was, within a pixel: its edges at the same fraction of the time
        // axis (column centres compared), its peak at the tone's row.
        let scale = after.columns as f64 / before.columns as f64;
        let (new_newest, new_oldest, new_peak) = burst(&bench.display.spectrogram);
        for (old, new) in [(newest, new_newest), (oldest, new_oldest)] {
            let expected = (old as f64 + 0.5) * scale - 0.5;
            assert!(
                (new as f64 - expected).abs() <= 1.0,
                "{before:?} → {after:?}: column {old} ago became {new}, expected {expected:.1}"
            );
        }
        let row = after.axis.fraction_of(f64::from(TONE_HZ)) * after.rows as f64;
        assert!(
            (new_peak as f64 + 0.5 - row).abs() <= 1.0,
            "peak row {new_peak} (was {peak}), the tone's row {row:.1}"
        );
        // At its level (−6.02 dBFS less up to 1.42 dB of scalloping) in the burst's middle.
        let level = bench
            .display
            .spectrogram
            .cell((new_newest + new_oldest) / 2, new_peak);
        assert!(level.unwrap().level_db > -7.6, "{level:?}");

        // Steady state again: only the columns completed, as partial uploads.
        for i in 0..10 {
            let (completed, uploads) = bench.step();
            let uploaded = uploaded_columns(&uploads, Orientation::TimeAlongX, after.rows);
            assert_eq!(uploaded as u64, completed, "frame {i}");
        }
        before = after;
        (newest, oldest, peak) = burst(&bench.display.spectrogram);
    }
}

mod lanes;
