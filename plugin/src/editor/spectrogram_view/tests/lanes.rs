//! The overlaid instances' lanes: another instance publishing into the registry by hand (as
//! the spectrum view's overlay tests do), this view drawn headless.

use std::sync::{Arc, RwLock};

use egui::epaint::ClippedShape;
use egui::{Shape, TextureId};

use super::*;
use crate::compare::Publisher;
use crate::compare::registry::tests::SERIAL;
use crate::editor::spectrum_view::overlays::overlay_colour;

/// The other instance's name (no other test names one so).
const OTHER: &str = "Lane tone";

/// Where `shapes` draw texture `id`: the bounding rect of its parts.
fn drawn_at(shapes: &[ClippedShape], id: TextureId) -> Rect {
    shapes
        .iter()
        .filter(|s| matches!(&s.shape, Shape::Mesh(m) if m.texture_id == id))
        .fold(Rect::NOTHING, |all, s| all | s.shape.visual_bounding_rect())
}

/// The texts `shapes` draw, with their colours.
fn texts(shapes: &[ClippedShape]) -> Vec<(String, Color32)> {
    shapes
        .iter()
        .filter_map(|s| match &s.shape {
            Shape::Text(t) => Some((t.galley.text().to_owned(), t.fallback_color)),
            _ => None,
        })
        .collect()
}

/// The loudest row of the column 10 before the newest, and its level.
fn loudest(spectrogram: &Spectrogram) -> (usize, f32) {
    let rows = spectrogram.settings().rows;
    (0..rows)
        .map(|row| (row, spectrogram.cell(10, row).expect("held").level_db))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
}

#[test]
fn a_chosen_instance_gets_a_lane_with_its_tone_at_its_row_and_level_until_unchosen() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut other = Publisher::new(Arc::new(RwLock::new(OTHER.to_owned())));
    other.activate(RATE, BLOCK);
    let mut bench = Bench::new();
    bench.params.compare.set_chosen(vec![OTHER.to_owned()]);
    let _ = bench.frame(None);
    assert_eq!(other.entry().subscribers(), 1, "the lane subscribes");
    // Two seconds of the same tone here and there, a display frame's worth between frames.
    let mut published = 0;
    for _ in 0..120 {
        let block: Vec<f32> = tone(published, 0.5).collect();
        published += BLOCK;
        other.publish(&[&block[..], &block[..]]);
        bench.step();
    }
    let plot = bench.plot();
    let own = *bench.display.spectrogram.settings();
    // The plot's height split in two lanes and a separator; each lane the whole width.
    assert_eq!(
        own.rows,
        ((plot.height() - SEPARATOR) / 2.0).round() as usize
    );
    assert_eq!(own.columns, plot.width().round() as usize);
    let lane = &bench.view.lanes.lanes()[0];
    assert_eq!(*lane.spectrogram.settings(), own, "the same axes and size");
    assert_eq!(lane.name, OTHER);

    // The tone's row lit at 1 kHz ± one row, at its level: as this instance's own lane reads
    // the same tone ± 0.5 dB, and −6.02 dBFS less up to 1.42 dB of Hann scalloping.
    let row = own.axis.fraction_of(f64::from(TONE_HZ)) * own.rows as f64;
    let (own_row, own_db) = loudest(&bench.display.spectrogram);
    let (lane_row, lane_db) = loudest(&lane.spectrogram);
    assert!(
        (own_row as f64 + 0.5 - row).abs() <= 1.0,
        "{own_row} vs {row:.1}"
    );
    assert!(
        (lane_row as f64 + 0.5 - row).abs() <= 1.0,
        "{lane_row} vs {row:.1}"
    );
    assert!((lane_db - own_db).abs() <= 0.5, "{lane_db} vs {own_db}");
    assert!(lane_db > -7.6 && lane_db < -5.5, "{lane_db}");

    // Drawn below this instance's lane, its name in the first overlay's colour.
    let shapes = &bench.output.shapes;
    let own_id = bench.view.texture.id().unwrap();
    let lane_id = bench.view.lanes.texture_id(0).expect("the lane's texture");
    let (top, bottom) = (drawn_at(shapes, own_id), drawn_at(shapes, lane_id));
    assert!((top.top() - plot.top()).abs() < 0.01, "{top:?} in {plot:?}");
    assert!((bottom.bottom() - plot.bottom()).abs() < 0.01, "{bottom:?}");
    assert!((bottom.top() - top.bottom() - SEPARATOR).abs() < 0.01);
    assert!(texts(shapes).contains(&(OTHER.to_owned(), overlay_colour(0))));

    // Updated by columns, as this instance's lane is: partial uploads of whole columns.
    let block: Vec<f32> = tone(published, 0.5).collect();
    other.publish(&[&block[..], &block[..]]);
    let (completed, _) = bench.step();
    let uploads = &bench.uploads[&lane_id];
    let uploaded = uploaded_columns(uploads, Orientation::TimeAlongX, own.rows);
    assert!(
        uploaded > 0 && uploaded as u64 <= completed + 1,
        "{uploaded}"
    );

    // Under the pointer, the lane's own cell, under the instance's name in its colour.
    let lane = &bench.view.lanes.lanes()[0];
    let cell = lane.spectrogram.cell(10, lane_row).unwrap();
    let pointer = pos2(
        plot.right() - 10.5 * plot.width() / own.columns as f32,
        bottom.bottom() - (lane_row as f32 + 0.5) / own.rows as f32 * bottom.height(),
    );
    for _ in 0..2 {
        let _ = bench.frame(Some(pointer));
    }
    let lines: Vec<(String, Color32)> = (bench.view.readout.iter())
        .map(|(s, c)| (s.to_owned(), c))
        .collect();
    let mut level = String::new();
    format::write_db(cell.level_db, "dBFS", &mut level);
    assert_eq!(lines[0], (OTHER.to_owned(), overlay_colour(0)), "{lines:?}");
    assert_eq!(lines.last().unwrap().0, level, "{lines:?}");

    // Unchosen: the lane goes, the subscription ends, the plot is one lane again.
    bench.params.compare.set_chosen(Vec::new());
    let _ = bench.frame(None);
    assert_eq!(other.entry().subscribers(), 0, "unsubscribed");
    assert!(bench.view.lanes.lanes().is_empty());
    let rows = bench.display.spectrogram.settings().rows;
    assert_eq!(rows, plot.height().round() as usize);
}

#[test]
fn with_no_overlay_live_the_view_is_one_lane_as_without_overlays() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Nothing chosen, then a name no live instance has: one lane either way.
    let mut plain = Bench::new();
    let mut absent = Bench::new();
    absent
        .params
        .compare
        .set_chosen(vec!["Nobody here".to_owned()]);
    for _ in 0..30 {
        plain.step();
        absent.step();
    }
    for bench in [&plain, &absent] {
        let plot = bench.plot();
        let settings = *bench.display.spectrogram.settings();
        assert_eq!(settings.rows, plot.height().round() as usize);
        assert_eq!(settings.columns, plot.width().round() as usize);
        assert!(bench.view.lanes.lanes().is_empty());
        // The image over the whole plot, no name on it.
        let image = drawn_at(&bench.output.shapes, bench.view.texture.id().unwrap());
        assert!((image.top() - plot.top()).abs() < 0.01, "{image:?}");
        assert!((image.bottom() - plot.bottom()).abs() < 0.01, "{image:?}");
        assert!((image.right() - plot.right()).abs() < 0.01, "{image:?}");
    }
    // The same picture, shape for shape.
    let shapes = |bench: &Bench| {
        let shapes: Vec<Shape> = bench
            .output
            .shapes
            .iter()
            .map(|s| s.shape.clone())
            .collect();
        shapes
    };
    assert_eq!(shapes(&plain), shapes(&absent));
    assert!(
        texts(&plain.output.shapes)
            .iter()
            .all(|(t, _)| !t.contains("Ringscope"))
    );
}

#[test]
fn a_waterfall_puts_the_lanes_side_by_side_each_across_the_whole_time_axis() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut other = Publisher::new(Arc::new(RwLock::new(OTHER.to_owned())));
    other.activate(RATE, BLOCK);
    let mut bench = Bench::new();
    // SAFETY: no other thread sees these parameters.
    unsafe {
        (bench.params.spectrogram.direction)
            ._internal_set_plain_value(SpectrogramDirection::Waterfall)
    };
    bench.params.compare.set_chosen(vec![OTHER.to_owned()]);
    let _ = bench.frame(None);
    let mut published = 0;
    for _ in 0..60 {
        let block: Vec<f32> = tone(published, 0.5).collect();
        published += BLOCK;
        other.publish(&[&block[..], &block[..]]);
        bench.step();
    }
    let plot = bench.plot();
    let settings = *bench.display.spectrogram.settings();
    // Time down the whole height, the width split in two lanes and a separator.
    assert_eq!(settings.columns, plot.height().round() as usize);
    assert_eq!(
        settings.rows,
        ((plot.width() - SEPARATOR) / 2.0).round() as usize
    );
    let shapes = &bench.output.shapes;
    let left = drawn_at(shapes, bench.view.texture.id().unwrap());
    let right = drawn_at(shapes, bench.view.lanes.texture_id(0).unwrap());
    let extent = (plot.width() - SEPARATOR) / 2.0;
    assert!(
        (left.left() - plot.left()).abs() < 0.01,
        "{left:?} in {plot:?}"
    );
    assert!(
        (left.right() - (plot.left() + extent)).abs() < 0.01,
        "{left:?}"
    );
    assert!(
        (right.left() - left.right() - SEPARATOR).abs() < 0.01,
        "{right:?}"
    );
    assert!((right.right() - plot.right()).abs() < 0.01, "{right:?}");
    // Both from the newest edge, the top, down as far.
    assert!((left.top() - plot.top()).abs() < 0.01 && (right.top() - plot.top()).abs() < 0.01);
    assert!(
        (left.bottom() - right.bottom()).abs() < 2.0,
        "{left:?} {right:?}"
    );
}
