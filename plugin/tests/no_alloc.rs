//! The audio path never allocates or frees memory, while a second thread drains the tap like the
//! editor does.
//!
//! Debug builds: nice-plug's `assert_process_allocs` installs an allocator that aborts on any
//! (de)allocation inside `assert_no_alloc` — the same guard its CLAP/VST3 wrappers put around
//! `process()` (and the same reason this binary cannot install its own allocator). Release
//! builds, where that guard is compiled out: a counting global allocator.
//! `the_guard_catches_an_allocation` proves in a child process that the guard fires.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nice_plug::params::InternalParamMut;
use nice_plug::prelude::Plugin;
use ringscope_plugin::Ringscope;
use ringscope_plugin::harness::{activate, buffer_over, process, process_with_sidechain};
use ringscope_plugin::params::TestSignalKind;
use ringscope_plugin::tap::Demand;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Set only while the audio-path code runs (release builds).
    static WATCHING: Cell<bool> = const { Cell::new(false) };
}

#[cfg(not(debug_assertions))]
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;
    use std::sync::atomic::Ordering;

    struct CountingAllocator;

    fn count() {
        if super::WATCHING.with(Cell::get) {
            super::ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
    }

    // SAFETY: forwards to the system allocator; only adds a counter.
    unsafe impl GlobalAlloc for CountingAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            count();
            // SAFETY: our caller keeps `alloc`'s contract for `layout`, which is `System`'s too.
            unsafe { System.alloc(layout) }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            count();
            // SAFETY: as in `alloc`.
            unsafe { System.alloc_zeroed(layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            count();
            // SAFETY: our caller keeps `realloc`'s contract: `ptr` came from this allocator, that
            // is from `System`, with `layout`.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            count();
            // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static GLOBAL: CountingAllocator = CountingAllocator;
}

/// Runs `f` as audio-thread code: aborts (debug) or counts (release) on any allocation.
fn audio_thread<T>(f: impl FnOnce() -> T) -> T {
    WATCHING.with(|w| w.set(true));
    let result = nice_assert_no_alloc::assert_no_alloc(f);
    WATCHING.with(|w| w.set(false));
    result
}

#[test]
fn process_never_allocates() {
    let mut plugin = Ringscope::default();
    let shared = plugin.editor_shared();
    let mut ctx = activate(&mut plugin, 2, 48_000.0, 512);

    // The editor's side: drain continuously on another thread.
    let stop = Arc::new(AtomicBool::new(false));
    let drainer = {
        let stop = stop.clone();
        let shared = shared.clone();
        std::thread::spawn(move || {
            let mut frames = 0usize;
            loop {
                // One more drain after the stop flag, so nothing written is left unread.
                let stopping = stop.load(Ordering::Acquire);
                shared.with_reader(|r, _| frames += r.read_blocks(usize::MAX, |_, _, _| {}));
                if stopping {
                    break frames;
                }
                std::thread::yield_now();
            }
        })
    };

    let sizes = [0usize, 1, 64, 512, 4096, 30_000];
    let mut storage: Vec<Vec<Vec<f32>>> = sizes
        .iter()
        .map(|&n| {
            (0..2)
                .map(|c| (0..n).map(|i| ((i + c) as f32 * 0.01).sin()).collect())
                .collect()
        })
        .collect();
    let kinds = [
        TestSignalKind::Off,
        TestSignalKind::Sine,
        TestSignalKind::LogSweep,
        TestSignalKind::WhiteNoise,
        TestSignalKind::PinkNoise,
        TestSignalKind::TwoTone,
    ];
    let params = shared.params.clone();
    let mut calls = 0;
    // Silence too: a resting tap scans it and writes nothing.
    storage.push(vec![vec![0.0f32; 512]; 2]);
    // Bypassed last: the same blocks, with every demand and test signal, do no work.
    for (demand, bypassed) in [Demand::Off, Demand::Stream, Demand::Rest, Demand::Stream]
        .into_iter()
        .flat_map(|demand| [(demand, false), (demand, true)])
    {
        // SAFETY: as below.
        unsafe { params.bypass._internal_set_plain_value(bypassed) };
        for kind in kinds {
            // SAFETY: the parameter is only read by `process()`, on this same thread.
            unsafe { params.test_signal._internal_set_plain_value(kind) };
            for block in storage.iter_mut() {
                // Rest wakes (calling the editor's repaint waker) at the first block with signal.
                shared.set_editor_demand(demand);
                let mut buffer = buffer_over(block);
                audio_thread(|| process(&mut plugin, &mut buffer, &mut ctx));
                audio_thread(|| plugin.reset());
                calls += 1;
            }
        }
    }
    stop.store(true, Ordering::Release);
    let drained = drainer.join().unwrap();
    assert_eq!(calls, 8 * kinds.len() * (sizes.len() + 1));
    assert!(drained > 0, "the drainer saw the frames");
    assert_eq!(
        ALLOCATIONS.load(Ordering::Relaxed),
        0,
        "process() allocated"
    );
}

/// With another instance's editor subscribed, `process()` publishes every block into the
/// instance's comparing ring (see `ringscope_plugin::compare`): still no allocation, while
/// that editor reads concurrently.
#[test]
fn publishing_to_a_subscriber_never_allocates() {
    use ringscope_plugin::compare::instances;

    let mut plugin = Ringscope::default();
    let shared = plugin.editor_shared();
    let mut ctx = activate(&mut plugin, 2, 48_000.0, 512);
    let own = shared.params.compare.own_id();
    let entry = instances().into_iter().find(|e| e.id() == own).unwrap();
    let subscription = entry.subscribe();
    let (frames, _) = entry.frames().expect("activated");
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut window = vec![[0.0f32; 2]; 8192];
            let mut reads = 0usize;
            while !stop.load(Ordering::Acquire) {
                if frames.read_latest(&mut window).is_ok_and(|w| w.len > 0) {
                    reads += 1;
                }
                std::thread::yield_now();
            }
            reads
        })
    };
    let position = || entry.frames().unwrap().0.position();
    let before = position();
    // Longer than announced too (30 000 > 512: published in parts), and mono.
    let mut written = 0;
    for channels in [2usize, 1] {
        for n in [0usize, 1, 64, 512, 4096, 30_000] {
            let mut block: Vec<Vec<f32>> = (0..channels)
                .map(|c| (0..n).map(|i| ((i + c) as f32 * 0.01).sin()).collect())
                .collect();
            for demand in [Demand::Off, Demand::Stream] {
                shared.set_editor_demand(demand);
                let mut buffer = buffer_over(&mut block);
                audio_thread(|| process(&mut plugin, &mut buffer, &mut ctx));
                written += n as u64;
            }
        }
    }
    stop.store(true, Ordering::Release);
    assert!(reader.join().unwrap() > 0, "the subscriber read frames");
    assert_eq!(position() - before, written, "every frame was published");
    drop(subscription);
    assert_eq!(
        ALLOCATIONS.load(Ordering::Relaxed),
        0,
        "process() allocated"
    );
}

/// With the sidechain bus connected and this instance's editor overlaying it (and another
/// editor overlaying the instance), `process()` publishes both every block: still no
/// allocation, with mono, empty and over-long blocks, and with the bus unconnected between.
#[test]
fn publishing_the_sidechain_never_allocates() {
    use ringscope_plugin::compare::instances;

    let mut plugin = Ringscope::default();
    let shared = plugin.editor_shared();
    let mut ctx = activate(&mut plugin, 2, 48_000.0, 512);
    let own = shared.params.compare.own_id();
    let entry = instances().into_iter().find(|e| e.id() == own).unwrap();
    let sidechain = shared.params.compare.sidechain().unwrap().clone();
    let subscriptions = (entry.subscribe(), sidechain.subscribe());
    let position = || sidechain.frames().unwrap().0.position();
    let before = position();
    let mut written = 0;
    for channels in [2usize, 1] {
        for n in [0usize, 1, 64, 512, 4096, 30_000] {
            let mut main: Vec<Vec<f32>> = (0..channels)
                .map(|c| (0..n).map(|i| ((i + c) as f32 * 0.01).sin()).collect())
                .collect();
            let mut side: Vec<Vec<f32>> = (0..2)
                .map(|c| (0..n).map(|i| ((i + c) as f32 * 0.03).cos()).collect())
                .collect();
            for demand in [Demand::Off, Demand::Stream] {
                shared.set_editor_demand(demand);
                let mut buffer = buffer_over(&mut main);
                let mut aux = [buffer_over(&mut side)];
                audio_thread(|| {
                    process_with_sidechain(&mut plugin, &mut buffer, &mut aux, &mut ctx)
                });
                written += n as u64;
                // The host gives no sidechain buffer this time.
                let mut buffer = buffer_over(&mut main);
                audio_thread(|| process(&mut plugin, &mut buffer, &mut ctx));
            }
        }
    }
    assert_eq!(
        position() - before,
        written,
        "every sidechain frame was published"
    );
    drop(subscriptions);
    assert_eq!(
        ALLOCATIONS.load(Ordering::Relaxed),
        0,
        "process() allocated"
    );
}

/// Run only as a child of `the_guard_catches_an_allocation`: must die or fail.
#[test]
#[ignore = "run by the_guard_catches_an_allocation in a child process"]
fn guard_probe() {
    let v = audio_thread(|| Vec::<u8>::with_capacity(64));
    drop(v);
    assert_eq!(ALLOCATIONS.load(Ordering::Relaxed), 0, "allocation counted");
}

#[test]
fn the_guard_catches_an_allocation() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "guard_probe", "--ignored", "--test-threads=1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success(),
        "an allocation inside the guard went unnoticed"
    );
    // Failed for the right reason: the allocation, not e.g. a missing test.
    let expected = if cfg!(debug_assertions) {
        "memory allocation of 64 bytes failed"
    } else {
        "allocation counted"
    };
    assert!(
        stderr.contains(expected) || stdout.contains(expected),
        "child failed otherwise:\n{stdout}\n{stderr}"
    );
}
