//! Parameters and persisted fields survive a save/restore exactly, IDs never change, and a
//! corrupt session can never break the plugin.
//!
//! nice-plug's own (de)serializer is crate-private, so `save`/`restore` below do what its
//! wrappers do (nice-plug 0.4 `wrapper/state.rs`): plain values per parameter ID, enums by their
//! variant ID, persisted fields as JSON strings, all in a `PluginState` sent through serde_json.

use std::collections::BTreeMap;

use nice_plug::params::InternalParamMut;
use nice_plug::plugin::ParamValue;
use nice_plug::prelude::*;
use ringscope_plugin::Ringscope;
use ringscope_plugin::params::{BYPASS_ID, EditorGeometry, RingscopeParams};

fn save(params: &RingscopeParams) -> Vec<u8> {
    let values: BTreeMap<String, ParamValue> = params
        .param_map()
        .into_iter()
        .map(|(id, ptr, _)| {
            // SAFETY: the pointers come from `params`, which outlives this call.
            let value = unsafe {
                match ptr {
                    ParamPtr::FloatParam(p) => ParamValue::F32((*p).unmodulated_plain_value()),
                    ParamPtr::IntParam(p) => ParamValue::I32((*p).unmodulated_plain_value()),
                    ParamPtr::BoolParam(p) => ParamValue::Bool((*p).unmodulated_plain_value()),
                    ParamPtr::EnumParam(p) => match (*p).unmodulated_plain_id() {
                        Some(id) => ParamValue::String(id.to_owned()),
                        None => ParamValue::I32((*p).unmodulated_plain_value()),
                    },
                }
            };
            (id, value)
        })
        .collect();
    let state = PluginState {
        version: Ringscope::VERSION.to_owned(),
        params: values,
        fields: params.serialize_fields(),
    };
    serde_json::to_vec(&state).unwrap()
}

fn restore(params: &RingscopeParams, bytes: &[u8]) {
    let state: PluginState = serde_json::from_slice(bytes).unwrap();
    let map: BTreeMap<String, ParamPtr> = params
        .param_map()
        .into_iter()
        .map(|(id, ptr, _)| (id, ptr))
        .collect();
    for (id, value) in &state.params {
        let Some(&ptr) = map.get(id) else { continue };
        // SAFETY: as above.
        unsafe {
            match (ptr, value) {
                (ParamPtr::FloatParam(p), ParamValue::F32(v)) => {
                    (*p)._internal_set_plain_value(*v);
                }
                (ParamPtr::IntParam(p), ParamValue::I32(v)) => {
                    (*p)._internal_set_plain_value(*v);
                }
                (ParamPtr::BoolParam(p), ParamValue::Bool(v)) => {
                    (*p)._internal_set_plain_value(*v);
                }
                (ParamPtr::EnumParam(p), ParamValue::String(v)) => {
                    assert!((*p).set_from_id(v), "unknown variant ID {v} for {id}");
                }
                (ParamPtr::EnumParam(p), ParamValue::I32(v)) => {
                    (*p)._internal_set_plain_value(*v);
                }
                (p, v) => panic!("{id}: mismatched {p:?} / {v:?}"),
            }
        }
    }
    params.deserialize_fields(&state.fields);
}

/// (id, normalized, plain as text) for every parameter.
fn snapshot(params: &RingscopeParams) -> Vec<(String, u32, String)> {
    params
        .param_map()
        .into_iter()
        // SAFETY: `ptr` comes from `params.param_map()`, so it points into `params`, which is
        // borrowed for the whole call; nothing else touches the parameters meanwhile.
        .map(|(id, ptr, _)| unsafe {
            let normalized = ptr.unmodulated_normalized_value();
            (
                id,
                normalized.to_bits(),
                ptr.normalized_value_to_string(normalized, true),
            )
        })
        .collect()
}

/// Moves every parameter away from its default, to an arbitrary (not grid-aligned) value;
/// `shift` varies the values.
fn move_off_defaults(params: &RingscopeParams, shift: usize) {
    for (n, (_, ptr, _)) in params.param_map().into_iter().enumerate() {
        let n = (n + shift) as f32;
        // SAFETY: `ptr` points into `params`, alive and used by this thread only.
        unsafe {
            let default = ptr.default_normalized_value();
            let mut target = if default < 0.5 {
                0.93 - 0.013 * n
            } else {
                0.07 + 0.011 * n
            };
            // A choice whose default is its middle one may round back to it: take the last.
            if ptr.preview_normalized(ptr.preview_plain(target)) == default {
                target = 1.0;
            }
            ptr._internal_set_normalized_value(target);
        }
    }
}

/// Every parameter ID, in declaration order. Sessions and automation refer to these: a change
/// here breaks users' projects, so this list is only ever appended to.
const STABLE_IDS: [&str; 44] = [
    "view",
    "channels",
    "freeze",
    "scope-window",
    "trigger-mode",
    "trigger-level",
    "trigger-edge",
    "trigger-hysteresis",
    "trigger-holdoff",
    "beat-sync-length",
    "fft-size",
    "fft-window",
    "fft-overlap",
    "averaging",
    "peak-hold",
    "slope",
    "smoothing",
    "freq-min",
    "freq-max",
    "db-min",
    "db-max",
    "test-signal",
    "test-freq",
    "test-freq-2",
    "test-level",
    "test-sweep-time",
    "freq-scale",
    "bypass",
    "frame-rate",
    "layout",
    "meters-strip",
    "sgram-history",
    "sgram-floor",
    "sgram-ceiling",
    "sgram-palette",
    "sgram-direction",
    "vscope-mode",
    "vscope-auto-gain",
    "vscope-gain",
    "vscope-persistence",
    "loudness-span",
    "loudness-target",
    "loudness-custom",
    // (append new IDs here)
    "",
];

#[test]
fn parameter_ids_are_stable() {
    let params = RingscopeParams::default();
    let ids: Vec<String> = params
        .param_map()
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let expected: Vec<&str> = STABLE_IDS
        .iter()
        .copied()
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(ids, expected);
}

#[test]
fn every_parameter_and_the_editor_geometry_round_trip_exactly() {
    let original = RingscopeParams::default();
    let defaults = snapshot(&original);
    move_off_defaults(&original, 0);
    let geometry = EditorGeometry {
        width: 1234.5,
        height: 777.25,
        zoom: 1.25,
    };
    original.editor_geometry.store(geometry);
    let changed = snapshot(&original);
    for (d, c) in defaults.iter().zip(&changed) {
        assert_ne!(d.1, c.1, "{} still at its default", d.0);
    }

    let bytes = save(&original);
    let restored = RingscopeParams::default();
    restore(&restored, &bytes);
    assert_eq!(snapshot(&restored), changed);
    assert_eq!(restored.editor_geometry.load(), geometry);
    // Plain values are bit-identical too, not just their normalized images.
    for ((id, a, _), (_, b, _)) in original.param_map().into_iter().zip(restored.param_map()) {
        // SAFETY: `a` and `b` point into `original` and `restored`, both alive and used by this
        // thread only.
        unsafe {
            if let (ParamPtr::FloatParam(a), ParamPtr::FloatParam(b)) = (a, b) {
                assert_eq!(
                    (*a).unmodulated_plain_value().to_bits(),
                    (*b).unmodulated_plain_value().to_bits(),
                    "{id}"
                );
            }
        }
    }
    // And a second save of the restored state is byte-identical to the first.
    assert_eq!(save(&restored), bytes);
}

#[test]
fn a_corrupt_or_absurd_session_falls_back_safely() {
    let params = RingscopeParams::default();
    let mut fields = BTreeMap::new();
    fields.insert("editor-geometry".to_owned(), "{not json".to_owned());
    params.deserialize_fields(&fields);
    assert_eq!(params.editor_geometry.load(), EditorGeometry::DEFAULT);

    fields.insert(
        "editor-geometry".to_owned(),
        r#"{"width":-5.0,"height":1e30,"zoom":0.0}"#.to_owned(),
    );
    params.deserialize_fields(&fields);
    let sane = params.editor_geometry.load().sanitized();
    assert_eq!(sane.width, EditorGeometry::MIN_WIDTH);
    assert!(sane.height <= 16384.0 && sane.zoom >= 0.25);
    let nan = EditorGeometry {
        width: f32::NAN,
        height: f32::INFINITY,
        zoom: f32::NAN,
    }
    .sanitized();
    assert_eq!(nan, EditorGeometry::DEFAULT);

    // Unknown enum IDs are rejected and leave the parameter alone.
    // SAFETY: the pointer comes from `params.view`, alive and used by this thread only.
    unsafe {
        let ptr = params.view.as_ptr();
        if let ParamPtr::EnumParam(p) = ptr {
            assert!(!(*p).set_from_id("no-such-view"));
        }
    }
    assert_eq!(params.view.value(), ringscope_plugin::params::View::Split);
}

/// A session as saved before the bypass parameter existed (every parameter of Ringscope 0.1.0
/// at b04175a, in nice-plug's JSON state; the host tests load it too).
const STATE_BEFORE_BYPASS: &str =
    include_str!("../host-tests/tests/fixtures/state-0.1.0-before-bypass.json");

#[test]
fn a_session_saved_before_the_bypass_existed_loads_un_bypassed() {
    let old: PluginState = serde_json::from_str(STATE_BEFORE_BYPASS).unwrap();
    assert!(!old.params.contains_key(BYPASS_ID));
    // What nice-plug does before loading any state: the plugin's `filter_state`.
    let mut filtered = old.clone();
    Ringscope::filter_state(&mut filtered);
    let params = RingscopeParams::default();
    // SAFETY: `params` is used by this thread only.
    unsafe { params.bypass._internal_set_plain_value(true) };
    restore(&params, &serde_json::to_vec(&filtered).unwrap());
    assert!(
        !params.bypass.value(),
        "an old session left the plugin bypassed"
    );
    assert_eq!(
        params.slope_db_per_oct.value(),
        4.5,
        "the old session's values load"
    );
    // A session that saved a bypass keeps it.
    let mut bypassed = old;
    bypassed
        .params
        .insert(BYPASS_ID.to_owned(), ParamValue::Bool(true));
    Ringscope::filter_state(&mut bypassed);
    restore(&params, &serde_json::to_vec(&bypassed).unwrap());
    assert!(params.bypass.value());
}

/// Hosts keep automation of an enum as what their API carries: CLAP the variant index (0, 1, 2
/// for the View parameter's three), VST3 the normalized value (index / 2). The layouts added
/// since are a parameter of their own, so each of those values still selects the picture it
/// selected before, and a session without the new parameters shows what it showed.
#[test]
fn old_view_values_still_select_the_same_picture() {
    use ringscope_plugin::params::{Pane, View};
    let before: [(View, &[Pane]); 3] = [
        (View::Scope, &[Pane::Scope]),
        (View::Spectrum, &[Pane::Spectrum]),
        (View::Split, &[Pane::Scope, Pane::Spectrum]),
    ];
    let params = RingscopeParams::default();
    for (index, (view, panes)) in before.into_iter().enumerate() {
        let normalized = index as f32 / 2.0;
        // SAFETY: the parameter lives as long as `params`, used by this thread only.
        unsafe {
            params
                .view
                .as_ptr()
                ._internal_set_normalized_value(normalized);
        }
        assert_eq!(params.view.value(), view, "VST3 value {normalized}");
        assert_eq!(params.view.preview_plain(normalized), view);
        assert_eq!(params.view.preview_normalized(view), normalized);
        assert_eq!(params.panes(), panes, "{view:?}");
    }
}

#[test]
fn parameters_a_session_does_not_name_load_at_their_defaults() {
    let saved = RingscopeParams::default();
    move_off_defaults(&saved, 0);
    let mut state: PluginState = serde_json::from_slice(&save(&saved)).unwrap();
    // Every second parameter missing, whatever the parameters are (the first included, so
    // the removed ones span floats, choices and switches alike).
    let ids: Vec<String> = state.params.keys().cloned().collect();
    let removed: Vec<&String> = ids.iter().step_by(2).collect();
    assert!(removed.len() >= 3, "{removed:?}");
    for id in &removed {
        state.params.remove(*id);
    }
    // What nice-plug does before loading any state: the plugin's `filter_state`; then a load
    // into an instance whose every parameter is away from both its default and the saved value.
    Ringscope::filter_state(&mut state);
    let loaded = RingscopeParams::default();
    move_off_defaults(&loaded, 7);
    restore(&loaded, &serde_json::to_vec(&state).unwrap());

    let defaults = snapshot(&RingscopeParams::default());
    let saved = snapshot(&saved);
    let loaded = snapshot(&loaded);
    for ((default, saved), loaded) in defaults.iter().zip(&saved).zip(&loaded) {
        let id = &default.0;
        if removed.contains(&id) {
            assert_eq!(
                loaded, default,
                "{id}, missing from the session, is not its default"
            );
        } else {
            assert_eq!(loaded, saved, "{id} is not as the session saved it");
        }
    }
}

/// Three references with distinct levels and curves.
fn some_references() -> ringscope_plugin::compare::References {
    use ringscope::analysis::SpectrumCurve;
    use ringscope_plugin::compare::Reference;
    use ringscope_plugin::compare::reference::GRID_POINTS;
    let mut references = ringscope_plugin::compare::References::default();
    for (n, curve) in [SpectrumCurve::PeakHold, SpectrumCurve::Average]
        .into_iter()
        .cycle()
        .take(3)
        .enumerate()
    {
        let levels: Vec<f32> = (0..GRID_POINTS)
            .map(|i| -90.0 + 0.29 * i as f32 + 3.33 * n as f32)
            .collect();
        let name = format!("Mix {n}");
        references
            .add(Reference::from_levels(&name, curve, &levels))
            .unwrap();
    }
    references
}

#[test]
fn references_survive_the_session_and_a_corrupt_one_leaves_everything_else_loaded() {
    let original = RingscopeParams::default();
    move_off_defaults(&original, 0);
    *original.compare.references() = some_references();
    let changed = snapshot(&original);
    let bytes = save(&original);
    let restored = RingscopeParams::default();
    restore(&restored, &bytes);
    assert_eq!(*restored.compare.references(), some_references());
    assert_eq!(save(&restored), bytes, "saved again byte for byte");

    // The first reference's levels damaged in the saved session.
    let mut state: PluginState = serde_json::from_slice(&bytes).unwrap();
    let field = state.fields.get_mut("compare-references").unwrap();
    let mut entries: Vec<serde_json::Value> = serde_json::from_str(field).unwrap();
    entries[0]["levels"] = "%%%%".into();
    *field = serde_json::to_string(&entries).unwrap();
    let loaded = RingscopeParams::default();
    restore(&loaded, &serde_json::to_vec(&state).unwrap());
    let references = loaded.compare.references();
    assert_eq!(references.list(), &some_references().list()[1..]);
    assert_eq!(
        references.notice().as_deref(),
        Some("1 saved reference could not be read and was dropped")
    );
    assert_eq!(snapshot(&loaded), changed, "every parameter loads");
    assert_eq!(
        loaded.editor_geometry.load(),
        original.editor_geometry.load()
    );
}

#[test]
fn the_collision_display_toggle_survives_the_session() {
    use std::sync::atomic::Ordering::Relaxed;
    let original = RingscopeParams::default();
    assert!(
        !original.compare.collision_display.load(Relaxed),
        "off by default"
    );
    original.compare.collision_display.store(true, Relaxed);
    let bytes = save(&original);
    let state: PluginState = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        state.fields.get("collision-display").map(String::as_str),
        Some("true"),
        "saved under its stable ID"
    );
    let restored = RingscopeParams::default();
    restore(&restored, &bytes);
    assert!(restored.compare.collision_display.load(Relaxed));
    assert_eq!(save(&restored), bytes, "saved again byte for byte");
}
