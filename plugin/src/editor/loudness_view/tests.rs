use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::editor::EditorApp;
use crate::params::RingscopeParams;
use crate::shared::EditorShared;
use crate::tap::BlockInfo;

#[test]
fn the_curve_splits_at_the_target_and_the_parts_above_it_are_marked() {
    let (mut points, mut runs) = (Vec::new(), Vec::new());
    // Below, crossing up between x = 1 and 2, above, crossing down between 3 and 4.
    let curve = [
        (0.0, -20.0),
        (1.0, -18.0),
        (2.0, -10.0),
        (3.0, -12.0),
        (4.0, -16.0),
    ];
    split_at_target(curve, -14.0, &mut points, &mut runs);
    assert_eq!(
        runs,
        [
            Run {
                start: 0,
                end: 3,
                above: false
            },
            Run {
                start: 2,
                end: 6,
                above: true
            },
            Run {
                start: 5,
                end: 7,
                above: false
            },
        ]
    );
    // The crossings lie exactly on the target, where the straight segments cross it.
    assert_eq!(points[2], pos2(1.5, -14.0));
    assert_eq!(points[5], pos2(3.5, -14.0));
    for run in &runs {
        for p in &points[run.start..run.end] {
            assert!(
                if run.above {
                    p.y >= -14.0
                } else {
                    p.y <= -14.0
                },
                "{p:?} in {run:?}"
            );
        }
    }
    // Every input point is drawn, in order, once.
    let inputs: Vec<_> = points.iter().filter(|p| p.x.fract() == 0.0).collect();
    assert_eq!(inputs.len(), curve.len());
}

#[test]
fn unmeasured_points_break_the_curve() {
    let (mut points, mut runs) = (Vec::new(), Vec::new());
    let curve = [
        (0.0, -20.0),
        (1.0, FLOOR_DB),
        (2.0, f32::NAN),
        (3.0, -10.0),
        (4.0, -9.0),
    ];
    split_at_target(curve, -14.0, &mut points, &mut runs);
    assert_eq!(
        runs,
        [
            Run {
                start: 0,
                end: 1,
                above: false
            },
            Run {
                start: 1,
                end: 3,
                above: true
            },
        ]
    );
    assert_eq!(points.len(), 3);
}

#[test]
fn times_ago_read_in_minutes_and_seconds() {
    let ago = |seconds: f64, decimals: usize| {
        let mut out = String::new();
        write_ago(seconds, decimals, &mut out);
        out
    };
    assert_eq!(ago(0.0, 0), "now");
    assert_eq!(ago(30.0, 0), "-30 s");
    assert_eq!(ago(120.0, 0), "-2 min");
    assert_eq!(ago(90.0, 0), "-1:30");
    assert_eq!(ago(65.24, 1), "-1:05.2");
    assert_eq!(ago(12.34, 1), "-12.3 s");
    // What rounds up to a whole minute is written as one.
    assert_eq!(ago(119.7, 0), "-2 min");
}

/// 100 ms of a −20 dBFS-ish 1 kHz tone at 48 kHz, as a host block.
fn tone_block(start: usize) -> Vec<f32> {
    (start..start + 4_800)
        .map(|n| 0.1 * (n as f32 * 2.0 * std::f32::consts::PI * 1_000.0 / 48_000.0).sin())
        .collect()
}

#[test]
fn the_loudness_history_survives_closing_and_reopening_the_editor() {
    let shared = Arc::new(EditorShared::new(Arc::new(RingscopeParams::default())));
    let mut tap = shared.connect(48_000);
    let info = BlockInfo {
        sample_rate: 48_000.0,
        ..Default::default()
    };
    let mut now = Instant::now();
    let mut played = 0;
    let mut play = |tap: &mut crate::tap::AudioTap, app: &mut EditorApp, blocks: usize| {
        for _ in 0..blocks {
            tap.write_block(&[tone_block(played)], info);
            played += 4_800;
            now += Duration::from_millis(100);
            app.drain(now);
        }
    };

    let mut app = EditorApp::new(shared.clone());
    shared.window_opened();
    play(&mut tap, &mut app, 50);
    let before = app.display.loudness().meters.loudness();
    assert_eq!(app.display.loudness().history.available_seconds(), 5.0);
    assert!(before.integrated_lufs.is_finite());
    drop(app);
    shared.window_closed();

    // Closed after the default layout (no loudness pane): nothing is measured (the tap rests),
    // the measurement waits.
    tap.write_block(&[tone_block(0)], info);

    let mut app = EditorApp::new(shared.clone());
    shared.window_opened();
    assert_eq!(app.display.loudness().history.available_seconds(), 5.0);
    assert_eq!(app.display.loudness().meters.loudness(), before);
    play(&mut tap, &mut app, 10);
    let monitor = app.display.loudness();
    assert_eq!(monitor.history.available_seconds(), 6.0);
    assert!(monitor.meters.loudness().integrated_lufs.is_finite());
}

#[test]
fn the_graph_and_the_figures_draw_before_and_after_measuring() {
    let settings =
        crate::editor::display::AnalysisSettings::from_params(&RingscopeParams::default());
    let mut display = DisplayState::new(48_000.0, settings);
    let params = RingscopeParams::default();
    let (mut view, mut figures) = (LoudnessView::default(), Default::default());
    let ctx = egui::Context::default();
    let mut draw = |display: &mut DisplayState| {
        let input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(900.0, 600.0))),
            ..Default::default()
        };
        let mut output = ctx.run_ui(input, |ui| {
            let half = vec2(900.0, 290.0);
            ui.allocate_ui(half, |ui| view.show(ui, display, &params));
            ui.allocate_ui(half, |ui| {
                crate::editor::loudness_figures::LoudnessFigures::show(
                    &mut figures,
                    ui,
                    display,
                    &params,
                )
            });
        });
        // A renderer would upload the font atlas; there is none.
        output.textures_delta.clear();
    };
    draw(&mut display);
    let frames: Vec<_> = tone_block(0)
        .iter()
        .map(|&x| [x, x])
        .cycle()
        .take(48_000 * 4)
        .collect();
    display.loudness().feed(&frames);
    draw(&mut display);
    assert!(!view.runs.is_empty(), "the short-term line was drawn");
}
