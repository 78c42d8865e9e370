//! The collision display: where this instance's spectrum and an overlaid one are both loud and
//! about as loud as each other, so that they mask each other (kick and bass, vocal and guitars).
//!
//! # Definition
//!
//! A display column is a *collision* when this view's first trace's averaged curve and at least
//! one overlaid curve, both as drawn in that column (the loudest bin of the column, smoothing and
//! slope included), are above [`FLOOR_DB`] and within [`CLOSENESS_DB`] of each other
//! ([`collides`]). The overlaid curves are the other instances' and the sidechain's (live
//! signals that can mask this one); the reference traces and the pink line are not (they are
//! targets to compare against, not sound that plays with this track).
//!
//! # Drawing
//!
//! Consecutive colliding columns are merged into runs, and each run is one pixel-snapped
//! rectangle ([`trace::pixel_rect`]): a translucent strip [`BAND_HEIGHT`] points tall along the
//! bottom of the plot, in [`theme::collision_band`], under the overlay lines. A strip, not the full
//! height: under a software rasteriser a full-height band over a whole plot of colliding
//! columns (two similar noises) would cost most of a window's fill again.

use std::ops::Range;

use egui::epaint::Mesh;
use egui::{Painter, Rect, Shape, pos2};

use super::Picture;
use crate::editor::{theme, trace};

/// How close (dB) two curves must be in a column to collide.
pub(crate) const CLOSENESS_DB: f32 = 3.0;

/// The level (dBFS, as drawn) both curves must exceed in a column to collide: quieter bands
/// mask nothing that matters.
pub(crate) const FLOOR_DB: f32 = -60.0;

/// The height of the strip a run of colliding columns is marked with, points.
const BAND_HEIGHT: f32 = 10.0;

/// The collision rule for one column: `own_db` and `other_db` both above [`FLOOR_DB`] and at
/// most [`CLOSENESS_DB`] apart. A NaN level never collides.
pub(crate) fn collides(own_db: f32, other_db: f32) -> bool {
    own_db > FLOOR_DB && other_db > FLOOR_DB && (own_db - other_db).abs() <= CLOSENESS_DB
}

/// The rule in words, with its figures (the Compare group's toggle shows it).
pub(crate) fn collision_help() -> String {
    format!(
        "Marks, along the bottom of the spectrum, the bands where this instance's curve and an \
         overlaid instance's or the sidechain's are both above {FLOOR_DB} dBFS and within \
         {CLOSENESS_DB} dB of each other: where they mask each other. Reference traces and the \
         pink line do not count."
    )
}

/// The colliding columns of one frame, kept between frames.
#[derive(Debug, Default)]
pub(super) struct Collisions {
    /// Per column: whether some overlaid curve collides with this view's curve there.
    marks: Vec<bool>,
    /// The runs of colliding columns, from the last [`Self::runs`].
    runs: Vec<Range<usize>>,
}

impl Collisions {
    /// Starts a frame of `columns` columns, none colliding.
    pub(super) fn clear(&mut self, columns: usize) {
        self.marks.clear();
        self.marks.resize(columns, false);
    }

    /// Marks the columns where `other` (an overlaid curve) collides with `own` (this view's
    /// curve); columns beyond either curve's length are left as they are.
    pub(super) fn mark(&mut self, own: &[f32], other: &[f32]) {
        for ((mark, &own), &other) in self.marks.iter_mut().zip(own).zip(other) {
            *mark |= collides(own, other);
        }
    }

    /// The runs of consecutive colliding columns, in order.
    pub(super) fn runs(&mut self) -> &[Range<usize>] {
        self.runs.clear();
        let mut start = None;
        for (c, &mark) in self.marks.iter().enumerate() {
            match (mark, start) {
                (true, None) => start = Some(c),
                (false, Some(s)) => {
                    self.runs.push(s..c);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            self.runs.push(s..self.marks.len());
        }
        &self.runs
    }

    /// The runs as one mesh of strips along the bottom of `picture`'s plot (`None` when no
    /// column collides).
    pub(super) fn shape(&mut self, painter: &Painter, picture: &Picture) -> Option<Shape> {
        let plot = picture.frame.plot;
        let column_width = plot.width() / self.marks.len().max(1) as f32;
        let x = |c: usize| plot.left() + c as f32 * column_width;
        let top = (plot.bottom() - BAND_HEIGHT).max(plot.top());
        let ppp = painter.pixels_per_point();
        let colour = theme::collision_band();
        let mut mesh = Mesh::default();
        for run in self.runs() {
            let rect = Rect::from_min_max(pos2(x(run.start), top), pos2(x(run.end), plot.bottom()));
            trace::pixel_rect(&mut mesh, rect, ppp, colour);
        }
        (!mesh.is_empty()).then(|| Shape::mesh(mesh))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::atomic::Ordering;
    use std::sync::{Arc, RwLock};

    use egui::epaint::ClippedShape;
    use ringscope::analysis::SpectrumCurve;

    use super::super::OverlayLayer;
    use super::*;
    use crate::compare::Publisher;
    use crate::compare::registry::tests::SERIAL;
    use crate::editor::display::{AnalysisSettings, DisplayState};
    use crate::params::RingscopeParams;

    /// `amplitude` × a 1 kHz sine at 48 kHz, samples `start..start + frames`.
    fn tone(amplitude: f32, start: usize, frames: usize) -> Vec<f32> {
        (start..start + frames)
            .map(|n| amplitude * (n as f32 * 1000.0 / 48_000.0 * std::f32::consts::TAU).sin())
            .collect()
    }

    /// A view whose own input is a 1 kHz tone of `own_amplitude`, overlaying an instance "Bass"
    /// playing one of `other_amplitude`, the collision display `on`: the layer after 30 frames
    /// (a second), the last frame's shapes and the picture drawn on.
    pub(crate) fn scene(
        own_amplitude: f32,
        other_amplitude: f32,
        on: bool,
    ) -> (OverlayLayer, Vec<ClippedShape>, Picture) {
        let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let mut other = Publisher::new(Arc::new(RwLock::new("Bass".to_owned())));
        other.activate(48_000.0, 512);
        let params = RingscopeParams::default();
        params.compare.set_chosen(vec!["Bass".to_owned()]);
        params
            .compare
            .collision_display
            .store(on, Ordering::Relaxed);
        let mut display = DisplayState::new(48_000.0, AnalysisSettings::from_params(&params));
        let own_tone: Vec<[f32; 2]> = tone(own_amplitude, 0, 48_000)
            .into_iter()
            .map(|x| [x, x])
            .collect();
        display.spectrum.feed(&own_tone);
        let picture = Picture::for_tests(display.settings.channels());
        let mut own = vec![0.0; picture.columns];
        let channel = picture.channels[0];
        let axis = picture.axis;
        display
            .spectrum
            .render(channel, SpectrumCurve::Average, &axis, &mut own);
        let ctx = egui::Context::default();
        let mut layer = OverlayLayer::default();
        let mut shapes = Vec::new();
        for frame in 0..30 {
            let mut drawn = ctx.run_ui(egui::RawInput::default(), |ui| {
                layer.show(ui.painter(), &mut display, &params, &picture, &own);
            });
            drawn.textures_delta.clear();
            shapes = drawn.shapes;
            for block in 0..3 {
                let samples = tone(other_amplitude, (3 * frame + block) * 512, 512);
                other.publish(&[&samples[..], &samples[..]]);
            }
        }
        drop(other);
        (layer, shapes, picture)
    }

    /// The collision strips drawn: each strip's left and right edge, points.
    fn strips(shapes: &[ClippedShape]) -> Vec<(f32, f32)> {
        let band = theme::collision_band();
        let mut strips = Vec::new();
        for shape in shapes {
            let Shape::Mesh(mesh) = &shape.shape else {
                continue;
            };
            if mesh.vertices.first().is_none_or(|v| v.color != band) {
                continue;
            }
            for quad in mesh.vertices.chunks(4) {
                let xs = quad.iter().map(|v| v.pos.x);
                let left = xs.clone().fold(f32::INFINITY, f32::min);
                strips.push((left, xs.fold(f32::NEG_INFINITY, f32::max)));
            }
        }
        strips
    }

    fn has_text(shapes: &[ClippedShape], wanted: &str) -> bool {
        shapes
            .iter()
            .any(|s| matches!(&s.shape, Shape::Text(t) if t.galley.text() == wanted))
    }

    #[test]
    fn two_tones_alike_collide_at_their_frequency_and_nowhere_else() {
        // -6.0 and -6.9 dBFS: within the closeness.
        let (mut layer, shapes, picture) = scene(0.5, 0.45, true);
        let strips = strips(&shapes);
        assert!(!strips.is_empty(), "a strip is drawn");
        let plot = picture.frame.plot;
        let hz = |x: f32| {
            picture
                .axis
                .frequency_at(f64::from((x - plot.left()) / plot.width()))
        };
        for &(left, right) in &strips {
            let (lo, hi) = (hz(left), hz(right));
            assert!(lo > 900.0 && hi < 1100.0, "a strip at {lo:.0} … {hi:.0} Hz");
            // Along the bottom of the plot.
            assert!(plot.x_range().contains(left) && plot.x_range().contains(right));
        }
        let at_1k = picture.axis.fraction_of(1000.0);
        let x_1k = plot.left() + at_1k as f32 * plot.width();
        assert!(
            strips.iter().any(|&(l, r)| l <= x_1k && x_1k <= r),
            "1 kHz is marked: {strips:?}"
        );
        assert_eq!(
            strips.len(),
            layer.collisions.runs().len(),
            "one rect per run"
        );
        assert!(has_text(&shapes, "Collision"), "the legend entry");
    }

    #[test]
    fn tones_further_apart_than_the_closeness_or_under_the_floor_do_not_collide() {
        // 10 dB apart (-6 and -16 dBFS): the curves keep that distance at every column.
        let (_, shapes, _) = scene(0.5, 0.5 * 10f32.powf(-10.0 / 20.0), true);
        assert_eq!(strips(&shapes), [], "10 dB apart");
        assert!(has_text(&shapes, "Collision"), "the display is on");
        // Both at -76 dBFS: alike, but under the floor.
        let quiet = 10f32.powf(-70.0 / 20.0);
        let (_, shapes, _) = scene(quiet, quiet, true);
        assert_eq!(strips(&shapes), [], "under the floor");
    }

    #[test]
    fn the_display_switched_off_draws_nothing() {
        let (_, shapes, _) = scene(0.5, 0.45, false);
        assert_eq!(strips(&shapes), []);
        assert!(!has_text(&shapes, "Collision"));
        assert!(
            shapes.iter().all(|s| !matches!(&s.shape, Shape::Noop)),
            "no place kept for it either"
        );
    }

    #[test]
    fn curves_collide_when_both_are_above_the_floor_and_close() {
        assert!(collides(-20.0, -20.0));
        assert!(collides(-20.0, -20.0 - CLOSENESS_DB));
        assert!(collides(-20.0 - CLOSENESS_DB, -20.0));
        assert!(
            !collides(-20.0, -20.0 - CLOSENESS_DB - 0.01),
            "too far apart"
        );
        assert!(
            !collides(FLOOR_DB - 1.0, FLOOR_DB - 1.0),
            "both below the floor"
        );
        assert!(
            !collides(FLOOR_DB + 1.0, FLOOR_DB - 1.0),
            "one below the floor"
        );
        assert!(!collides(f32::NAN, -20.0));
        assert!(!collides(-20.0, f32::NAN));
        assert!(!collides(f32::INFINITY, f32::INFINITY), "inf - inf is NaN");
    }

    #[test]
    fn colliding_columns_merge_into_runs() {
        let mut collisions = Collisions::default();
        collisions.clear(8);
        let own = [-10.0, -10.0, -10.0, -90.0, -10.0, -10.0, -10.0, -10.0];
        let a = [-11.0, -12.0, -30.0, -90.0, -30.0, -30.0, -30.0, -9.0];
        let b = [-30.0, -30.0, -9.5, -90.0, -30.0, -30.0, -30.0, -30.0];
        collisions.mark(&own, &a);
        collisions.mark(&own, &b);
        assert_eq!(collisions.runs(), [0..3, 7..8]);
        // A shorter curve marks only its own columns; a new frame starts clear.
        collisions.mark(&own[..5], &[-10.0; 5]);
        assert_eq!(collisions.runs(), [0..3, 4..5, 7..8]);
        collisions.clear(8);
        assert!(collisions.runs().is_empty());
    }
}
