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
//! # Coming from `pa_ringbuffer` or `ringbuf`
//!
//! Every call of PortAudio's `pa_ringbuffer` (its Python wrapper) and of `ringbuf` (boost's
//! `spsc_queue` for Python) has a counterpart here:
//!
//! | Seed | Call | `ringscope` |
//! |---|---|---|
//! | `pa_ringbuffer` | `RingBuffer(elementsize, size)`, size a power of two | [`RingBuffer::<T>::new(capacity)`](RingBuffer::new): any `Copy` element type, any capacity ≥ 1, every slot usable |
//! | `pa_ringbuffer` | `RingBuffer(elementsize, buffer=…)` on memory the caller provides | not offered: the ring owns its memory, so the last end to drop frees it and neither side can outlive it; [`RingBuffer::new`] is its one allocation |
//! | `pa_ringbuffer` | `elementsize`, `size` | `size_of::<T>()`, [`Producer::capacity`] / [`Consumer::capacity`] |
//! | `pa_ringbuffer` | `write_available`, `read_available` | [`Producer::write_available`], [`Consumer::read_available`] |
//! | `pa_ringbuffer` | `write(data, size)` → count | [`Producer::push_slice`] → count |
//! | `pa_ringbuffer` | `read(size)` → data, `readinto(data)` → count | [`Consumer::pop_slice`] into a buffer the caller owns → count |
//! | `pa_ringbuffer` | `read()` with no size: everything readable | [`Consumer::read_chunk`]`(usize::MAX)`, in place |
//! | `pa_ringbuffer` | `get_write_buffers(size)` → (count, buf1, buf2), `advance_write_index(n)` | [`Producer::write_chunk`] → [`WriteChunk::as_mut_slices`], [`WriteChunk::commit`]; without a `Default` or an initial fill: [`Producer::write_chunk_uninit`] |
//! | `pa_ringbuffer` | `get_read_buffers(size)` → (count, buf1, buf2), `advance_read_index(n)` | [`Consumer::read_chunk`] → [`ReadChunk::as_slices`], [`ReadChunk::commit`] |
//! | `pa_ringbuffer` | the new index that `advance_*_index` returns | [`Counters::written`] / [`Counters::read`] from `counters()` on either side: 64-bit totals that never wrap back |
//! | `pa_ringbuffer` | `flush()`, only while neither side runs | [`Consumer::clear`], safe while the producer writes |
//! | `pa_ringbuffer` | `cdef()`, `init(ffi, lib)`: the ring shared with C code through CFFI | an `extern "C"` callback given the [`Producer`] as its `void *` (below) |
//! | `ringbuf` | `RingBuffer(format, capacity)` | [`RingBuffer::<T>::new(capacity)`](RingBuffer::new) |
//! | `ringbuf` | `push(data)` → the part that did not fit, or `None` | [`Producer::push_slice`] → `n`; the overflow is `&data[n..]`. One element: [`Producer::push`] → `Err(value)` |
//! | `ringbuf` | `pop(n)` → what there is | [`Consumer::pop_slice`] on `&mut dst[..n]` → what there is; one element: [`Consumer::pop`] |
//! | `ringbuf` | `reset()` | [`Consumer::clear`] |
//! | `ringbuf` | `capacity` | [`Producer::capacity`] / [`Consumer::capacity`] |
//! | `ringbuf` | `queue_void_ptr()`, C code pushes from its callback | the same: the `Producer` as the callback's `void *` (below); in Rust, move the [`Producer`] into the callback, it is `Send` |
//! | `ringbuf` | `concatenate(a, b, …)` for buffer-protocol objects | a Python helper, not a ring operation: push each slice in turn with [`Producer::push_slice`] |
//! | neither | | [`Consumer::peek`], [`Consumer::skip`], [`Producer::is_abandoned`] / [`Consumer::is_abandoned`], [`Counters`] (sample clock and overrun total on both sides), [`Producer::record_dropped`] / [`WriteChunk::record_dropped`], [`snapshot`] ("latest N") |
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
//! `Acquire` when it is about to touch slots on the strength of it (only when its cached copy
//! shows too little room or data); `skip` and `clear`, which touch no slot, load it `Relaxed`
//! and keep it out of the cache. Every ordering in the code carries a comment saying why nothing
//! weaker is correct. The loom models in `tests/loom.rs` check the concurrent operation pairs
//! they list under loom's approximation of the C11 memory model, with every slot access
//! mirrored on a loom cell so that a data race fails the model.
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod analysis;
mod ring;
pub mod snapshot;
mod sync;

/// The README's code, compiled and run as a doc test so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use ring::bytes;
pub use ring::{Consumer, Counters, Producer, ReadChunk, RingBuffer, WriteChunk, WriteChunkUninit};
