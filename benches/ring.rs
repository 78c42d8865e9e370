//! `cargo bench --bench ring`: ringscope's FIFO against rtrb 0.4 and ringbuf 0.4, and a memcpy
//! ceiling, printed as Markdown tables.
//!
//! Criterion measures one function at a time; a shared, noisy 2-core machine needs the
//! contenders *interleaved* (each repetition runs every contender once, in rotating order) so
//! that a burst of background load hits them all alike. So this is a small custom harness: the
//! tables give medians of `RINGSCOPE_BENCH_REPS` (default 41) repetitions with their
//! interquartile spread, and `ours/best` is the median over repetitions of ours divided by the
//! best other crate (the one with the higher median) in the same repetition.

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

/// Two threads move `ELEMENTS_PER_RUN` f32 in chunks of `chunk`; returns elements per second.
fn two_threads<C: Contender>(chunk: usize) -> f64 {
    let _spacer = spacer();
    let (producer, consumer) = C::new::<f32>(CAPACITY);
    let start_line = Arc::new(Barrier::new(2));
    let consumer_start = start_line.clone();
    let reader = thread::spawn(move || {
        let mut consumer = Own(consumer);
        let mut dst = Box::new(Own([0.0_f32; 4096]));
        consumer_start.wait();
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
fn round_trip<C: Contender>() -> f64 {
    const CHUNK: usize = 512;
    let _spacer = spacer();
    let (mut producer, mut consumer) = C::new::<f32>(CAPACITY);
    let src = vec![1.0_f32; CHUNK];
    let mut dst = vec![0.0_f32; CHUNK];
    let start = Instant::now();
    for _ in 0..ELEMENTS_PER_RUN / CHUNK {
        assert_eq!(C::push_slice(&mut producer, black_box(&src)), CHUNK);
        assert_eq!(C::pop_slice(&mut consumer, &mut dst), CHUNK);
        black_box(&dst);
    }
    ELEMENTS_PER_RUN as f64 / start.elapsed().as_secs_f64()
}

/// One thread pushes one element and pops it back; returns push+pop pairs per second.
fn single_element<C: Contender>() -> f64 {
    let _spacer = spacer();
    let (mut producer, mut consumer) = C::new::<f32>(CAPACITY);
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

struct Case {
    name: &'static str,
    unit: &'static str,
    contenders: [fn() -> f64; 3],
    ceiling: fn() -> f64,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "2 threads, f32 chunks of 64",
            unit: "Melem/s",
            contenders: [
                || two_threads::<Ours>(64),
                || two_threads::<Rtrb>(64),
                || two_threads::<Ringbuf>(64),
            ],
            ceiling: || memcpy_ceiling(64),
        },
        Case {
            name: "2 threads, f32 chunks of 512",
            unit: "Melem/s",
            contenders: [
                || two_threads::<Ours>(512),
                || two_threads::<Rtrb>(512),
                || two_threads::<Ringbuf>(512),
            ],
            ceiling: || memcpy_ceiling(512),
        },
        Case {
            name: "2 threads, f32 chunks of 4096",
            unit: "Melem/s",
            contenders: [
                || two_threads::<Ours>(4096),
                || two_threads::<Rtrb>(4096),
                || two_threads::<Ringbuf>(4096),
            ],
            ceiling: || memcpy_ceiling(4096),
        },
        Case {
            name: "1 thread, push_slice+pop_slice of 512",
            unit: "Melem/s",
            contenders: [
                round_trip::<Ours>,
                round_trip::<Rtrb>,
                round_trip::<Ringbuf>,
            ],
            ceiling: || memcpy_ceiling(512),
        },
        Case {
            name: "1 thread, single-element push+pop",
            unit: "Mpairs/s",
            contenders: [
                single_element::<Ours>,
                single_element::<Rtrb>,
                single_element::<Ringbuf>,
            ],
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

fn throughput_table(reps: usize, filter: Option<&str>) {
    println!(
        "| case | {} | {} | {} | memcpy ceiling | ours/best |",
        Ours::NAME,
        Rtrb::NAME,
        Ringbuf::NAME
    );
    println!("|---|---|---|---|---|---|");
    for case in cases() {
        if filter.is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        // Warm-up: page in the buffers, spin up the clocks.
        for run in case.contenders {
            run();
        }
        let mut samples = [vec![], vec![], vec![]];
        let mut ceiling = vec![];
        for rep in 0..reps {
            let mut this_rep = [0.0; 3];
            for k in 0..3 {
                let contender = (rep + k) % 3;
                this_rep[contender] = (case.contenders[contender])();
            }
            ceiling.push((case.ceiling)());
            for (samples, value) in samples.iter_mut().zip(this_rep) {
                samples.push(value);
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
        let mut sorted: Vec<f64> = samples[0]
            .iter()
            .zip(&samples[best])
            .map(|(ours, other)| ours / other)
            .collect();
        sorted.sort_by(f64::total_cmp);
        println!(
            "| {} ({}) | {} | {} | {} | {} | {:.2} (p25 {:.2}, p75 {:.2}) |",
            case.name,
            case.unit,
            cells[0],
            cells[1],
            cells[2],
            summary(&ceiling, 1e-6).1,
            quantile(&sorted, 0.5),
            quantile(&sorted, 0.25),
            quantile(&sorted, 0.75),
        );
    }
}

/// Times every `push_slice` of a 512-frame stereo block while a consumer drains, paced like an
/// audio callback (one block per `PERIOD`), and returns the sorted durations.
fn push_latencies<C: Contender>(blocks: usize) -> Vec<Duration> {
    const FRAMES: usize = 512;
    const PERIOD: Duration = Duration::from_micros(20);
    let _spacer = spacer();
    let (mut producer, mut consumer) = C::new::<[f32; 2]>(16 * FRAMES);
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader_done = done.clone();
    let reader = thread::spawn(move || {
        let mut dst = vec![[0.0_f32; 2]; 4 * FRAMES];
        while !reader_done.load(std::sync::atomic::Ordering::Relaxed) {
            if C::pop_slice(&mut consumer, &mut dst) == 0 {
                spin_loop();
            }
            black_box(&dst);
        }
    });
    let block = vec![[0.5_f32, -0.5]; FRAMES];
    let mut times = Vec::with_capacity(blocks);
    let mut next = Instant::now();
    for _ in 0..blocks {
        while Instant::now() < next {
            spin_loop();
        }
        next += PERIOD;
        let start = Instant::now();
        black_box(C::push_slice(&mut producer, black_box(&block)));
        times.push(start.elapsed());
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    reader.join().unwrap();
    times
}

fn latency_table(reps: usize) {
    const BLOCKS: usize = 5_000;
    let mut all: [Vec<Duration>; 3] = [vec![], vec![], vec![]];
    for rep in 0..reps {
        for k in 0..3 {
            let contender = (rep + k) % 3;
            all[contender].extend(match contender {
                0 => push_latencies::<Ours>(BLOCKS),
                1 => push_latencies::<Rtrb>(BLOCKS),
                _ => push_latencies::<Ringbuf>(BLOCKS),
            });
        }
    }
    println!();
    println!(
        "Producer time per `push_slice` of a 512-frame stereo block ([f32; 2]) while a consumer \
         drains, {} blocks each, paced every 20 µs (ns):",
        reps * BLOCKS
    );
    println!();
    println!("| crate | median | p99 | p99.9 | max |");
    println!("|---|---|---|---|---|");
    for (name, times) in [Ours::NAME, Rtrb::NAME, Ringbuf::NAME].iter().zip(&mut all) {
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_nanos();
        println!(
            "| {name} | {} | {} | {} | {} |",
            at(0.5),
            at(0.99),
            at(0.999),
            times.last().unwrap().as_nanos()
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this with no flag: keep that quick.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let reps = std::env::var("RINGSCOPE_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benchmarking { 41 } else { 1 });
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
