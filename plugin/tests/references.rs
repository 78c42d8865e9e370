//! Reference traces: a captured sine peaks where the live curve does at its level, silence is
//! kept as the floor, the saved form reads back within its quantisation, and a saved state with
//! unreadable references loads the others, says how many were dropped and changes nothing else.

use std::collections::BTreeMap;

use nice_plug::prelude::*;
use ringscope::analysis::{FLOOR_DB, FrequencyAxis, Spectrum, SpectrumCurve, SpectrumSettings};
use ringscope_plugin::compare::reference::GRID_POINTS;
use ringscope_plugin::compare::{MAX_REFERENCES, Reference, References};
use ringscope_plugin::params::RingscopeParams;

const RATE: f64 = 48_000.0;

/// A spectrum with default settings fed `seconds` of a sine at `hz`, amplitude 0.5.
fn fed(hz: f64, seconds: f64, settings: SpectrumSettings) -> Spectrum {
    let mut spectrum = Spectrum::new(RATE, settings);
    let frames: Vec<[f32; 2]> = (0..(seconds * RATE) as usize)
        .map(|n| {
            let x = 0.5 * (n as f64 * hz / RATE * std::f64::consts::TAU).sin() as f32;
            [x, x]
        })
        .collect();
    spectrum.feed(&frames);
    spectrum
}

/// The column of `columns`' highest value.
fn loudest(columns: &[f32]) -> usize {
    (0..columns.len())
        .max_by(|&a, &b| columns[a].total_cmp(&columns[b]))
        .unwrap()
}

#[test]
fn a_captured_1_khz_sine_peaks_at_1_khz_at_the_live_level() {
    // And 4 kHz with a slope: the reference is kept untilted and tilted as it is drawn.
    for (hz, slope) in [(1000.0, 0.0), (1000.0, 4.5), (4000.0, 4.5)] {
        let settings = SpectrumSettings {
            slope_db_per_octave: slope,
            ..SpectrumSettings::default()
        };
        let mut spectrum = fed(hz, 1.0, settings);
        let first = settings.channel_mode.channels()[0];
        let axis = FrequencyAxis::default();
        // Columns narrower and (120) wider than the grid's cells.
        for width in [736, 1500, 301, 120] {
            let mut live = vec![0.0; width];
            spectrum.render(first, SpectrumCurve::Average, &axis, &mut live);
            let reference =
                Reference::capture(&mut spectrum, first, SpectrumCurve::Average, "Ref 1");
            assert_eq!(
                *spectrum.settings(),
                settings,
                "the view's settings are kept"
            );
            let mut drawn = vec![0.0; width];
            reference.render(&axis, slope as f32, &mut drawn);
            // The reference peaks in the column holding its grid point at the tone.
            let c = loudest(&drawn);
            let lo = axis.frequency_at(c as f64 / width as f64);
            let hi = axis.frequency_at((c + 1) as f64 / width as f64);
            assert!(lo <= hz && hz < hi, "{width}: peak at {lo}…{hi} Hz");
            // The live curve peaks within that grid point's cell (1/24 octave), at the
            // reference's level: the cell keeps its highest bin.
            let p = loudest(&live);
            let column_octaves = (axis.max_hz / axis.min_hz).log2() / width as f64;
            let at = axis.frequency_at((p as f64 + 0.5) / width as f64);
            assert!(
                (at / hz).log2().abs() <= 1.0 / 48.0 + column_octaves,
                "{width}: live peak at {at} Hz"
            );
            eprintln!(
                "{hz} Hz, {width} columns, slope {slope}: reference {} dB, live peak {} dB",
                drawn[c], live[p]
            );
            assert!(
                (drawn[c] - live[p]).abs() <= 0.1,
                "{hz} Hz, {width}, slope {slope}: reference {} dB, live {} dB",
                drawn[c],
                live[p]
            );
        }
    }
}

#[test]
fn a_capture_during_silence_keeps_the_floor() {
    let mut spectrum = fed(1000.0, 0.0, SpectrumSettings::default());
    spectrum.feed(&vec![[0.0; 2]; 48_000]);
    let first = spectrum.settings().channel_mode.channels()[0];
    let reference = Reference::capture(&mut spectrum, first, SpectrumCurve::Average, "s");
    for i in 0..GRID_POINTS {
        assert_eq!(reference.level_db(i), FLOOR_DB, "{i}");
    }
    let mut drawn = vec![0.0; 500];
    reference.render(&FrequencyAxis::default(), 3.0, &mut drawn);
    assert!(drawn.iter().all(|db| db.is_finite() && *db < -200.0));
}

/// Three references with distinct levels, in a params' field.
fn three() -> References {
    let mut references = References::default();
    for (n, curve) in [
        SpectrumCurve::Average,
        SpectrumCurve::PeakHold,
        SpectrumCurve::Average,
    ]
    .into_iter()
    .enumerate()
    {
        let levels: Vec<f32> = (0..GRID_POINTS)
            .map(|i| -100.0 + 0.31 * i as f32 - 7.77 * n as f32)
            .collect();
        let name = references.next_name();
        references
            .add(Reference::from_levels(&name, curve, &levels))
            .unwrap();
    }
    references
}

#[test]
fn unreadable_saved_references_are_dropped_with_a_notice_and_the_rest_load() {
    let saved = RingscopeParams::default();
    *saved.compare.references() = three();
    let fields = saved.serialize_fields();
    let good: Vec<serde_json::Value> = serde_json::from_str(&fields["compare-references"]).unwrap();
    assert_eq!(good.len(), 3);

    let broken = |key: &str, value: serde_json::Value| {
        let mut entry = good[1].clone();
        entry[key] = value;
        entry
    };
    let short = {
        let levels = good[1]["levels"].as_str().unwrap();
        serde_json::Value::from(&levels[..levels.len() - 8])
    };
    // i16::MIN, the usual "no value" marker, first: out of the saved range.
    let mut marker = good[1]["levels"].as_str().unwrap().to_owned();
    marker.replace_range(0..4, "AID/");
    let cases = [
        ("bad base64", broken("levels", "not*base64!".into())),
        ("wrong length", broken("levels", short)),
        ("NaN (JSON null)", broken("levels", serde_json::Value::Null)),
        ("out of range", broken("levels", marker.into())),
        ("unknown version", broken("v", 2.into())),
        ("unknown curve", broken("curve", "minimum".into())),
        ("not an object", serde_json::Value::from(17)),
    ];
    for (what, bad) in cases {
        let loaded = RingscopeParams::default();
        let mut state: BTreeMap<String, String> = fields.clone();
        let entries = vec![good[0].clone(), bad, good[2].clone()];
        state.insert(
            "compare-references".to_owned(),
            serde_json::to_string(&entries).unwrap(),
        );
        loaded.deserialize_fields(&state);
        let references = loaded.compare.references();
        let names: Vec<&str> = references.list().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Ref 1", "Ref 3"], "{what}");
        assert_eq!(references.list()[1], three().list()[2], "{what}");
        assert_eq!(
            references.notice().as_deref(),
            Some("1 saved reference could not be read and was dropped"),
            "{what}"
        );
    }
    // Not an array at all: nothing loads, and the notice says so.
    let loaded = RingscopeParams::default();
    let mut state = fields.clone();
    state.insert("compare-references".to_owned(), "{\"a\":1}".to_owned());
    loaded.deserialize_fields(&state);
    assert!(loaded.compare.references().list().is_empty());
    assert!(loaded.compare.references().notice().is_some());
    // More than fit: the extra is dropped and counted.
    let loaded = RingscopeParams::default();
    let four = vec![
        good[0].clone(),
        good[1].clone(),
        good[2].clone(),
        good[0].clone(),
    ];
    state.insert(
        "compare-references".to_owned(),
        serde_json::to_string(&four).unwrap(),
    );
    loaded.deserialize_fields(&state);
    assert_eq!(loaded.compare.references().list().len(), MAX_REFERENCES);
    assert_eq!(loaded.compare.references().dropped(), 1);
}
