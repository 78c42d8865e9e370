//! The spectrum view: the analysis engine's averaged spectrum (shaded underneath) and its peak
//! hold (a thin, lighter line) per trace, on a log or linear frequency axis labelled in Hz and a
//! level axis in dBFS following the range parameters. The loudest peak is marked and read out;
//! under the pointer a crosshair reads frequency, nearest note and every curve's level (the
//! overlaid instances' and the sidechain's too, each in its colour), also while frozen.

use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, pos2, vec2};
use ringscope::analysis::{Channel, FrequencyAxis, SpectrumCurve};

use super::display::DisplayState;
use super::format::{self, Sign};
use super::plot::{self, AxisPainter, LevelScale, PlotFrame};
use super::readout::{self, Readout};
use super::theme;
use super::trace;
use crate::params::RingscopeParams;

mod headless;
pub(super) mod overlays;

pub use self::headless::HeadlessSpectrum;

/// Physical pixels per spectrum column: the curves are computed and drawn at every second pixel
/// (each column the loudest of its bins, so no peak is lost). The anti-aliased curve looks the
/// same, and a software rasteriser spends its time on the triangles: egui's line costs six per
/// point, and four curves and two fills are drawn.
const PIXELS_PER_COLUMN: f32 = 2.0;

/// The frequency axis and dB range to draw, made valid whatever the parameters say.
fn ranges(params: &RingscopeParams, sample_rate: f32) -> (FrequencyAxis, (f32, f32)) {
    (
        plot::frequency_axis(params, sample_rate),
        params.spectrum_levels(),
    )
}

/// The spectrum view's buffers, reused between frames.
#[derive(Debug, Default)]
pub struct SpectrumView {
    /// The columns drawn this frame (dBFS), per trace and curve (see [`curve_slot`]): the
    /// readout reads what is drawn.
    curves: [Vec<f32>; 4],
    points: Vec<Pos2>,
    /// `points` without what lies on the straight line between its neighbours.
    simplified: Vec<Pos2>,
    x_axis: AxisPainter,
    y_axis: AxisPainter,
    readout: Readout,
    caption: String,
    /// Other instances' spectra drawn over this one ([`crate::compare`]).
    overlays: overlays::OverlayLayer,
}

/// What the spectrum shows this frame, and where: everything the axes, curves and hover
/// readout read besides the rendered columns.
struct Picture {
    frame: PlotFrame,
    axis: FrequencyAxis,
    scale: LevelScale,
    /// Whether the peak-hold curves are drawn.
    peak_hold: bool,
    /// The traces, in drawing order.
    channels: &'static [Channel],
    /// Pixel columns of every curve.
    columns: usize,
}

impl Picture {
    /// What to show in `rect` at `pixels_per_point`, as the parameters ask.
    fn new(
        rect: Rect,
        pixels_per_point: f32,
        display: &DisplayState,
        params: &RingscopeParams,
    ) -> Self {
        let frame = PlotFrame::new(rect);
        let (axis, (lo, hi)) = ranges(params, display.sample_rate);
        Self {
            frame,
            axis,
            scale: LevelScale::new(frame.plot, lo, hi),
            peak_hold: params.peak_hold_s.value() > 0.0,
            channels: display.settings.channels(),
            columns: frame.columns(pixels_per_point / PIXELS_PER_COLUMN),
        }
    }

    /// The curves drawn per trace, in drawing order: the peak hold (when on) under the average.
    fn curves(&self) -> &'static [SpectrumCurve] {
        if self.peak_hold {
            &[SpectrumCurve::PeakHold, SpectrumCurve::Average]
        } else {
            &[SpectrumCurve::Average]
        }
    }
}

#[cfg(test)]
impl Picture {
    /// A 736 × 300 point pane at one column per point, on the default frequency axis and a
    /// −96 … +6 dB level range, with no peak hold: the views' tests draw on it.
    fn for_tests(channels: &'static [Channel]) -> Self {
        let frame = PlotFrame::new(Rect::from_min_size(pos2(0.0, 0.0), vec2(736.0, 300.0)));
        Self {
            frame,
            axis: FrequencyAxis::default(),
            scale: LevelScale::new(frame.plot, -96.0, 6.0),
            peak_hold: false,
            channels,
            columns: frame.columns(1.0),
        }
    }
}

impl SpectrumView {
    /// Draws the spectrum into all of `ui`'s available space.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        display: &mut DisplayState,
        params: &RingscopeParams,
    ) -> Response {
        let (response, painter) = ui.allocate_painter(ui.available_size(), Sense::hover());
        let ppp = ui.ctx().pixels_per_point();
        let picture = Picture::new(response.rect, ppp, display, params);

        plot::background(&painter, picture.frame.plot);
        self.draw_axes(&painter, &picture);
        self.render(display, &picture);
        self.draw_curves(&painter, &picture);
        self.overlays
            .show(&painter, display, params, &picture, &self.curves[0]);
        self.draw_caption(&painter, display, &picture);
        self.hover(&response, &painter, &picture);
        response
    }

    /// The grid: level up, frequency across.
    fn draw_axes(&mut self, painter: &Painter, picture: &Picture) {
        let Picture { frame, scale, .. } = picture;
        let plot = frame.plot;
        let label_height = plot::label_height(painter);
        let (lo, hi) = scale.range();
        self.y_axis
            .ticks
            .decibels(f64::from(lo), f64::from(hi), plot.height(), label_height);
        self.y_axis
            .draw_y(painter, plot, (plot.bottom(), plot.top()), frame.left);
        self.x_axis
            .ticks
            .frequency(&picture.axis, plot.width(), plot::digit_width(painter));
        self.x_axis.draw_x(painter, plot, frame.bottom);
    }

    /// Asks the analysis for every curve drawn, one level per pixel column.
    fn render(&mut self, display: &mut DisplayState, picture: &Picture) {
        for curve in &mut self.curves {
            curve.resize(picture.columns, 0.0);
        }
        for (index, &channel) in picture.channels.iter().enumerate() {
            for &curve in picture.curves() {
                let values = &mut self.curves[curve_slot(index, curve)];
                display
                    .spectrum
                    .render(channel, curve, &picture.axis, values);
            }
        }
    }

    /// Per trace the peak hold as a thin line, then the average shaded underneath, so the
    /// average is drawn over the hold.
    fn draw_curves(&mut self, painter: &Painter, picture: &Picture) {
        let plot = picture.frame.plot;
        let clip = painter.with_clip_rect(plot);
        let count = picture.channels.len();
        for (index, &channel) in picture.channels.iter().enumerate() {
            for &curve in picture.curves() {
                self.curve_points(index, curve, picture);
                trace::simplify(&self.points, trace::TOLERANCE, &mut self.simplified);
                if curve == SpectrumCurve::Average {
                    let fill = theme::spectrum_fill(channel);
                    clip.add(shade_under(
                        &self.simplified,
                        plot.bottom(),
                        SHADE_DEPTH,
                        fill,
                    ));
                }
                let stroke = match curve {
                    SpectrumCurve::PeakHold => theme::peak_hold_stroke(channel),
                    SpectrumCurve::Average => theme::trace_stroke(channel, index, count, false),
                };
                clip.add(Shape::line(self.simplified.clone(), stroke));
            }
        }
    }

    /// Trace `index`'s rendered `curve` as points on the plot, into `self.points`.
    fn curve_points(&mut self, index: usize, curve: SpectrumCurve, picture: &Picture) {
        let values = &self.curves[curve_slot(index, curve)];
        let columns = values.len();
        self.points.clear();
        self.points.extend(
            values
                .iter()
                .enumerate()
                .map(|(c, &db)| pos2(picture.frame.column_x(c, columns), picture.scale.y(db))),
        );
    }

    /// The legend, and the loudest peak marked and read out in the caption.
    fn draw_caption(&mut self, painter: &Painter, display: &DisplayState, picture: &Picture) {
        let plot = picture.frame.plot;
        let hold_legend = picture.peak_hold.then_some(("peak hold", theme::LABEL_DIM));
        let legend_left = plot::legend(painter, plot, picture.channels, hold_legend);
        if self.draw_peak(painter, display, picture) {
            plot::caption(painter, plot, &self.caption, legend_left);
        }
    }

    /// The level trace `index`'s `curve` was drawn at, `fraction` across the plot (dBFS).
    fn level_under(&self, index: usize, curve: SpectrumCurve, fraction: f64) -> Option<f32> {
        let values = &self.curves[curve_slot(index, curve)];
        readout::column_at(fraction, values.len()).map(|c| values[c])
    }

    /// Marks the loudest peak of the first trace and writes its readout into `self.caption`;
    /// whether there is one.
    fn draw_peak(&mut self, painter: &Painter, display: &DisplayState, picture: &Picture) -> bool {
        let Picture {
            frame, axis, scale, ..
        } = picture;
        let plot = frame.plot;
        let Some(&channel) = picture.channels.first() else {
            return false;
        };
        let Some(peak) = display.spectrum.peak(channel, axis.min_hz, axis.max_hz) else {
            return false;
        };
        if peak.level_db <= f64::from(scale.range().0) {
            return false;
        }
        let x = plot.left() + axis.fraction_of(peak.frequency_hz) as f32 * plot.width();
        let y = scale.y(peak.level_db as f32).max(plot.top() + 10.0);
        let tip = pos2(x, y - 3.0);
        painter.add(Shape::convex_polygon(
            vec![tip, tip + vec2(-4.0, -7.0), tip + vec2(4.0, -7.0)],
            theme::LABEL,
            Stroke::NONE,
        ));
        self.caption.clear();
        self.caption.push_str("peak ");
        format::write_hz(peak.frequency_hz, &mut self.caption);
        self.caption.push_str("  ");
        format::write_note(peak.frequency_hz, &mut self.caption);
        self.caption.push_str("  ");
        format::write_db(peak.level_db as f32, "dBFS", &mut self.caption);
        true
    }

    /// The crosshair and readout under the pointer: frequency and nearest note, each trace's
    /// drawn levels there, each overlaid line's, and the level at the pointer's height.
    fn hover(&mut self, response: &Response, painter: &Painter, picture: &Picture) {
        let Picture {
            frame,
            axis,
            scale,
            peak_hold,
            channels,
            ..
        } = *picture;
        let Some(pointer) = frame.hovered(response) else {
            return;
        };
        let plot = frame.plot;
        plot::crosshair(painter, plot, pointer);
        let fraction = frame.fraction_at(pointer.x);
        let hz = axis.frequency_at(fraction);

        self.readout.clear();
        self.readout.push_line(theme::READOUT_TEXT, |s| {
            format::write_hz(hz, s);
            s.push_str("  ");
            format::write_note(hz, s);
        });
        for (i, &channel) in channels.iter().enumerate() {
            let average = self.level_under(i, SpectrumCurve::Average, fraction);
            let held = peak_hold
                .then(|| self.level_under(i, SpectrumCurve::PeakHold, fraction))
                .flatten();
            let colour = theme::channel_colour(channel);
            self.readout.push_line(colour, |s| {
                s.push_str(channel.label());
                s.push(' ');
                match average {
                    Some(db) => format::write_db(db, "dB", s),
                    None => s.push_str("no data"),
                }
                if let Some(db) = held {
                    s.push_str("  hold ");
                    format::write_db(db, "dB", s);
                }
            });
            if let Some(db) = average {
                let y = scale.y(db);
                if (plot.top()..=plot.bottom()).contains(&y) {
                    plot::value_mark(painter, pos2(pointer.x, y), colour);
                }
            }
        }
        self.overlays.readout(fraction, &mut self.readout);
        let level = scale.level(pointer.y);
        self.readout.push_line(theme::LABEL, |s| {
            s.push_str("y ");
            format::write_db(level, "dB", s);
        });
        plot::readout_box(painter, plot, pointer, &self.readout);
        let mut hz_tag = String::new();
        format::write_hz_tag(hz, &mut hz_tag);
        let mut level_tag = String::new();
        format::write_number(f64::from(level), 1, Sign::Negative, &mut level_tag);
        plot::crosshair_tags(painter, &frame, pointer, hz_tag, level_tag);
    }
}

/// Where trace `index`'s `curve` is kept in [`SpectrumView::curves`].
fn curve_slot(index: usize, curve: SpectrumCurve) -> usize {
    2 * index.min(1)
        + match curve {
            SpectrumCurve::Average => 0,
            SpectrumCurve::PeakHold => 1,
        }
}

/// How far under an averaged curve its shade reaches, points: enough to read as the area
/// under the curve, a small part of what filling down to the plot's bottom covered (under a
/// software rasteriser that fill was the largest thing in the frame after the backgrounds).
const SHADE_DEPTH: f32 = 20.0;

/// The shade under a curve: a band from the curve down to `depth` below it (no lower than
/// `bottom`), `colour` at the curve fading to nothing, as one mesh (the curve is not convex).
fn shade_under(points: &[Pos2], bottom: f32, depth: f32, colour: egui::Color32) -> Shape {
    let mut mesh = Mesh::default();
    mesh.reserve_vertices(points.len() * 2);
    mesh.reserve_triangles(points.len().saturating_sub(1) * 2);
    for (i, &p) in points.iter().enumerate() {
        let top = p.y.min(bottom);
        let faded = (bottom - top).min(depth) / depth.max(1e-3);
        for (y, colour) in [
            (top, colour),
            (
                (top + depth).min(bottom),
                colour.gamma_multiply(1.0 - faded),
            ),
        ] {
            mesh.vertices.push(Vertex {
                pos: pos2(p.x, y),
                uv: WHITE_UV,
                color: colour,
            });
        }
        if i > 0 {
            let n = (2 * i) as u32;
            mesh.add_triangle(n - 2, n - 1, n);
            mesh.add_triangle(n - 1, n + 1, n);
        }
    }
    Shape::mesh(mesh)
}

#[cfg(test)]
mod tests {
    use ringscope::analysis::FrequencyScale;

    use super::*;
    use crate::editor::display::AnalysisSettings;

    #[test]
    fn the_scale_parameter_picks_the_axis() {
        let params = RingscopeParams::default();
        let (axis, (lo, hi)) = ranges(&params, 48_000.0);
        assert_eq!(axis.scale, FrequencyScale::Logarithmic);
        assert_eq!((axis.min_hz, axis.max_hz), (20.0, 20_000.0));
        assert_eq!((lo, hi), (-96.0, 6.0));
        // Above Nyquist is cut off.
        let (axis, _) = ranges(&params, 32_000.0);
        assert_eq!(axis.max_hz, 16_000.0);
    }

    #[test]
    fn hover_reads_frequency_note_and_the_drawn_level_under_the_pointer() {
        // A sine at -6 dBFS in L near 1 kHz, one at -20 dBFS in R at 3 kHz, both on bin centres
        // (8192-point FFT at 48 kHz), so the drawn peaks carry no scalloping loss.
        let bin = 48_000.0 / 8192.0;
        let (f1, f2) = (171.0 * bin, 512.0 * bin);
        let mut settings = AnalysisSettings::from_params(&RingscopeParams::default());
        settings.spectrum.averaging_seconds = 0.0;
        let mut display = DisplayState::new(48_000.0, settings);
        let sine = |n: usize, hz: f32, amplitude: f32| {
            amplitude * (n as f32 * hz / 48_000.0 * std::f32::consts::TAU).sin()
        };
        let tones: Vec<[f32; 2]> = (0..48_000)
            .map(|n| [sine(n, f1 as f32, 0.5), sine(n, f2 as f32, 0.1)])
            .collect();
        display.spectrum.feed(&tones);

        let picture = Picture::for_tests(&[Channel::Left, Channel::Right]);
        let frame = picture.frame;
        let (axis, scale) = (picture.axis, picture.scale);
        let mut view = SpectrumView::default();
        view.render(&mut display, &picture);
        // The pointer over a frequency: its note, and each trace's level there.
        let at = |hz: f64| axis.fraction_of(hz);
        let hz = axis.frequency_at(at(1000.0));
        assert!((hz - 1000.0).abs() < 0.01);
        let mut note = String::new();
        format::write_note(hz, &mut note);
        assert_eq!(note, "B5 +21 ct");
        let left = view
            .level_under(0, SpectrumCurve::Average, at(1000.0))
            .unwrap();
        assert!((left + 6.02).abs() < 0.3, "{left}");
        let right = view
            .level_under(1, SpectrumCurve::Average, at(3000.0))
            .unwrap();
        assert!((right + 20.0).abs() < 0.3, "{right}");
        // Away from the tones there is (almost) nothing; off the plot, no reading.
        let between = view
            .level_under(0, SpectrumCurve::Average, at(2000.0))
            .unwrap();
        assert!(between < -80.0, "{between}");
        assert_eq!(view.level_under(0, SpectrumCurve::Average, 1.5), None);
        // The reading is the drawn curve's height under the pointer.
        let c = readout::column_at(at(1000.0), frame.columns(1.0)).unwrap();
        view.curve_points(1, SpectrumCurve::Average, &picture);
        let drawn_y = view.points[c].y;
        let right_here = view
            .level_under(1, SpectrumCurve::Average, at(1000.0))
            .unwrap();
        assert!((scale.y(right_here) - drawn_y).abs() < 1e-3);
    }

    #[test]
    fn hover_lists_each_overlay_and_the_sidechain_at_the_pointer_in_its_colour() {
        use std::sync::atomic::Ordering;
        use std::sync::{Arc, RwLock};

        use crate::SIDECHAIN;
        use crate::compare::Publisher;
        use crate::compare::registry::tests::SERIAL;
        use overlays::{SIDECHAIN_COLOUR, overlay_colour};

        let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        // "Bass" plays a -6 dBFS sine and the sidechain a -20 dBFS one, on bin centres (8192
        // points at 48 kHz) so the drawn peaks carry no scalloping loss.
        let bin = 48_000.0 / 8192.0;
        let (bass_hz, sidechain_hz) = (171.0 * bin, 512.0 * bin);
        let mut bass = Publisher::new(Arc::new(RwLock::new("Bass".to_owned())));
        bass.activate(48_000.0, 512);
        let mut sidechain = Publisher::unlisted(Arc::new(RwLock::new(SIDECHAIN.to_owned())));
        sidechain.activate(48_000.0, 512);
        let params = RingscopeParams::default();
        params.compare.set_chosen(vec!["Bass".to_owned()]);
        params.compare.set_sidechain(sidechain.entry().clone());
        params
            .compare
            .sidechain_overlay
            .store(true, Ordering::Relaxed);
        let mut display = DisplayState::new(48_000.0, AnalysisSettings::from_params(&params));
        let ctx = egui::Context::default();
        let mut view = SpectrumView::default();
        let screen = Rect::from_min_size(Pos2::ZERO, vec2(900.0, 600.0));
        let run = |view: &mut SpectrumView, display: &mut DisplayState, at: Option<Pos2>| {
            let input = egui::RawInput {
                screen_rect: Some(screen),
                events: at.map(egui::Event::PointerMoved).into_iter().collect(),
                ..Default::default()
            };
            let mut rect = Rect::NOTHING;
            let mut output = ctx.run_ui(input, |ui| rect = view.show(ui, display, &params).rect);
            output.textures_delta.clear();
            (rect, output.shapes)
        };
        let (rect, _) = run(&mut view, &mut display, None);
        let plot = PlotFrame::new(rect).plot;
        let (axis, _) = ranges(&params, 48_000.0);
        let pointer = pos2(
            plot.left() + axis.fraction_of(bass_hz) as f32 * plot.width(),
            plot.center().y,
        );
        let sine = |n: usize, hz: f64, amplitude: f32| {
            amplitude * (n as f64 * hz / 48_000.0 * std::f64::consts::TAU).sin() as f32
        };
        let mut shapes = Vec::new();
        for frame in 0..40 {
            for block in 0..3 {
                let start = (3 * frame + block) * 512;
                let b: Vec<f32> = (start..start + 512)
                    .map(|n| sine(n, bass_hz, 0.5))
                    .collect();
                let s: Vec<f32> = (start..start + 512)
                    .map(|n| sine(n, sidechain_hz, 0.1))
                    .collect();
                bass.publish(&[&b[..], &b[..]]);
                sidechain.publish(&[&s[..], &s[..]]);
            }
            shapes = run(&mut view, &mut display, Some(pointer)).1;
        }
        let lines: Vec<(String, egui::Color32)> = view
            .readout
            .iter()
            .map(|(text, colour)| (text.to_owned(), colour))
            .collect();
        let level = |name: &str, colour: egui::Color32| -> f32 {
            let (text, _) = lines
                .iter()
                .find(|(text, c)| text.starts_with(name) && *c == colour)
                .unwrap_or_else(|| panic!("no {name} line in {colour:?}: {lines:?}"));
            let number = text[name.len()..].trim().trim_end_matches(" dB");
            number.parse().unwrap_or_else(|_| panic!("{text}"))
        };
        // The overlay's tone is under the pointer: its level; the sidechain's is elsewhere.
        let at_bass = level("Bass ", overlay_colour(0));
        assert!((at_bass + 6.02).abs() < 0.3, "{lines:?}");
        let at_sidechain = level("Sidechain ", SIDECHAIN_COLOUR);
        assert!(at_sidechain < -60.0, "{lines:?}");
        // Frequency first, the pointer's level last; the overlays between the traces and it.
        assert!(lines[0].0.contains("Hz"), "{lines:?}");
        assert!(lines.last().unwrap().0.starts_with("y "), "{lines:?}");
        // And it is drawn: the readout's text holds both lines.
        let drawn = shapes.iter().any(|s| match &s.shape {
            Shape::Text(t) => {
                t.galley.text().contains("Bass -") && t.galley.text().contains("Sidechain -")
            }
            _ => false,
        });
        assert!(drawn, "the readout box shows the overlays");
    }

    #[test]
    fn the_shade_lies_under_the_curve_and_fades_out_within_its_depth() {
        let points = [pos2(0.0, 10.0), pos2(1.0, 20.0), pos2(2.0, 45.0)];
        let colour = egui::Color32::WHITE;
        let Shape::Mesh(mesh) = shade_under(&points, 50.0, 14.0, colour) else {
            panic!("a mesh");
        };
        assert_eq!(mesh.vertices.len(), 6);
        assert_eq!(mesh.indices.len(), 12);
        assert!(mesh.is_valid());
        for (pair, p) in mesh.vertices.chunks(2).zip(points) {
            // At the curve in full, at the depth (or the plot's bottom) faded out.
            assert_eq!(pair[0].pos, p);
            assert_eq!(pair[0].color, colour);
            assert_eq!(pair[1].pos.y, (p.y + 14.0).min(50.0));
        }
        assert_eq!(mesh.vertices[1].color, egui::Color32::TRANSPARENT);
        // Cut off by the bottom 5 points under the curve: still 9/14 of the colour there.
        assert!(mesh.vertices[5].color.a() > 0 && mesh.vertices[5].color.a() < 255);
        // Far less than the area down to the bottom: at most the depth times the width.
        let area: f32 = mesh
            .triangles()
            .map(|[a, b, c]| {
                let (a, b, c) = (
                    mesh.vertices[a as usize].pos,
                    mesh.vertices[b as usize].pos,
                    mesh.vertices[c as usize].pos,
                );
                ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0
            })
            .sum();
        assert!(area <= 14.0 * 2.0 + 1e-3, "{area}");
    }
}
