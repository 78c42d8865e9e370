//! Ringscope's core: a wait-free single-producer single-consumer ring buffer for real-time
//! audio, and the analysis engine (oscilloscope, spectrum analyzer, meters) behind the Ringscope
//! plugin's display.
//!
//! # The ring buffer
//!
//! [`RingBuffer::new`] allocates a fixed-capacity FIFO of `Copy` elements and returns its two
//! ends: a [`Producer`] for the thread that writes (in Ringscope, the audio thread) and a
//! [`Consumer`] for the thread that reads (the editor). After `new`, no call allocates, locks,
//! makes a system call or loops without bound: both sides are wait-free.
//!
//! ```
//! use ringscope::RingBuffer;
//!
//! // Room for 100 ms of stereo frames at 48 kHz: any capacity works, not just powers of two.
//! let (mut producer, mut consumer) = RingBuffer::<[f32; 2]>::new(4_800);
//!
//! // Audio thread: one push per block; what does not fit is dropped and counted.
//! let block = [[0.5, -0.5]; 512];
//! assert_eq!(producer.push_slice(&block), 512);
//!
//! // Editor thread: take what there is, in place, without copying.
//! let chunk = consumer.read_chunk(usize::MAX);
//! let (first, second) = chunk.as_slices();
//! let peak = first.iter().chain(second).map(|f| f[0].abs()).fold(0.0, f32::max);
//! chunk.commit_all();
//! assert_eq!(peak, 0.5);
//!
//! // Both sides see the same sample clock and overrun count.
//! let counters = consumer.counters();
//! assert_eq!((counters.written, counters.read, counters.dropped), (512, 512, 0));
//! ```
//!
//! For a display that only ever wants the newest window, and may share it between several
//! readers, see [`snapshot`]: there the writer overwrites instead of refusing.
//!
//! For elements whose size is known only at run time (a Python `format=`, an `elementsize`, a C
//! handle), [`bytes`] is the same ring with elements of `n` bytes, `n` chosen at construction.
//!
//! # Coming from `ringbuf` or `pa_ringbuffer`
//!
//! Every call of the two Python packages this ring succeeds, `ringbuf` (boost's `spsc_queue`
//! through Cython) and `pa_ringbuffer` (a CFFI wrapper of PortAudio's ring buffer), has a
//! counterpart here: the table is in [`migrating`] (`docs/migrating.md` in the repository).
//!
//! ## From a C callback
//!
//! Both seeds exist to carry samples out of an audio callback that a C library calls. In Rust
//! that callback is an `extern "C" fn`, and the library hands it back a `void *` registered
//! with it: make that the [`Producer`]. The callback then pushes with no lock, no allocation
//! and no cast of the ring's element type.
//!
//! ```
//! use std::ffi::c_void;
//! use ringscope::{Producer, RingBuffer};
//!
//! /// The C library's callback type: `int (*)(void *user_data, const float *in, size_t n)`.
//! type Callback = extern "C" fn(*mut c_void, *const f32, usize) -> i32;
//!
//! extern "C" fn callback(user_data: *mut c_void, input: *const f32, frames: usize) -> i32 {
//!     // SAFETY: `user_data` is the `Producer<f32>` registered below, which outlives the stream
//!     // and which only this callback uses; the library passes `frames` valid samples.
//!     let (producer, block) = unsafe {
//!         (&mut *user_data.cast::<Producer<f32>>(), std::slice::from_raw_parts(input, frames))
//!     };
//!     producer.push_slice(block); // what does not fit is counted as dropped
//!     0
//! }
//!
//! /// A stand-in for the C library: it calls `callback` once per block (a real one from its
//! /// own audio thread).
//! fn run_stream(callback: Callback, user_data: *mut c_void) {
//!     let block = [0.5_f32; 64];
//!     for _ in 0..3 {
//!         callback(user_data, block.as_ptr(), block.len());
//!     }
//! }
//!
//! let (mut producer, mut consumer) = RingBuffer::<f32>::new(1024);
//! run_stream(callback, (&raw mut producer).cast());
//! assert_eq!(consumer.read_available(), 192);
//! assert_eq!(consumer.pop(), Some(0.5));
//! ```
//!
//! # Memory orderings
//!
//! Each side stores only its own position, with `Release`, and loads the other side's with
//! `Acquire` only when its cached copy shows too little room or data; every ordering is the
//! weakest correct one, with a comment saying why. The overview is beside the code, in
//! `src/ring/mod.rs`; the loom models in `tests/loom.rs` check every concurrent operation pair
//! of both rings, and `scripts/mutate-orderings.sh` shows each ordering is needed.
#![deny(missing_docs)]

pub mod analysis;
#[doc = include_str!("../docs/migrating.md")]
pub mod migrating {}
mod ring;
pub mod snapshot;
mod sync;

/// The README's code, compiled and run as a doc test so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use ring::bytes;
pub use ring::{Consumer, Counters, Producer, ReadChunk, RingBuffer, WriteChunk, WriteChunkUninit};
