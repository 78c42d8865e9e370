//! What a frame asks a software rasteriser to fill: the editor's frames tessellated as the
//! renderer would, and the pixels each shape's triangles cover counted (egui's GL renderer
//! blends every fragment of every triangle, so under Mesa's llvmpipe the cost of a frame is
//! close to the 4 × 4 pixel blocks its triangles touch, each triangle on its own). `cargo test -p ringscope-plugin --lib fill -- --nocapture`
//! prints each layout's figures and its biggest shapes.

use egui::epaint::{ClippedShape, Primitive};
use egui::{Pos2, Rect, Shape};
use nice_plug::params::InternalParamMut;

use super::*;
use crate::compare::Publisher;
use crate::params::{Layout, RingscopeParams, TestSignalKind, View};
use crate::test_signal::{TestSignal, TestSignalSettings};

/// The window's size (the default editor size), pixels at 1×.
const WIDTH: usize = 900;
const HEIGHT: usize = 600;

/// Pixel centres of the window inside triangle `abc` and inside `clip`, and the 4 × 4 blocks
/// of pixels they touch (llvmpipe shades in such blocks: a thin triangle costs its blocks).
fn covered(a: Pos2, b: Pos2, c: Pos2, clip: Rect) -> (usize, usize) {
    let bounds = Rect::from_points(&[a, b, c]).intersect(clip);
    if !bounds.is_positive() {
        return (0, 0);
    }
    let area = (b - a).x * (c - a).y - (b - a).y * (c - a).x;
    if area.abs() < 1e-6 {
        return (0, 0);
    }
    let edge = |p: Pos2, q: Pos2, r: Pos2| ((q - p).x * (r - p).y - (q - p).y * (r - p).x) * area;
    let inside = |x: usize, y: usize| {
        let p = egui::pos2(x as f32 + 0.5, y as f32 + 0.5);
        clip.contains(p) && edge(a, b, p) >= 0.0 && edge(b, c, p) >= 0.0 && edge(c, a, p) >= 0.0
    };
    let x0 = (bounds.left().floor().max(0.0) as usize) / 4 * 4;
    let x1 = (bounds.right().ceil() as usize).min(WIDTH);
    let y0 = (bounds.top().floor().max(0.0) as usize) / 4 * 4;
    let y1 = (bounds.bottom().ceil() as usize).min(HEIGHT);
    let (mut pixels, mut blocks) = (0, 0);
    for by in (y0..y1).step_by(4) {
        for bx in (x0..x1).step_by(4) {
            let mut n = 0;
            for y in by..(by + 4).min(HEIGHT) {
                for x in bx..(bx + 4).min(WIDTH) {
                    n += usize::from(inside(x, y));
                }
            }
            pixels += n;
            blocks += usize::from(n > 0);
        }
    }
    (pixels, blocks)
}

/// One shape's share of a frame.
struct Cost {
    what: String,
    triangles: usize,
    pixels: usize,
    blocks: usize,
}

/// A short name for `shape`: its kind, and its colour where it has one.
fn describe(shape: &Shape) -> String {
    match shape {
        Shape::Rect(r) => format!("rect {:?} fill {:?}", r.rect, r.fill),
        Shape::Path(p) => format!("path {} points fill {:?}", p.points.len(), p.fill),
        Shape::Mesh(m) => match m.vertices.first() {
            Some(v) => format!("mesh {} vertices {:?}", m.vertices.len(), v.color),
            None => "mesh 0 vertices".to_owned(),
        },
        Shape::Text(t) => format!("text {:?}", t.galley.text()),
        Shape::LineSegment { .. } => "line segment".to_owned(),
        Shape::Circle(_) => "circle".to_owned(),
        other => format!("{:?}", std::mem::discriminant(other)),
    }
}

/// The cost of each shape of `shapes` at 1×.
fn costs(ctx: &egui::Context, shapes: Vec<ClippedShape>) -> Vec<Cost> {
    shapes
        .into_iter()
        .map(|shape| {
            let what = describe(&shape.shape);
            let mut cost = Cost {
                what,
                triangles: 0,
                pixels: 0,
                blocks: 0,
            };
            for primitive in ctx.tessellate(vec![shape], 1.0) {
                let Primitive::Mesh(mesh) = primitive.primitive else {
                    continue;
                };
                for [a, b, c] in mesh.triangles() {
                    let at = |i: u32| mesh.vertices[i as usize].pos;
                    cost.triangles += 1;
                    let (pixels, blocks) = covered(at(a), at(b), at(c), primitive.clip_rect);
                    cost.pixels += pixels;
                    cost.blocks += blocks;
                }
            }
            cost
        })
        .collect()
}

/// Every layout the editor offers, as the parameters select it.
const LAYOUTS: [(&str, View, Layout); 9] = [
    ("split", View::Split, Layout::Classic),
    ("scope", View::Scope, Layout::Classic),
    ("spectrum", View::Spectrum, Layout::Classic),
    ("spectrogram", View::Split, Layout::Spectrogram),
    ("vectorscope", View::Split, Layout::Vectorscope),
    ("loudness", View::Split, Layout::Loudness),
    (
        "spectrum-spectrogram",
        View::Split,
        Layout::SpectrumSpectrogram,
    ),
    ("scope-vectorscope", View::Split, Layout::ScopeVectorscope),
    ("loudness-meters", View::Split, Layout::LoudnessMeters),
];

/// The shapes' costs of a frame of `layout` after two seconds of signal, the parameters as
/// `setup` leaves them and `others` (instances and sidechain they may overlay) publishing the
/// same signal.
fn layout_costs(
    view: View,
    layout: Layout,
    setup: impl FnOnce(&RingscopeParams),
    others: &mut [Publisher],
) -> Vec<Cost> {
    let (shared, mut tap) = plugin_side();
    setup(&shared.params);
    // SAFETY: no other thread sees these parameters.
    unsafe {
        shared.params.view._internal_set_plain_value(view);
        shared.params.layout._internal_set_plain_value(layout);
    }
    let ctx = egui::Context::default();
    let (mut app, _guard) = open_window(&shared);
    app.panel_fill = take_panel_fill(&ctx);
    // The standalone app's picture: its test signal as it starts (the log sweep at the
    // parameters' defaults), 800 frames per 60 Hz frame for two seconds.
    let params = &shared.params;
    let settings = TestSignalSettings {
        kind: TestSignalKind::LogSweep,
        frequency_hz: params.test_freq_hz.value(),
        frequency2_hz: params.test_freq2_hz.value(),
        amplitude: util::db_to_gain(params.test_level_db.value()),
        sweep_seconds: params.test_sweep_s.value(),
    };
    let mut signal = TestSignal::new(48_000.0);
    let mut published = TestSignal::new(48_000.0);
    let mut block = vec![std::mem::MaybeUninit::uninit(); 800];
    let mut now = Instant::now();
    let mut output = frame(&ctx, &mut app, now);
    for _ in 0..120 {
        tap.write_test_signal(800, info(), 2, |out| signal.fill(&settings, out));
        if !others.is_empty() {
            let frames = published.fill(&settings, &mut block);
            let channels: [Vec<f32>; 2] =
                std::array::from_fn(|ch| frames.iter().map(|f| f[ch]).collect());
            for other in others.iter_mut() {
                other.publish(&channels);
            }
        }
        now += STEP;
        output = frame(&ctx, &mut app, now);
    }
    costs(&ctx, output.shapes)
}

#[test]
fn what_each_layout_asks_the_rasteriser_to_fill() {
    for (name, view, layout) in LAYOUTS {
        report(name, layout, layout_costs(view, layout, |_| {}, &mut []));
    }
}

/// The spectrum comparing as much as it can: four instances and the sidechain overlaid, the
/// collision display and the pink line on, every overlay playing this instance's signal (so
/// the curves coincide and collide wherever the sweep has passed).
#[test]
fn comparing_asks_the_rasteriser_for_little_more() {
    use std::sync::atomic::Ordering::Relaxed;
    use std::sync::{Arc, RwLock};

    let _turn = crate::compare::registry::tests::SERIAL
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let names = ["Kick", "Bass", "Vocal", "Keys"];
    let mut others: Vec<Publisher> = names
        .iter()
        .map(|&name| Publisher::new(Arc::new(RwLock::new(name.to_owned()))))
        .collect();
    let sidechain = Publisher::unlisted(Arc::new(RwLock::new(crate::SIDECHAIN.to_owned())));
    others.push(sidechain);
    for other in &mut others {
        other.activate(48_000.0, 800);
    }
    let sidechain = others[4].entry().clone();
    let setup = |params: &RingscopeParams| {
        let compare = &params.compare;
        compare.set_chosen(names.iter().map(|&n| n.to_owned()).collect());
        compare.set_sidechain(sidechain);
        compare.sidechain_overlay.store(true, Relaxed);
        compare.collision_display.store(true, Relaxed);
        compare.pink_reference.store(true, Relaxed);
    };
    let costs = layout_costs(View::Spectrum, Layout::Classic, setup, &mut others);
    let band = format!("{:?}", crate::editor::theme::collision_band());
    let collisions = costs
        .iter()
        .filter(|c| c.what.starts_with("mesh") && c.what.ends_with(&band))
        .count();
    assert_eq!(collisions, 1, "the collision strips drawn, as one mesh");
    report("spectrum, comparing", Layout::Classic, costs);
}

/// Prints `costs` (a frame of `layout`, called `name`) and checks them against the budget.
fn report(name: &str, layout: Layout, mut costs: Vec<Cost>) {
    let window = (WIDTH * HEIGHT) as f32;
    let pixels: usize = costs.iter().map(|c| c.pixels).sum();
    let triangles: usize = costs.iter().map(|c| c.triangles).sum();
    let blocks: usize = costs.iter().map(|c| c.blocks).sum();
    println!(
        "{name}: {pixels} pixels ({:.2} windows), {blocks} 4x4 blocks ({:.2} windows), \
         {triangles} triangles, {} shapes",
        pixels as f32 / window,
        blocks as f32 * 16.0 / window,
        costs.len()
    );
    let mut kinds: Vec<(String, usize, usize, usize)> = Vec::new();
    for c in &costs {
        let kind = c.what.split(' ').next().unwrap_or("").to_owned();
        match kinds.iter_mut().find(|k| k.0 == kind) {
            Some(k) => (k.1, k.2, k.3) = (k.1 + 1, k.2 + c.blocks, k.3 + c.triangles),
            None => kinds.push((kind, 1, c.blocks, c.triangles)),
        }
    }
    for (kind, n, blocks, triangles) in kinds {
        println!("  {kind}: {n} shapes, {blocks} blocks, {triangles} triangles");
    }
    costs.sort_by_key(|c| std::cmp::Reverse(c.blocks));
    for c in costs.iter().take(10) {
        println!(
            "    {:>7} px {:>6} blocks {:>6} tri  {}",
            c.pixels, c.blocks, c.triangles, c.what
        );
    }
    // A bare egui window's frame (its panel's fill) is one window's worth of blocks; every
    // layout stayed within 1.5 of them once the cuts were made (before them: 2.1 to 4.3
    // windows). The spectrogram and the loudness graph still paint their plot's background
    // over the clear of the same colour themselves (half a window more).
    let budget = match layout {
        Layout::Spectrogram | Layout::Loudness => 2.0,
        _ => 1.5,
    };
    let windows = blocks as f32 * 16.0 / window;
    assert!(
        windows <= budget,
        "{name}: {windows:.2} windows of 4 x 4 blocks, over the budget of {budget}"
    );
}
