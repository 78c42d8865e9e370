//! Many instances coming and going while others overlay them (issue 14), as a host does with a
//! session's tracks: in one process, 50 Ringscope CLAP instances created at once on 5 threads,
//! each activated and processing on an audio thread of its own (every block checked bit for
//! bit), some naming others as overlays in their saved state, while two instances with their
//! editors open overlay eight of them by name; then all 50 destroyed in a random order on those
//! 5 threads, each while the others still process. Repeated for a few rounds: no crash (the crash
//! harness and `assert_process_allocs` watch every audio thread), the watchers lose their
//! overlays when the instances go, the process's memory comes back after each round, and a last
//! instance still passes audio through bit for bit.
//!
//! Each instance is created and destroyed on the same thread, one of the five: CLAP calls those
//! "main thread" calls and clack's `PluginInstance` cannot leave the thread that made it; the
//! threads are many, and their creations and destructions interleave in no fixed order.

use clack_host::prelude::{PluginEntry, StoppedPluginAudioProcessor};
use ringscope_host_tests::clap::{
    Plugin, TestHost, load_entry, new_ringscope, param_named, with_field,
};
use ringscope_host_tests::editor::{
    AudioThread, EditorHost, STEADY_MALLOC, pump_until, wait_for_drawing,
};
use ringscope_host_tests::memory::{heap_in_use_bytes, mib, trimmed_resident_bytes};
use ringscope_host_tests::screenshot::{Image, near};
use ringscope_host_tests::signals::TestSignal;
use ringscope_host_tests::x11::{Display, PrivateServer};
use ringscope_host_tests::{artifacts, host_test};
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Threads creating and destroying instances.
const THREADS: usize = 5;
/// Instances each of them makes per round.
const PER_THREAD: usize = 10;
/// Instances alive at once in a round.
const INSTANCES: usize = THREADS * PER_THREAD;
/// Rounds of creating and destroying all of them.
const ROUNDS: usize = 4;
/// The first rounds warm up (the registry's storage, glibc's arenas, the editors' caches of the
/// names and curves they drew): memory is compared from the end of the last of them.
const WARM_UP_ROUNDS: usize = 2;
/// Instances with their editors open, overlaying some of the others.
const WATCHERS: usize = 2;
/// The overlays' colours (`plugin/src/editor/spectrum_view/overlays.rs`, `COLOURS`).
const OVERLAY_COLOURS: [[u8; 3]; 4] = [
    [240, 220, 90],
    [175, 135, 255],
    [80, 225, 215],
    [235, 235, 235],
];
/// Pixels of the overlays' colours that count as drawn curves (a legend line alone has ~20;
/// one -12 dBFS sine's curve over 1000).
const MIN_OVERLAY_INK: usize = 600;
/// Heap and resident memory the rounds after the warm-up may keep, in all: a leaked instance
/// (its rings and analysis, well over a MiB, see the figures this test prints) or a leaked
/// registry entry per instance would pass it within a round.
const MAX_GROWTH: u64 = 3 << 20;

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

/// The name instance `index` (of the [`INSTANCES`]) gets through its saved state.
fn churn_name(index: usize) -> String {
    format!("Churn {index}")
}

/// A JSON list of names.
fn json_names(names: impl IntoIterator<Item = String>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("\"{n}\"")).collect();
    format!("[{}]", quoted.join(","))
}

/// A new instance named `name` (through its state, as a session restores it) overlaying
/// `overlays`, showing the spectrum alone.
fn named_instance(entry: &PluginEntry, name: &str, overlays: &[String]) -> Plugin {
    let mut plugin = new_ringscope(entry);
    let params = plugin.params();
    plugin.set_params_inactive(&[(param_named(&params, "View").id, 1.0)]);
    let state = with_field(
        &plugin.state_with_field("instance-name", &format!("\"{name}\"")),
        "compare-overlays",
        &json_names(overlays.iter().cloned()),
    );
    plugin
        .load_state(&state)
        .expect("loading a named state with overlays");
    plugin
}

/// An instance with its processing audio thread.
type Live = (Plugin, AudioThread<StoppedPluginAudioProcessor<TestHost>>);

/// Starts `plugin` processing a sine of `hz` on an audio thread of its own.
fn start(mut plugin: Plugin, hz: u32) -> Live {
    let audio = AudioThread::clap_with(
        plugin.activate(48_000.0, 1, 512),
        Some(TestSignal::Tone(hz)),
    );
    (plugin, audio)
}

/// Stops, deactivates and destroys an instance, as a host removes a track's plugin; fails if
/// any of its blocks was not passed through bit for bit.
fn destroy((mut plugin, audio): Live) {
    plugin.deactivate(audio.finish());
    drop(plugin);
}

/// One thread's part of a round: makes its instances, waits until all threads have made theirs
/// and `release` is set, then destroys them in its random order, a few milliseconds apart.
fn churn(entry: &PluginEntry, thread: usize, round: usize, made: &Barrier, release: &AtomicBool) {
    let mut live: Vec<Live> = (0..PER_THREAD)
        .map(|i| {
            let index = thread * PER_THREAD + i;
            // Every third names two others as overlays in its state: held until an editor opens.
            let overlays: Vec<String> = if index.is_multiple_of(3) {
                vec![
                    churn_name((index + 7) % INSTANCES),
                    churn_name((index + 21) % INSTANCES),
                ]
            } else {
                Vec::new()
            };
            let plugin = named_instance(entry, &churn_name(index), &overlays);
            start(plugin, 200 + 50 * index as u32)
        })
        .collect();
    made.wait();
    while !release.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ ((thread * 31 + round) as u64 + 1));
    while !live.is_empty() {
        destroy(live.swap_remove(rng.below(live.len())));
        std::thread::sleep(Duration::from_millis(rng.below(8) as u64));
    }
}

/// Pixels of the overlays' colours in `picture`.
fn overlay_ink(picture: &Image) -> usize {
    picture.count(picture.bounds(), |p| {
        OVERLAY_COLOURS.iter().any(|&c| near(p, c, 12))
    })
}

host_test!(
    timeout_s = 300,
    child_env = STEADY_MALLOC;
    /// 50 instances made at once on 5 threads, processing, overlaid by two open editors, then
    /// destroyed in a random order on those threads, 4 times: no crash, the overlays go with
    /// them, memory comes back after each round, and a new instance still passes audio through
    /// bit for bit.
    fn fifty_clap_instances_come_and_go_on_several_threads_while_others_overlay_them() {
        let started = Instant::now();
        // A screen of the test's own, wide enough for the watchers' windows side by side (a
        // picture shows only what is not covered).
        let server = PrivateServer::start(1800, 700);
        let display = Display::connect_to(server.name());
        // The editors open on it. SAFETY: no other thread of this child reads or writes the
        // environment now (none has been started yet).
        unsafe { std::env::set_var("DISPLAY", server.name()) };
        let entry = load_entry();
        let mut watchers: Vec<(Live, u32)> = (0..WATCHERS)
            .map(|w| {
                let overlays: Vec<String> = (0..4).map(|k| churn_name(w * 20 + k * 3)).collect();
                let plugin = named_instance(&entry, &format!("Watcher {w}"), &overlays);
                let (mut plugin, audio) = start(plugin, 5000);
                let window = display.create_window(900 * w as i16, 0, 900, 600);
                plugin.open(&display, window);
                wait_for_drawing(&mut plugin, &display, window, true, "churn watcher");
                ((plugin, audio), window)
            })
            .collect();
        let pump_watchers = |watchers: &mut Vec<(Live, u32)>, time: Duration| {
            let until = Instant::now() + time;
            while Instant::now() < until {
                for ((plugin, _), _) in watchers.iter_mut() {
                    plugin.pump();
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        };

        println!("watchers open after {:.1} s", started.elapsed().as_secs_f64());
        let mut heap = Vec::new();
        let mut resident = Vec::new();
        for round in 1..=ROUNDS {
            let round_started = Instant::now();
            let made = Barrier::new(THREADS + 1);
            let release = AtomicBool::new(false);
            let (heap_alive, inks, made_after) = std::thread::scope(|s| {
                let threads: Vec<_> = (0..THREADS)
                    .map(|t| {
                        let (entry, made, release) = (&entry, &made, &release);
                        std::thread::Builder::new()
                            .name(format!("host main {t}"))
                            .spawn_scoped(s, move || churn(entry, t, round, made, release))
                            .expect("spawning a host thread")
                    })
                    .collect();
                made.wait();
                let made_after = round_started.elapsed();
                // All 50 live: the watchers find theirs and draw them.
                pump_watchers(&mut watchers, Duration::from_millis(1000));
                let inks: Vec<usize> = watchers
                    .iter()
                    .enumerate()
                    .map(|(w, (_, window))| {
                        let picture = display.capture(*window);
                        let shot = artifacts::target_dir()
                            .join(format!("host-tests/compare-churn-watcher-{w}.png"));
                        picture.save_png(&shot);
                        overlay_ink(&picture)
                    })
                    .collect();
                let heap_alive = heap_in_use_bytes();
                release.store(true, Ordering::SeqCst);
                while !threads.iter().all(|t| t.is_finished()) {
                    pump_watchers(&mut watchers, Duration::from_millis(20));
                }
                for thread in threads {
                    if let Err(panic) = thread.join() {
                        std::panic::resume_unwind(panic);
                    }
                }
                (heap_alive, inks, made_after)
            });
            for (w, ink) in inks.into_iter().enumerate() {
                assert!(
                    ink >= MIN_OVERLAY_INK,
                    "round {round}: watcher {w} draws {ink} pixels of overlay colours with its \
                     instances alive (saved target/host-tests/compare-churn-watcher-{w}.png)"
                );
            }
            // All gone: the watchers' overlays too.
            for ((plugin, _), window) in watchers.iter_mut() {
                let window = *window;
                let gone = pump_until(plugin, Duration::from_secs(2), || {
                    overlay_ink(&display.capture(window)) == 0
                });
                assert!(
                    gone,
                    "round {round}: a watcher still draws {} pixels of overlay colours 2 s after \
                     its instances were destroyed",
                    overlay_ink(&display.capture(window))
                );
            }
            heap.push(heap_in_use_bytes());
            resident.push(trimmed_resident_bytes());
            println!(
                "round {round} ({:.1} s, all made after {:.1} s): heap {} with the 50 alive, {} \
                 after; resident {} after",
                round_started.elapsed().as_secs_f64(),
                made_after.as_secs_f64(),
                mib(heap_alive),
                mib(heap[round - 1]),
                mib(resident[round - 1])
            );
        }
        for ((_, audio), _) in &watchers {
            assert!(audio.blocks() > 500, "a watcher's audio thread stalled");
        }
        for (what, samples) in [("heap in use", &heap), ("resident memory", &resident)] {
            let grown = samples[ROUNDS - 1].saturating_sub(samples[WARM_UP_ROUNDS - 1]);
            assert!(
                grown <= MAX_GROWTH,
                "{what} grew by {} over rounds {} to {ROUNDS} (at most {} allowed): {:?}",
                mib(grown),
                WARM_UP_ROUNDS + 1,
                mib(MAX_GROWTH),
                samples.iter().map(|&b| mib(b)).collect::<Vec<_>>()
            );
        }

        // A last instance after all that: every test signal, separate and in place, bit exact.
        let mut last = new_ringscope(&entry);
        let last_audio = AudioThread::clap_with(last.activate(48_000.0, 1, 512), None);
        while last_audio.blocks() < 80 {
            pump_watchers(&mut watchers, Duration::from_millis(20));
        }
        last.deactivate(last_audio.finish());
        drop(last);

        for ((mut plugin, audio), window) in watchers {
            plugin.close(&display, window);
            destroy((plugin, audio));
            display.destroy_window(window);
        }
        println!(
            "{ROUNDS} rounds of {INSTANCES} instances on {THREADS} threads in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
);
