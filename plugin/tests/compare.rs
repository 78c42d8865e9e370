//! Comparing instances: two plugins in one process, one overlaying the other, renames and
//! departures, many instances created and destroyed on several threads, and the saved names
//! and overlay choices.
//!
//! The registry is process-wide, so the tests here take turns (`turn()`).

use std::collections::BTreeMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use nice_plug::prelude::*;
use ringscope::analysis::{
    Channel, ChannelMode, FftSize, Spectrum, SpectrumCurve, SpectrumSettings, WindowKind,
};
use ringscope_plugin::Ringscope;
use ringscope_plugin::compare::{self, Entry, Overlay, Overlays, overlay_settings};
use ringscope_plugin::harness::{HostlessContext, activate, buffer_over, process};
use ringscope_plugin::params::RingscopeParams;

static SERIAL: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const RATE: f32 = 48_000.0;
const BLOCK: usize = 512;

/// A plugin, its parameters and its host stand-in, fed a sine at `hz`.
struct Instance {
    plugin: Ringscope,
    params: Arc<RingscopeParams>,
    ctx: HostlessContext,
    hz: f32,
    position: usize,
}

impl Instance {
    fn new(hz: f32) -> Self {
        let mut plugin = Ringscope::default();
        let params = plugin.editor_shared().params.clone();
        let ctx = activate(&mut plugin, 2, RATE, BLOCK as u32);
        Self {
            plugin,
            params,
            ctx,
            hz,
            position: 0,
        }
    }

    /// The sine's next `frames` samples at -6 dBFS (both channels).
    fn sine(&self, start: usize, frames: usize) -> Vec<f32> {
        (start..start + frames)
            .map(|n| {
                0.5 * (n as f64 * f64::from(self.hz) / f64::from(RATE) * std::f64::consts::TAU)
                    .sin() as f32
            })
            .collect()
    }

    /// Processes one block; returns its samples (as the host passed them).
    fn block(&mut self) -> Vec<f32> {
        let samples = self.sine(self.position, BLOCK);
        self.position += BLOCK;
        let mut channels = vec![samples.clone(), samples.clone()];
        let mut buffer = buffer_over(&mut channels);
        process(&mut self.plugin, &mut buffer, &mut self.ctx);
        assert_eq!(channels[0], samples, "the output is the input");
        samples
    }

    fn id(&self) -> u64 {
        self.params.compare.own_id()
    }
}

/// The names `id`'s editor lists: every other live instance.
fn listed_by(id: u64) -> Vec<String> {
    compare::instances()
        .iter()
        .filter(|e| e.id() != id)
        .map(|e| e.name())
        .collect()
}

#[test]
fn an_instance_overlays_another_like_for_like() {
    let _turn = turn();
    let mut a = Instance::new(1000.0);
    let mut b = Instance::new(5000.0);
    // B's view, away from the defaults: what B computes for A must follow it.
    let view = SpectrumSettings {
        fft_size: FftSize::N16384,
        window: WindowKind::BlackmanHarris,
        overlap: 0.5,
        averaging_seconds: 0.5,
        channel_mode: ChannelMode::Overlay,
        ..SpectrumSettings::default()
    };
    let settings = overlay_settings(view);
    let mut chosen = vec![a.params.compare.name()];
    let mut overlays = Overlays::default();
    overlays.sync(b.id(), &mut chosen, settings);
    assert_eq!(overlays.live_mut().count(), 1, "A is overlaid");
    assert_eq!(a.plugin_subscribers(), 1);

    // A's own analysis of what A was fed, with B's view's settings (on the mid trace, the one
    // an overlay shows), from the moment B subscribed.
    let same = SpectrumSettings {
        channel_mode: ChannelMode::Mid,
        ..view
    };
    let mut own = Spectrum::new(f64::from(RATE), same);
    for block in 0..6 * 94 {
        let samples = a.block();
        b.block();
        let frames: Vec<[f32; 2]> = samples.iter().map(|&s| [s, s]).collect();
        own.feed(&frames);
        // B's editor draws every third block (a 30 fps frame is 3 blocks at 48 kHz).
        if block % 3 == 2 {
            overlays.sync(b.id(), &mut chosen, settings);
        }
    }
    overlays.sync(b.id(), &mut chosen, settings);
    let overlay = overlays.live_mut().next().unwrap();
    let seen = overlay
        .spectrum()
        .peak(Channel::Mid, 20.0, 20_000.0)
        .unwrap();
    let truth = own.peak(Channel::Mid, 20.0, 20_000.0).unwrap();
    assert_eq!(*overlay.spectrum().settings(), same, "B's view's settings");
    let bin = f64::from(RATE) / 16_384.0;
    assert_eq!(overlay.spectrum().bin_hz(), bin);
    assert!(
        (seen.frequency_hz - 1000.0).abs() < 0.05 * bin,
        "A's peak in B at {} Hz",
        seen.frequency_hz
    );
    eprintln!("A in B: {seen:?}; A's own: {truth:?}");
    assert!(
        (seen.level_db - truth.level_db).abs() < 0.1,
        "A's level in B {} dB, its own {} dB",
        seen.level_db,
        truth.level_db
    );
    // Nothing of B's own 5 kHz in what B computes for A.
    let at_5k = overlay
        .spectrum()
        .level_at(Channel::Mid, SpectrumCurve::Average, 5000.0)
        .unwrap();
    assert!(at_5k < -90.0, "{at_5k}");
    // Closing B's view ends the subscription: A stops publishing.
    overlays.clear();
    assert_eq!(a.plugin_subscribers(), 0);
    let a_id = a.id();
    let ring = || entry_of(a_id).unwrap().frames().unwrap().0.position();
    let before = ring();
    for _ in 0..3 {
        a.block();
    }
    assert_eq!(ring(), before, "published with nobody subscribed");
}

impl Instance {
    fn plugin_subscribers(&self) -> usize {
        entry_of(self.id()).map_or(0, |e| e.subscribers())
    }
}

fn entry_of(id: u64) -> Option<Arc<Entry>> {
    compare::instances().into_iter().find(|e| e.id() == id)
}

#[test]
fn a_rename_shows_in_the_others_list_and_a_dropped_instance_leaves_it() {
    let _turn = turn();
    let a = Instance::new(1000.0);
    let mut b = Instance::new(5000.0);
    let old = a.params.compare.name();
    assert!(listed_by(b.id()).contains(&old), "{:?}", listed_by(b.id()));
    let mut chosen = vec![old.clone()];
    let mut overlays = Overlays::default();
    overlays.sync(
        b.id(),
        &mut chosen,
        overlay_settings(SpectrumSettings::default()),
    );

    // Renamed in A's editor: the persisted field, which the registry shares.
    *a.params.compare.instance_name.write().unwrap() = "Kick".to_owned();
    assert_eq!(listed_by(b.id()), ["Kick"]);
    let changed = overlays.sync(
        b.id(),
        &mut chosen,
        overlay_settings(SpectrumSettings::default()),
    );
    assert!(changed);
    assert_eq!(chosen, ["Kick"], "B's choice follows the rename");
    assert_eq!(overlays.live_mut().count(), 1);

    // A dropped (host removes it): gone from B's list, B keeps running.
    drop(a);
    assert!(listed_by(b.id()).is_empty());
    overlays.sync(
        b.id(),
        &mut chosen,
        overlay_settings(SpectrumSettings::default()),
    );
    assert_eq!(overlays.live_mut().count(), 0);
    for _ in 0..10 {
        b.block();
    }
    // The choice is kept, and re-matched when an instance of that name appears.
    assert_eq!(chosen, ["Kick"]);
    let again = Instance::new(1000.0);
    again.params.compare.set_chosen(Vec::new());
    *again.params.compare.instance_name.write().unwrap() = "Kick".to_owned();
    overlays.sync(
        b.id(),
        &mut chosen,
        overlay_settings(SpectrumSettings::default()),
    );
    assert_eq!(overlays.live_mut().count(), 1);
    assert_eq!(again.plugin_subscribers(), 1);
}

/// A small deterministic generator (no dependency): xorshift64*.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

#[test]
fn fifty_instances_come_and_go_on_several_threads_with_subscribers_attached() {
    let _turn = turn();
    const THREADS: usize = 5;
    const PER_THREAD: usize = 10;
    let settings = overlay_settings(SpectrumSettings {
        fft_size: FftSize::N1024,
        ..SpectrumSettings::default()
    });
    // Created on several threads at once.
    let created: Vec<Instance> = std::thread::scope(|s| {
        let makers: Vec<_> = (0..THREADS)
            .map(|t| {
                s.spawn(move || {
                    (0..PER_THREAD)
                        .map(|i| Instance::new(200.0 + 100.0 * (t * PER_THREAD + i) as f32))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        makers.into_iter().flat_map(|m| m.join().unwrap()).collect()
    });
    let ids: Vec<u64> = created.iter().map(Instance::id).collect();
    let weak: Vec<Weak<Entry>> = ids
        .iter()
        .map(|&id| Arc::downgrade(&entry_of(id).unwrap()))
        .collect();
    assert_eq!(compare::instances().len(), THREADS * PER_THREAD);

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut shuffled = created;
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.below(i + 1));
    }
    let mut groups: Vec<Vec<Instance>> = (0..THREADS).map(|_| Vec::new()).collect();
    for (i, instance) in shuffled.into_iter().enumerate() {
        groups[i % THREADS].push(instance);
    }
    std::thread::scope(|s| {
        // Subscribers: editors overlaying random instances while they come and go.
        for seed in 1..=2u64 {
            s.spawn(move || {
                let mut rng = Rng(seed * 0x1234_5678_9abc_def1);
                let mut held: Vec<Overlay> = Vec::new();
                for _ in 0..200 {
                    let live = compare::instances();
                    if !live.is_empty() && held.len() < 8 {
                        held.push(Overlay::new(&live[rng.below(live.len())], settings));
                    }
                    for overlay in &mut held {
                        overlay.update(settings);
                    }
                    if !held.is_empty() && rng.below(3) == 0 {
                        held.swap_remove(rng.below(held.len()));
                    }
                    std::thread::yield_now();
                }
            });
        }
        // Audio and destruction: each thread processes its instances, then drops them one by
        // one in its random order.
        for (t, mut group) in groups.into_iter().enumerate() {
            s.spawn(move || {
                let mut rng = Rng(0xdead_beef + t as u64);
                for _ in 0..20 {
                    for instance in &mut group {
                        instance.block();
                    }
                }
                while !group.is_empty() {
                    let victim = group.swap_remove(rng.below(group.len()));
                    drop(victim);
                    for instance in &mut group {
                        instance.block();
                    }
                }
            });
        }
    });
    assert!(compare::instances().is_empty(), "entries left behind");
    assert!(
        weak.iter().all(|w| w.upgrade().is_none()),
        "an entry leaked"
    );
    assert!(
        compare::registry::is_released(),
        "the registry kept its storage"
    );
}

#[test]
fn names_and_overlay_choices_survive_a_session_and_corrupt_values_load_as_defaults() {
    let _turn = turn();
    let saved = Instance::new(1000.0);
    *saved.params.compare.instance_name.write().unwrap() = "Bass".to_owned();
    saved
        .params
        .compare
        .set_chosen(vec!["Kick".to_owned(), "Vocal".to_owned()]);
    saved.params.compare.pink_reference.store(true, Relaxed);
    let fields = saved.params.serialize_fields();
    drop(saved);

    // Loaded into a new instance: its registry entry shows the saved name at once.
    let loaded = Instance::new(1000.0);
    assert_eq!(listed_by(0), ["Ringscope 1"]);
    loaded.params.deserialize_fields(&fields);
    assert_eq!(loaded.params.compare.name(), "Bass");
    assert_eq!(loaded.params.compare.chosen(), ["Kick", "Vocal"]);
    assert!(loaded.params.compare.pink_reference.load(Relaxed));
    assert_eq!(listed_by(0), ["Bass"]);
    // And saved again, byte for byte the same.
    assert_eq!(loaded.params.serialize_fields(), fields);

    // Corrupt values: the defaults stay, nothing panics.
    let fresh = Instance::new(1000.0);
    let default_name = fresh.params.compare.name();
    let mut corrupt = BTreeMap::new();
    corrupt.insert("instance-name".to_owned(), "{not json".to_owned());
    corrupt.insert("compare-overlays".to_owned(), "[1, 2".to_owned());
    fresh.params.deserialize_fields(&corrupt);
    assert_eq!(fresh.params.compare.name(), default_name);
    assert!(fresh.params.compare.chosen().is_empty());
    // Absurd but well-formed: blanks, repeats and too many are dropped; long names cut.
    let long = "x".repeat(500);
    let absurd =
        serde_json::to_string(&["a", "", "a", "b", " ", "c", "d", "e", long.as_str()]).unwrap();
    corrupt.insert("compare-overlays".to_owned(), absurd);
    corrupt.insert("instance-name".to_owned(), "\"\"".to_owned());
    fresh.params.deserialize_fields(&corrupt);
    assert_eq!(fresh.params.compare.chosen(), ["a", "b", "c", "d"]);
    let entry = entry_of(fresh.id()).unwrap();
    assert!(
        entry.name().starts_with("Ringscope "),
        "a blank name reads as the default"
    );
    drop(loaded);
}

/// A measurement, not a check (speed targets belong to benchmarks): the whole editor-side frame
/// of a spectrum view overlaying four instances, per 30 fps frame at FFT 8192 on 2000 columns:
/// feeding the view its own frames, reading and analysing each overlay's, rendering, drawing
/// (the view, the four lines, the collision display) and egui's tessellation of every shape
/// of the frame (what is left is the GPU's). `cargo test --release -p ringscope-plugin --test
/// compare -- --ignored --nocapture four_overlays`.
#[test]
#[ignore = "a measurement; run by hand in release"]
fn four_overlays_cost_per_frame() {
    use ringscope_plugin::editor::HeadlessSpectrum;
    use std::time::Instant;
    let _turn = turn();
    let mut sources: Vec<Instance> = (0..4)
        .map(|i| Instance::new(500.0 * (i + 1) as f32))
        .collect();
    let viewer = Instance::new(100.0);
    let params = &viewer.params;
    params
        .compare
        .set_chosen(sources.iter().map(|s| s.params.compare.name()).collect());
    params.compare.collision_display.store(true, Relaxed);
    let mut view = HeadlessSpectrum::new(params, RATE, 2000, 500.0);
    let mut own = viewer.position;
    // Per frame: [own analysis, view and overlays drawn, tessellation, total], ms.
    let mut times: [Vec<f64>; 4] = Default::default();
    let mut triangles = 0;
    for frame in 0..300 {
        // Three blocks (1536 frames, about a 30 fps frame at 48 kHz) from each source.
        for source in &mut sources {
            for _ in 0..3 {
                source.block();
            }
        }
        let frames: Vec<[f32; 2]> = viewer
            .sine(own, 3 * BLOCK)
            .into_iter()
            .map(|s| [s, s])
            .collect();
        own += 3 * BLOCK;
        let start = Instant::now();
        view.feed(&frames);
        let fed = Instant::now();
        let shapes = view.draw(params);
        let drawn = Instant::now();
        triangles = view.tessellate(shapes);
        let done = Instant::now();
        if frame >= 30 {
            for (times, (from, to)) in
                times
                    .iter_mut()
                    .zip([(start, fed), (fed, drawn), (drawn, done), (start, done)])
            {
                times.push((to - from).as_secs_f64() * 1e3);
            }
        }
    }
    assert_eq!(view.columns(), 2000);
    assert!(
        sources.iter().all(|s| s.plugin_subscribers() == 1),
        "the view overlays all four"
    );
    for (what, mut times) in [
        "own analysis",
        "view + overlays drawn",
        "tessellation",
        "whole frame",
    ]
    .into_iter()
    .zip(times)
    {
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
        eprintln!(
            "4 overlays, FFT 8192, 2000 columns, {what}: median {:.3} ms, p90 {:.3} ms, max {:.3} ms per frame",
            at(0.5),
            at(0.9),
            at(1.0)
        );
    }
    eprintln!("{triangles} triangles per frame");
}
