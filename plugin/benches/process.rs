//! `cargo bench --bench process`: what Ringscope costs the audio thread, per sample, for a
//! 512-frame stereo block, printed as a Markdown table.
//!
//! Three states, each driving the real `Plugin::process` through a hostless context:
//!
//! - **bare copy** (the floor): the host copying the block's input to the output buffer
//!   (2 × 512 `f32`), which is what a non-in-place host does before calling any plugin;
//! - **editor closed**: that copy, then `process()` with no editor window (one atomic load);
//! - **editor open**: that copy, then `process()` writing the block into the tap's ring, while a
//!   consumer thread drains it like the editor does;
//! - **publishing to one subscriber** (issue 14): editor closed, but another instance's editor
//!   overlays this one, so `process()` copies the block into its comparing ring
//!   (`ringscope_plugin::compare`). No reader runs: a subscriber reads at the frame rate and
//!   the writer never waits for it. The **editor closed** row is the same with no subscriber
//!   (one more relaxed load than before), and keeps its target.
//!
//! A sample is one channel's value: a 512-frame stereo block is 1024 samples. A shared 2-core
//! machine is noisy, so the states are *interleaved* (each repetition measures all three, in
//! rotating order) and the table gives medians over `RINGSCOPE_BENCH_REPS` repetitions (default
//! 101) of `RINGSCOPE_BENCH_BLOCKS` blocks each (default 20 000), with the interquartile range.
//! Ratios are taken within a repetition, then their median.
//!
//! Blocks run in timed batches of 32 (16 384 frames, a third of the ring). Between batches,
//! untimed, the open state waits until the consumer has drained everything: far faster than real
//! time, a producer would otherwise fill the ring and measure the (cheaper) drop path instead of
//! the write path. The benchmark asserts that no frame was dropped.
//!
//! A second table paces the blocks as an audio callback would (one 512-frame block per
//! 10.67 ms, i.e. 48 kHz) while the consumer drains at 60 Hz like the editor, and times each
//! block alone (timer overhead subtracted): the cost a user's audio thread actually sees, where
//! the ring's cache lines have gone cold between visits. `RINGSCOPE_BENCH_PACED` sets the blocks
//! per state (default 400; 0 skips the table).
//!
//! `RINGSCOPE_BENCH_SKIP=1` makes the consumer discard blocks without reading their frames:
//! that isolates the tap's own work from the cost of moving the frames' cache lines between
//! the two cores.
//!
//! Targets (issue 5): editor open ≤ bare copy + 0.5 ns/sample; editor closed ≤ 1.10 × bare copy.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nice_plug::prelude::*;
use ringscope_plugin::Ringscope;
use ringscope_plugin::compare::{self, Entry, Subscription};
use ringscope_plugin::harness::{HostlessContext, activate, buffer_over, process};
use ringscope_plugin::shared::EditorShared;
use ringscope_plugin::tap::Demand;

const FRAMES: usize = 512;
const CHANNELS: usize = 2;
const SAMPLES: f64 = (FRAMES * CHANNELS) as f64;
/// Blocks per timed batch; 32 × 512 frames stay well below the ring's capacity (1 s at 48 kHz).
const BATCH: usize = 32;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BareCopy,
    EditorClosed,
    EditorOpen,
    Publishing,
}

/// How many states each table compares.
const STATES: usize = State::ALL.len();

impl State {
    const ALL: [State; 4] = [
        State::BareCopy,
        State::EditorClosed,
        State::EditorOpen,
        State::Publishing,
    ];

    fn label(self) -> &'static str {
        match self {
            State::BareCopy => "bare copy (floor)",
            State::EditorClosed => "editor closed",
            State::EditorOpen => "editor open (tap + draining consumer)",
            State::Publishing => "editor closed, publishing to 1 subscriber",
        }
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The host's input → output copy.
#[inline(always)]
fn host_copy(buffer: &mut Buffer, input: &[Vec<f32>]) {
    for (dst, src) in buffer.as_slice().iter_mut().zip(input) {
        dst.copy_from_slice(src);
    }
}

/// The consumer's progress, to wait for between batches.
struct Drained {
    frames: AtomicU64,
}

/// Everything one measurement needs.
struct Rig<'a> {
    plugin: Ringscope,
    shared: Arc<EditorShared>,
    ctx: HostlessContext,
    input: Vec<Vec<f32>>,
    buffer: Buffer<'a>,
    drained: Arc<Drained>,
    /// Frames written into the tap so far.
    written: u64,
    /// This instance's comparing entry, and a subscription while publishing.
    entry: Arc<Entry>,
    subscription: Option<Subscription>,
}

impl Rig<'_> {
    /// Opens (streaming) or closes the editor's demand on the tap, as a window does.
    fn set_editor(&self, open: bool) {
        let demand = if open { Demand::Stream } else { Demand::Off };
        self.shared.set_editor_demand(demand);
    }

    /// Subscribes to this instance (as another instance's editor does) or not.
    fn set_subscribed(&mut self, on: bool) {
        if on != self.subscription.is_some() {
            self.subscription = on.then(|| self.entry.subscribe());
        }
    }

    /// Nanoseconds per block for about `blocks` blocks in `state`.
    fn measure(&mut self, state: State, blocks: usize) -> f64 {
        let open = state == State::EditorOpen;
        self.set_editor(open);
        self.set_subscribed(state == State::Publishing);
        let batches = blocks.div_ceil(BATCH);
        let mut total = Duration::ZERO;
        for _ in 0..batches {
            let start = Instant::now();
            match state {
                State::BareCopy => {
                    for _ in 0..BATCH {
                        host_copy(&mut self.buffer, black_box(&self.input));
                        black_box(&mut self.buffer);
                    }
                }
                State::EditorClosed | State::EditorOpen | State::Publishing => {
                    for _ in 0..BATCH {
                        host_copy(&mut self.buffer, black_box(&self.input));
                        black_box(process(&mut self.plugin, &mut self.buffer, &mut self.ctx));
                    }
                }
            }
            total += start.elapsed();
            if open {
                // Untimed: let the consumer catch up so the next batch finds room.
                self.written += (BATCH * FRAMES) as u64;
                while self.drained.frames.load(Ordering::Acquire) < self.written {
                    std::hint::spin_loop();
                }
            }
        }
        total.as_nanos() as f64 / (batches * BATCH) as f64
    }

    /// One block per audio period (48 kHz), the states taking turns block by block, each block
    /// timed alone; returns nanoseconds per block for each state, timer overhead subtracted.
    fn paced(&mut self, blocks_per_state: usize) -> [Vec<f64>; STATES] {
        let period = Duration::from_secs_f64(FRAMES as f64 / 48_000.0);
        let timer = {
            let mut t: Vec<f64> = (0..1001)
                .map(|_| {
                    let start = Instant::now();
                    black_box(&start);
                    start.elapsed().as_nanos() as f64
                })
                .collect();
            quartiles(&mut t).1
        };
        let mut out: [Vec<f64>; STATES] = Default::default();
        let mut next = Instant::now() + period;
        for k in 0..STATES * blocks_per_state {
            let state = State::ALL[k % STATES];
            self.set_editor(state == State::EditorOpen);
            self.set_subscribed(state == State::Publishing);
            // Sleep through most of the period, spin the rest, as a callback thread would wait.
            let now = Instant::now();
            if next > now + Duration::from_micros(300) {
                std::thread::sleep(next - now - Duration::from_micros(200));
            }
            while Instant::now() < next {
                std::hint::spin_loop();
            }
            next += period;
            let start = Instant::now();
            host_copy(&mut self.buffer, black_box(&self.input));
            if state != State::BareCopy {
                black_box(process(&mut self.plugin, &mut self.buffer, &mut self.ctx));
            }
            let ns = start.elapsed().as_nanos() as f64 - timer;
            out[k % STATES].push(ns.max(0.0));
            if state == State::EditorOpen {
                self.written += FRAMES as u64;
            }
        }
        // Let the 60 Hz consumer catch up before anything else is measured.
        while self.drained.frames.load(Ordering::Acquire) < self.written {
            std::thread::sleep(Duration::from_millis(1));
        }
        out
    }
}

fn quartiles(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this without it: stay quick.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let reps = env_usize("RINGSCOPE_BENCH_REPS", if benchmarking { 101 } else { 3 }).max(3);
    let blocks = env_usize(
        "RINGSCOPE_BENCH_BLOCKS",
        if benchmarking { 20_000 } else { 256 },
    )
    .max(1);

    let mut plugin = Ringscope::default();
    let ctx = activate(&mut plugin, CHANNELS as u32, 48_000.0, FRAMES as u32);
    let shared = plugin.editor_shared();
    let input: Vec<Vec<f32>> = (0..CHANNELS)
        .map(|c| {
            (0..FRAMES)
                .map(|i| ((i * 7 + c * 13) as f32 * 0.013).sin() * 0.5)
                .collect()
        })
        .collect();
    let mut output = vec![vec![0.0f32; FRAMES]; CHANNELS];

    // The editor's side: drain as fast as frames arrive, on the other core, reading every frame
    // (the editor feeds them all to the analysis).
    let stop = Arc::new(AtomicBool::new(false));
    let drained = Arc::new(Drained {
        frames: AtomicU64::new(0),
    });
    let skip_data = std::env::var("RINGSCOPE_BENCH_SKIP").is_ok();
    // While set, the consumer drains at 60 Hz like the editor instead of spinning.
    let gui_rate = Arc::new(AtomicBool::new(false));
    let consumer = {
        let gui_rate = gui_rate.clone();
        let stop = stop.clone();
        let shared = shared.clone();
        let drained = drained.clone();
        std::thread::spawn(move || {
            let mut sum = 0.0f32;
            loop {
                let stopping = stop.load(Ordering::Acquire);
                let n = shared
                    .with_reader(|r, _| {
                        if skip_data {
                            r.discard_all()
                        } else {
                            r.read_blocks(usize::MAX, |_, a, b| {
                                sum += a.iter().chain(b).map(|f| f[0]).sum::<f32>();
                            })
                        }
                    })
                    .unwrap_or(0);
                if n > 0 {
                    drained.frames.fetch_add(n as u64, Ordering::Release);
                }
                if stopping {
                    break black_box(sum);
                }
                if gui_rate.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_micros(16_667));
                } else {
                    std::hint::spin_loop();
                }
            }
        })
    };
    let mut per_block: [Vec<f64>; STATES] = Default::default();
    let mut closed_ratio = Vec::with_capacity(reps);
    let mut open_ratio = Vec::with_capacity(reps);
    let mut open_overhead = Vec::with_capacity(reps);
    let mut publish_ratio = Vec::with_capacity(reps);
    let mut publish_overhead = Vec::with_capacity(reps);
    let own = shared.params.compare.own_id();
    let entry = compare::instances()
        .into_iter()
        .find(|e| e.id() == own)
        .expect("the plugin is registered");
    let mut rig = Rig {
        entry,
        subscription: None,
        plugin,
        shared: shared.clone(),
        ctx,
        input,
        buffer: buffer_over(&mut output),
        drained: drained.clone(),
        written: 0,
    };
    // Warm up caches, branch predictors and the consumer.
    for state in State::ALL {
        rig.measure(state, blocks / 4 + 1);
    }
    for rep in 0..reps {
        let mut ns = [0.0f64; STATES];
        for k in 0..STATES {
            let i = (rep + k) % STATES;
            ns[i] = rig.measure(State::ALL[i], blocks);
        }
        for i in 0..STATES {
            per_block[i].push(ns[i]);
        }
        closed_ratio.push(ns[1] / ns[0]);
        open_ratio.push(ns[2] / ns[0]);
        open_overhead.push((ns[2] - ns[0]) / SAMPLES);
        publish_ratio.push(ns[3] / ns[0]);
        publish_overhead.push((ns[3] - ns[0]) / SAMPLES);
    }
    let paced_blocks = env_usize("RINGSCOPE_BENCH_PACED", if benchmarking { 400 } else { 3 });
    gui_rate.store(true, Ordering::Relaxed);
    let paced = rig.paced(paced_blocks);
    gui_rate.store(false, Ordering::Relaxed);
    rig.set_editor(false);
    rig.set_subscribed(false);
    let Rig { input, written, .. } = rig;
    stop.store(true, Ordering::Release);
    consumer.join().unwrap();
    let drained = drained.frames.load(Ordering::Acquire);
    let dropped = shared.with_reader(|r, _| r.dropped_frames()).unwrap_or(0);
    assert_eq!(output, input, "process() changed the audio");
    assert_eq!(
        (drained, dropped),
        (written, 0),
        "the ring overflowed: the write path was not measured"
    );

    println!(
        "\n### `process()` cost, 512-frame stereo block ({} repetitions × {} blocks, interleaved)\n",
        reps, blocks
    );
    println!("| state | ns/block | ns/sample | IQR ns/sample | ratio to bare copy |");
    println!("|---|---:|---:|---:|---:|");
    for (i, state) in State::ALL.into_iter().enumerate() {
        let (q1, med, q3) = quartiles(&mut per_block[i]);
        let ratio = match state {
            State::BareCopy => "1.00".to_owned(),
            State::EditorClosed => format!("{:.2}", quartiles(&mut closed_ratio).1),
            State::EditorOpen => format!("{:.2}", quartiles(&mut open_ratio).1),
            State::Publishing => format!("{:.2}", quartiles(&mut publish_ratio).1),
        };
        println!(
            "| {} | {:.1} | {:.4} | {:.4} – {:.4} | {} |",
            state.label(),
            med,
            med / SAMPLES,
            q1 / SAMPLES,
            q3 / SAMPLES,
            ratio
        );
    }
    let (o1, overhead, o3) = quartiles(&mut open_overhead);
    let closed = quartiles(&mut closed_ratio).1;
    println!();
    println!(
        "- editor open, overhead over the bare copy: {overhead:.4} ns/sample (IQR {o1:.4} – \
         {o3:.4}); target ≤ 0.5: {}",
        if overhead <= 0.5 { "met" } else { "MISSED" }
    );
    println!(
        "- editor closed / bare copy: {closed:.3}; target ≤ 1.10: {}",
        if closed <= 1.10 { "met" } else { "MISSED" }
    );
    let (p1, published, p3) = quartiles(&mut publish_overhead);
    println!(
        "- publishing to 1 subscriber (editor closed), overhead over the bare copy: \
         {published:.4} ns/sample (IQR {p1:.4} – {p3:.4})"
    );
    println!(
        "- consumer drained {drained} frames; frames dropped: {dropped}; output == input: yes"
    );

    if paced_blocks > 0 {
        let [mut copy, mut closed, mut open, mut publishing] = paced;
        println!(
            "\n### Paced like an audio callback (one block per 10.67 ms, editor draining at 60 Hz; {} blocks per state, each timed alone)\n",
            paced_blocks
        );
        println!(
            "| state | median ns/block | ns/sample | p90 ns/block | p99 ns/block | max ns/block |"
        );
        println!("|---|---:|---:|---:|---:|---:|");
        for (state, times) in
            State::ALL
                .into_iter()
                .zip([&mut copy, &mut closed, &mut open, &mut publishing])
        {
            times.sort_by(f64::total_cmp);
            let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
            println!(
                "| {} | {:.0} | {:.3} | {:.0} | {:.0} | {:.0} |",
                state.label(),
                at(0.5),
                at(0.5) / SAMPLES,
                at(0.9),
                at(0.99),
                times[times.len() - 1]
            );
        }
        let overhead = (open[open.len() / 2] - copy[copy.len() / 2]) / SAMPLES;
        println!("\n- paced, editor open minus bare copy (medians): {overhead:.3} ns/sample");
    }
}
