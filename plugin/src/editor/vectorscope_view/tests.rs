//! The vectorscope view drawn into a headless egui context: where points land, how long they
//! stay, and that drawing stops allocating after warm-up.

use egui::{FullOutput, Pos2, RawInput, Rect, vec2};
use ringscope::analysis::{Frame, VectorscopeMode};

use super::*;
use crate::editor::display::AnalysisSettings;

/// The tests' frames come at 60 Hz.
const STEP: f64 = 1.0 / 60.0;

struct Rig {
    ctx: egui::Context,
    view: VectorscopeView,
    display: DisplayState,
    params: RingscopeParams,
    time: f64,
}

impl Rig {
    fn new(mode: VectorscopeMode) -> Self {
        let params = RingscopeParams::default();
        let mut settings = AnalysisSettings::from_params(&params);
        settings.vectorscope.mode = mode;
        Self {
            ctx: egui::Context::default(),
            view: VectorscopeView::default(),
            display: DisplayState::new(48_000.0, settings),
            params,
            time: 0.0,
        }
    }

    /// Feeds `frames` as a drain would (the display counts what it received).
    fn feed(&mut self, frames: &[Frame]) {
        self.display.vectorscope.feed(frames);
        self.display.frames_received += frames.len() as u64;
    }

    /// Draws one frame `STEP` after the previous one into a 600 × 400 screen.
    fn frame(&mut self) -> FullOutput {
        self.time += STEP;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(600.0, 400.0))),
            time: Some(self.time),
            ..Default::default()
        };
        let Self {
            view,
            display,
            params,
            ..
        } = self;
        let mut output = self.ctx.run_ui(input, |ui| {
            view.show(ui, display, params);
        });
        output.textures_delta.clear();
        output
    }

    /// The centres of the points drawn in the last frame, with their opacity (alpha, 0…1).
    fn dots(&self) -> Vec<(Pos2, f32)> {
        self.view
            .mesh
            .vertices
            .chunks(3)
            .map(|dot| {
                let sum = dot.iter().fold(vec2(0.0, 0.0), |s, v| s + v.pos.to_vec2());
                (
                    (sum / dot.len() as f32).to_pos2(),
                    f32::from(dot[0].color.a()) / 255.0,
                )
            })
            .collect()
    }

    fn layout(&self) -> Layout {
        self.view.layout.expect("drawn")
    }
}

/// A sine of `amplitude` over `n` frames into both channels, weighted `(left, right)`.
fn sine(n: usize, amplitude: f32, (left, right): (f32, f32)) -> Vec<Frame> {
    (0..n)
        .map(|i| {
            let v = amplitude * (i as f32 * 0.05).sin();
            [v * left, v * right]
        })
        .collect()
}

#[test]
fn mono_draws_points_on_the_vertical_axis() {
    let mut rig = Rig::new(VectorscopeMode::Lissajous);
    rig.feed(&sine(800, 0.5, (1.0, 1.0)));
    let output = rig.frame();
    let centre = rig.layout().origin;
    let dots = rig.dots();
    assert!(dots.len() > 700, "{} points", dots.len());
    for (at, _) in &dots {
        assert!((at.x - centre.x).abs() < 0.5, "{at:?} off the M axis");
    }
    let span = dots.iter().map(|(p, _)| (p.y - centre.y).abs());
    let reach = span.fold(0.0f32, f32::max);
    // Auto-gain brings the peak radius to 0.9 of the plot's radius.
    assert!((reach / rig.layout().radius - 0.9).abs() < 0.02, "{reach}");
    // What the view holds is what egui was handed.
    let handed = output.shapes.iter().any(
        |clipped| matches!(&clipped.shape, Shape::Mesh(mesh) if Arc::ptr_eq(mesh, &rig.view.mesh)),
    );
    assert!(handed);
}

#[test]
fn left_only_lies_on_the_minus_45_degree_line_and_right_only_on_plus_45() {
    for (weights, sign) in [((1.0, 0.0), 1.0f32), ((0.0, 1.0), -1.0)] {
        let mut rig = Rig::new(VectorscopeMode::Lissajous);
        rig.feed(&sine(800, 0.5, weights));
        rig.frame();
        let centre = rig.layout().origin;
        let dots = rig.dots();
        assert!(dots.len() > 700);
        let mut up_left = 0;
        for (at, _) in &dots {
            let (right, up) = (at.x - centre.x, centre.y - at.y);
            // L only: right = −up (up-left and down-right); R only: right = up.
            assert!((right + sign * up).abs() < 0.5, "{weights:?}: {at:?}");
            up_left += usize::from(up > 1.0 && right < -1.0);
        }
        assert_eq!(up_left > 100, sign > 0.0, "{weights:?}");
    }
}

#[test]
fn a_point_fed_once_fades_and_is_gone_after_the_persistence() {
    let mut rig = Rig::new(VectorscopeMode::Lissajous);
    let persistence = f64::from(rig.params.vectorscope.persistence_ms.value()) / 1000.0;
    assert!(persistence > 0.1, "the default keeps points a while");
    rig.feed(&[[0.5, 0.5]]);
    rig.frame();
    assert_eq!(rig.dots().len(), 1);
    assert_eq!(rig.dots()[0].1, 1.0, "opaque when new");
    let frames = (persistence / STEP).round() as usize;
    let mut last_alpha = 1.0;
    for i in 1..frames - 1 {
        rig.frame();
        let dots = rig.dots();
        assert_eq!(dots.len(), 1, "frame {i}: still showing");
        assert!(dots[0].1 <= last_alpha, "frame {i}: fading");
        last_alpha = dots[0].1;
    }
    assert!(last_alpha < 0.2, "{last_alpha}");
    rig.frame();
    rig.frame();
    assert!(rig.dots().is_empty(), "gone after {persistence} s");
    assert_eq!(rig.view.trail.len(), 0);
}

#[test]
fn a_frozen_picture_keeps_its_points() {
    let mut rig = Rig::new(VectorscopeMode::Lissajous);
    rig.feed(&sine(100, 0.5, (1.0, 1.0)));
    rig.frame();
    let before = rig.dots();
    rig.display.settings.frozen = true;
    for _ in 0..100 {
        rig.frame();
    }
    assert_eq!(rig.dots(), before);
}

#[test]
fn drawing_frames_stops_allocating_after_warm_up() {
    let mut rig = Rig::new(VectorscopeMode::Lissajous);
    let noise: Vec<Frame> = (0..800u32)
        .map(|i| {
            let a = (i.wrapping_mul(2_654_435_761) >> 8) as f32 / (1 << 24) as f32 - 0.5;
            let b = (i.wrapping_mul(40_503) % 1000) as f32 / 1000.0 - 0.5;
            [a, b]
        })
        .collect();
    let capacities = |rig: &Rig| {
        (
            rig.view.trail.capacities(),
            rig.view.mesh.vertices.capacity(),
            rig.view.mesh.indices.capacity(),
            rig.view.text.capacity(),
            rig.view.mesh_allocations,
        )
    };
    for _ in 0..30 {
        rig.feed(&noise);
        drop(rig.frame());
    }
    let warm = capacities(&rig);
    let mut most_points = 0;
    for _ in 0..100 {
        rig.feed(&noise);
        drop(rig.frame());
        most_points = most_points.max(rig.dots().len());
        assert_eq!(capacities(&rig), warm);
    }
    // 250 ms at 60 fps: 16 batches of all 800 points.
    assert!(most_points >= 12_000, "{most_points}");
    assert!(most_points <= trail::MAX_POINTS);
}

#[test]
fn a_huge_block_is_drawn_within_the_cap() {
    let mut rig = Rig::new(VectorscopeMode::Lissajous);
    for _ in 0..40 {
        rig.feed(&sine(48_000, 0.5, (1.0, 0.3)));
        rig.frame();
        assert!(rig.dots().len() <= trail::MAX_POINTS);
    }
    assert!(rig.dots().len() > trail::MAX_POINTS / 2);
}

#[test]
fn polar_sample_folds_points_into_the_upper_half() {
    let mut rig = Rig::new(VectorscopeMode::PolarSample);
    rig.feed(&sine(800, 0.5, (1.0, 1.0)));
    rig.frame();
    let layout = rig.layout();
    assert!((layout.plot.width() - 2.0 * layout.plot.height()).abs() < 0.01);
    let dots = rig.dots();
    assert!(dots.len() > 700);
    for (at, _) in dots {
        assert!(at.y <= layout.origin.y + 0.5 && (at.x - layout.origin.x).abs() < 0.5);
    }
}

#[test]
fn polar_level_of_mono_points_straight_up() {
    let mut rig = Rig::new(VectorscopeMode::PolarLevel);
    for _ in 0..30 {
        rig.feed(&sine(800, 0.5, (1.0, 1.0)));
        rig.frame();
    }
    let layout = rig.layout();
    let far = rig
        .view
        .mesh
        .vertices
        .iter()
        .map(|v| v.pos)
        .max_by(|a, b| {
            a.distance(layout.origin)
                .total_cmp(&b.distance(layout.origin))
        })
        .unwrap();
    let direction = (far - layout.origin).angle().to_degrees();
    assert!(
        (direction + 90.0).abs() < 2.5,
        "{direction}° (screen −90° is up)"
    );
    assert!(far.distance(layout.origin) > 0.8 * layout.radius);
    // The rose: the origin and two vertices per sector; no points.
    assert_eq!(rig.view.mesh.vertices.len(), 1 + 2 * POLAR_SECTORS);
    assert_eq!(rig.view.trail.len(), 0);
}

#[test]
fn the_plot_is_centred_and_the_readouts_never_cover_it() {
    let line = 13.0;
    for size in [vec2(900.0, 500.0), vec2(450.0, 560.0), vec2(200.0, 150.0)] {
        let rect = Rect::from_min_size(Pos2::new(10.0, 20.0), size);
        for mode in [VectorscopeMode::Lissajous, VectorscopeMode::PolarLevel] {
            let layout = Layout::new(rect, mode, line);
            assert!(rect.contains_rect(layout.plot), "{size:?} {mode:?}");
            assert!(
                !layout.plot.intersects(layout.readouts),
                "{size:?} {mode:?}"
            );
            if mode == VectorscopeMode::Lissajous {
                assert!((layout.plot.width() - layout.plot.height()).abs() < 0.01);
                assert_eq!(layout.origin, layout.plot.center());
            }
        }
        let wide = Layout::new(rect, VectorscopeMode::Lissajous, line);
        assert_eq!(wide.side, size.x > size.y + 100.0, "{size:?}");
    }
}
