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
//! | `pa_ringbuffer` | `RingBuffer(elementsize, size)`, size a power of two | [`RingBuffer::<T>::new(capacity)`](RingBuffer::new): typed elements, any capacity ≥ 1, every slot usable |
//! | `pa_ringbuffer` | `elementsize`, `size` | `size_of::<T>()`, [`Producer::capacity`] / [`Consumer::capacity`] |
//! | `pa_ringbuffer` | `write_available`, `read_available` | [`Producer::write_available`], [`Consumer::read_available`] |
//! | `pa_ringbuffer` | `write(data, size)` → count | [`Producer::push_slice`] → count |
//! | `pa_ringbuffer` | `read(size)` → data, `readinto(data)` → count | [`Consumer::pop_slice`] into a buffer the caller owns → count |
//! | `pa_ringbuffer` | `get_write_buffers(size)` → (count, buf1, buf2), `advance_write_index(n)` | [`Producer::write_chunk`] → [`WriteChunk::as_mut_slices`], [`WriteChunk::commit`] |
//! | `pa_ringbuffer` | `get_read_buffers(size)` → (count, buf1, buf2), `advance_read_index(n)` | [`Consumer::read_chunk`] → [`ReadChunk::as_slices`], [`ReadChunk::commit`] |
//! | `pa_ringbuffer` | `flush()`, only while neither side runs | [`Consumer::clear`], safe while the producer writes |
//! | `ringbuf` | `RingBuffer(format, capacity)` | [`RingBuffer::<T>::new(capacity)`](RingBuffer::new) |
//! | `ringbuf` | `push(data)` → the part that did not fit, or `None` | [`Producer::push_slice`] → `n`; the overflow is `&data[n..]`. One element: [`Producer::push`] → `Err(value)` |
//! | `ringbuf` | `pop(n)` → what there is | [`Consumer::pop_slice`] on `&mut dst[..n]` → what there is; one element: [`Consumer::pop`] |
//! | `ringbuf` | `reset()` | [`Consumer::clear`] |
//! | `ringbuf` | `capacity` | [`Producer::capacity`] / [`Consumer::capacity`] |
//! | `ringbuf` | `queue_void_ptr()`, C code pushes from its callback | move the [`Producer`] into the callback: it is `Send`, and no GIL or pointer cast is involved |
//! | neither | | [`Consumer::peek`], [`Consumer::skip`], [`Producer::is_abandoned`] / [`Consumer::is_abandoned`], [`Counters`] (sample clock and overrun total on both sides), [`snapshot`] ("latest N") |
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

pub use ring::{Consumer, Counters, Producer, ReadChunk, RingBuffer, WriteChunk};
