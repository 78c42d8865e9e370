//! Other instances' spectra over this one (see [`crate::compare`]): each overlaid instance's
//! averaged spectrum, computed here with this view's settings and drawn on this view's axes as
//! a plain line in its own colour, its name in a legend row under the traces' legend; the
//! saved reference traces ([`references`]) and the pink-noise line likewise.
//!
//! This instance's sidechain input, when the Compare group's toggle is on, is one more such line
//! (in [`SIDECHAIN_COLOUR`], named "Sidechain"), left of the instances' in the legend.
//!
//! The live lines (instances and sidechain) are kept per frame as drawn ([`DrawnCurve`]): the
//! collision display ([`collisions`], when its toggle is on) compares them with this view's
//! curve, and the hover readout lists their levels under the pointer ([`OverlayLayer::readout`]).
//!
//! The overlays live with the view: a window that shows no spectrum subscribes to nothing, and
//! closing the window ends its subscriptions (the other instances stop publishing for it).

use egui::{Align2, Color32, Painter, Pos2, Shape, Stroke, pos2};
use std::sync::atomic::Ordering;

use ringscope::analysis::{Channel, FrequencyAxis, SpectrumCurve};

use super::Picture;
use crate::SIDECHAIN;
use crate::compare::{MAX_OVERLAYS, Overlay, Overlays, overlay_settings};
use crate::editor::display::DisplayState;
use crate::editor::readout::{self, Readout};
use crate::editor::{plot, theme, trace};
use crate::format;
use crate::params::RingscopeParams;

mod collisions;
mod references;

pub(crate) use self::collisions::collision_help;
pub(crate) use self::references::reference_colour;

/// The overlays' colours, by choice (slot): apart from the channels' blue, pink, green and
/// orange.
const COLOURS: [Color32; MAX_OVERLAYS] = [
    Color32::from_rgb(240, 220, 90),
    Color32::from_rgb(175, 135, 255),
    Color32::from_rgb(80, 225, 215),
    Color32::from_rgb(235, 235, 235),
];

/// The sidechain's line: apart from the channels' and the instances' colours.
pub(crate) const SIDECHAIN_COLOUR: Color32 = Color32::from_rgb(255, 120, 70);

/// The colour of the overlay chosen in `slot` (0 … [`MAX_OVERLAYS`] − 1).
pub(crate) fn overlay_colour(slot: usize) -> Color32 {
    COLOURS[slot % MAX_OVERLAYS]
}

/// The overlays of one spectrum view and their drawing buffers, reused between frames.
#[derive(Debug, Default)]
pub(super) struct OverlayLayer {
    overlays: Overlays,
    /// This instance's sidechain, while the toggle is on (its subscription makes it publish).
    sidechain: Option<Overlay>,
    lines: Lines,
    /// The live lines drawn this frame (the first `drawn_count`; the rest keep their memory).
    drawn: Vec<DrawnCurve>,
    drawn_count: usize,
    collisions: collisions::Collisions,
}

/// A live line drawn over the spectrum this frame (an instance or the sidechain), as drawn.
#[derive(Debug, Default)]
struct DrawnCurve {
    name: String,
    colour: Color32,
    /// Its level per column, dB.
    columns: Vec<f32>,
}

/// The drawing buffers of a line over the spectrum: one home for "a line over the spectrum",
/// used by the overlays, the pink line and the reference traces.
#[derive(Debug, Default)]
struct Lines {
    /// The line's level per column, dB; filled by the caller.
    columns: Vec<f32>,
    points: Vec<Pos2>,
    simplified: Vec<Pos2>,
}

impl Lines {
    /// Draws `overlay`'s average (its mid trace, as this view's settings compute it) in
    /// `colour`.
    fn draw_overlay(
        &mut self,
        painter: &Painter,
        picture: &Picture,
        overlay: &mut Overlay,
        colour: Color32,
    ) {
        self.columns.resize(picture.columns, 0.0);
        overlay.spectrum().render(
            Channel::Mid,
            SpectrumCurve::Average,
            &picture.axis,
            &mut self.columns,
        );
        self.draw(painter, picture, Stroke::new(1.5, colour));
    }

    /// Draws `self.columns` on `picture`'s plot (clipped to it) with `stroke`.
    fn draw(&mut self, painter: &Painter, picture: &Picture, stroke: Stroke) {
        let count = self.columns.len();
        self.points.clear();
        self.points.extend(
            self.columns
                .iter()
                .enumerate()
                .map(|(c, &db)| pos2(picture.frame.column_x(c, count), picture.scale.y(db))),
        );
        trace::simplify(&self.points, trace::TOLERANCE, &mut self.simplified);
        let clip = painter.with_clip_rect(picture.frame.plot);
        clip.add(Shape::line(self.simplified.clone(), stroke));
    }
}

/// A legend row under the traces' legend, filled from the right: one home for "a legend entry
/// of a line over the spectrum".
struct LegendRow {
    x: f32,
    y: f32,
}

impl LegendRow {
    /// Row `row` (0: the first under the traces' legend).
    fn new(painter: &Painter, picture: &Picture, row: usize) -> Self {
        let plot = picture.frame.plot;
        let height = plot::label_height(painter);
        Self {
            x: plot.right() - 6.0,
            y: plot.top() + 6.0 + height * (1 + row) as f32,
        }
    }

    /// `name` in `stroke`'s colour with a short line of `stroke` before it, left of the last.
    fn entry(&mut self, painter: &Painter, name: String, stroke: Stroke) {
        let colour = stroke.color;
        let font = theme::axis_font();
        let rect = painter.text(pos2(self.x, self.y), Align2::RIGHT_TOP, name, font, colour);
        painter.hline(
            rect.left() - 16.0..=rect.left() - 3.0,
            rect.center().y,
            stroke,
        );
        self.x = rect.left() - 24.0;
    }
}

impl OverlayLayer {
    /// Follows the chosen overlays, feeds each with what its instance published since the last
    /// frame and draws them over the traces, with their names in the legend.
    /// `own_average`: the columns of this view's first trace's average, as drawn (the pink
    /// reference is fitted to them).
    pub(super) fn show(
        &mut self,
        painter: &Painter,
        display: &mut DisplayState,
        params: &RingscopeParams,
        picture: &Picture,
        own_average: &[f32],
    ) {
        let compare = &params.compare;
        self.drawn_count = 0;
        // Reserved first, so the strips lie under every line.
        let collision_band = compare
            .collision_display
            .load(Ordering::Relaxed)
            .then(|| painter.add(Shape::Noop));
        if compare.pink_reference.load(Ordering::Relaxed) {
            self.draw_pink(painter, picture, params, own_average);
        }
        references::show(&mut self.lines, painter, display, params, picture);
        let settings = overlay_settings(display.settings.spectrum);
        let mut legend = LegendRow::new(painter, picture, 0);
        let mut chosen = compare.chosen();
        if chosen.is_empty() {
            self.overlays.clear();
        } else {
            for overlay in self.overlays.live_mut() {
                overlay.spectrum().set_frozen(display.settings.frozen);
            }
            if self.overlays.sync(compare.own_id(), &mut chosen, settings) {
                compare.set_chosen(chosen);
            }
            for (slot, overlay) in self.overlays.slots_mut() {
                let name = overlay.entry().name();
                let colour = overlay_colour(slot);
                self.lines.draw_overlay(painter, picture, overlay, colour);
                keep_drawn(
                    &mut self.drawn,
                    &mut self.drawn_count,
                    &name,
                    colour,
                    &self.lines,
                );
                legend.entry(painter, name, Stroke::new(1.5, colour));
            }
        }
        let sidechain = compare
            .sidechain()
            .filter(|_| compare.sidechain_overlay.load(Ordering::Relaxed));
        match (sidechain, self.sidechain.as_mut()) {
            (None, _) => self.sidechain = None,
            (Some(entry), None) => self.sidechain = Some(Overlay::new(entry, settings)),
            (Some(_), Some(_)) => {}
        }
        if let Some(overlay) = self.sidechain.as_mut() {
            overlay.spectrum().set_frozen(display.settings.frozen);
            overlay.update(settings);
            self.lines
                .draw_overlay(painter, picture, overlay, SIDECHAIN_COLOUR);
            let (drawn, count) = (&mut self.drawn, &mut self.drawn_count);
            keep_drawn(drawn, count, SIDECHAIN, SIDECHAIN_COLOUR, &self.lines);
            legend.entry(
                painter,
                SIDECHAIN.to_owned(),
                Stroke::new(1.5, SIDECHAIN_COLOUR),
            );
        }
        if let Some(band) = collision_band {
            self.collisions.clear(own_average.len());
            for curve in &self.drawn[..self.drawn_count] {
                self.collisions.mark(own_average, &curve.columns);
            }
            if let Some(shape) = self.collisions.shape(painter, picture) {
                painter.set(band, shape);
            }
            let stroke = Stroke::new(4.0, theme::COLLISION);
            legend.entry(painter, COLLISION.to_owned(), stroke);
        }
    }

    /// Adds a line to `readout` per live line drawn this frame (instances, then the sidechain):
    /// its name and its level `fraction` across the plot, in its colour.
    pub(super) fn readout(&self, fraction: f64, readout: &mut Readout) {
        for curve in &self.drawn[..self.drawn_count] {
            let Some(c) = readout::column_at(fraction, curve.columns.len()) else {
                continue;
            };
            readout.push_line(curve.colour, |s| {
                s.push_str(&curve.name);
                s.push(' ');
                format::write_db(curve.columns[c], "dB", s);
            });
        }
    }
}

/// The collision display's name in the legend.
const COLLISION: &str = "Collision";

/// Records `lines`' columns as the next live line drawn this frame (reusing the memory of an
/// earlier frame's).
fn keep_drawn(
    drawn: &mut Vec<DrawnCurve>,
    count: &mut usize,
    name: &str,
    colour: Color32,
    lines: &Lines,
) {
    if drawn.len() == *count {
        drawn.push(DrawnCurve::default());
    }
    let curve = &mut drawn[*count];
    curve.name.clear();
    curve.name.push_str(name);
    curve.colour = colour;
    curve.columns.clone_from(&lines.columns);
    *count += 1;
}

impl OverlayLayer {
    /// The pink-noise reference line over the plot (see [`pink_line`]).
    fn draw_pink(
        &mut self,
        painter: &Painter,
        picture: &Picture,
        params: &RingscopeParams,
        own_average: &[f32],
    ) {
        let lines = &mut self.lines;
        lines.columns.resize(own_average.len(), 0.0);
        let slope = params.slope_db_per_oct.value();
        let floor = picture.scale.range().0;
        if !pink_line(own_average, &picture.axis, slope, floor, &mut lines.columns) {
            return;
        }
        lines.draw(painter, picture, Stroke::new(1.0, theme::LABEL_DIM));
    }
}

/// The pink-noise reference: a line falling 3 dB per octave (pink noise in this per-bin
/// display; the view's `slope` added, as to every curve), placed where it best fits `curve`
/// (least squares with its slope fixed: the mean of the curve's columns above `floor_db` minus
/// the line's shape), into `out` (as long as `curve`). `false` (and `out` untouched) when no
/// column is above the floor.
fn pink_line(
    curve: &[f32],
    axis: &FrequencyAxis,
    slope_db_per_oct: f32,
    floor_db: f32,
    out: &mut [f32],
) -> bool {
    let count = curve.len();
    let shape = |c: usize| {
        let hz = axis.frequency_at((c as f64 + 0.5) / count as f64);
        (f64::from(slope_db_per_oct) - 3.0) * (hz / 1000.0).log2()
    };
    let (mut sum, mut n) = (0.0f64, 0usize);
    for (c, &db) in curve.iter().enumerate() {
        if db > floor_db && db.is_finite() {
            sum += f64::from(db) - shape(c);
            n += 1;
        }
    }
    if n == 0 {
        return false;
    }
    let offset = sum / n as f64;
    for (c, out) in out.iter_mut().enumerate().take(count) {
        *out = (offset + shape(c)) as f32;
    }
    true
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, RwLock};

    use egui::epaint::ColorMode;
    use ringscope::analysis::FrequencyScale;

    use super::*;
    use crate::compare::Publisher;
    use crate::compare::registry::tests::SERIAL;
    use crate::editor::display::AnalysisSettings;

    #[test]
    fn a_chosen_instance_is_drawn_as_a_line_in_its_colour_with_its_name() {
        let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let mut other = Publisher::new(Arc::new(RwLock::new("Kick".to_owned())));
        other.activate(48_000.0, 512);
        let params = RingscopeParams::default();
        params.compare.set_chosen(vec!["Kick".to_owned()]);
        let mut display = DisplayState::new(48_000.0, AnalysisSettings::from_params(&params));
        let picture = Picture::for_tests(&[Channel::Mid]);
        let ctx = egui::Context::default();
        let mut layer = OverlayLayer::default();
        let mut output = None;
        let mut n = 0usize;
        for _ in 0..30 {
            let input = egui::RawInput::default();
            let mut drawn = ctx.run_ui(input, |ui| {
                layer.show(ui.painter(), &mut display, &params, &picture, &[]);
            });
            // A renderer would upload the font atlas; there is none.
            drawn.textures_delta.clear();
            output = Some(drawn);
            // 3 blocks of a 1 kHz sine between frames, published because this view subscribed.
            for _ in 0..3 {
                let block: Vec<f32> = (n..n + 512)
                    .map(|i| 0.5 * (i as f32 * 1000.0 / 48_000.0 * std::f32::consts::TAU).sin())
                    .collect();
                n += 512;
                other.publish(&[&block[..], &block[..]]);
            }
        }
        assert_eq!(other.entry().subscribers(), 1);
        let shapes = output.unwrap().shapes;
        let lines = shapes
            .iter()
            .filter(|s| match &s.shape {
                Shape::Path(p) => p.stroke.color == ColorMode::Solid(overlay_colour(0)),
                _ => false,
            })
            .count();
        assert_eq!(lines, 1, "one line in the first overlay's colour");
        let named = shapes.iter().any(|s| match &s.shape {
            Shape::Text(t) => t.galley.text() == "Kick",
            _ => false,
        });
        assert!(named, "the overlay's name in the legend");
        let peak = layer
            .overlays
            .live_mut()
            .next()
            .unwrap()
            .spectrum()
            .peak(Channel::Mid, 20.0, 20_000.0)
            .unwrap();
        assert!((peak.frequency_hz - 1000.0).abs() < 1.0, "{peak:?}");
        // Nothing chosen: the subscription ends, the instance stops publishing.
        params.compare.set_chosen(Vec::new());
        let mut drawn = ctx.run_ui(egui::RawInput::default(), |ui| {
            layer.show(ui.painter(), &mut display, &params, &picture, &[]);
        });
        drawn.textures_delta.clear();
        assert_eq!(other.entry().subscribers(), 0);
    }

    #[test]
    fn the_sidechain_is_drawn_while_its_toggle_is_on_and_published_only_then() {
        let mut sidechain = Publisher::unlisted(Arc::new(RwLock::new(SIDECHAIN.to_owned())));
        sidechain.activate(48_000.0, 512);
        let params = RingscopeParams::default();
        params.compare.set_sidechain(sidechain.entry().clone());
        let mut display = DisplayState::new(48_000.0, AnalysisSettings::from_params(&params));
        let picture = Picture::for_tests(&[Channel::Mid]);
        let ctx = egui::Context::default();
        let mut layer = OverlayLayer::default();
        let mut frame_shapes = |layer: &mut OverlayLayer| {
            let mut drawn = ctx.run_ui(egui::RawInput::default(), |ui| {
                layer.show(ui.painter(), &mut display, &params, &picture, &[]);
            });
            drawn.textures_delta.clear();
            drawn.shapes
        };
        frame_shapes(&mut layer);
        assert_eq!(sidechain.entry().subscribers(), 0, "off: not published");
        params
            .compare
            .sidechain_overlay
            .store(true, Ordering::Relaxed);
        let mut shapes = Vec::new();
        for block in 0..90 {
            let samples: Vec<f32> = (block * 512..block * 512 + 512)
                .map(|i| 0.5 * (i as f32 * 2000.0 / 48_000.0 * std::f32::consts::TAU).sin())
                .collect();
            sidechain.publish(&[&samples[..], &samples[..]]);
            if block % 3 == 2 {
                shapes = frame_shapes(&mut layer);
            }
        }
        assert_eq!(sidechain.entry().subscribers(), 1, "on: subscribed");
        let lines = shapes
            .iter()
            .filter(|s| {
                matches!(&s.shape, Shape::Path(p) if p.stroke.color == ColorMode::Solid(SIDECHAIN_COLOUR))
            })
            .count();
        assert_eq!(lines, 1, "one line in the sidechain's colour");
        assert!(
            shapes
                .iter()
                .any(|s| matches!(&s.shape, Shape::Text(t) if t.galley.text() == SIDECHAIN))
        );
        let overlay = layer.sidechain.as_mut().unwrap();
        let peak = overlay
            .spectrum()
            .peak(Channel::Mid, 20.0, 20_000.0)
            .unwrap();
        assert!((peak.frequency_hz - 2000.0).abs() < 1.0, "{peak:?}");
        params
            .compare
            .sidechain_overlay
            .store(false, Ordering::Relaxed);
        frame_shapes(&mut layer);
        assert_eq!(
            sidechain.entry().subscribers(),
            0,
            "off again: unsubscribed"
        );
    }

    #[test]
    fn the_pink_reference_falls_3_db_per_octave_through_the_curve() {
        let axis = FrequencyAxis {
            scale: FrequencyScale::Logarithmic,
            min_hz: 20.0,
            max_hz: 20_000.0,
        };
        // A curve that is pink already, at -30 dB at 1 kHz, with columns below the floor.
        let count = 300;
        let hz = |c: usize| axis.frequency_at((c as f64 + 0.5) / count as f64);
        let mut curve: Vec<f32> = (0..count)
            .map(|c| (-30.0 - 3.0 * (hz(c) / 1000.0).log2()) as f32)
            .collect();
        curve[10] = -200.0;
        let mut out = vec![0.0; count];
        assert!(pink_line(&curve, &axis, 0.0, -96.0, &mut out));
        for c in (0..count).filter(|&c| c != 10) {
            assert!(
                (out[c] - curve[c]).abs() < 1e-3,
                "{c}: {} {}",
                out[c],
                curve[c]
            );
        }
        // An octave apart: 3 dB lower; with a +3 dB/oct slope the line is flat.
        let octave = |out: &[f32]| {
            let c1 = (0..count).min_by_key(|&c| ((hz(c) / 1000.0).log2().abs() * 1e6) as i64);
            let c2 = (0..count).min_by_key(|&c| ((hz(c) / 2000.0).log2().abs() * 1e6) as i64);
            out[c1.unwrap()] - out[c2.unwrap()]
        };
        assert!((octave(&out) - 3.0).abs() < 0.1, "{}", octave(&out));
        assert!(pink_line(&curve, &axis, 3.0, -96.0, &mut out));
        assert!(octave(&out).abs() < 1e-3);
        // Nothing above the floor: no line.
        assert!(!pink_line(&[-200.0; 4], &axis, 0.0, -96.0, &mut out));
    }
}
