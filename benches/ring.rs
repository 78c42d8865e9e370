//! `cargo bench --bench ring`: ringscope's FIFO against the Rust crates rtrb 0.4 and ringbuf 0.4
//! (crates.io's `ringbuf`, not the Python package of the same name that the migration guide
//! names), and a memcpy ceiling, printed as Markdown tables.
//!
//! `scripts/bench-against.sh <commit>` builds this benchmark with `--cfg ringscope_prev` and the
//! root crate of `<commit>` as the dependency `ringscope_prev`: it then runs as a fifth
//! contender, and an `ours/prev` column gives the same paired ratio and verdict against it.
//!
//! Criterion measures one function at a time; a shared, noisy 2-core machine needs the
//! contenders *interleaved* (each repetition runs every contender once, in rotating order) so
//! that a burst of background load hits them all alike. So this is a small custom harness. The
//! repetitions (`RINGSCOPE_BENCH_REPS`, default 64) also cycle through `PLACEMENTS` copies of
//! every measured loop at different code addresses (see `shift_code`), and rtrb runs twice, the
//! second time as an A/A control through its own copies of every loop: identical code, so the
//! gap between the two is the harness's own error. The tables give medians with their
//! interquartile spread, and `ours/best`: the median over repetitions of ours divided by the
//! best other crate (the one with the higher median) in the same repetition, with a
//! distribution-free 95 % confidence interval for that median. The verdict is `faster` or
//! `slower` only when the interval clears 1 by more than the A/A control's error, else `tie`.
//! `RINGSCOPE_BENCH_BY_PLACEMENT=1` also prints each contender's median per code placement.

use std::hint::{black_box, spin_loop};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

/// The operations every contender offers, in each crate's own best-suited calls.
trait Contender {
    const NAME: &'static str;
    type Producer<T: Copy + Default + Send + 'static>: Send + 'static;
    type Consumer<T: Copy + Default + Send + 'static>: Send + 'static;
    fn new<T: Copy + Default + Send + 'static>(
        capacity: usize,
    ) -> (Self::Producer<T>, Self::Consumer<T>);
    fn push_slice<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, s: &[T]) -> usize;
    fn pop_slice<T: Copy + Default + Send + 'static>(
        c: &mut Self::Consumer<T>,
        s: &mut [T],
    ) -> usize;
    fn push<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, v: T) -> bool;
    fn pop<T: Copy + Default + Send + 'static>(c: &mut Self::Consumer<T>) -> Option<T>;
}

struct Ours;
impl Contender for Ours {
    const NAME: &'static str = "ringscope";
    type Producer<T: Copy + Default + Send + 'static> = ringscope::Producer<T>;
    type Consumer<T: Copy + Default + Send + 'static> = ringscope::Consumer<T>;
    fn new<T: Copy + Default + Send + 'static>(
        capacity: usize,
    ) -> (Self::Producer<T>, Self::Consumer<T>) {
        ringscope::RingBuffer::new(capacity)
    }
    #[inline]
    fn push_slice<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, s: &[T]) -> usize {
        p.push_slice(s)
    }
    #[inline]
    fn pop_slice<T: Copy + Default + Send + 'static>(
        c: &mut Self::Consumer<T>,
        s: &mut [T],
    ) -> usize {
        c.pop_slice(s)
    }
    #[inline]
    fn push<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, v: T) -> bool {
        p.push(v).is_ok()
    }
    #[inline]
    fn pop<T: Copy + Default + Send + 'static>(c: &mut Self::Consumer<T>) -> Option<T> {
        c.pop()
    }
}

struct Rtrb;
impl Contender for Rtrb {
    const NAME: &'static str = "rtrb 0.4";
    type Producer<T: Copy + Default + Send + 'static> = rtrb::Producer<T>;
    type Consumer<T: Copy + Default + Send + 'static> = rtrb::Consumer<T>;
    fn new<T: Copy + Default + Send + 'static>(
        capacity: usize,
    ) -> (Self::Producer<T>, Self::Consumer<T>) {
        rtrb::RingBuffer::new(capacity)
    }
    #[inline]
    fn push_slice<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, s: &[T]) -> usize {
        p.push_partial_slice(s).0.len()
    }
    #[inline]
    fn pop_slice<T: Copy + Default + Send + 'static>(
        c: &mut Self::Consumer<T>,
        s: &mut [T],
    ) -> usize {
        c.pop_partial_slice(s).0.len()
    }
    #[inline]
    fn push<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, v: T) -> bool {
        p.push(v).is_ok()
    }
    #[inline]
    fn pop<T: Copy + Default + Send + 'static>(c: &mut Self::Consumer<T>) -> Option<T> {
        c.pop().ok()
    }
}

/// rtrb again, as a control: the same calls through a type of its own, so that every measured
/// loop is compiled a second time and lands at other addresses. Identical code, so any gap
/// between the two rtrb columns is the harness's own error (code and data placement), the
/// resolution below which a difference between crates means nothing.
struct RtrbControl;
impl Contender for RtrbControl {
    const NAME: &'static str = "rtrb 0.4 (A/A control)";
    type Producer<T: Copy + Default + Send + 'static> = rtrb::Producer<T>;
    type Consumer<T: Copy + Default + Send + 'static> = rtrb::Consumer<T>;
    fn new<T: Copy + Default + Send + 'static>(
        capacity: usize,
    ) -> (Self::Producer<T>, Self::Consumer<T>) {
        Rtrb::new(capacity)
    }
    #[inline]
    fn push_slice<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, s: &[T]) -> usize {
        Rtrb::push_slice(p, s)
    }
    #[inline]
    fn pop_slice<T: Copy + Default + Send + 'static>(
        c: &mut Self::Consumer<T>,
        s: &mut [T],
    ) -> usize {
        Rtrb::pop_slice(c, s)
    }
    #[inline]
    fn push<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, v: T) -> bool {
        Rtrb::push(p, v)
    }
    #[inline]
    fn pop<T: Copy + Default + Send + 'static>(c: &mut Self::Consumer<T>) -> Option<T> {
        Rtrb::pop(c)
    }
}

struct Ringbuf;
impl Contender for Ringbuf {
    const NAME: &'static str = "ringbuf 0.4";
    type Producer<T: Copy + Default + Send + 'static> = ringbuf::HeapProd<T>;
    type Consumer<T: Copy + Default + Send + 'static> = ringbuf::HeapCons<T>;
    fn new<T: Copy + Default + Send + 'static>(
        capacity: usize,
    ) -> (Self::Producer<T>, Self::Consumer<T>) {
        use ringbuf::traits::Split;
        ringbuf::HeapRb::new(capacity).split()
    }
    #[inline]
    fn push_slice<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, s: &[T]) -> usize {
        ringbuf::traits::Producer::push_slice(p, s)
    }
    #[inline]
    fn pop_slice<T: Copy + Default + Send + 'static>(
        c: &mut Self::Consumer<T>,
        s: &mut [T],
    ) -> usize {
        ringbuf::traits::Consumer::pop_slice(c, s)
    }
    #[inline]
    fn push<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, v: T) -> bool {
        ringbuf::traits::Producer::try_push(p, v).is_ok()
    }
    #[inline]
    fn pop<T: Copy + Default + Send + 'static>(c: &mut Self::Consumer<T>) -> Option<T> {
        ringbuf::traits::Consumer::try_pop(c)
    }
}

/// The root crate of an earlier commit, built beside this one by `scripts/bench-against.sh`.
#[cfg(ringscope_prev)]
struct Prev;
#[cfg(ringscope_prev)]
impl Contender for Prev {
    const NAME: &'static str = concat!("ringscope @ ", env!("RINGSCOPE_PREV"));
    type Producer<T: Copy + Default + Send + 'static> = ringscope_prev::Producer<T>;
    type Consumer<T: Copy + Default + Send + 'static> = ringscope_prev::Consumer<T>;
    fn new<T: Copy + Default + Send + 'static>(
        capacity: usize,
    ) -> (Self::Producer<T>, Self::Consumer<T>) {
        ringscope_prev::RingBuffer::new(capacity)
    }
    #[inline]
    fn push_slice<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, s: &[T]) -> usize {
        p.push_slice(s)
    }
    #[inline]
    fn pop_slice<T: Copy + Default + Send + 'static>(
        c: &mut Self::Consumer<T>,
        s: &mut [T],
    ) -> usize {
        c.pop_slice(s)
    }
    #[inline]
    fn push<T: Copy + Default + Send + 'static>(p: &mut Self::Producer<T>, v: T) -> bool {
        p.push(v).is_ok()
    }
    #[inline]
    fn pop<T: Copy + Default + Send + 'static>(c: &mut Self::Consumer<T>) -> Option<T> {
        c.pop()
    }
}

const CAPACITY: usize = 16_384;
const ELEMENTS_PER_RUN: usize = 1 << 25;
const OPS_PER_RUN: usize = 1 << 22;

/// Allocates a spacer of a different size before every ring, and returns it (keep it alive
/// while the ring is): otherwise the allocator hands each contender the same memory on every
/// repetition, and a contender whose memory happens to sit badly in the caches (set conflicts,
/// 4K aliasing with the other buffers) stays unlucky for the whole run. Shifting the addresses
/// each time lets the medians average over placements.
fn spacer() -> Vec<u8> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0x2545_f491_4f6c_dd1d);
    // Relaxed: only the main thread draws spacers; the atomic just makes the static mutable.
    let mut x = STATE.load(Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    // 0 … 255 cache lines plus 0 … 31 pages.
    let bytes = (x % 256) as usize * 64 + ((x >> 8) % 32) as usize * 4096;
    black_box(vec![1u8; bytes + 1])
}

/// Keeps a thread's own state on cache lines of its own: otherwise one contender's `Consumer`
/// (moved into the spawned closure, on the heap) may share a line with the producer's source
/// buffer and pay for false sharing that has nothing to do with its design.
#[repr(align(128))]
struct Own<T>(T);

/// How many code placements every measured loop is compiled in (see [`shift_code`]).
const PLACEMENTS: usize = 4;

/// Moves the code that follows by `16 * SHIFT` bytes of NOPs, executed once per run.
///
/// Where a hot loop starts relative to the 64-byte fetch and µop-cache windows (and which
/// branch-predictor entries its jumps alias) decides ±10 % of these tight loops' speed, and it
/// is an accident of the build: the same source, rebuilt with `-C llvm-args=-align-loops=64`,
/// turned a 1.2× lead into a tie. So every measured loop exists in `PLACEMENTS` copies, each
/// shifted by another 16 bytes, and repetition `r` runs every contender's copy `r % PLACEMENTS`:
/// the medians then average over placements instead of freezing one contender's lucky or
/// unlucky one.
#[inline(always)]
fn shift_code<const SHIFT: usize>() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: only NOPs (one more than the shift, as `.nops` wants at least one byte).
    unsafe {
        std::arch::asm!(".nops {n}", n = const 16 * SHIFT + 1, options(nomem, nostack, preserves_flags));
    }
}

/// Two threads move `ELEMENTS_PER_RUN` f32 in chunks of `chunk`; returns elements per second.
fn two_threads<C: Contender, const SHIFT: usize>(chunk: usize) -> f64 {
    let _spacer = spacer();
    let (producer, consumer) = C::new::<f32>(CAPACITY);
    let start_line = Arc::new(Barrier::new(2));
    let consumer_start = start_line.clone();
    let reader = thread::spawn(move || {
        let mut consumer = Own(consumer);
        let mut dst = Box::new(Own([0.0_f32; 4096]));
        consumer_start.wait();
        shift_code::<SHIFT>();
        let mut received = 0;
        while received < ELEMENTS_PER_RUN {
            let n = C::pop_slice(&mut consumer.0, &mut dst.0[..chunk]);
            if n == 0 {
                spin_loop();
            }
            black_box(&dst);
            received += n;
        }
    });
    let mut producer = Own(producer);
    let src = Box::new(Own([1.0_f32; 4096]));
    let src = &src.0[..chunk];
    start_line.wait();
    shift_code::<SHIFT>();
    let start = Instant::now();
    let mut sent = 0;
    let mut offset = 0;
    while sent < ELEMENTS_PER_RUN {
        let n = C::push_slice(&mut producer.0, &src[offset..]);
        if n == 0 {
            spin_loop();
        }
        sent += n;
        offset += n;
        if offset == chunk {
            offset = 0;
        }
    }
    reader.join().unwrap();
    ELEMENTS_PER_RUN as f64 / start.elapsed().as_secs_f64()
}

/// One thread pushes a 512-element slice and pops it back; returns elements per second.
fn round_trip<C: Contender, const SHIFT: usize>() -> f64 {
    const CHUNK: usize = 512;
    let _spacer = spacer();
    let (mut producer, mut consumer) = C::new::<f32>(CAPACITY);
    let src = vec![1.0_f32; CHUNK];
    let mut dst = vec![0.0_f32; CHUNK];
    shift_code::<SHIFT>();
    let start = Instant::now();
    for _ in 0..ELEMENTS_PER_RUN / CHUNK {
        assert_eq!(C::push_slice(&mut producer, black_box(&src)), CHUNK);
        assert_eq!(C::pop_slice(&mut consumer, &mut dst), CHUNK);
        black_box(&dst);
    }
    ELEMENTS_PER_RUN as f64 / start.elapsed().as_secs_f64()
}

/// One thread pushes one element and pops it back; returns push+pop pairs per second.
fn single_element<C: Contender, const SHIFT: usize>() -> f64 {
    let _spacer = spacer();
    let (mut producer, mut consumer) = C::new::<f32>(CAPACITY);
    shift_code::<SHIFT>();
    let start = Instant::now();
    for i in 0..OPS_PER_RUN {
        assert!(C::push(&mut producer, black_box(i as f32)));
        black_box(C::pop(&mut consumer));
    }
    OPS_PER_RUN as f64 / start.elapsed().as_secs_f64()
}

/// The ceiling: one memcpy of the same bytes in the same chunk size; elements per second.
fn memcpy_ceiling(chunk: usize) -> f64 {
    let src = vec![1.0_f32; CAPACITY];
    let mut dst = vec![0.0_f32; CAPACITY];
    let runs = ELEMENTS_PER_RUN / chunk;
    let start = Instant::now();
    let mut offset = 0;
    for _ in 0..runs {
        dst[offset..offset + chunk].copy_from_slice(black_box(&src[offset..offset + chunk]));
        black_box(&dst);
        offset = (offset + chunk) % CAPACITY;
    }
    (runs * chunk) as f64 / start.elapsed().as_secs_f64()
}

/// The ceiling of a single-element push+pop: a 4-byte store and load through memory.
fn single_copy_ceiling() -> f64 {
    let mut slot = 0.0_f32;
    let start = Instant::now();
    for i in 0..OPS_PER_RUN {
        // SAFETY: `slot` is a valid, aligned local; volatile keeps the store and load in.
        unsafe {
            std::ptr::write_volatile(&mut slot, black_box(i as f32));
            black_box(std::ptr::read_volatile(&slot));
        }
    }
    OPS_PER_RUN as f64 / start.elapsed().as_secs_f64()
}

/// Ours, rtrb, ringbuf, rtrb's A/A control (and, built by `scripts/bench-against.sh`, the
/// previous ringscope).
#[cfg(not(ringscope_prev))]
const CONTENDERS: usize = 4;
#[cfg(not(ringscope_prev))]
const NAMES: [&str; CONTENDERS] = [Ours::NAME, Rtrb::NAME, Ringbuf::NAME, RtrbControl::NAME];
#[cfg(ringscope_prev)]
const CONTENDERS: usize = 5;
#[cfg(ringscope_prev)]
const NAMES: [&str; CONTENDERS] = [
    Ours::NAME,
    Rtrb::NAME,
    Ringbuf::NAME,
    RtrbControl::NAME,
    Prev::NAME,
];
/// Where the previous ringscope sits in `NAMES`, if it runs.
const PREV: Option<usize> = if CONTENDERS > 4 { Some(4) } else { None };

/// One measured loop of one contender, in each of its `PLACEMENTS` code placements.
type Placements = [fn() -> f64; PLACEMENTS];

/// `placements!(f::<C>(args))`: `f::<C, SHIFT>(args)` for every `SHIFT`.
macro_rules! placements {
    ($f:ident::<$c:ty>($($arg:expr),*)) => {
        [
            || $f::<$c, 0>($($arg),*),
            || $f::<$c, 1>($($arg),*),
            || $f::<$c, 2>($($arg),*),
            || $f::<$c, 3>($($arg),*),
        ]
    };
}

/// `contenders!(f(args))`: every contender's placements of `f(args)`, in `NAMES` order.
#[cfg(not(ringscope_prev))]
macro_rules! contenders {
    ($f:ident($($arg:expr),*)) => {
        [
            placements!($f::<Ours>($($arg),*)),
            placements!($f::<Rtrb>($($arg),*)),
            placements!($f::<Ringbuf>($($arg),*)),
            placements!($f::<RtrbControl>($($arg),*)),
        ]
    };
}
#[cfg(ringscope_prev)]
macro_rules! contenders {
    ($f:ident($($arg:expr),*)) => {
        [
            placements!($f::<Ours>($($arg),*)),
            placements!($f::<Rtrb>($($arg),*)),
            placements!($f::<Ringbuf>($($arg),*)),
            placements!($f::<RtrbControl>($($arg),*)),
            placements!($f::<Prev>($($arg),*)),
        ]
    };
}

struct Case {
    name: &'static str,
    unit: &'static str,
    /// In `NAMES` order.
    contenders: [Placements; CONTENDERS],
    ceiling: fn() -> f64,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "2 threads, f32 chunks of 64",
            unit: "Melem/s",
            contenders: contenders!(two_threads(64)),
            ceiling: || memcpy_ceiling(64),
        },
        Case {
            name: "2 threads, f32 chunks of 512",
            unit: "Melem/s",
            contenders: contenders!(two_threads(512)),
            ceiling: || memcpy_ceiling(512),
        },
        Case {
            name: "2 threads, f32 chunks of 4096",
            unit: "Melem/s",
            contenders: contenders!(two_threads(4096)),
            ceiling: || memcpy_ceiling(4096),
        },
        Case {
            name: "1 thread, push_slice+pop_slice of 512",
            unit: "Melem/s",
            contenders: contenders!(round_trip()),
            ceiling: || memcpy_ceiling(512),
        },
        Case {
            name: "1 thread, single-element push+pop",
            unit: "Mpairs/s",
            contenders: contenders!(single_element()),
            ceiling: single_copy_ceiling,
        },
    ]
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// "median (±half the interquartile range as % of the median)".
fn summary(samples: &[f64], scale: f64) -> (f64, String) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = quantile(&sorted, 0.5);
    let spread = (quantile(&sorted, 0.75) - quantile(&sorted, 0.25)) / 2.0 / median * 100.0;
    (median, format!("{:.0} (±{spread:.1} %)", median * scale))
}

/// A distribution-free 95 % confidence interval for the median of `sorted` (its order
/// statistics at ranks n/2 ∓ 0.98·√n, the normal approximation of the binomial): no assumption
/// about the shape of the noise, which on a shared VM is anything but normal.
fn median_interval(sorted: &[f64]) -> (f64, f64) {
    let n = sorted.len() as f64;
    let low = ((n - 1.96 * n.sqrt()) / 2.0).floor().max(0.0) as usize;
    let high = (sorted.len() - 1).saturating_sub(low);
    (sorted[low.min(high)], sorted[high])
}

/// The paired ratios `a[i] / b[i]`, sorted.
fn sorted_ratios(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut ratios: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
    ratios.sort_by(f64::total_cmp);
    ratios
}

/// "median (95 % CI low–high: verdict)" of the sorted paired ratios ours/other: `faster` or
/// `slower` only when the interval clears 1 by more than `resolution` (the A/A control's error),
/// else `tie`.
fn verdict_cell(ratios: &[f64], resolution: f64) -> String {
    let (low, high) = median_interval(ratios);
    let verdict = if low > 1.0 + resolution {
        "faster"
    } else if high < 1.0 - resolution {
        "slower"
    } else {
        "tie"
    };
    format!(
        "{:.2} (95 % CI {low:.2}–{high:.2}: {verdict})",
        quantile(ratios, 0.5)
    )
}

fn throughput_table(reps: usize, filter: Option<&str>) {
    let prev_column = if PREV.is_some() { " ours/prev |" } else { "" };
    println!(
        "| case | {} | memcpy ceiling | ours/best |{prev_column} A/A control/rtrb |",
        NAMES.join(" | ")
    );
    println!(
        "|---|{}",
        "---|".repeat(CONTENDERS + 3 + usize::from(PREV.is_some()))
    );
    for case in cases() {
        if filter.is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        // Warm-up: page in the buffers, spin up the clocks.
        for placements in &case.contenders {
            placements[0]();
        }
        let mut samples: [Vec<f64>; CONTENDERS] = Default::default();
        let mut ceiling = vec![];
        for rep in 0..reps {
            // The order rotates every repetition, the placement every `CONTENDERS`, so that
            // each contender meets each placement in every position of the order.
            let placement = (rep / CONTENDERS) % PLACEMENTS;
            let mut this_rep = [0.0; CONTENDERS];
            for k in 0..CONTENDERS {
                let contender = (rep + k) % CONTENDERS;
                this_rep[contender] = (case.contenders[contender][placement])();
            }
            ceiling.push((case.ceiling)());
            for (samples, value) in samples.iter_mut().zip(this_rep) {
                samples.push(value);
            }
        }
        if std::env::var_os("RINGSCOPE_BENCH_BY_PLACEMENT").is_some() {
            // The medians of each placement alone: how much the code's address decides.
            for (name, samples) in NAMES.iter().zip(&samples) {
                let medians: Vec<String> = (0..PLACEMENTS)
                    .map(|p| {
                        let of_p: Vec<f64> = (0..samples.len())
                            .filter(|rep| (rep / CONTENDERS) % PLACEMENTS == p)
                            .map(|rep| samples[rep])
                            .collect();
                        format!("{:.0}", summary(&of_p, 1e-6).0 * 1e-6)
                    })
                    .collect();
                eprintln!(
                    "{}, {name}, by placement: {}",
                    case.name,
                    medians.join(" / ")
                );
            }
        }
        let cells: Vec<String> = samples.iter().map(|s| summary(s, 1e-6).1).collect();
        // The best other crate is the one with the higher median; the ratio is paired, ours
        // over it in the same repetition. (Dividing by the larger of the two others in each
        // repetition would be biased: the maximum of two noisy samples overstates either.)
        let best = if summary(&samples[1], 1.0).0 >= summary(&samples[2], 1.0).0 {
            1
        } else {
            2
        };
        let ours = sorted_ratios(&samples[0], &samples[best]);
        let control = sorted_ratios(&samples[3], &samples[1]);
        let (control_low, control_high) = median_interval(&control);
        // A difference counts only beyond both the noise (the interval) and the harness's own
        // error, which the A/A control measures: identical code read as this far from 1.
        let resolution = (quantile(&control, 0.5) - 1.0).abs();
        let against_prev = PREV.map_or(String::new(), |prev| {
            let ratios = sorted_ratios(&samples[0], &samples[prev]);
            format!(" {} |", verdict_cell(&ratios, resolution))
        });
        println!(
            "| {} ({}) | {} | {} | {} |{against_prev} {:.2} ({:.2}–{:.2}) |",
            case.name,
            case.unit,
            cells.join(" | "),
            summary(&ceiling, 1e-6).1,
            verdict_cell(&ours, resolution),
            quantile(&control, 0.5),
            control_low,
            control_high,
        );
    }
}

/// Times every `push_slice` of a 512-frame stereo block while a consumer drains, paced like an
/// audio callback (one block per `PERIOD`); returns the durations and how many pushes were cut
/// short by a full ring (a short push does less work, so the count is reported beside the times).
fn push_latencies<C: Contender>(blocks: usize) -> (Vec<Duration>, usize) {
    const FRAMES: usize = 512;
    const PERIOD: Duration = Duration::from_micros(20);
    let _spacer = spacer();
    let (mut producer, mut consumer) = C::new::<[f32; 2]>(16 * FRAMES);
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader_done = done.clone();
    let reader = thread::spawn(move || {
        let mut dst = vec![[0.0_f32; 2]; 4 * FRAMES];
        // Relaxed: a stop flag; the join below orders everything else.
        while !reader_done.load(std::sync::atomic::Ordering::Relaxed) {
            if C::pop_slice(&mut consumer, &mut dst) == 0 {
                spin_loop();
            }
            black_box(&dst);
        }
    });
    let block = vec![[0.5_f32, -0.5]; FRAMES];
    let mut times = Vec::with_capacity(blocks);
    let mut short = 0;
    let mut next = Instant::now();
    for _ in 0..blocks {
        while Instant::now() < next {
            spin_loop();
        }
        next += PERIOD;
        let start = Instant::now();
        let written = C::push_slice(&mut producer, black_box(&block));
        times.push(start.elapsed());
        short += usize::from(written < FRAMES);
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    reader.join().unwrap();
    (times, short)
}

fn latency_table(reps: usize) {
    const BLOCKS: usize = 5_000;
    // Every contender but the A/A control, which adds nothing here.
    let names: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|&n| n != RtrbControl::NAME)
        .collect();
    let count = names.len();
    let mut all = vec![vec![]; count];
    let mut p999_per_rep = vec![vec![]; count];
    let mut short = vec![0; count];
    for rep in 0..reps {
        for k in 0..count {
            let contender = (rep + k) % count;
            let (mut times, cut) = match contender {
                0 => push_latencies::<Ours>(BLOCKS),
                1 => push_latencies::<Rtrb>(BLOCKS),
                2 => push_latencies::<Ringbuf>(BLOCKS),
                #[cfg(ringscope_prev)]
                3 => push_latencies::<Prev>(BLOCKS),
                _ => unreachable!("{count} contenders"),
            };
            times.sort();
            p999_per_rep[contender].push(times[(times.len() - 1) * 999 / 1000]);
            all[contender].extend(times);
            short[contender] += cut;
        }
    }
    println!();
    println!(
        "Producer time per `push_slice` of a 512-frame stereo block ([f32; 2]) while a consumer \
         drains, {reps} × {BLOCKS} blocks each, paced every 20 µs (ns; the p99.9 range is over \
         the {reps} repetitions; short pushes found the ring full):"
    );
    println!();
    println!("| crate | median | p99 | p99.9 | p99.9 range | max | short pushes |");
    println!("|---|---|---|---|---|---|---|");
    for (i, times) in all.iter_mut().enumerate() {
        times.sort();
        p999_per_rep[i].sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_nanos();
        println!(
            "| {} | {} | {} | {} | {}–{} | {} | {} |",
            names[i],
            at(0.5),
            at(0.99),
            at(0.999),
            p999_per_rep[i][0].as_nanos(),
            p999_per_rep[i].last().unwrap().as_nanos(),
            times.last().unwrap().as_nanos(),
            short[i],
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this with no flag: keep that quick.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let reps = std::env::var("RINGSCOPE_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benchmarking { 64 } else { 1 });
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    println!(
        "ring buffer throughput, medians of {reps} interleaved repetitions (±half the IQR); \
         {cpu}, {} threads available\n",
        thread::available_parallelism().map_or(0, |n| n.get())
    );
    // `cargo bench --bench ring -- <text>` runs only the cases whose name contains <text>.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    throughput_table(reps, filter.as_deref());
    if filter.is_none() {
        latency_table(reps.min(10));
    }
}
